package bot

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// infoOnly answers conversations.info with a fixed channel.
type infoOnly struct {
	userInfoAPI
	ch slack.Channel
}

func (i infoOnly) GetConversationInfoContext(context.Context, *slack.GetConversationInfoInput) (*slack.Channel, error) {
	ch := i.ch
	return &ch, nil
}

func (i infoOnly) GetUsersInConversationContext(context.Context, *slack.GetUsersInConversationParameters) ([]string, string, error) {
	return nil, "", nil
}

// A channel_shared event names the organization the channel is now
// shared with; where conversations.info lists no teams (only that it is
// shared), that organization still counts. It never makes an internal
// channel shared.
func TestChannelSharedNamesTheOrganization(t *testing.T) {
	for _, tc := range []struct {
		name string
		ch   slack.Channel
		want []string
	}{
		{"shared, no team lists", channelWith(true, nil), []string{"T0PARTNER", "T0HOME"}},
		{"shared, teams listed", channelWith(true, []string{"T0HOME", "T0OTHER"}), []string{"T0HOME", "T0OTHER", "T0PARTNER"}},
		{"not shared", channelWith(false, nil), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDirectory(infoOnly{ch: tc.ch}, time.UTC)
			d.SetWorkspace("T0HOME", "Home")
			d.Connected("C1", "T0PARTNER")
			got, err := d.ChannelTeams(context.Background(), "C1")
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("ChannelTeams = %v; want %v", got, want)
			}
		})
	}
}

func channelWith(shared bool, teams []string) slack.Channel {
	var ch slack.Channel
	ch.ID = "C1"
	ch.IsExtShared = shared
	ch.ConnectedTeamIDs = teams
	return ch
}
