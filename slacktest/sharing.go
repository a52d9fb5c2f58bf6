package slacktest

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// How a channel changes under the app, as Slack tells it:
//
//   - Sharing (https://docs.slack.dev/reference/events/channel_shared):
//     when a channel becomes shared with another organization, and each
//     time one more joins, Slack sends channel_shared with the
//     connected_team_id of the one that joined. conversations.info then
//     shows is_shared, is_ext_shared, and every organization in
//     shared_team_ids and connected_team_ids, with the host in
//     conversation_host_id (webapi.go). The event needs channels:read
//     (groups:read for a private channel, which the bot must be in).
//   - Joining (https://docs.slack.dev/reference/events/member_joined_channel):
//     when someone joins a channel the bot is a member of, Slack sends
//     member_joined_channel with the user, the channel, a one-letter
//     channel_type ("C" public, "G" private) and a team. It needs the same
//     scopes. Which team Slack puts there for someone of another
//     organization is not documented; the fake puts the user's own.
//   - Archiving (https://docs.slack.dev/reference/methods/chat.postMessage,
//     chat.postEphemeral): an archived channel keeps its history and
//     conversations.info shows is_archived; posting into it answers
//     is_archived.

// SetArchived archives a channel or brings it back.
func (s *Server) SetArchived(channel string, archived bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[channel]; ok {
		c.IsArchived = archived
	}
}

// archivedLocked reports whether posts into channel id answer is_archived.
func (s *Server) archivedLocked(id string) bool {
	c, ok := s.channels[id]
	return ok && c.IsArchived
}

// ShareChannel shares a channel with the organizations of teams: it
// becomes shared (is_shared, is_ext_shared) with them added to
// shared_team_ids, then channel_shared is delivered once per team, in
// order, each acknowledged before the next. It returns the first delivery
// error. Without the scope the event needs, or for a private channel the
// bot is not in, the channel is shared and no event is sent.
func (s *Server) ShareChannel(ctx context.Context, channel string, teams ...string) error {
	s.mu.Lock()
	c, ok := s.channels[channel]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("slacktest: ShareChannel: unknown channel %s", channel)
	}
	if len(c.SharedTeamIDs) == 0 {
		c.SharedTeamIDs = []string{s.opts.HomeTeam}
	}
	for _, t := range teams {
		if !slices.Contains(c.SharedTeamIDs, t) {
			c.SharedTeamIDs = append(c.SharedTeamIDs, t)
		}
	}
	c.IsShared, c.IsExtShared = true, true
	visible := s.channelEventsLocked(channel)
	s.mu.Unlock()
	if !visible {
		s.logf("channel_shared for %s not sent: the bot cannot see the channel's events", channel)
		return nil
	}
	for _, t := range teams {
		s.mu.Lock()
		ts := s.nextTSLocked()
		s.mu.Unlock()
		ev := map[string]any{"type": "channel_shared", "connected_team_id": t, "channel": channel, "event_ts": ts}
		if _, _, err := s.SendEvent(ctx, ev, true); err != nil {
			return err
		}
	}
	return nil
}

// JoinChannel adds a user to a channel (to Members, when the channel
// lists them) and, if the bot is a member, delivers member_joined_channel.
// It returns the delivery's error; no event, no error.
func (s *Server) JoinChannel(ctx context.Context, userID, channel string) error {
	s.mu.Lock()
	c, ok := s.channels[channel]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("slacktest: JoinChannel: unknown channel %s", channel)
	}
	if len(c.Members) > 0 && !slices.Contains(c.Members, userID) {
		c.Members = append(c.Members, userID)
	}
	u := s.userLocked(userID)
	kind := "C"
	if s.privateLocked(channel) {
		kind = "G"
	}
	ev := map[string]any{
		"type": "member_joined_channel", "user": u.ID, "channel": channel, "channel_type": kind,
		"team": u.TeamID, "event_ts": s.nextTSLocked(),
	}
	visible := s.channelEventsLocked(channel) && s.memberLocked(channel)
	ext := c.IsExtShared
	s.mu.Unlock()
	if !visible {
		s.logf("member_joined_channel for %s not sent: the bot is not in the channel or lacks the scope", channel)
		return nil
	}
	_, _, err := s.SendEvent(ctx, ev, ext)
	return err
}

// channelEventsLocked reports whether the bot receives a channel's
// membership and sharing events: channels:read for a public channel,
// groups:read (and membership) for a private one.
func (s *Server) channelEventsLocked(id string) bool {
	scope := s.kindScopeLocked(id, "read")
	if strings.HasPrefix(scope, "groups:") && !s.memberLocked(id) {
		return false
	}
	return s.scopes[scope]
}
