package bot

import (
	"context"
	"errors"
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
	return b.PostScheduledFenced(ctx, to, key, msg, order, nil)
}

// PostScheduledFenced is PostScheduled with a fence, asked right before
// the post leaves: false means the job's lease has moved to another
// holder, and the post is not sent (ErrFenced); an error means it cannot
// tell yet, and the post waits and asks again. A post of a job this
// process already queued or sent to the same place is not sent again:
// it returns the first one's outcome, and its files are not uploaded
// twice.
func (b *Bot) PostScheduledFenced(ctx context.Context, to, key string, msg message.Reply, order time.Time, fence func(context.Context) (bool, error)) (channel, ts string, err error) {
	r := b.outbox.sendOnce(&outMsg{ctx: ctx, kind: kindPost, channel: to, reply: msg, key: key, order: order, fence: fence})
	if r.err != nil || !r.first {
		return r.channel, r.ts, r.err
	}
	for _, f := range msg.Files {
		// The post is out and marks the job: a chart that fails to upload
		// is logged, not retried with the whole post.
		if err := b.uploadInto(ctx, r.channel, f); err != nil {
			b.log.Warn("a scheduled post's file was not uploaded", "file", f.Name, "channel", r.channel, "err", err)
		}
	}
	return r.channel, r.ts, nil
}

// uploadInto uploads f into channel. Slack shares files only into
// conversations the bot is a member of, though chat:write.public lets it
// post into any public channel: on not_in_channel the bot joins the
// channel (channels:join) and tries once more. Every call is observed.
func (b *Bot) uploadInto(ctx context.Context, channel string, f message.File) error {
	err := b.observe("files.upload", b.upload(ctx, channel, f))
	if !isSlackError(err, "not_in_channel") || b.join(ctx, channel) != nil {
		return err
	}
	return b.observe("files.upload", b.upload(ctx, channel, f))
}

// join makes the bot a member of a public channel. A missing
// channels:join is logged, not held against the bot's readiness: the
// caller has another way (the asker's DM).
func (b *Bot) join(ctx context.Context, channel string) error {
	_, _, _, err := b.api.JoinConversationContext(ctx, channel)
	if isSlackError(err, "missing_scope") {
		b.metrics.apiErrors.WithLabelValues("conversations.join", "missing_scope").Inc()
		b.log.Warn("cannot join a channel to share files there: the app lacks channels:join (manifest.yaml); files go to the asker's DM instead", "channel", channel)
		return err
	}
	if b.observe("conversations.join", err) != nil {
		return fmt.Errorf("join %s: %w", channel, err)
	}
	b.log.Info("joined a public channel to share files there", "channel", channel)
	return nil
}

// isSlackError reports whether err is Slack's error code.
func isSlackError(err error, code string) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && se.Err == code
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

// ChannelPeople are the members of a channel, the bot left out.
func (b *Bot) ChannelPeople(ctx context.Context, channel string) ([]string, error) {
	return b.cfg.Directory.ChannelPeople(ctx, channel)
}

// IsBot reports whether user is a bot or an app (users.info, cached).
func (b *Bot) IsBot(ctx context.Context, user string) (bool, error) {
	who, err := b.users.get(ctx, user)
	if err != nil {
		return false, err
	}
	return who.Bot, nil
}

// Permalink links to the message at ts in channel (chat.getPermalink).
func (b *Bot) Permalink(ctx context.Context, channel, ts string) (string, error) {
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if b.observe("chat.getPermalink", err) != nil {
		return "", fmt.Errorf("permalink of %s in %s: %w", ts, channel, err)
	}
	return link, nil
}
