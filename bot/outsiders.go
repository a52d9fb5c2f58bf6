package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/outreachbot/outreachbot/message"
)

// Slack tells the bot when a channel's organizations change: channel_shared
// when a channel becomes shared with another organization (or one more
// joins it), member_joined_channel when someone joins a channel the bot is
// in. Either may make the organization of the partner linked to the
// channel known (commands.Handler.ChannelShared); until it is, nobody from
// outside acts for the partner.

// channelShared forgets what the directory cached about channel and has
// the commands look for its partner's organization.
func (b *Bot) channelShared(ctx context.Context, channel string) {
	b.cfg.Directory.Forget(channel)
	if channel == b.cfg.FeedChannel {
		b.log.Warn("OUTREACH_FEED_CHANNEL is shared with another organization; its posts name partners: set it to a channel only the team is in", "channel", channel)
	}
	slug, n, err := b.cmds.ChannelShared(ctx, b.cfg.HomeTeam, channel)
	switch {
	case err != nil:
		b.log.Warn("a channel was shared, and its partner's organization could not be looked up; it stays unknown until someone from outside uses the channel", "channel", channel, "err", err)
	case slug != "":
		b.log.Info("a partner's channel was shared", "partner", slug, "channel", channel)
	}
	b.notify(ctx, n)
}

// memberJoined looks at a channel again when someone from another
// organization joins it, or the bot itself does. Members of the home
// workspace, guests included, change nothing.
func (b *Bot) memberJoined(ctx context.Context, ev *slackevents.MemberJoinedChannelEvent) {
	if ev.User == "" {
		return
	}
	if ev.User != b.cfg.BotUserID {
		who, err := b.users.getWithin(ctx, ev.User, usersInfoTimeout)
		team := who.Team
		if err != nil || team == "" {
			team = ev.Team // Slack's word in the event, when users.info has none
		}
		if team == "" || team == b.cfg.HomeTeam {
			return
		}
	}
	b.channelShared(ctx, ev.Channel)
}

// noticeEvery is how often one notice (by its Once) may be sent.
const noticeEvery = 24 * time.Hour

// notify sends n, a message for the team, to its recipient's DM: once a
// day for a notice with Once (across replicas; if Redis cannot say, it is
// sent: a repeat beats silence).
func (b *Bot) notify(ctx context.Context, n *message.Notice) {
	if n == nil || n.To == "" {
		return
	}
	if n.Once != "" {
		first, err := b.dedupe.FirstNotice(ctx, b.cfg.HomeTeam, n.Once, noticeEvery)
		if err == nil && !first {
			return
		}
	}
	b.post(n.To, message.Reply{Text: n.Text})
}
