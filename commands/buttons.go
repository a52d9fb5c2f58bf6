package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/store"
)

// Pressed is the outcome of a button press: what the presser alone sees,
// and what the pressed message becomes (nil: leave it).
type Pressed struct {
	Ephemeral *Reply
	Update    *Reply
	// Channel and TS locate the message to update when it is not the one
	// pressed (a comment form's submission updates its survey prompt).
	Channel, TS string
}

// Press handles a button on a reminder or a nudge. The value is never
// trusted: the action is checked against the store and the user's access
// as if it had been typed.
func (h *Handler) Press(ctx context.Context, req Request, action, value string) Pressed {
	if req.Loc == nil {
		req.Loc = h.defaultLoc()
	}
	eph := func(r Reply) Pressed { return Pressed{Ephemeral: &r} }
	if strings.HasPrefix(action, actionSurveyPrefix) {
		// Anyone in the survey's channel may answer, liaisons above all:
		// the store checks the press came from that channel.
		return h.pressSurvey(ctx, req, action, value)
	}
	if req.Role == RoleLiaison {
		return eph(Reply{Text: h.deniedText(req), Outcome: OutcomeDenied, Command: "button"})
	}
	switch action {
	case ActionDone, ActionSnoozeDay, ActionSnoozeWeek:
		return h.pressFollowUp(ctx, req, action, value)
	case ActionNudgeDone, ActionNudgeSnoozeD, ActionNudgeSnoozeWk:
		return h.pressNudge(ctx, req, action, value)
	}
	return eph(Reply{Text: "That button isn't one I know any more. Type the command instead; `help` lists them.", Outcome: OutcomeUserError, Command: "button"})
}

func (h *Handler) pressFollowUp(ctx context.Context, req Request, action, value string) Pressed {
	id, ok := store.ParseFollowUpID(value)
	if !ok {
		return Pressed{Ephemeral: &Reply{Text: "That button doesn't name a follow-up I know. Type `followups` to see yours, and `done F12` to close one.", Outcome: OutcomeUserError, Command: "button"}}
	}
	now := h.now()
	change, until, verb := store.ChangeDone, time.Time{}, ""
	switch action {
	case ActionSnoozeDay:
		change, until = store.ChangeSnooze, now.In(req.Loc).AddDate(0, 0, 1)
	case ActionSnoozeWeek:
		change, until = store.ChangeSnooze, now.In(req.Loc).AddDate(0, 0, 7)
	}
	f, err := h.store.ChangeFollowUp(ctx, req.Team, id, change, until, req.User, now)
	if err != nil {
		var fe *store.FollowUpError
		if errors.As(err, &fe) {
			// Already closed (perhaps from another device): say so, and
			// bring the message up to date.
			name := h.partnerName(ctx, req.Team, fe.FollowUp.Partner)
			upd := ReminderMessage(fe.FollowUp, name, req.Loc, statusLine(fe.FollowUp, req.Loc))
			return Pressed{Ephemeral: &Reply{Text: fmt.Sprintf("`F%d` is already %s.", id, fe.FollowUp.Status), Outcome: OutcomeUserError, Command: "button"}, Update: &upd}
		}
		r := h.fail(req, "button", h.followUpErr(id, err, req.Loc))
		return Pressed{Ephemeral: &r}
	}
	if change == store.ChangeSnooze {
		verb = fmt.Sprintf(":zzz: Snoozed by %s until %s", mention(req.User), showTime(f.Due, req.Loc))
	} else {
		verb = statusLine(f, req.Loc)
	}
	upd := ReminderMessage(f, h.partnerName(ctx, req.Team, f.Partner), req.Loc, verb)
	upd.Outcome, upd.Command = OutcomeOK, "button"
	return Pressed{Update: &upd}
}

// statusLine says who closed a follow-up and when.
func statusLine(f store.FollowUp, loc *time.Location) string {
	switch f.Status {
	case store.StatusDone:
		return fmt.Sprintf(":white_check_mark: Done by %s, %s", mention(f.DoneBy), showTime(f.DoneAt, loc))
	case store.StatusCancelled:
		return fmt.Sprintf(":heavy_multiplication_x: Cancelled by %s, %s", mention(f.DoneBy), showTime(f.DoneAt, loc))
	}
	return ""
}

func (h *Handler) partnerName(ctx context.Context, team, slug string) string {
	p, err := h.store.Partner(ctx, team, slug)
	if err != nil {
		return slug
	}
	return p.Name
}

func (h *Handler) pressNudge(ctx context.Context, req Request, action, value string) Pressed {
	p, err := h.store.Partner(ctx, req.Team, value)
	if err != nil {
		r := Reply{Text: "I can't find that partner any more; it may have been erased. Type `partner list overdue` to see who needs a nudge.", Outcome: OutcomeUserError, Command: "button"}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			r = h.fail(req, "button", err)
		}
		return Pressed{Ephemeral: &r}
	}
	now := h.now()
	until := now.In(req.Loc).AddDate(0, 0, 1)
	switch action {
	case ActionNudgeSnoozeWk:
		until = now.In(req.Loc).AddDate(0, 0, 7)
	case ActionNudgeDone:
		// "I'm on it": no nudge for this partner for a whole cadence.
		until = now.In(req.Loc).AddDate(0, 0, p.Cadence)
	}
	if err := h.store.UpdatePartner(ctx, req.Team, p.Slug, store.PartnerChange{NudgeQuietUntil: &until}, req.User, now); err != nil {
		r := h.fail(req, "button", err)
		return Pressed{Ephemeral: &r}
	}
	upd, err := h.NudgeFor(ctx, req.Team, req.User, now, req.Loc, true)
	if err != nil {
		r := h.fail(req, "button", err)
		return Pressed{Ephemeral: &r}
	}
	upd.Outcome, upd.Command = OutcomeOK, "button"
	return Pressed{Update: &upd}
}

// Overdue returns the partners that need a nudge at now: active (not
// archived, paused or ended) and past their cadence. withQuiet keeps those
// whose nudges are snoozed.
func Overdue(ps []store.Partner, now time.Time, withQuiet bool) []store.Partner {
	var out []store.Partner
	for _, p := range ps {
		if p.Archived || p.Health(now).State != store.HealthOverdue {
			continue
		}
		if !withQuiet && p.NudgeQuietUntil.After(now) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// NudgeFor builds owner's nudge from the store as it is now.
func (h *Handler) NudgeFor(ctx context.Context, team, owner string, now time.Time, loc *time.Location, withQuiet bool) (Reply, error) {
	all, err := h.store.ListPartners(ctx, team)
	if err != nil {
		return Reply{}, err
	}
	return NudgeForOwner(all, owner, now, loc, withQuiet), nil
}

// NudgeForOwner is owner's nudge about their partners among all.
func NudgeForOwner(all []store.Partner, owner string, now time.Time, loc *time.Location, withQuiet bool) Reply {
	var mine []store.Partner
	for _, p := range Overdue(all, now, withQuiet) {
		if p.Owner == owner {
			mine = append(mine, p)
		}
	}
	return NudgeMessage(mine, now, loc)
}
