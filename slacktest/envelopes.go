package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
)

// trigger is an issued trigger_id.
type trigger struct {
	issued time.Time
	used   bool
}

// responseTarget is where a response_url posts land.
type responseTarget struct {
	channel   string
	user      string
	messageTS string    // the message an interaction came from, for replace/delete_original
	issued    time.Time // on Options.Now
	uses      int       // guarded by Server.mu
}

// A response_url takes posts "up to 5 times within 30 minutes"
// (https://docs.slack.dev/interactivity/handling-user-interaction). The 30
// minutes run on Options.Now, not the wall clock like the other protocol
// deadlines: a test that moves the bot's clock past them sees the
// response_url expire, where no test could wait half an hour.
const (
	responseURLUses = 5
	responseURLLife = 30 * time.Minute
)

// How long the fake remembers what it issued, to bound memory in long
// benchmarks. A trigger_id is kept well past its 3-second lifetime, so
// that a late views.open still reads expired_trigger_id rather than
// invalid_trigger_id. A response_url is kept for Slack's 30 minutes, but
// only the most recent maxResponseURLs (at 10,000 slash commands a second
// that is the last 10 s; the bot uses a response_url within moments).
const (
	triggerKeep     = time.Minute
	responseURLKeep = 30 * time.Minute
	maxResponseURLs = 100000
)

// issuedID is an entry of a fifo of issued ids, oldest first: ids are
// issued in time order, so the expired ones are always at the front and
// pruning costs O(1) per id, with no scan of the map under s.mu.
type issuedID struct {
	id string
	at time.Time
}

// fifo is a queue of issued ids. Popping reslices the front away; append
// moves the live part into a fresh array when the old one is full, so the
// memory held stays proportional to the ids kept.
type fifo []issuedID

// pop removes the oldest id and returns it.
func (q *fifo) pop() string {
	id := (*q)[0].id
	(*q)[0] = issuedID{} // release the string before the array is reallocated
	*q = (*q)[1:]
	return id
}

// newTriggerLocked issues a trigger_id in Slack's "<n>.<n>.<hex>" shape,
// and forgets the ones issued more than triggerKeep ago.
func (s *Server) newTriggerLocked() string {
	now := time.Now() // once per call: a clock read is not free
	for len(s.triggerOrder) > 0 && now.Sub(s.triggerOrder[0].at) > triggerKeep {
		delete(s.triggers, s.triggerOrder.pop())
	}
	id := fmt.Sprintf("%d.%d.%032x", rand.Int64N(1e13), rand.Int64N(1e10), rand.Uint64())
	s.triggers[id] = &trigger{issued: now}
	s.triggerOrder = append(s.triggerOrder, issuedID{id: id, at: now})
	s.lastTrigger = id
	return id
}

// newResponseURLLocked issues a loopback response_url that records posts,
// and forgets the ones older than responseURLKeep or beyond the most
// recent s.maxResponseURLs (a POST to a forgotten one answers 404
// expired_url, as Slack does after 30 minutes).
func (s *Server) newResponseURLLocked(channel, user, messageTS string) string {
	now := time.Now()
	for len(s.responseOrder) > 0 &&
		(len(s.responseOrder) >= s.maxResponseURLs || now.Sub(s.responseOrder[0].at) > responseURLKeep) {
		delete(s.responseURLs, s.responseOrder.pop())
	}
	id := strings.ReplaceAll(uuid.NewString(), "-", "")
	s.responseURLs[id] = &responseTarget{channel: channel, user: user, messageTS: messageTS, issued: s.opts.Now()}
	s.responseOrder = append(s.responseOrder, issuedID{id: id, at: now})
	return s.base + "/response/" + id
}

// teamObject is the "team" of an interaction payload. The fake uses the
// acting user's team. For external users in shared channels, Slack's exact
// choice is unverified, so check user.team_id instead.
func (s *Server) teamObject(teamID string) map[string]any {
	return map[string]any{"id": teamID, "domain": teamDomain(teamID)}
}

func userObject(u User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.TeamID}
}

// channelNameLocked is the channel_name Slack puts in slash command and
// interaction payloads.
func (s *Server) channelNameLocked(id string) string {
	if c, ok := s.channels[id]; ok && c.Name != "" {
		return c.Name
	}
	switch {
	case strings.HasPrefix(id, "D"):
		return "directmessage"
	case strings.HasPrefix(id, "G"):
		return "privategroup"
	}
	return lowerID(id)
}

func marshalEnvelope(envType string, payload any, acceptsResponse bool) (string, []byte) {
	p, err := json.Marshal(payload)
	if err != nil {
		panic(fmt.Sprintf("slacktest: marshal %s payload: %v", envType, err))
	}
	id := uuid.NewString()
	b, _ := json.Marshal(envelope{EnvelopeID: id, Type: envType, Payload: p, AcceptsResponsePayload: acceptsResponse})
	return id, b
}

// SlashCommand delivers a slash_commands envelope and waits for its ack. A
// user whose team is not the home team gets ErrNotValidCommand, and nothing
// is delivered, as in Slack. Here and in the other delivery methods, users
// that were never added count as home-team members named after their id.
func (s *Server) SlashCommand(ctx context.Context, userID, channelID, command, text string) (Ack, error) {
	envID, frame, err := s.slashEnvelope(userID, channelID, command, text)
	if err != nil {
		return Ack{}, err
	}
	return s.roundTrip(ctx, envID, frame, s.opts.AckTimeout)
}

// SlashCommandAsync delivers a slash command without waiting. The channel
// yields exactly one AckResult: the ack, ErrAckTimeout or ErrClosed.
// Delivery errors (ErrNotValidCommand, ErrNotConnected) are returned at once.
func (s *Server) SlashCommandAsync(userID, channelID, command, text string) (<-chan AckResult, error) {
	envID, frame, err := s.slashEnvelope(userID, channelID, command, text)
	if err != nil {
		return nil, err
	}
	wt, err := s.sendOnce(envID, frame)
	if err != nil {
		return nil, err
	}
	out := make(chan AckResult, 1)
	if !s.goTracked(func() {
		a, err := s.finish(context.Background(), wt, envID, s.opts.AckTimeout)
		out <- AckResult{Ack: a, Err: err}
	}) {
		s.forget(wt)
		return nil, ErrClosed
	}
	return out, nil
}

func (s *Server) slashEnvelope(userID, channelID, command, text string) (string, []byte, error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	if u.TeamID != s.opts.HomeTeam {
		s.mu.Unlock()
		s.logf("slash command %s from %s of team %s rejected: not the installing workspace", command, userID, u.TeamID)
		return "", nil, ErrNotValidCommand
	}
	payload := map[string]any{
		"token":                 verificationToken,
		"team_id":               s.opts.HomeTeam,
		"team_domain":           teamDomain(s.opts.HomeTeam),
		"channel_id":            channelID,
		"channel_name":          s.channelNameLocked(channelID),
		"user_id":               u.ID,
		"user_name":             u.Name,
		"command":               command,
		"text":                  text,
		"api_app_id":            AppID,
		"is_enterprise_install": "false", // Slack sends a string here
		"response_url":          s.newResponseURLLocked(channelID, u.ID, ""),
		"trigger_id":            s.newTriggerLocked(),
	}
	s.mu.Unlock()
	envID, frame := marshalEnvelope("slash_commands", payload, true)
	return envID, frame, nil
}

// BlockAction delivers an interactive block_actions envelope for a press of
// the element actionID in block blockID on the message messageTS in
// channelID. If channelID and messageTS are empty, the action comes from
// the user's Home tab. If the message was posted through the fake, the
// element's type and text are taken from its blocks.
func (s *Server) BlockAction(ctx context.Context, userID, channelID, messageTS, actionID, blockID, value string) (Ack, error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	actionTS := s.nextTSLocked()
	action := map[string]any{
		"action_id": actionID,
		"block_id":  blockID, // slack-go only treats actions with a block_id as block actions
		"type":      "button",
		"value":     value,
		"text":      map[string]any{"type": "plain_text", "text": value, "emoji": true},
		"action_ts": actionTS,
	}
	payload := map[string]any{
		"type":                  "block_actions",
		"token":                 verificationToken,
		"api_app_id":            AppID,
		"team":                  s.teamObject(u.TeamID),
		"user":                  userObject(u),
		"trigger_id":            s.newTriggerLocked(),
		"actions":               []any{action},
		"state":                 map[string]any{"values": map[string]any{}},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	var blocks json.RawMessage
	if channelID == "" && messageTS == "" {
		container := map[string]any{"type": "view"}
		if id, ok := s.homeViewID[u.ID]; ok {
			if v, ok := s.views[id]; ok {
				container["view_id"] = id
				payload["view"] = deepCopy(v)
				blocks, _ = json.Marshal(v["blocks"])
			}
		}
		payload["container"] = container
	} else {
		eph := s.ephemeral[channelID+"/"+messageTS]
		payload["container"] = map[string]any{
			"type":         "message",
			"message_ts":   messageTS,
			"channel_id":   channelID,
			"is_ephemeral": eph,
		}
		payload["channel"] = map[string]any{"id": channelID, "name": s.channelNameLocked(channelID)}
		payload["response_url"] = s.newResponseURLLocked(channelID, u.ID, messageTS)
		if m := s.findMessageLocked(channelID, messageTS); m != nil {
			payload["message"] = m.object(s.opts.BotUserID, s.opts.HomeTeam, true)
			blocks = m.blocks
		} else if !eph {
			// Slack always includes the message for non-ephemeral ones.
			payload["message"] = map[string]any{"type": "message", "ts": messageTS, "text": ""}
		}
	}
	s.mu.Unlock()
	describeElement(action, blocks, blockID, actionID, value)
	envID, frame := marshalEnvelope("interactive", payload, true)
	return s.roundTrip(ctx, envID, frame, s.opts.AckTimeout)
}

// describeElement fills an action's type and text from the element in blocks,
// and selected_option for option-based elements.
func describeElement(action map[string]any, blocks json.RawMessage, blockID, actionID, value string) {
	var bs []struct {
		BlockID   string             `json:"block_id"`
		Elements  []map[string]any   `json:"elements"`
		Accessory map[string]any     `json:"accessory"`
		Element   map[string]any     `json:"element"`
		Rows      [][]map[string]any `json:"rows"` // a data_table's, whose action cells hold buttons
	}
	if len(blocks) == 0 || json.Unmarshal(blocks, &bs) != nil {
		return
	}
	for _, b := range bs {
		if b.BlockID != blockID {
			continue
		}
		els := append([]map[string]any{b.Accessory, b.Element}, b.Elements...)
		for _, row := range b.Rows {
			for _, cell := range row {
				if el, ok := cell["element"].(map[string]any); ok && cell["type"] == "action_cell" {
					els = append(els, el)
				}
			}
		}
		for _, el := range els {
			if el == nil || el["action_id"] != actionID {
				continue
			}
			if t, ok := el["type"].(string); ok {
				action["type"] = t
			}
			if txt, ok := el["text"].(map[string]any); ok {
				action["text"] = txt
			}
			if opts, ok := el["options"].([]any); ok {
				delete(action, "value")
				delete(action, "text")
				for _, o := range opts {
					if om, ok := o.(map[string]any); ok && om["value"] == value {
						action["selected_option"] = om
					}
				}
			}
			return
		}
	}
}

// SubmitView delivers an interactive view_submission envelope. view is the
// modal as opened, for example an entry of OpenedViews. If it is nil, the
// fake uses the view it stored under viewID. The fake fills in id, state
// (from values: block_id → action_id → element value such as
// {"type":"plain_text_input","value":"x"}; an input not in values keeps
// the initial value or option the form opened with) and the other fields
// Slack sends.
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, view json.RawMessage, values map[string]map[string]any) (Ack, error) {
	v := map[string]any{}
	s.mu.Lock()
	if len(view) > 0 {
		if err := json.Unmarshal(view, &v); err != nil {
			s.mu.Unlock()
			return Ack{}, fmt.Errorf("slacktest: SubmitView: view is not a JSON object: %w", err)
		}
	} else if stored, ok := s.views[viewID]; ok {
		v = deepCopy(stored)
	}
	if viewID == "" {
		viewID, _ = v["id"].(string)
	}
	if viewID == "" {
		viewID = randID("V", 10)
	}
	u := s.userLocked(userID)
	s.fillViewLocked(v, viewID, "modal")
	if values == nil {
		values = map[string]map[string]any{}
	}
	v["state"] = map[string]any{"values": withInitialValues(v, values)}
	payload := map[string]any{
		"type":                  "view_submission",
		"token":                 verificationToken,
		"api_app_id":            AppID,
		"team":                  s.teamObject(u.TeamID),
		"user":                  userObject(u),
		"trigger_id":            s.newTriggerLocked(),
		"view":                  v,
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	s.mu.Unlock()
	envID, frame := marshalEnvelope("interactive", payload, true)
	return s.roundTrip(ctx, envID, frame, s.opts.AckTimeout)
}

// withInitialValues is a submitted view's state: the values the person
// entered, and for each input they left as the form opened it, its
// initial value or option, as Slack submits them.
func withInitialValues(v map[string]any, values map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, val := range values {
		out[k] = val
	}
	blocks, _ := v["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		id, _ := bm["block_id"].(string)
		el, _ := bm["element"].(map[string]any)
		if bm["type"] != "input" || id == "" || el == nil {
			continue
		}
		if _, given := out[id]; given {
			continue
		}
		action, _ := el["action_id"].(string)
		state := map[string]any{"type": el["type"]}
		switch {
		case el["initial_value"] != nil:
			state["value"] = el["initial_value"]
		case el["initial_option"] != nil:
			state["selected_option"] = el["initial_option"]
		default:
			continue
		}
		out[id] = map[string]any{action: state}
	}
	return out
}

// SendRaw writes an arbitrary envelope, such as one of a type slack-go does
// not know, and waits for the ack of its envelope_id (added if missing). It
// is not retried.
func (s *Server) SendRaw(ctx context.Context, env map[string]any) (Ack, error) {
	env = maps.Clone(env)
	envID, _ := env["envelope_id"].(string)
	if envID == "" {
		envID = uuid.NewString()
		env["envelope_id"] = envID
	}
	frame, err := json.Marshal(env)
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: SendRaw: %w", err)
	}
	timeout := s.opts.AckTimeout
	if env["type"] == "events_api" {
		timeout = s.opts.EventAckTimeout
	}
	return s.roundTrip(ctx, envID, frame, timeout)
}

// maxEvents is how many recent events RedeliverEvent can find.
const maxEvents = 20000

// eventRecord is one Events API event and its delivery history.
type eventRecord struct {
	id          string
	payload     json.RawMessage // the event_callback outer event
	lastAttempt int             // guarded by Server.mu
}

func (r *eventRecord) frame(attempt int) (string, []byte) {
	reason := ""
	if attempt > 0 {
		reason = "timeout" // the only retry_reason Socket Mode sends
	}
	id := uuid.NewString()
	b, _ := json.Marshal(envelope{
		EnvelopeID:   id,
		Type:         "events_api",
		Payload:      r.payload,
		RetryAttempt: &attempt,
		RetryReason:  &reason,
	})
	return id, b
}

// SendEvent wraps an inner event in a full event_callback payload and
// delivers it as events_api. If no ack comes within EventAckTimeout, it is
// redelivered after each of RetryDelays with the same event_id. A delivery
// when no socket is open is lost and waits out the timeout too, as in Slack.
// It returns the first ack, or ErrAckTimeout once the retries are used up.
func (s *Server) SendEvent(ctx context.Context, event map[string]any, extShared bool) (string, Ack, error) {
	rec := s.newEvent(event, extShared)
	a, err := s.deliverEvent(ctx, rec)
	return rec.id, a, err
}

func (s *Server) newEvent(event map[string]any, extShared bool) *eventRecord {
	id := randID("Ev", 10)
	now := s.opts.Now()
	outer := map[string]any{
		"token":      verificationToken,
		"team_id":    s.opts.HomeTeam,
		"api_app_id": AppID,
		"event":      event,
		"type":       "event_callback",
		"event_id":   id,
		"event_time": now.Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id":         nil,
			"team_id":               s.opts.HomeTeam,
			"user_id":               s.opts.BotUserID,
			"is_bot":                true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": extShared,
		"event_context":         "4-" + randID("", 40),
		"context_team_id":       s.opts.HomeTeam,
		"context_enterprise_id": nil,
	}
	p, err := json.Marshal(outer)
	if err != nil {
		panic(fmt.Sprintf("slacktest: marshal event: %v", err))
	}
	rec := &eventRecord{id: id, payload: p}
	s.mu.Lock()
	s.events[id] = rec
	s.eventOrder = append(s.eventOrder, id)
	if len(s.eventOrder) > maxEvents { // bound memory in long benchmarks
		delete(s.events, s.eventOrder[0])
		s.eventOrder = s.eventOrder[1:]
	}
	s.mu.Unlock()
	return rec
}

func (s *Server) deliverEvent(ctx context.Context, rec *eventRecord) (Ack, error) {
	wt := newWaiter()
	defer s.forget(wt)
	for attempt := 0; ; attempt++ {
		envID, frame := rec.frame(attempt)
		s.mu.Lock()
		rec.lastAttempt = attempt
		s.mu.Unlock()
		err := s.transmit(wt, envID, frame)
		if errors.Is(err, ErrClosed) {
			return Ack{}, err
		}
		if err != nil {
			s.logf("event %s delivery %d lost: %v", rec.id, attempt, err)
		}
		a, err := s.await(ctx, wt, s.opts.EventAckTimeout)
		if !errors.Is(err, ErrAckTimeout) {
			return a, err
		}
		if attempt >= len(s.opts.RetryDelays) {
			s.logf("event %s never acked after %d retries", rec.id, attempt)
			return Ack{}, ErrAckTimeout
		}
		s.logf("event %s not acked within %v; redelivering (retry_attempt=%d)", rec.id, s.opts.EventAckTimeout, attempt+1)
		// A late ack of an earlier delivery still settles the event.
		a, err = s.await(ctx, wt, s.opts.RetryDelays[attempt])
		if !errors.Is(err, ErrAckTimeout) {
			return a, err
		}
	}
}

// RedeliverEvent sends an event again with retry_attempt one higher than the
// last delivery and retry_reason "timeout", whether or not it was acked. It
// is for testing that the app deduplicates on event_id. It waits for the ack
// of this delivery only and does not retry.
func (s *Server) RedeliverEvent(ctx context.Context, eventID string) (Ack, error) {
	s.mu.Lock()
	rec, ok := s.events[eventID]
	if !ok {
		s.mu.Unlock()
		return Ack{}, ErrUnknownEvent
	}
	rec.lastAttempt++
	attempt := rec.lastAttempt
	s.mu.Unlock()
	envID, frame := rec.frame(attempt)
	wt := newWaiter()
	defer s.forget(wt)
	if err := s.transmit(wt, envID, frame); err != nil {
		return Ack{}, err
	}
	return s.await(ctx, wt, s.opts.EventAckTimeout)
}

// Mention delivers an app_mention event. text is what Slack sends, such as
// "<@UBOT> partner list".
func (s *Server) Mention(ctx context.Context, userID, channelID, text string) (string, Ack, error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	ts := s.nextTSLocked()
	s.rememberLocked(channelID, ts, u.ID, text)
	ev, ext := s.mentionEventLocked(u, channelID, text, ts)
	s.mu.Unlock()
	return s.SendEvent(ctx, ev, ext)
}

// mentionEventLocked is the app_mention event of u's message ts in
// channelID, and whether the channel is shared with another organization.
func (s *Server) mentionEventLocked(u User, channelID, text, ts string) (map[string]any, bool) {
	ev := map[string]any{
		"type":     "app_mention",
		"user":     u.ID,
		"text":     text,
		"ts":       ts,
		"channel":  channelID,
		"event_ts": ts,
		"team":     u.TeamID,
	}
	if u.TeamID != s.opts.HomeTeam {
		ev["user_team"] = u.TeamID
		ev["source_team"] = u.TeamID
	}
	ext := false
	if c, ok := s.channels[channelID]; ok {
		ext = c.IsExtShared
	}
	return ev, ext
}

// EditMention delivers what Slack sends when the author edits a message
// that mentions the app: app_mention again, with a new event_id, the
// original message's ts, the new text and an "edited" object
// (https://docs.slack.dev/reference/events/app_mention; slack-go's
// AppMentionEvent.Edited). eventID names the original mention. Dedupe by
// event_id does not catch it.
func (s *Server) EditMention(ctx context.Context, eventID, text string) (string, Ack, error) {
	s.mu.Lock()
	rec, ok := s.events[eventID]
	s.mu.Unlock()
	if !ok {
		return "", Ack{}, ErrUnknownEvent
	}
	var outer struct {
		Event              map[string]any `json:"event"`
		IsExtSharedChannel bool           `json:"is_ext_shared_channel"`
	}
	if err := json.Unmarshal(rec.payload, &outer); err != nil || outer.Event["type"] != "app_mention" {
		return "", Ack{}, fmt.Errorf("slacktest: EditMention: %s is not an app_mention", eventID)
	}
	ev := outer.Event
	s.mu.Lock()
	editTS := s.nextTSLocked()
	s.mu.Unlock()
	ev["text"] = text
	ev["edited"] = map[string]any{"user": ev["user"], "ts": editTS}
	ev["event_ts"] = editTS
	return s.SendEvent(ctx, ev, outer.IsExtSharedChannel)
}

// ChangeChannelID gives a channel a new id, as Slack does when a private
// channel is shared with another organization, moving what the fake keeps
// about it, and delivers channel_id_changed
// (https://docs.slack.dev/reference/events/channel_id_changed).
func (s *Server) ChangeChannelID(ctx context.Context, oldID, newID string) (Ack, error) {
	s.mu.Lock()
	if c, ok := s.channels[oldID]; ok {
		delete(s.channels, oldID)
		c.ID = newID
		s.channels[newID] = c
	}
	if h, ok := s.history[oldID]; ok {
		delete(s.history, oldID)
		s.history[newID] = h
	}
	ts := s.nextTSLocked()
	s.mu.Unlock()
	_, a, err := s.SendEvent(ctx, map[string]any{
		"type": "channel_id_changed", "old_channel_id": oldID, "new_channel_id": newID, "event_ts": ts,
	}, false)
	return a, err
}

// DirectMessage delivers a message event (channel_type "im") from a user in
// the user's DM with the bot.
func (s *Server) DirectMessage(ctx context.Context, userID, text string) (string, Ack, error) {
	s.mu.Lock()
	u := s.userLocked(userID)
	ts := s.nextTSLocked()
	s.rememberLocked(s.dmLocked(u.ID), ts, u.ID, text)
	ev := map[string]any{
		"type":          "message",
		"client_msg_id": uuid.NewString(),
		"user":          u.ID,
		"text":          text,
		"ts":            ts,
		"event_ts":      ts,
		"channel":       s.dmLocked(u.ID),
		"channel_type":  "im",
		"team":          u.TeamID,
	}
	ext := u.TeamID != s.opts.HomeTeam // a DM with an external user is a Slack Connect DM
	if ext {
		ev["user_team"] = u.TeamID
		ev["source_team"] = u.TeamID
	}
	s.mu.Unlock()
	return s.SendEvent(ctx, ev, ext)
}

// AppHomeOpened delivers app_home_opened for the Home tab. It carries the
// user's last published view, if any, as Slack does.
func (s *Server) AppHomeOpened(ctx context.Context, userID string) (Ack, error) {
	s.mu.Lock()
	ev := map[string]any{
		"type":     "app_home_opened",
		"user":     userID,
		"channel":  s.dmLocked(userID),
		"tab":      "home",
		"event_ts": s.nextTSLocked(),
	}
	if id, ok := s.homeViewID[userID]; ok {
		if v, ok := s.views[id]; ok {
			ev["view"] = deepCopy(v)
		}
	}
	s.mu.Unlock()
	_, a, err := s.SendEvent(ctx, ev, false)
	return a, err
}
