package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// followUpSurveyStore is what offering a past event's follow-up survey
// needs.
type followUpSurveyStore interface {
	FollowUpSurvey(ctx context.Context, team string, id int64, template string) (store.FollowUpSurveyState, error)
	QueueFollowUpSurvey(ctx context.Context, team string, id int64, template string, due time.Time, actor string, now time.Time) (bool, error)
}

// defaultFollowUpDelay is OUTREACH_FOLLOWUP_SURVEY_DELAY's default.
const defaultFollowUpDelay = 30 * 24 * time.Hour

// followUpSurveyDue is when a past event's follow-up survey goes out:
// the delay after the event's end, or now when that has passed (a month
// and more on, "did it change anything?" is still the question).
func (h *Handler) followUpSurveyDue(e domain.Event, now time.Time) time.Time {
	delay := h.cfg.SurveyDelays.FollowUp
	if delay <= 0 {
		delay = defaultFollowUpDelay
	}
	if due := e.End.Add(delay); due.After(now) {
		return due
	}
	return now
}

// offerFollowUpSurvey adds to r, for an event that is over and whose
// follow-up survey was never queued (it was recorded after the fact), a
// button that schedules it. A store failure leaves r as it is: the offer
// is a courtesy, the command's own work is done.
func (h *Handler) offerFollowUpSurvey(ctx context.Context, req *Request, e domain.Event, r *message.Reply) {
	now := h.now()
	if e.End.After(now) || !e.Cancelled.IsZero() {
		return
	}
	st, err := h.store.FollowUpSurvey(ctx, req.Team, e.ID, domain.TemplateFollowUp)
	if err != nil {
		h.log.Warn("follow-up survey state", "event", e.ID, "err", err)
		return
	}
	if st != store.FollowUpSurveyNone {
		return
	}
	when := "now, since a month has passed"
	if due := h.followUpSurveyDue(e, now); due.After(now) {
		when = message.Date(due, now, req.Loc) + ", a month after it"
	}
	r.Sections = append(r.Sections, message.Section{
		Text:    fmt.Sprintf("`E%d` was recorded after the fact, so its follow-up survey (*did it change anything?*, what the board asks most) is not scheduled. Schedule it to go out %s?", e.ID, when),
		Choices: []message.Choice{{Label: "Schedule the follow-up survey", Action: message.ActionFollowUpSurvey, Value: fmt.Sprintf("E%d", e.ID), Style: "primary"}},
	})
}

// pressFollowUpSurvey schedules a past event's follow-up survey from its
// button, checked again as if typed: the event exists, is over, is not
// cancelled, and has no follow-up survey yet.
func (h *Handler) pressFollowUpSurvey(ctx context.Context, req Request, value string) Pressed {
	reply := func(text string, o message.Outcome) Pressed {
		return Pressed{Ephemeral: &message.Reply{Text: text, Outcome: o, Command: "event survey"}}
	}
	id, ok := domain.ParseEventID(value)
	if !ok {
		return reply(fmt.Sprintf("That button doesn't name an event I know. `%s event list past` shows them.", h.cfg.Command), message.OutcomeUserError)
	}
	e, err := h.liveEvent(ctx, &req, id)
	if err != nil {
		r := h.fail(req, "event survey", err)
		return Pressed{Ephemeral: &r}
	}
	now := h.now()
	if e.End.After(now) {
		return reply(fmt.Sprintf("`E%d` *%s* isn't over yet; its follow-up survey goes out by itself a month after it.", id, message.Esc(e.Title)), message.OutcomeUserError)
	}
	due := h.followUpSurveyDue(e, now)
	queued, err := h.store.QueueFollowUpSurvey(ctx, req.Team, id, domain.TemplateFollowUp, due, req.User, now)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrCancelled) {
		return reply(fmt.Sprintf("`E%d` was cancelled or erased just now, so no survey is scheduled.", id), message.OutcomeUserError)
	}
	if err != nil {
		r := h.fail(req, "event survey", err)
		return Pressed{Ephemeral: &r}
	}
	if !queued {
		return reply(fmt.Sprintf("`E%d` *%s* has its follow-up survey scheduled or sent already. `%s event show E%d` shows its surveys.", id, message.Esc(e.Title), h.cfg.Command, id), message.OutcomeUserError)
	}
	when := "goes out in a few minutes"
	if due.After(now) {
		when = "goes out " + message.Time(due, now, req.Loc)
	}
	return Pressed{Ephemeral: &message.Reply{
		Text:    fmt.Sprintf(":calendar: The follow-up survey for `E%d` *%s* %s.", id, message.Esc(e.Title), when),
		Feed:    fmt.Sprintf("%s scheduled the follow-up survey for `E%d` *%s*", message.Mention(req.User), id, message.Esc(e.Title)),
		Outcome: message.OutcomeOK, Command: "event survey",
	}}
}
