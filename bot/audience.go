package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
)

// sharedCheckTimeout bounds the look before a scheduled post for the team
// alone.
const sharedCheckTimeout = 10 * time.Second

// ChannelShared reports whether people of another organization are in
// channel, or may soon be (a Slack Connect invitation pending), asking
// Slack now (conversations.info, uncached): a channel can become shared
// any day. An error means Slack did not say; the caller must not take it
// for no.
func (b *Bot) ChannelShared(ctx context.Context, channel string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, sharedCheckTimeout)
	defer cancel()
	info, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if err := b.observe("conversations.info", err); err != nil {
		return false, err
	}
	return info.IsExtShared || info.IsShared || info.IsPendingExtShared, nil
}
