package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// publishHome renders the App Home tab for user.
func (b *Bot) publishHome(ctx context.Context, user string) {
	req, err := b.request(ctx, user, "", "", commands.DoorForm, "")
	var r message.Reply
	if err != nil {
		r = cannotIdentify()
	} else {
		r = b.cmds.Home(ctx, req)
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: replyBlocks(r)}}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		b.apiError("views.publish", err)
	}
}
