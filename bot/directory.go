package bot

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/slack-go/slack"
)

// directoryAPI is the part of the Slack client the directory needs.
type directoryAPI interface {
	userInfoAPI
	GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error)
	GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) ([]string, string, error)
}

// Directory answers the commands' questions about Slack's people and
// channels (commands.Directory) from users.info and conversations.info,
// cached: who belongs to which team changes rarely, and both methods are
// rate limited. The bot classifies users through the same cache.
type Directory struct {
	api      directoryAPI
	users    *users
	channels *expirable.LRU[string, []string]
	// connected are the organizations channel_shared events named, beside
	// what conversations.info says (which may not list them yet).
	connected    *expirable.LRU[string, []string]
	channelNames *expirable.LRU[string, string]
	// The home workspace, for exports to name (SetWorkspace).
	homeID, homeName string
	// botUser is the bot's own user id (bot.New sets it): not one of a
	// channel's people.
	botUser string
}

// NewDirectory returns a directory over api; fallback is the zone of
// users whose zone Slack does not give.
func NewDirectory(api directoryAPI, fallback *time.Location) *Directory {
	return &Directory{api: api, users: newUsers(api, fallback, time.Hour),
		channels:     expirable.NewLRU[string, []string](10000, nil, 10*time.Minute),
		connected:    expirable.NewLRU[string, []string](10000, nil, 24*time.Hour),
		channelNames: expirable.NewLRU[string, string](10000, nil, time.Hour)}
}

// ChannelTeams are the Slack teams with people in channel: for a Slack
// Connect channel, the organizations sharing it (connected_team_ids,
// shared_team_ids, conversation_host_id), the host included. Only a
// shared channel's answer is cached: an internal channel may be shared
// any moment, and the first outsider in it must see it shared.
func (d *Directory) ChannelTeams(ctx context.Context, channel string) ([]string, error) {
	if teams, ok := d.channels.Get(channel); ok {
		return teams, nil
	}
	info, err := d.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if err != nil {
		return nil, fmt.Errorf("conversations.info %s: %w", channel, err)
	}
	var teams []string
	all := append(append(append([]string(nil), info.ConnectedTeamIDs...), info.SharedTeamIDs...), info.ConversationHostID)
	if hinted, ok := d.connected.Get(channel); ok && (info.IsExtShared || info.IsShared) {
		all = append(all, hinted...)
		if len(info.ConnectedTeamIDs)+len(info.SharedTeamIDs) == 0 {
			all = append(all, d.homeID)
		}
	}
	for _, t := range all {
		if t != "" && !slices.Contains(teams, t) {
			teams = append(teams, t)
		}
	}
	if len(teams) > 1 {
		d.channels.Add(channel, teams)
	}
	return teams, nil
}

// Forget drops what is cached about channel: Slack said it changed (it
// was shared, someone from outside joined).
func (d *Directory) Forget(channel string) { d.channels.Remove(channel) }

// Connected notes an organization a channel_shared event named: Slack
// said so, and conversations.info may not list it (yet). It counts only
// while conversations.info says the channel is shared.
func (d *Directory) Connected(channel, team string) {
	if team == "" {
		return
	}
	teams, _ := d.connected.Get(channel)
	if !slices.Contains(teams, team) {
		d.connected.Add(channel, append(slices.Clone(teams), team))
	}
}

// UserTeam is the Slack team user belongs to.
func (d *Directory) UserTeam(ctx context.Context, user string) (string, error) {
	who, err := d.users.get(ctx, user)
	if err != nil {
		return "", err
	}
	return who.Team, nil
}

// UserNamed finds nobody: in Slack a picked person arrives as their id.
func (d *Directory) UserNamed(context.Context, string) (string, bool) { return "", false }

// maxPeople bounds how many of a channel's members ChannelPeople reads:
// two pages of conversations.members (a partner's channel has a few
// dozen people).
const maxPeople = 2000

// ChannelPeople are the members of channel (conversations.members, a
// page of up to 1,000 at a time), the bot itself left out: who a
// survey's reminder may reach, and what its response rate counts.
func (d *Directory) ChannelPeople(ctx context.Context, channel string) ([]string, error) {
	var out []string
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000}
	for len(out) < maxPeople {
		members, next, err := d.api.GetUsersInConversationContext(ctx, params)
		if d.users.observe != nil {
			d.users.observe("conversations.members", err)
		}
		if err != nil {
			return nil, fmt.Errorf("conversations.members %s: %w", channel, err)
		}
		for _, m := range members {
			if m != d.botUser {
				out = append(out, m)
			}
		}
		if next == "" {
			break
		}
		params.Cursor = next
	}
	return out, nil
}
