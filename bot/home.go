package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// maxHomeBlocks is Block Kit's limit for a Home tab (messages have 50).
const maxHomeBlocks = 100

// publishHome renders the App Home tab for user and remembers that they
// look at it, so that their own writes refresh it.
func (b *Bot) publishHome(ctx context.Context, user string) {
	b.homeSeen.Add(user, struct{}{})
	req, err := b.request(ctx, user, "", "", commands.DoorForm, "")
	var r message.Reply
	if err != nil {
		r = refusedReply(err)
	} else {
		r = b.cmds.Home(ctx, req)
	}
	err = b.publishView(ctx, user, r)
	if _, code := Classify(err); (code == "invalid_arguments" || code == "invalid_blocks") && hasNative(r) {
		// Slack refused the Home's tables or chart: the same as text.
		err = b.publishView(ctx, user, plainReply(r))
	}
	b.observe("views.publish", err)
}

func (b *Bot) publishView(ctx context.Context, user string, r message.Reply) error {
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocksWithin(r, maxHomeBlocks, false)}}
	_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
	return err
}

// refreshHome republishes user's App Home after a write of theirs, when
// this replica has shown it to them (a Home nobody opened is left alone:
// views.publish for every write would cost a call per command).
func (b *Bot) refreshHome(user string, r message.Reply) {
	if r.Feed == "" || r.Outcome != message.OutcomeOK {
		return // not a write
	}
	if _, ok := b.homeSeen.Get(user); !ok {
		return
	}
	b.spawn(func() {
		ctx, cancel := context.WithTimeout(b.base, 10*time.Second)
		defer cancel()
		b.publishHome(ctx, user)
	})
}
