package slacktest

import (
	"context"
	"errors"
	"strings"
)

// Shortcuts, as Slack delivers them
// (https://docs.slack.dev/interactivity/implementing-shortcuts,
// https://api.slack.com/reference/interaction-payloads/shortcuts):
//
//   - A message shortcut arrives as an interactive envelope of type
//     message_action: callback_id, trigger_id, response_url, action_ts,
//     message_ts, the team, the user (with team_id), the channel
//     ({id, name}) and the whole message it was used on.
//   - A global shortcut arrives as type shortcut: callback_id,
//     trigger_id, action_ts, the team and the user; no channel, no
//     message, no response_url.
//   - Slack offers shortcuts, like slash commands, only to people of the
//     workspace that installed the app: "Slash commands and message
//     actions are not shared" with other organizations
//     (https://docs.slack.dev/apis/slack-connect/). Nothing is delivered
//     for anyone else (ErrNotOffered). A guest of the workspace is offered
//     them.
//   - chat.getPermalink (https://docs.slack.dev/reference/methods/chat.getPermalink)
//     needs no scope and answers {"ok", "channel", "permalink"}, the link
//     https://<domain>.slack.com/archives/<channel>/p<ts without its dot>;
//     channel_not_found and message_not_found otherwise.

// ErrNotOffered means the user is not of the installing workspace, so
// Slack does not offer them the app's shortcuts: nothing reaches the app.
var ErrNotOffered = errors.New("slacktest: shortcuts are offered only to users of the installing workspace")

// ErrNoMessage means MessageShortcut named a message the fake does not know.
var ErrNoMessage = errors.New("slacktest: no such message")

// MessageShortcut is userID using the app's message shortcut callbackID
// on the message messageTS in channelID: a person's message sent with
// UserMessage, Mention or DirectMessage, or one the app posted. It
// delivers the message_action envelope and waits for its ack.
func (s *Server) MessageShortcut(ctx context.Context, userID, channelID, messageTS, callbackID string) (Ack, error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	if u.TeamID != s.opts.HomeTeam {
		s.mu.Unlock()
		s.logf("shortcut %s from %s of team %s not offered: not the installing workspace", callbackID, userID, u.TeamID)
		return Ack{}, ErrNotOffered
	}
	msg := s.messageObjectLocked(channelID, messageTS)
	if msg == nil {
		s.mu.Unlock()
		return Ack{}, ErrNoMessage
	}
	payload := map[string]any{
		"type":                  "message_action",
		"token":                 verificationToken,
		"api_app_id":            AppID,
		"callback_id":           callbackID,
		"trigger_id":            s.newTriggerLocked(),
		"response_url":          s.newResponseURLLocked(channelID, u.ID, ""),
		"action_ts":             s.nextTSLocked(),
		"message_ts":            messageTS,
		"team":                  s.teamObject(u.TeamID),
		"user":                  userObject(u),
		"channel":               map[string]any{"id": channelID, "name": s.channelNameLocked(channelID)},
		"message":               msg,
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	s.mu.Unlock()
	envID, frame := marshalEnvelope("interactive", payload, true)
	return s.roundTrip(ctx, envID, frame, s.opts.AckTimeout)
}

// GlobalShortcut is userID using the app's global shortcut callbackID
// (from the composer or search): a shortcut envelope, acked.
func (s *Server) GlobalShortcut(ctx context.Context, userID, callbackID string) (Ack, error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	if u.TeamID != s.opts.HomeTeam {
		s.mu.Unlock()
		return Ack{}, ErrNotOffered
	}
	payload := map[string]any{
		"type":                  "shortcut",
		"token":                 verificationToken,
		"api_app_id":            AppID,
		"callback_id":           callbackID,
		"trigger_id":            s.newTriggerLocked(),
		"action_ts":             s.nextTSLocked(),
		"team":                  s.teamObject(u.TeamID),
		"user":                  userObject(u),
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	s.mu.Unlock()
	envID, frame := marshalEnvelope("interactive", payload, true)
	return s.roundTrip(ctx, envID, frame, s.opts.AckTimeout)
}

// messageObjectLocked is the message at ts in channel as Slack shows it
// in a payload: a person's (with their team, and user_team and
// source_team when they are of another organization) or the app's own;
// nil when the fake knows no such message.
func (s *Server) messageObjectLocked(channel, ts string) map[string]any {
	if m, ok := s.said[channel+"/"+ts]; ok {
		u := s.userLocked(m.user)
		o := map[string]any{"type": "message", "user": u.ID, "text": m.text, "ts": ts, "team": u.TeamID}
		if u.TeamID != s.opts.HomeTeam {
			o["user_team"], o["source_team"] = u.TeamID, u.TeamID
		}
		return o
	}
	if m := s.findMessageLocked(channel, ts); m != nil {
		return m.object(s.opts.BotUserID, s.opts.HomeTeam, false)
	}
	return nil
}

func (s *Server) chatGetPermalink(p *params) any {
	channel, ts := p.str("channel"), p.str("message_ts")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[channel]; !ok && len(s.history[channel]) == 0 && !s.saidInLocked(channel) {
		return fail("channel_not_found")
	}
	if s.messageObjectLocked(channel, ts) == nil {
		return fail("message_not_found")
	}
	return map[string]any{"ok": true, "channel": channel,
		"permalink": "https://" + teamDomain(s.opts.HomeTeam) + ".slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")}
}

// saidInLocked reports whether a person wrote anything in channel.
func (s *Server) saidInLocked(channel string) bool {
	for _, k := range s.saidOrder {
		if strings.HasPrefix(k, channel+"/") {
			return true
		}
	}
	return false
}
