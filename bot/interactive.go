package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/outreachbot/outreachbot/commands"
)

func (b *Bot) onInteractive(evt socketmode.Event, received time.Time) {
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok {
		b.ack(evt.Request, nil, received)
		return
	}
	ctx, cancel := context.WithTimeout(b.base, b.cfg.HandlerTimeout)
	defer cancel()
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		b.onViewSubmission(ctx, evt, cb, received)
	case slack.InteractionTypeBlockActions:
		b.ack(evt.Request, nil, received)
		b.onBlockActions(ctx, cb)
	default:
		b.ack(evt.Request, nil, received)
	}
}

func (b *Bot) onBlockActions(ctx context.Context, cb slack.InteractionCallback) {
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	messageTS := cb.Container.MessageTs
	if messageTS == "" {
		messageTS = cb.Message.Timestamp
	}
	for _, a := range cb.ActionCallback.BlockActions {
		if a.ActionID == commands.ActionLogContact {
			// Who may log for which partner is checked on submission, as if typed.
			if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, logModal(a.Value, channel)); err != nil {
				b.apiError("views.open", err)
			}
			continue
		}
		role, loc, err := b.role(ctx, cb.User.ID, cb.User.TeamID)
		if err != nil {
			b.respond(cb.ResponseURL, cannotIdentify())
			continue
		}
		req := commands.Request{Team: b.cfg.HomeTeam, User: cb.User.ID, Role: role, Channel: channel, Door: commands.DoorForm, Loc: loc}
		pressed := b.cmds.Press(ctx, req, a.ActionID, a.Value)
		if pressed.Update != nil {
			b.metrics.observe(*pressed.Update)
			if channel != "" && messageTS != "" {
				b.update(channel, messageTS, *pressed.Update)
			}
		}
		if pressed.Ephemeral != nil {
			b.metrics.observe(*pressed.Ephemeral)
			b.respond(cb.ResponseURL, *pressed.Ephemeral)
		}
	}
}

func (b *Bot) onViewSubmission(ctx context.Context, evt socketmode.Event, cb slack.InteractionCallback, received time.Time) {
	if cb.View.CallbackID != callbackLog {
		b.ack(evt.Request, nil, received)
		return
	}
	in, meta := logInput(cb.View)
	role, loc, err := b.role(ctx, cb.User.ID, cb.User.TeamID)
	if err != nil {
		b.ack(evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{
			"summary": "I couldn't check your Slack account just now. Please try again in a moment.",
		}), received)
		return
	}
	req := commands.Request{Team: b.cfg.HomeTeam, User: cb.User.ID, Role: role, Channel: meta.Channel, Door: commands.DoorForm, Loc: loc}
	reply, fieldErrs := b.cmds.SubmitLog(ctx, req, in)
	b.metrics.observe(reply)
	if len(fieldErrs) > 0 {
		errs := map[string]string{}
		for field, msg := range fieldErrs {
			errs[field] = clipRunes(stripMarkup(msg), 150) // shown as plain text under the input
		}
		b.ack(evt.Request, slack.NewErrorsViewSubmissionResponse(errs), received)
		return
	}
	b.ack(evt.Request, nil, received) // closes the modal
	// The confirmation goes where the form was opened, else to a DM.
	if meta.Channel != "" && meta.Channel[0] != 'D' {
		b.postEphemeral(meta.Channel, cb.User.ID, "", reply)
	} else {
		b.post(cb.User.ID, reply)
	}
	b.postFeed(reply)
}

// stripMarkup makes a mrkdwn message readable as plain text (modal
// errors are not formatted): backticks dropped and entities decoded.
func stripMarkup(s string) string {
	return commands.Unlink(removeBackticks(s))
}

func removeBackticks(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r != '`' && r != '*' {
			out = append(out, r)
		}
	}
	return string(out)
}
