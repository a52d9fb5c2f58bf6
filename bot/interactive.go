package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

func (b *Bot) onInteractive(e envelope) {
	cb, ok := e.evt.Data.(slack.InteractionCallback)
	if !ok {
		e.ack(nil)
		return
	}
	ctx, cancel := context.WithTimeout(b.base, b.cfg.HandlerTimeout)
	defer cancel()
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		b.onViewSubmission(ctx, e, cb)
	case slack.InteractionTypeBlockActions:
		e.ack(nil)
		b.onBlockActions(ctx, cb)
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		b.onShortcut(ctx, e, cb)
	default:
		e.ack(nil)
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
		a.ActionID = actionName(a.ActionID)
		// Forms open first: the trigger expires 3 s after the press. Who may
		// log or comment where is checked on submission, as if typed.
		switch a.ActionID {
		case message.ActionLogContact:
			_, err := b.api.OpenViewContext(ctx, cb.TriggerID, logModal(a.Value, channel, cb.ResponseURL))
			b.observe("views.open", err)
			continue
		case message.ActionComment:
			_, err := b.api.OpenViewContext(ctx, cb.TriggerID, commentModal(a.Value, channel, cb.ResponseURL))
			b.observe("views.open", err)
			continue
		case message.ActionAddPartner:
			_, err := b.api.OpenViewContext(ctx, cb.TriggerID, partnerModal())
			b.observe("views.open", err)
			continue
		case message.ActionRecordNeed:
			_, err := b.api.OpenViewContext(ctx, cb.TriggerID, needModal(channel, cb.ResponseURL))
			b.observe("views.open", err)
			continue
		}
		req, err := b.request(ctx, cb.User.ID, cb.User.TeamID, channel, commands.DoorForm, "")
		if err != nil {
			b.tell(cb.User.ID, channel, cb.ResponseURL, refusedReply(err))
			continue
		}
		p := b.cmds.Press(ctx, req, a.ActionID, a.Value)
		if cb.View.Type == slack.VTHomeTab {
			// A press on the App Home: the Home is the message to bring up
			// to date; a refusal or "already done" goes to a DM.
			if p.Update != nil {
				b.metrics.observe(*p.Update)
				b.postFeed(*p.Update)
			}
			if p.Ephemeral != nil {
				b.metrics.observe(*p.Ephemeral)
				b.post(cb.User.ID, *p.Ephemeral)
				if p.Ephemeral.Later != nil {
					b.runLater(*p.Ephemeral, cb.User.ID, "", "")
				}
			}
			b.publishHome(ctx, cb.User.ID)
			continue
		}
		if cb.Container.IsEphemeral && p.Update != nil && p.Channel == "" {
			// Only the response_url can change an ephemeral message.
			b.metrics.observe(*p.Update)
			if b.respondWith(cb.ResponseURL, *p.Update, true) != nil {
				b.tell(cb.User.ID, channel, "", *p.Update)
			}
			b.postFeed(*p.Update)
			p.Update = nil
		}
		b.applyPressed(p, channel, messageTS, cb.User.ID, cb.ResponseURL)
	}
}

// applyPressed shows a press's outcome: the message (channel, ts, unless
// p names another) updated in place, and a note to user alone (tell).
func (b *Bot) applyPressed(p commands.Pressed, channel, ts, user, responseURL string) {
	target, targetTS := channel, ts
	if p.Channel != "" && p.TS != "" {
		target, targetTS = p.Channel, p.TS
	}
	if p.Update != nil {
		b.metrics.observe(*p.Update)
		if target != "" && targetTS != "" {
			b.update(target, targetTS, *p.Update)
		}
		b.postFeed(*p.Update)
	}
	if p.Ephemeral != nil {
		b.metrics.observe(*p.Ephemeral)
		b.tell(user, channel, responseURL, *p.Ephemeral)
		if p.Ephemeral.Later != nil {
			// A press that starts longer work (a report's PDF): it follows
			// where the button was, as a typed command's would.
			b.runLater(*p.Ephemeral, user, channel, responseURL)
		}
	}
}

func (b *Bot) onViewSubmission(ctx context.Context, e envelope, cb slack.InteractionCallback) {
	switch cb.View.CallbackID {
	case callbackLog:
	case callbackComment:
		b.onCommentSubmission(ctx, e, cb)
		return
	case callbackPartner, callbackNeed:
		b.onFormSubmission(ctx, e, cb)
		return
	default:
		e.ack(nil)
		return
	}
	in, meta := logInput(cb.View)
	req, err := b.request(ctx, cb.User.ID, cb.User.TeamID, meta.Channel, commands.DoorForm, "")
	if err != nil {
		e.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{
			"summary": "I couldn't check your Slack account just now. Please try again in a moment.",
		}))
		return
	}
	req.Source = b.source(ctx, meta)
	reply, fieldErrs := b.cmds.SubmitLog(ctx, req, in)
	b.metrics.observe(reply)
	if len(fieldErrs) > 0 {
		errs := map[string]string{}
		for field, msg := range fieldErrs {
			errs[field] = clipRunes(stripMarkup(msg), 150) // shown as plain text under the input
		}
		e.ack(slack.NewErrorsViewSubmissionResponse(errs))
		return
	}
	e.ack(nil) // closes the modal
	b.tell(cb.User.ID, meta.Channel, meta.ResponseURL, reply)
	b.postFeed(reply)
	b.refreshHome(cb.User.ID, reply)
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

// onCommentSubmission stores a survey comment from its form.
func (b *Bot) onCommentSubmission(ctx context.Context, e envelope, cb slack.InteractionCallback) {
	survey, meta, text := commentInput(cb.View)
	channel := meta.Channel
	req, err := b.request(ctx, cb.User.ID, cb.User.TeamID, channel, commands.DoorForm, "")
	if err != nil {
		e.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{
			blockComment: "I couldn't check your Slack account just now. Please try again in a moment.",
		}))
		return
	}
	p := b.cmds.SubmitComment(ctx, req, survey, text)
	if p.Update == nil && p.Ephemeral != nil {
		b.metrics.observe(*p.Ephemeral)
		e.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{blockComment: clipRunes(stripMarkup(p.Ephemeral.Text), 150)}))
		return
	}
	e.ack(nil)
	b.applyPressed(p, channel, "", cb.User.ID, meta.ResponseURL)
}

// onFormSubmission runs an App Home form (Add a partner, Record a need)
// as the command it fills. A mistake is shown on the form, under the
// input it names; otherwise the form closes and the confirmation goes
// where the form was opened (a DM from the App Home).
func (b *Bot) onFormSubmission(ctx context.Context, e envelope, cb slack.InteractionCallback) {
	form, errBlock, meta := formInput(cb.View)
	req, err := b.request(ctx, cb.User.ID, cb.User.TeamID, meta.Channel, commands.DoorForm, "")
	if err != nil {
		e.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{
			errBlock: "I couldn't check your Slack account just now. Please try again in a moment.",
		}))
		return
	}
	req.Source = b.source(ctx, meta)
	reply := b.cmds.SubmitForm(ctx, req, form)
	b.metrics.observe(reply)
	if reply.Outcome != message.OutcomeOK {
		e.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{errBlock: clipRunes(stripMarkup(reply.Text), 150)}))
		return
	}
	e.ack(nil) // closes the modal
	b.tell(cb.User.ID, meta.Channel, meta.ResponseURL, reply)
	b.postFeed(reply)
	b.refreshHome(cb.User.ID, reply)
}
