package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// What Slack sends the app when a person edits a message, for the events
// the app subscribes to (app_mention, message.im):
//
//   - In a DM with the app, message.im brings message_changed
//     (https://docs.slack.dev/reference/events/message/message_changed):
//     a hidden message event whose own ts is the edit's, with the message
//     as it now is under "message" (its original ts, the new text, and
//     "edited": {user, ts}) and as it was under "previous_message".
//   - In a channel, an edited message that mentions the app comes again
//     as app_mention, with a new event_id, the original ts, the new text
//     and "edited" (bolt-js #960, slack-go #1256). Slack's documents do not
//     say whether an edit that adds the mention to a message that had none
//     brings one; the fake sends it, as the mention is in the message.
//     An edit without a mention brings nothing (message_changed in a
//     channel needs message.channels, which the app does not ask for).

// said is a person's message the fake delivered, kept so it can be edited.
type said struct {
	user, text string
}

// maxSaid bounds the messages kept for edits.
const maxSaid = 20000

func (s *Server) rememberLocked(channel, ts, user, text string) {
	k := channel + "/" + ts
	if _, ok := s.said[k]; !ok {
		s.saidOrder = append(s.saidOrder, k)
		if len(s.saidOrder) > maxSaid {
			delete(s.said, s.saidOrder[0])
			s.saidOrder = s.saidOrder[1:]
		}
	}
	s.said[k] = &said{user: user, text: text}
}

// mentionsApp reports whether text mentions the bot user.
func (s *Server) mentionsApp(text string) bool {
	tag := "<@" + s.opts.BotUserID
	return strings.Contains(text, tag+">") || strings.Contains(text, tag+"|")
}

// UserMessage is a person writing text in a channel. The app hears of it
// only when it mentions the app (app_mention, as Mention); either way the
// message can be edited with EditMessage. It returns the message's ts and
// the event's id ("" when none was sent).
func (s *Server) UserMessage(ctx context.Context, userID, channelID, text string) (ts, eventID string, err error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	ts = s.nextTSLocked()
	s.rememberLocked(channelID, ts, u.ID, text)
	ev, ext := s.mentionEventLocked(u, channelID, text, ts)
	s.mu.Unlock()
	if !s.mentionsApp(text) {
		return ts, "", nil
	}
	eventID, _, err = s.SendEvent(ctx, ev, ext)
	return ts, eventID, err
}

// EditMessage is the author of the message ts in channel (sent with
// Mention, DirectMessage or UserMessage) changing its text, and delivers
// what Slack sends the app for it (see above). It returns the event's id,
// "" when Slack sends the app nothing.
func (s *Server) EditMessage(ctx context.Context, channel, ts, text string) (string, Ack, error) {
	s.mu.Lock()
	m, ok := s.said[channel+"/"+ts]
	if !ok {
		s.mu.Unlock()
		return "", Ack{}, fmt.Errorf("slacktest: EditMessage: no message %s in %s", ts, channel)
	}
	old := m.text
	m.text = text
	u := s.userLocked(m.user)
	editTS := s.nextTSLocked()
	edited := map[string]any{"user": u.ID, "ts": editTS}
	c := s.channels[channel]
	im := strings.HasPrefix(channel, "D") || (c != nil && c.IsIM)
	var ev map[string]any
	ext := false
	switch {
	case im:
		ev = map[string]any{
			"type": "message", "subtype": "message_changed", "hidden": true,
			"channel": channel, "channel_type": "im", "ts": editTS, "event_ts": editTS,
			"message": map[string]any{
				"type": "message", "user": u.ID, "text": text, "ts": ts, "team": u.TeamID, "edited": edited,
			},
			"previous_message": map[string]any{
				"type": "message", "user": u.ID, "text": old, "ts": ts, "team": u.TeamID,
			},
		}
		ext = u.TeamID != s.opts.HomeTeam
	case s.mentionsApp(text):
		ev, ext = s.mentionEventLocked(u, channel, text, ts)
		ev["edited"] = edited
		ev["event_ts"] = editTS
	}
	s.mu.Unlock()
	if ev == nil {
		return "", Ack{}, nil
	}
	return s.SendEvent(ctx, ev, ext)
}

// MessageTS is the ts of the message the event eventID brought (a
// mention, a DM), to edit it with EditMessage.
func (s *Server) MessageTS(eventID string) (string, bool) {
	s.mu.Lock()
	rec, ok := s.events[eventID]
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	var outer struct {
		Event struct {
			TS string `json:"ts"`
		} `json:"event"`
	}
	if json.Unmarshal(rec.payload, &outer) != nil || outer.Event.TS == "" {
		return "", false
	}
	return outer.Event.TS, true
}
