package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
)

// The shortcuts of manifest.yaml (features.shortcuts), by callback_id.
// Slack offers them, like the slash command, to people of our own
// workspace only: "Slash commands and message actions are not shared"
// with other organizations (https://docs.slack.dev/apis/slack-connect/).
const (
	// shortcutLog is the global "Log a contact": the log form.
	shortcutLog = "log_a_contact"
	// shortcutLogMessage is the message shortcut "Log as contact".
	shortcutLogMessage = "log_as_contact"
	// shortcutNeedMessage is the message shortcut "Record as need".
	shortcutNeedMessage = "record_as_need"
)

// permalinkTimeout bounds chat.getPermalink, and the look-up of the
// message's author, before a shortcut's form opens: the trigger_id lasts
// 3 s from the click, and the presser's own look-up comes first. Without
// the link in time, the form opens anyway and the link is asked for on
// submission; without the author's team, the message's own is used.
const permalinkTimeout = 700 * time.Millisecond

// onShortcut answers a shortcut (a global one, type shortcut, or a
// message one, type message_action) with its form. The envelope is
// acknowledged first; the form opens within the trigger's 3 s, after a
// look at who asked, the channel's partner and the message's link.
func (b *Bot) onShortcut(ctx context.Context, e envelope, cb slack.InteractionCallback) {
	e.ack(nil)
	switch cb.CallbackID {
	case shortcutLog:
		_, err := b.api.OpenViewContext(ctx, cb.TriggerID, logModal("", "", ""))
		b.observe("views.open", err)
	case shortcutLogMessage, shortcutNeedMessage:
		b.onMessageShortcut(ctx, cb)
	default:
		b.log.Info("a shortcut the bot does not know", "callback_id", message.Clip(cb.CallbackID, 40))
	}
}

// onMessageShortcut opens the log or need form on a message, filled in
// with its words, its author and a link back to it, and the channel's
// partner; in a partner's shared channel a liaison's words become a
// record in two clicks. What the form records is checked on submission
// as if typed; someone who could record nothing here is told at once.
func (b *Bot) onMessageShortcut(ctx context.Context, cb slack.InteractionCallback) {
	channel := cb.Channel.ID
	msg := cb.Message
	ts := msg.Timestamp
	if ts == "" {
		ts = cb.MessageTs
	}
	// The trigger lasts 3 s: the link is asked for while the rest is
	// looked at, and the author's team waits no longer than the link may.
	link := make(chan string, 1)
	go func() { link <- b.permalink(ctx, channel, ts) }()
	req, err := b.request(ctx, cb.User.ID, cb.User.TeamID, channel, commands.DoorForm, "")
	if err != nil {
		b.tell(cb.User.ID, channel, cb.ResponseURL, cannotIdentify())
		return
	}
	// The author's team says whether the words came from outside: Slack
	// puts it on the message ("team"); users.info (cached) is surer.
	author, authorTeam := msg.User, msg.Team
	if author != "" {
		uctx, cancel := context.WithTimeout(ctx, permalinkTimeout)
		if who, err := b.users.get(uctx, author); err == nil && who.Team != "" {
			authorTeam = who.Team
		}
		cancel()
	}
	sc, refused := b.cmds.MessageShortcut(ctx, req, authorTeam, msg.Text)
	if refused != nil {
		b.metrics.observe(*refused)
		b.tell(cb.User.ID, channel, cb.ResponseURL, *refused)
		return
	}
	pre := prefill{
		partner: sc.Partner, direction: sc.Direction, text: commands.Unlink(msg.Text), topics: strings.Join(sc.Topics, ", "),
		meta: modalMeta{Channel: channel, ResponseURL: cb.ResponseURL, TS: ts,
			Source: &domain.Source{Author: author, AuthorTeam: authorTeam, Link: <-link}},
	}
	if author == "" {
		pre.meta.Source.Author = msg.BotID // a bot's or an app's message
	}
	view := logModalWith(pre)
	if cb.CallbackID == shortcutNeedMessage {
		view = needModalWith(pre)
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, view); b.observe("views.open", err) != nil {
		b.tell(cb.User.ID, channel, cb.ResponseURL, message.Reply{Text: "I couldn't open the form. Please try the shortcut again, or type it: `" + b.cfg.Command + " log <partner> message <what they said>`."})
	}
}

// permalink is a message's link from chat.getPermalink, "" when Slack
// does not give one in time. Links longer than a form's metadata can
// carry are left out.
func (b *Bot) permalink(ctx context.Context, channel, ts string) string {
	if channel == "" || ts == "" {
		return ""
	}
	pctx, cancel := context.WithTimeout(ctx, permalinkTimeout)
	defer cancel()
	link, err := b.api.GetPermalinkContext(pctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if b.observe("chat.getPermalink", err) != nil || len(link) > maxMetaURL || message.Link(link, "message") == "" {
		return ""
	}
	return link
}

// source is the message a submitted form was opened on, its link asked
// again when the form opened without it; nil for other forms.
func (b *Bot) source(ctx context.Context, m modalMeta) *domain.Source {
	if m.Source == nil {
		return nil
	}
	src := *m.Source
	if src.Link == "" {
		src.Link = b.permalink(ctx, m.Channel, m.TS)
	} else if message.Link(src.Link, "message") == "" {
		src.Link = "" // not one Slack gave: the metadata came back changed
	}
	return &src
}
