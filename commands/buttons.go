package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/outreachbot/outreachbot/message"
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
	case ActionImport:
		return h.pressImport(ctx, req, value)
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
var confirmable = []string{"log", "contact edit", "event add", "partner add"}

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
