package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// Edits. Slack delivers an edited message that mentions the bot as a new
// app_mention (a new event_id, the message's own ts, the new text, and
// "edited"), and an edited DM as message_changed (the message as it is
// now, and as it was). A command runs once per message:
//
//   - a mention runs when it arrives, and the message is remembered as
//     having run (Deduper.FirstRun, for messageRunTTL);
//   - an edit of a message that has not run a command, one that adds the
//     forgotten @Outreach, is the first time the bot is asked: it runs;
//   - an edit of one that has (a typo fixed in a command that logged a
//     contact), and an edit of a DM (every DM runs when sent), runs
//     nothing: the author is told to send the edited command anew.
//
// An edit runs only within editRunWindow of its message (the forgotten
// mention is added at once, not days later), and when the bot can tell
// (not with Redis down): otherwise it runs nothing, which is never wrong
// twice.

// editRunWindow is how soon after its message an edit may run it.
const editRunWindow = time.Hour

// messageRunTTL is how long a message that ran a command is remembered:
// well past editRunWindow.
const messageRunTTL = 24 * time.Hour

// firstRun records that the message ts in channel runs a command now and
// reports whether it is the first to, first in this process's memory,
// then across replicas.
func (b *Bot) firstRun(ctx context.Context, channel, ts string) (bool, error) {
	key := "message " + channel + " " + ts
	if _, dup := b.seen.Get(key); dup {
		return false, nil
	}
	first, err := b.dedupe.FirstRun(ctx, b.cfg.HomeTeam, channel, ts, messageRunTTL)
	if err != nil {
		return false, err
	}
	b.seen.Add(key, struct{}{})
	return first, nil
}

// firstRunOrServe is firstRun for a mention as sent: when Redis cannot
// say, it runs (answering twice beats not answering, as for events).
func (b *Bot) firstRunOrServe(ctx context.Context, channel, ts string) bool {
	first, err := b.firstRun(ctx, channel, ts)
	if err != nil {
		b.log.Warn("cannot record a mention's run; running it", "err", err)
		return true
	}
	return first
}

// runMention runs the command of a mention and answers it.
func (b *Bot) runMention(ctx context.Context, m *slackevents.AppMentionEvent, text string) {
	reply := b.serveText(ctx, m.User, m.UserTeam, m.Channel, commands.DoorMention, text)
	b.postEphemeral(m.Channel, m.User, m.ThreadTimeStamp, reply)
	if reply.Later != nil {
		b.runLater(reply, m.User, m.Channel, "")
	}
}

// onEditedMention runs an edit that adds the mention to a message that
// ran nothing; any other edit gets the answer that nothing ran.
func (b *Bot) onEditedMention(ctx context.Context, m *slackevents.AppMentionEvent, text string) {
	if b.recent(m.TimeStamp) {
		first, err := b.firstRun(ctx, m.Channel, m.TimeStamp)
		if err != nil {
			b.log.Warn("cannot tell whether an edited message ran before; running nothing", "err", err)
		}
		if first {
			b.runMention(ctx, m, text)
			return
		}
	}
	b.postEphemeral(m.Channel, m.User, m.ThreadTimeStamp, b.editedAnswer(ctx, m.User, m.UserTeam, m.Channel, commands.DoorMention, text))
}

// onEditedDM answers an edit of a DM to the bot: it ran when sent.
// Changes that are not the author's edit of the text (the bot's own
// messages updated, a link preview added) pass in silence.
func (b *Bot) onEditedDM(ctx context.Context, eventID string, ev *slackevents.MessageEvent) {
	m := ev.Message
	if m == nil || m.User == "" || m.User == b.cfg.BotUserID || m.BotID != "" || m.SubType != "" {
		return
	}
	if ev.PreviousMessage == nil || ev.PreviousMessage.Text == m.Text || !b.firstDelivery(ctx, eventID) {
		return
	}
	team := ev.UserTeam
	if team == "" {
		team = m.Team
	}
	b.post(ev.Channel, b.editedAnswer(ctx, m.User, team, ev.Channel, commands.DoorDM, strings.TrimSpace(m.Text)))
}

// editedAnswer is the answer to an edit that runs nothing; the hint at
// `history` is for the team only.
func (b *Bot) editedAnswer(ctx context.Context, user, userTeam, channel string, door commands.Door, text string) message.Reply {
	req, err := b.request(ctx, user, userTeam, channel, door, text)
	member := err == nil && req.Role != commands.RoleLiaison
	r := message.EditedMention(text, member)
	if door == commands.DoorDM {
		r = message.EditedDM(text, member)
	}
	b.metrics.observe(r)
	return r
}

// recent reports whether a message of this ts is young enough for an
// edit to run it (editRunWindow).
func (b *Bot) recent(ts string) bool {
	secs, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return false
	}
	return b.cfg.Now().Sub(time.Unix(n, 0)) < editRunWindow
}
