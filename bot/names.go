package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
)

// namesTimeout bounds one look-up of a name for an export: a name Slack
// is slow to give is left blank rather than holding the file.
const namesTimeout = 2 * time.Second

// SetWorkspace tells the directory the home workspace's id and name
// (from auth.test), which exports show beside its id.
func (d *Directory) SetWorkspace(id, name string) { d.homeID, d.homeName = id, name }

// PersonName is what Slack shows a user as (report.Names), from the same
// users.info cache that classifies them; "" when Slack cannot say.
func (d *Directory) PersonName(ctx context.Context, id string) string {
	ctx, cancel := context.WithTimeout(ctx, namesTimeout)
	defer cancel()
	who, err := d.users.get(ctx, id)
	if err != nil {
		return ""
	}
	return who.Name
}

// ChannelName is a channel's name from conversations.info, cached; ""
// for a DM or when Slack cannot say.
func (d *Directory) ChannelName(ctx context.Context, id string) string {
	if n, ok := d.channelNames.Get(id); ok {
		return n
	}
	ctx, cancel := context.WithTimeout(ctx, namesTimeout)
	defer cancel()
	info, err := d.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil {
		return ""
	}
	n := ""
	if info.Name != "" {
		n = "#" + info.Name
	}
	d.channelNames.Add(id, n)
	return n
}

// TeamName is the home workspace's name; other organizations are named
// by the partners they are linked to, which the export knows itself.
func (d *Directory) TeamName(_ context.Context, id string) string {
	if id == d.homeID {
		return d.homeName
	}
	return ""
}
