package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/message"
	"github.com/slack-go/slack"
)

// PostScheduled posts a scheduled message (a reminder, a nudge, a digest)
// to a user's DM or a channel through the outbox, carrying key as message
// metadata. It returns where it landed once Slack accepted it.
// Its files (a monthly report's charts) are uploaded there after it.
func (b *Bot) PostScheduled(ctx context.Context, to, key string, msg message.Reply, order time.Time) (channel, ts string, err error) {
	channel, ts, err = b.outbox.send(&outMsg{ctx: ctx, kind: kindPost, channel: to, reply: msg, key: key, order: order})
	if err != nil {
		return channel, ts, err
	}
	for _, f := range msg.Files {
		// The post is out and marks the job: a chart that fails to upload
		// is logged, not retried with the whole post.
		b.observe("files.upload", b.upload(ctx, channel, f))
	}
	return channel, ts, nil
}

// FindPost looks in a DM (to is a user id) or a channel for the bot's
// own post carrying key, sent since since (zero: as far back as it
// looks). It is how a replica that took over a job learns that the job's
// post went out before its holder died, or before an answer was lost.
func (b *Bot) FindPost(ctx context.Context, to, key string, since time.Time) (channel, ts string, found bool, err error) {
	channel = to
	if strings.HasPrefix(to, "U") || strings.HasPrefix(to, "W") {
		if channel, err = b.dmChannel(ctx, to); err != nil {
			return "", "", false, err
		}
	}
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 200, IncludeAllMetadata: true}
	if !since.IsZero() {
		params.Oldest = fmt.Sprintf("%d.000000", since.Unix())
	}
	for range 5 { // at most 1,000 messages back
		h, err := b.api.GetConversationHistoryContext(ctx, params)
		if b.observe("conversations.history", err) != nil {
			return "", "", false, err
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == metadataEvent && m.Metadata.EventPayload["job"] == key {
				return channel, m.Timestamp, true, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	return channel, "", false, nil
}

func (b *Bot) dmChannel(ctx context.Context, user string) (string, error) {
	if ch, ok := b.dmChannels.Load(user); ok {
		return ch.(string), nil
	}
	ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if b.observe("conversations.open", err) != nil {
		return "", err
	}
	b.dmChannels.Store(user, ch.ID)
	return ch.ID, nil
}

// UserZone is a user's time zone from users.info (cached), or the team's.
func (b *Bot) UserZone(ctx context.Context, user string) (*time.Location, error) {
	who, err := b.users.get(ctx, user)
	if err != nil {
		return b.cfg.Loc, err
	}
	return who.Loc, nil
}

// WaitOutbox waits until every queued message is sent (a stop), or ctx
// ends.
func (b *Bot) WaitOutbox(ctx context.Context) error { return b.outbox.Wait(ctx) }
