package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// Pressed is the outcome of a button press: what the presser alone sees,
// and what the pressed message becomes (nil: leave it).
type Pressed struct {
	Ephemeral *message.Reply
	Update    *message.Reply
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
	eph := func(r message.Reply) Pressed { return Pressed{Ephemeral: &r} }
	if strings.HasPrefix(action, message.ActionSurveyPrefix) {
		// Anyone in the survey's channel may answer, liaisons above all:
		// the store checks the press came from that channel.
		return h.pressSurvey(ctx, req, action, value)
	}
	if action == ActionActFor {
		return h.pressActFor(ctx, req, value)
	}
	if action == ActionConfirm {
		return h.pressConfirm(ctx, req, value)
	}
	if req.Role == RoleLiaison {
		return eph(message.Reply{Text: h.deniedText(req), Outcome: message.OutcomeDenied, Command: "button"})
	}
	switch action {
	case message.ActionDone, message.ActionSnoozeDay, message.ActionSnoozeWeek:
		return h.pressFollowUp(ctx, req, action, value)
	case message.ActionNudgeDone, message.ActionNudgeSnoozeD, message.ActionNudgeSnoozeWk:
		return h.pressNudge(ctx, req, action, value)
	case message.ActionFollowUpSurvey:
		return h.pressFollowUpSurvey(ctx, req, value)
	case message.ActionReportPDF:
		return h.pressReportPDF(ctx, req, value)
	}
	return eph(message.Reply{Text: "That button isn't one I know any more. Type the command instead; `help` lists them.", Outcome: message.OutcomeUserError, Command: "button"})
}

// ActionConfirm is the button under a question to confirm a command (a
// contact dated more than a year back). Its value is the command line
// with `confirm`; pressed, it runs as if the presser had typed it, with
// every check a typed command has.
const ActionConfirm = "confirm"

// maxButtonValue is the most a button's value holds (Block Kit's button
// element: 2,000 characters).
const maxButtonValue = 2000

// confirmable are the commands whose question ActionConfirm answers.
var confirmable = []string{"log", "contact edit"}

// pressConfirm runs the confirmed command of an ActionConfirm button. The
// message asking is replaced by the outcome, so its button is gone once
// pressed; a refusal is shown beside it.
func (h *Handler) pressConfirm(ctx context.Context, req Request, value string) Pressed {
	toks, err := Tokenize(value)
	var c *command
	if err == nil {
		c, _ = h.table.lookup(toks)
	}
	if c == nil || !slices.Contains(confirmable, c.name) {
		return Pressed{Ephemeral: &message.Reply{Text: "That button isn't one I know any more. Type the command instead; `help` lists them.", Outcome: message.OutcomeUserError, Command: "button"}}
	}
	req.Text = value
	r := h.Handle(ctx, req)
	if r.Outcome != message.OutcomeOK || len(r.Choices) > 0 {
		return Pressed{Ephemeral: &r}
	}
	return Pressed{Update: &r}
}

func (h *Handler) pressFollowUp(ctx context.Context, req Request, action, value string) Pressed {
	id, ok := domain.ParseFollowUpID(value)
	if !ok {
		return Pressed{Ephemeral: &message.Reply{Text: "That button doesn't name a follow-up I know. Type `followups` to see yours, and `done F12` to close one.", Outcome: message.OutcomeUserError, Command: "button"}}
	}
	now := h.now()
	change, until, verb := domain.ChangeDone, time.Time{}, ""
	if action == message.ActionSnoozeDay || action == message.ActionSnoozeWeek {
		// Like a typed `snooze F12 1d`: from the due time while it is ahead.
		cur, err := h.store.FollowUp(ctx, req.Team, id)
		if err != nil {
			r := h.fail(req, "button", h.followUpErr(id, err, now, req.Loc))
			return Pressed{Ephemeral: &r}
		}
		days := map[string]int{message.ActionSnoozeDay: 1, message.ActionSnoozeWeek: 7}[action]
		change, until = domain.ChangeSnooze, SnoozeBase(cur, now).In(req.Loc).AddDate(0, 0, days)
	}
	f, err := h.store.ChangeFollowUp(ctx, req.Team, id, change, until, req.User, now)
	if err != nil {
		var fe *store.FollowUpError
		if errors.As(err, &fe) && !errors.Is(err, store.ErrNotLater) {
			// Already closed (perhaps from another device): say so, and
			// bring the message up to date.
			name := h.partnerName(ctx, req.Team, fe.FollowUp.Partner)
			upd := message.Reminder(fe.FollowUp, name, now, req.Loc, message.FollowUpStatus(fe.FollowUp, now, req.Loc))
			return Pressed{Ephemeral: &message.Reply{Text: fmt.Sprintf("`F%d` is already %s.", id, fe.FollowUp.Status), Outcome: message.OutcomeUserError, Command: "button"}, Update: &upd}
		}
		r := h.fail(req, "button", h.followUpErr(id, err, now, req.Loc))
		return Pressed{Ephemeral: &r}
	}
	if change == domain.ChangeSnooze {
		verb = fmt.Sprintf(":zzz: Snoozed by %s until %s", message.Mention(req.User), message.Time(f.Due, now, req.Loc))
	} else {
		verb = message.FollowUpStatus(f, now, req.Loc)
		if next := h.nextOccurrence(ctx, &req, f); next != "" {
			verb += "\n" + next
		}
	}
	name := h.partnerName(ctx, req.Team, f.Partner)
	upd := message.Reminder(f, name, now, req.Loc, verb)
	upd.Outcome, upd.Command = message.OutcomeOK, "button"
	upd.Feed = message.FollowUpFeed(req.User, f, change, name)
	return Pressed{Update: &upd}
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
		r := message.Reply{Text: "I can't find that partner any more; it may have been erased. Type `partner list overdue` to see who needs a nudge.", Outcome: message.OutcomeUserError, Command: "button"}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			r = h.fail(req, "button", err)
		}
		return Pressed{Ephemeral: &r}
	}
	now := h.now()
	until := now.In(req.Loc).AddDate(0, 0, 1)
	switch action {
	case message.ActionNudgeSnoozeWk:
		until = now.In(req.Loc).AddDate(0, 0, 7)
	case message.ActionNudgeDone:
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
	upd.Outcome, upd.Command = message.OutcomeOK, "button"
	upd.Feed = fmt.Sprintf("%s put off the stay-in-touch nudge for *%s* until %s", message.Mention(req.User), message.Esc(p.Name), message.Date(until, now, req.Loc))
	return Pressed{Update: &upd}
}

// NudgeFor builds owner's nudge from the store as it is now.
func (h *Handler) NudgeFor(ctx context.Context, team, owner string, now time.Time, loc *time.Location, withQuiet bool) (message.Reply, error) {
	all, err := h.store.ListPartners(ctx, team)
	if err != nil {
		return message.Reply{}, err
	}
	return message.Nudge(domain.Overdue(all, now, owner, withQuiet), now, loc), nil
}
