package slacktest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// apiMethods maps Web API method names to handlers. A handler runs after
// the token check and returns the JSON body, or rateLimitedReply.
var apiMethods = map[string]func(*Server, *params) any{
	"apps.connections.open":        (*Server).appsConnectionsOpen,
	"auth.test":                    (*Server).authTest,
	"users.info":                   (*Server).usersInfo,
	"conversations.info":           (*Server).conversationsInfo,
	"conversations.open":           (*Server).conversationsOpen,
	"conversations.history":        (*Server).conversationsHistory,
	"conversations.join":           (*Server).conversationsJoin,
	"chat.postMessage":             (*Server).chatPostMessage,
	"chat.postEphemeral":           (*Server).chatPostEphemeral,
	"chat.update":                  (*Server).chatUpdate,
	"views.open":                   (*Server).viewsOpen,
	"views.push":                   (*Server).viewsPush,
	"views.update":                 (*Server).viewsUpdate,
	"views.publish":                (*Server).viewsPublish,
	"files.getUploadURLExternal":   (*Server).filesGetUploadURLExternal,
	"files.completeUploadExternal": (*Server).filesCompleteUploadExternal,
}

type rateLimitedReply struct{ retryAfter int }

func fail(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

// invalidBlocks is Slack's answer to a message whose blocks break the
// schema: the code, and what is wrong where.
func invalidBlocks(msgs []string) map[string]any {
	return map[string]any{"ok": false, "error": "invalid_blocks", "errors": msgs, "response_metadata": map[string]any{"messages": msgs}}
}

func invalidArguments(msgs ...string) map[string]any {
	return map[string]any{"ok": false, "error": "invalid_arguments", "response_metadata": map[string]any{"messages": msgs}}
}

func writeJSON(rw http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write(b)
}

// writeRateLimited answers as Slack does when a limit is hit. slack-go turns
// 429 + an integer Retry-After into *slack.RateLimitedError.
func writeRateLimited(rw http.ResponseWriter, retryAfter int) {
	rw.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeJSON(rw, http.StatusTooManyRequests, fail("ratelimited"))
}

// params holds the arguments of one call, sent as a form (slack-go's
// postForm, with a token field) or as a JSON body (views.*, with a Bearer
// header).
type params struct {
	form   url.Values
	body   map[string]json.RawMessage
	bearer string
}

func parseParams(r *http.Request) (*params, error) {
	p := &params{}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		p.bearer = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		b, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		if err != nil {
			return nil, err
		}
		p.body = map[string]json.RawMessage{}
		if len(bytes.TrimSpace(b)) > 0 {
			if err := json.Unmarshal(b, &p.body); err != nil {
				return nil, err
			}
		}
		p.form = r.URL.Query()
	case "multipart/form-data":
		if err := r.ParseMultipartForm(16 << 20); err != nil {
			return nil, err
		}
		p.form = r.Form
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		p.form = r.Form
	}
	return p, nil
}

func (p *params) str(k string) string {
	if raw, ok := p.body[k]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		if string(raw) == "null" {
			return ""
		}
		return string(raw) // numbers and booleans as written
	}
	return p.form.Get(k)
}

func (p *params) has(k string) bool {
	if _, ok := p.body[k]; ok {
		return true
	}
	return p.form.Has(k)
}

func (p *params) boolArg(k string) bool {
	v := p.str(k)
	return v == "1" || v == "true"
}

// jsonArg returns an argument that carries JSON: a JSON value in a JSON body,
// or a string holding JSON in either encoding. ok is false if it is not
// valid JSON. A missing argument gives nil, true.
func (p *params) jsonArg(k string) (json.RawMessage, bool) {
	var raw []byte
	if v, ok := p.body[k]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			raw = []byte(s)
		} else {
			raw = v
		}
	} else {
		raw = []byte(p.form.Get(k))
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	if !json.Valid(raw) {
		return nil, false
	}
	var buf bytes.Buffer
	_ = json.Compact(&buf, raw)
	return buf.Bytes(), true
}

func (p *params) token() string {
	if t := p.str("token"); t != "" {
		return t
	}
	return p.bearer
}

func (s *Server) handleAPI(rw http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	p, perr := parseParams(r)
	s.mu.Lock()
	s.calls[method]++
	if method == "users.info" && p != nil {
		s.userInfoCalls[p.str("user")]++
	}
	if rl := s.rlNext[method]; rl != nil && rl.limits() {
		s.rateLimited++
		s.rateLimitedBy[method]++
		s.mu.Unlock()
		s.logf("%s: rate limited by RateLimitNext or RateLimitEvery (Retry-After %d)", method, rl.retryAfter)
		writeRateLimited(rw, rl.retryAfter)
		return
	}
	if f := s.failNext[method]; f != nil && f.n > 0 {
		f.n--
		s.mu.Unlock()
		s.logf("%s: failing with %q by FailNext", method, f.code)
		writeJSON(rw, http.StatusOK, fail(f.code))
		return
	}
	s.mu.Unlock()

	if perr != nil {
		writeJSON(rw, http.StatusOK, fail("invalid_form_data"))
		return
	}
	h, ok := apiMethods[method]
	if !ok {
		writeJSON(rw, http.StatusOK, fail("unknown_method"))
		return
	}
	tok, want := p.token(), s.opts.BotToken
	if method == "apps.connections.open" {
		// The app-level token is only accepted in the Authorization header.
		tok, want = p.bearer, s.opts.AppToken
	}
	switch {
	case tok == "":
		writeJSON(rw, http.StatusOK, fail("not_authed"))
		return
	case tok != want:
		writeJSON(rw, http.StatusOK, fail("invalid_auth"))
		return
	}
	s.mu.Lock()
	if method != "apps.connections.open" {
		// Slack names the scopes a token carries on every call made with
		// it (X-OAuth-Scopes), as clients check at start.
		rw.Header().Set("X-OAuth-Scopes", s.grantedLocked())
	}
	denied := s.accessErrorLocked(method, p)
	retry, limited := 0, false
	if denied == nil {
		if rate, ok := s.opts.MethodRate[method]; ok && rate > 0 {
			if retry, limited = s.takeLocked(s.methodBucketLocked(method), rate); limited {
				s.rateLimited++
				s.rateLimitedBy[method]++
			}
		}
	}
	s.mu.Unlock()
	if denied != nil {
		s.logf("%s: %s", method, denied["error"])
		writeJSON(rw, http.StatusOK, denied)
		return
	}
	if limited {
		s.logf("%s rate limited (Retry-After %d)", method, retry)
		writeRateLimited(rw, retry)
		return
	}
	out := h(s, p)
	if rl, ok := out.(rateLimitedReply); ok {
		writeRateLimited(rw, rl.retryAfter)
		return
	}
	writeJSON(rw, http.StatusOK, out)
}

// limits reports whether this call is one rl answers 429, counting it.
func (rl *rateLimitSpec) limits() bool {
	if rl.every > 0 {
		if time.Now().After(rl.until) {
			return false
		}
		rl.count++
		return rl.count%rl.every == 0
	}
	if rl.n > 0 {
		rl.n--
		return true
	}
	return false
}

func (s *Server) appsConnectionsOpen(*params) any {
	ticket := uuid.NewString()
	s.mu.Lock()
	s.tickets[ticket] = true
	s.connOpens++
	s.bumpLocked()
	s.mu.Unlock()
	return map[string]any{
		"ok":  true,
		"url": "ws://" + strings.TrimPrefix(s.base, "http://") + "/link/?ticket=" + ticket + "&app_id=" + AppID,
	}
}

func (s *Server) authTest(*params) any {
	return map[string]any{
		"ok":                    true,
		"url":                   "https://" + teamDomain(s.opts.HomeTeam) + ".slack.com/",
		"team":                  "Fake " + s.opts.HomeTeam,
		"user":                  BotName,
		"team_id":               s.opts.HomeTeam,
		"user_id":               s.opts.BotUserID,
		"bot_id":                BotID,
		"is_enterprise_install": false,
	}
}

func (s *Server) usersInfo(p *params) any {
	id := p.str("user")
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		return fail("user_not_found")
	}
	return map[string]any{"ok": true, "user": s.userJSON(u, p.boolArg("include_locale"))}
}

func (s *Server) userJSON(u User, withLocale bool) map[string]any {
	tz := u.TZ
	if tz == "" {
		tz = "America/Los_Angeles" // Slack's default for new members
	}
	label, offset := tzInfo(tz, s.opts.Now())
	o := map[string]any{
		"id":        u.ID,
		"team_id":   u.TeamID,
		"name":      u.Name,
		"deleted":   false,
		"color":     "9f69e7",
		"real_name": u.Name,
		"tz":        tz,
		"tz_label":  label,
		"tz_offset": offset,
		"profile": map[string]any{
			"real_name":               u.Name,
			"real_name_normalized":    u.Name,
			"display_name":            u.Name,
			"display_name_normalized": u.Name,
			"team":                    u.TeamID,
		},
		"is_admin":            false,
		"is_owner":            false,
		"is_primary_owner":    false,
		"is_restricted":       u.IsRestricted,
		"is_ultra_restricted": u.IsUltraRestricted,
		"is_stranger":         u.IsStranger,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"updated":             s.started.Unix(),
	}
	if u.IsBot && u.ID == s.opts.BotUserID {
		o["profile"].(map[string]any)["bot_id"] = BotID
	}
	// External members' profiles lack locale even when asked for.
	if withLocale && u.TeamID == s.opts.HomeTeam {
		o["locale"] = "en-US"
	}
	return o
}

func (s *Server) conversationsInfo(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[p.str("channel")]
	if !ok || (c.NotJoined && s.privateLocked(c.ID)) {
		return fail("channel_not_found")
	}
	return map[string]any{"ok": true, "channel": s.channelJSONLocked(c)}
}

// conversationsJoin adds the bot to a public channel
// (https://docs.slack.dev/reference/methods/conversations.join): the
// channel object back, with the warning already_in_channel when it was a
// member. A private channel the bot is not in does not exist for it
// (channel_not_found), and a DM cannot be joined
// (method_not_supported_for_channel_type).
func (s *Server) conversationsJoin(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p.str("channel")
	c, ok := s.channels[id]
	switch {
	case !ok && !strings.HasPrefix(id, "C"):
		return fail("channel_not_found")
	case ok && (c.IsIM || c.mpim):
		return fail("method_not_supported_for_channel_type")
	case ok && c.NotJoined && s.privateLocked(id):
		return fail("channel_not_found")
	case !ok:
		// A public channel the test never described: the bot counts as a
		// member already (memberLocked).
		s.channels[id] = &channelState{Channel: Channel{ID: id, Name: lowerID(id)}, created: s.started.Unix()}
		c = s.channels[id]
	}
	out := map[string]any{"ok": true}
	if !c.NotJoined {
		out["warning"] = "already_in_channel"
		out["response_metadata"] = map[string]any{"warnings": []string{"already_in_channel"}}
	}
	c.NotJoined = false
	out["channel"] = s.channelJSONLocked(c)
	s.bumpLocked()
	return out
}

func (s *Server) channelJSONLocked(c *channelState) map[string]any {
	legacyGroup := strings.HasPrefix(c.ID, "G") && !c.IsIM
	shared := c.SharedTeamIDs
	if len(shared) == 0 {
		shared = []string{s.opts.HomeTeam}
	}
	o := map[string]any{
		"id":                    c.ID,
		"created":               c.created,
		"is_channel":            !c.IsIM && !legacyGroup && !c.mpim,
		"is_group":              legacyGroup && !c.mpim,
		"is_im":                 c.IsIM,
		"is_mpim":               c.mpim,
		"is_private":            c.IsPrivate || legacyGroup || c.IsIM || c.mpim,
		"is_archived":           c.IsArchived,
		"is_general":            false,
		"is_member":             !c.NotJoined,
		"is_shared":             c.IsShared || c.IsExtShared,
		"is_ext_shared":         c.IsExtShared,
		"is_org_shared":         false,
		"is_pending_ext_shared": false,
		"shared_team_ids":       shared,
		"context_team_id":       s.opts.HomeTeam,
		"unlinked":              0,
	}
	if c.IsExtShared {
		o["connected_team_ids"] = shared
		o["conversation_host_id"] = s.opts.HomeTeam
	}
	if len(c.Members) > 0 {
		o["num_members"] = len(c.Members)
	}
	if c.IsIM {
		user := c.imUser
		for _, m := range c.Members {
			if user == "" && m != s.opts.BotUserID {
				user = m
			}
		}
		o["user"] = user
		o["is_open"] = true
		o["is_user_deleted"] = false
		o["priority"] = 0
		return o
	}
	o["name"] = c.Name
	o["name_normalized"] = c.Name
	o["creator"] = ""
	o["topic"] = map[string]any{"value": "", "creator": "", "last_set": 0}
	o["purpose"] = map[string]any{"value": "", "creator": "", "last_set": 0}
	return o
}

func (s *Server) conversationsOpen(p *params) any {
	var users []string
	for _, u := range strings.Split(p.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	var already bool
	switch {
	case len(users) == 0 && p.str("channel") != "":
		id = p.str("channel")
		if _, ok := s.channels[id]; !ok {
			return fail("channel_not_found")
		}
		already = true
	case len(users) == 0:
		return fail("users_list_not_supplied")
	case len(users) > 8:
		return fail("too_many_users")
	case len(users) == 1:
		_, already = s.dms[users[0]]
		id = s.dmLocked(users[0])
	default:
		sorted := slices.Sorted(slices.Values(users))
		id = "G" + strings.ToUpper(strings.ReplaceAll(uuid.NewSHA1(uuid.NameSpaceOID, []byte(strings.Join(sorted, ","))).String(), "-", "")[:10])
		_, already = s.channels[id]
		if !already {
			s.channels[id] = &channelState{
				Channel: Channel{ID: id, Name: "mpdm-" + strings.ToLower(strings.Join(sorted, "--")) + "-1", IsPrivate: true, Members: append(sorted, s.opts.BotUserID)},
				created: time.Now().Unix(),
				mpim:    true,
			}
		}
	}
	resp := map[string]any{"ok": true, "channel": map[string]any{"id": id}}
	if already {
		resp["no_op"] = true
		resp["already_open"] = true
	}
	if p.boolArg("return_im") {
		resp["channel"] = s.channelJSONLocked(s.channels[id])
	}
	return resp
}

// message is a message the bot posted, as stored for conversations.history,
// chat.update and interaction payloads.
type message struct {
	ts, text, threadTS string
	blocks, metadata   json.RawMessage
	editedTS           string
}

func (m *message) object(botUser, team string, withMetadata bool) map[string]any {
	o := map[string]any{
		"type":   "message",
		"ts":     m.ts,
		"text":   m.text,
		"user":   botUser,
		"bot_id": BotID,
		"app_id": AppID,
		"team":   team,
		"blocks": json.RawMessage("[]"),
	}
	if m.blocks != nil {
		o["blocks"] = m.blocks
	}
	if m.threadTS != "" {
		o["thread_ts"] = m.threadTS
	}
	if withMetadata && m.metadata != nil {
		o["metadata"] = m.metadata
	}
	if m.editedTS != "" {
		o["edited"] = map[string]any{"user": botUser, "ts": m.editedTS}
	}
	return o
}

func (s *Server) findMessageLocked(channel, ts string) *message {
	for _, m := range s.history[channel] {
		if m.ts == ts {
			return m
		}
	}
	return nil
}

// resolveChannelLocked maps a chat.* channel argument to a channel id. A
// user id means the bot's DM with that user, as in chat.postMessage.
func (s *Server) resolveChannelLocked(target string) (string, bool) {
	switch {
	case target == "":
		return "", false
	case strings.HasPrefix(target, "U") || strings.HasPrefix(target, "W"):
		return s.dmLocked(target), true
	case strings.HasPrefix(target, "C") || strings.HasPrefix(target, "G") || strings.HasPrefix(target, "D"):
		return target, true
	}
	name := strings.TrimPrefix(target, "#")
	for _, c := range s.channels {
		if c.Name == name && !c.IsIM {
			return c.ID, true
		}
	}
	return "", false
}

// messageArgs reads text, blocks and metadata the way chat.* takes them.
func messageArgs(p *params) (text string, blocks, metadata json.RawMessage, errBody map[string]any) {
	text = p.str("text")
	blocks, ok := p.jsonArg("blocks")
	if !ok {
		return "", nil, nil, fail("invalid_blocks")
	}
	if blocks != nil {
		var bs []json.RawMessage
		if json.Unmarshal(blocks, &bs) != nil {
			return "", nil, nil, fail("invalid_blocks")
		}
		if len(bs) > 50 { // "up to 50 blocks in each message"
			return "", nil, nil, fail("invalid_blocks")
		}
		if msgs := blockProblems(blocks, "/blocks"); len(msgs) > 0 {
			return "", nil, nil, invalidBlocks(msgs)
		}
	}
	metadata, ok = p.jsonArg("metadata")
	if !ok {
		return "", nil, nil, fail("invalid_metadata_format")
	}
	if metadata, ok = normalizeMetadata(metadata); !ok {
		return "", nil, nil, fail("invalid_metadata_format")
	}
	return text, blocks, metadata, nil
}

// normalizeMetadata drops metadata without an event_type, which is what
// slack-go sends for an empty SlackMetadata.
func normalizeMetadata(raw json.RawMessage) (json.RawMessage, bool) {
	if raw == nil {
		return nil, true
	}
	var m struct {
		EventType    string          `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	if m.EventType == "" {
		return nil, true
	}
	if len(m.EventPayload) > 0 && string(m.EventPayload) != "null" && m.EventPayload[0] != '{' {
		return nil, false
	}
	return raw, true
}

func hasContent(text string, blocks json.RawMessage, p *params) bool {
	return text != "" || (blocks != nil && string(blocks) != "[]") || p.str("attachments") != ""
}

func (s *Server) chatPostMessage(p *params) any {
	target := p.str("channel")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.resolveChannelLocked(target)
	if !ok {
		return fail("channel_not_found")
	}
	text, blocks, metadata, errBody := messageArgs(p)
	if errBody != nil {
		return errBody
	}
	if !hasContent(text, blocks, p) {
		return fail("no_text")
	}
	if !s.memberLocked(ch) && (s.privateLocked(ch) || !s.scopes["chat:write.public"]) {
		return fail(s.membershipErrorLocked(ch))
	}
	if s.archivedLocked(ch) {
		return fail("is_archived")
	}
	if retry, ok := s.postTokenLocked(ch); !ok {
		s.rateLimited++
		s.rateLimitedBy["chat.postMessage"]++
		s.logf("chat.postMessage to %s rate limited (Retry-After %d)", ch, retry)
		return rateLimitedReply{retryAfter: retry}
	}
	m := &message{ts: s.nextTSLocked(), text: text, threadTS: p.str("thread_ts"), blocks: blocks, metadata: metadata}
	s.history[ch] = append(s.history[ch], m)
	s.posts = append(s.posts, Post{
		Kind: "postMessage", Channel: ch, Target: target, TS: m.ts, Text: text,
		Blocks: blocks, Metadata: metadata, At: s.opts.Now(), ThreadTS: m.threadTS,
	})
	s.bumpLocked()
	return map[string]any{"ok": true, "channel": ch, "ts": m.ts, "message": m.object(s.opts.BotUserID, s.opts.HomeTeam, true)}
}

func (s *Server) chatPostEphemeral(p *params) any {
	target, user := p.str("channel"), p.str("user")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.resolveChannelLocked(target)
	if !ok {
		return fail("channel_not_found")
	}
	if user == "" {
		return fail("user_not_found")
	}
	if code := s.membershipErrorLocked(ch); code != "" {
		return fail(code)
	}
	if s.archivedLocked(ch) {
		return fail("is_archived")
	}
	if c, ok := s.channels[ch]; ok && len(c.Members) > 0 && !slices.Contains(c.Members, user) {
		return fail("user_not_in_channel")
	}
	text, blocks, _, errBody := messageArgs(p)
	if errBody != nil {
		return errBody
	}
	if !hasContent(text, blocks, p) {
		return fail("no_text")
	}
	ts := s.nextTSLocked()
	s.ephemeral[ch+"/"+ts] = true
	s.posts = append(s.posts, Post{
		Kind: "postEphemeral", Channel: ch, Target: target, User: user, TS: ts, Text: text,
		Blocks: blocks, At: s.opts.Now(), ThreadTS: p.str("thread_ts"),
	})
	s.bumpLocked()
	return map[string]any{"ok": true, "message_ts": ts}
}

func (s *Server) chatUpdate(p *params) any {
	target, ts := p.str("channel"), p.str("ts")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.resolveChannelLocked(target)
	if !ok {
		return fail("channel_not_found")
	}
	m := s.findMessageLocked(ch, ts)
	if m == nil {
		if s.ephemeral[ch+"/"+ts] {
			return fail("cant_update_message") // ephemeral messages cannot be edited
		}
		return fail("message_not_found")
	}
	text, blocks, metadata, errBody := messageArgs(p)
	if errBody != nil {
		return errBody
	}
	if !p.has("text") && !p.has("blocks") && !p.has("attachments") {
		return fail("no_text")
	}
	if p.has("text") {
		m.text = text
	}
	if p.has("blocks") {
		m.blocks = blocks
	}
	if p.has("metadata") {
		m.metadata = metadata
	}
	m.editedTS = s.nextTSLocked()
	s.posts = append(s.posts, Post{
		Kind: "update", Channel: ch, Target: target, TS: ts, Text: m.text,
		Blocks: m.blocks, Metadata: m.metadata, At: s.opts.Now(), ThreadTS: m.threadTS,
	})
	s.bumpLocked()
	return map[string]any{"ok": true, "channel": ch, "ts": ts, "text": m.text, "message": m.object(s.opts.BotUserID, s.opts.HomeTeam, true)}
}

// conversationsHistory pages through a conversation newest first: a page
// holds up to limit messages (100 by default, at most HistoryLimit), and
// has_more with response_metadata.next_cursor says where the next starts
// (https://docs.slack.dev/apis/web-api/pagination).
func (s *Server) conversationsHistory(p *params) any {
	id := p.str("channel")
	limit, _ := strconv.Atoi(p.str("limit"))
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, s.opts.HistoryLimit)
	oldest, latest := int64(0), int64(math.MaxInt64)
	if v := p.str("oldest"); v != "" {
		if t, ok := tsMicros(v); ok {
			oldest = t
		}
	}
	if v := p.str("latest"); v != "" {
		if t, ok := tsMicros(v); ok {
			latest = t
		}
	}
	inclusive := p.boolArg("inclusive")
	// Slack returns message metadata only when include_all_metadata is set
	// (or the app subscribed to the event type).
	withMeta := p.boolArg("include_all_metadata")
	// A cursor names the newest message of the page it starts.
	before := int64(math.MaxInt64)
	if c := p.str("cursor"); c != "" {
		t, ok := decodeCursor(c)
		if !ok {
			return fail("invalid_cursor")
		}
		before = t
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	_, known := s.channels[id]
	if !known && len(s.history[id]) == 0 && !strings.HasPrefix(id, "C") && !strings.HasPrefix(id, "G") && !strings.HasPrefix(id, "D") {
		return fail("channel_not_found")
	}
	if code := s.membershipErrorLocked(id); code != "" {
		return fail(code)
	}
	msgs := []any{}
	next := ""
	hist := s.history[id]
	for i := len(hist) - 1; i >= 0; i-- {
		t, _ := tsMicros(hist[i].ts)
		if t > before || t < oldest || t > latest || (!inclusive && (t == oldest || t == latest)) {
			continue
		}
		if len(msgs) == limit {
			next = encodeCursor(hist[i].ts)
			break
		}
		msgs = append(msgs, hist[i].object(s.opts.BotUserID, s.opts.HomeTeam, withMeta))
	}
	return map[string]any{
		"ok":                true,
		"messages":          msgs,
		"has_more":          next != "",
		"pin_count":         0,
		"response_metadata": map[string]any{"next_cursor": next},
	}
}

// encodeCursor makes a cursor in Slack's shape: base64 of "next_ts:<ts>".
func encodeCursor(ts string) string {
	return base64.StdEncoding.EncodeToString([]byte("next_ts:" + strings.Replace(ts, ".", "", 1)))
}

func decodeCursor(c string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	v, ok := strings.CutPrefix(string(b), "next_ts:")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// bucket is a token bucket: rate tokens a second, up to max(1, rate).
// Limits run on the wall clock, as Slack's do.
type bucket struct {
	tokens float64
	last   time.Time
	fresh  bool
}

// takeLocked takes a token from b if one is there. If none is, it returns
// the whole seconds to wait (at least 1), as Retry-After says them.
func (s *Server) takeLocked(b *bucket, rate float64) (retryAfter int, limited bool) {
	burst := max(1, math.Floor(rate))
	now := time.Now()
	if !b.fresh {
		b.tokens, b.last, b.fresh = burst, now, true
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, false
	}
	return max(1, int(math.Ceil((1-b.tokens)/rate))), true
}

func (s *Server) methodBucketLocked(method string) *bucket {
	b := s.methodBuckets[method]
	if b == nil {
		b = &bucket{}
		s.methodBuckets[method] = b
	}
	return b
}

// postTokenLocked reports whether a chat.postMessage to ch is within
// ChannelRate and WorkspaceRate, taking a token from each; if not, it
// returns the seconds to wait.
func (s *Server) postTokenLocked(ch string) (int, bool) {
	if rate := s.opts.WorkspaceRate; rate > 0 {
		if s.workspace == nil {
			s.workspace = &bucket{}
		}
		if retry, limited := s.takeLocked(s.workspace, rate); limited {
			return retry, false
		}
	}
	if rate := s.opts.ChannelRate; rate > 0 {
		b := s.buckets[ch]
		if b == nil {
			b = &bucket{}
			s.buckets[ch] = b
		}
		if retry, limited := s.takeLocked(b, rate); limited {
			if s.workspace != nil {
				s.workspace.tokens++ // refused: it used nothing of the workspace's budget
			}
			return retry, false
		}
	}
	return 0, true
}

// TierRate is Slack's documented floor for a method's tier, in calls per
// second (Tier 1: 1+ a minute, Tier 2: 20+, Tier 3: 50+, Tier 4: 100+;
// https://docs.slack.dev/apis/web-api/rate-limits), for Options.MethodRate;
// 0 for methods with special limits (chat.postMessage) or unknown ones.
func TierRate(method string) float64 {
	perMinute := map[string]float64{
		"apps.connections.open": 1,
		"chat.update":           50, "conversations.history": 50, "conversations.info": 50, "conversations.open": 50,
		"chat.postEphemeral": 100, "users.info": 100, "views.open": 100, "views.publish": 100, "views.push": 100,
		"views.update": 100, "files.getUploadURLExternal": 100, "files.completeUploadExternal": 100,
	}[method]
	return perMinute / 60
}

// handleResponseURL records a POST to a response_url. slack-go sends JSON
// without a token and accepts a JSON {"ok":true} reply.
func (s *Server) handleResponseURL(rw http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	s.mu.Lock()
	tgt, ok := s.responseURLs[id]
	if ok && s.opts.Now().Sub(tgt.issued) > responseURLLife {
		ok = false // expired: as if forgotten
	}
	used := ok && tgt.uses >= responseURLUses
	if ok && !used {
		tgt.uses++
	}
	s.mu.Unlock()
	if !ok || r.Method != http.MethodPost {
		writeJSON(rw, http.StatusNotFound, fail("expired_url"))
		return
	}
	if used {
		writeJSON(rw, http.StatusNotFound, fail("used_url"))
		return
	}
	var body struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		Metadata        json.RawMessage `json:"metadata"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal json.RawMessage `json:"replace_original"`
		DeleteOriginal  json.RawMessage `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&body); err != nil {
		writeJSON(rw, http.StatusBadRequest, fail("invalid_payload"))
		return
	}
	if string(body.Blocks) == "null" || len(body.Blocks) == 0 {
		body.Blocks = nil
	}
	metadata, _ := normalizeMetadata(nullToNil(body.Metadata))
	truthy := func(raw json.RawMessage) bool {
		v := strings.Trim(string(raw), `"`)
		return v == "true" || v == "1"
	}
	post := Post{
		Kind: "response_url", Channel: tgt.channel, Target: tgt.channel, User: tgt.user,
		Text: body.Text, Blocks: body.Blocks, Metadata: metadata, At: s.opts.Now(),
		ThreadTS: body.ThreadTS, ResponseType: body.ResponseType,
		ReplaceOriginal: truthy(body.ReplaceOriginal), DeleteOriginal: truthy(body.DeleteOriginal),
	}
	s.mu.Lock()
	switch {
	case post.DeleteOriginal:
		post.TS = tgt.messageTS
		s.history[tgt.channel] = slices.DeleteFunc(s.history[tgt.channel], func(m *message) bool { return m.ts == tgt.messageTS })
	case post.ReplaceOriginal && tgt.messageTS != "":
		post.TS = tgt.messageTS
		if m := s.findMessageLocked(tgt.channel, tgt.messageTS); m != nil {
			m.text, m.blocks = body.Text, body.Blocks
			m.editedTS = s.nextTSLocked()
		}
	case body.ResponseType == "in_channel":
		m := &message{ts: s.nextTSLocked(), text: body.Text, blocks: body.Blocks, metadata: metadata, threadTS: body.ThreadTS}
		s.history[tgt.channel] = append(s.history[tgt.channel], m)
		post.TS = m.ts
	}
	s.posts = append(s.posts, post)
	s.bumpLocked()
	s.mu.Unlock()
	writeJSON(rw, http.StatusOK, map[string]any{"ok": true})
}

func nullToNil(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// --- views ---

// viewArg decodes the view argument into a map.
func viewArg(p *params) (map[string]any, []byte, bool) {
	raw, ok := p.jsonArg("view")
	if !ok || raw == nil {
		return nil, nil, false
	}
	v := map[string]any{}
	if json.Unmarshal(raw, &v) != nil {
		return nil, nil, false
	}
	return v, raw, true
}

// checkTriggerLocked returns the error views.open/push give for a trigger_id:
// it must be one the fake issued, unused, and younger than 3 seconds.
func (s *Server) checkTriggerLocked(id string) string {
	t, ok := s.triggers[id]
	switch {
	case !ok:
		return "invalid_trigger_id"
	case t.used:
		return "exchanged_trigger_id"
	case time.Since(t.issued) > s.triggerTTL:
		return "expired_trigger_id"
	}
	return ""
}

// validateView checks the documented limits for modals and Home tabs
// (https://docs.slack.dev/reference/views/modal-views).
func validateView(v map[string]any, raw []byte, want string) map[string]any {
	if len(raw) > 250_000 {
		return fail("view_too_large")
	}
	var msgs []string
	if v["type"] != want {
		msgs = append(msgs, fmt.Sprintf("[ERROR] must be %q [json-pointer:/view/type]", want))
	}
	blocks, ok := v["blocks"].([]any)
	if !ok {
		msgs = append(msgs, "[ERROR] missing required field: blocks [json-pointer:/view]")
	}
	if len(blocks) > 100 {
		msgs = append(msgs, "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]")
	}
	if raw, err := json.Marshal(blocks); ok && err == nil {
		msgs = append(msgs, blockProblems(raw, "/view/blocks")...)
	}
	if want == "modal" {
		hasInput := slices.ContainsFunc(blocks, func(b any) bool {
			m, _ := b.(map[string]any)
			return m["type"] == "input"
		})
		for _, k := range []string{"title", "submit", "close"} {
			obj, ok := v[k].(map[string]any)
			if !ok {
				if k == "title" || (k == "submit" && hasInput) {
					msgs = append(msgs, fmt.Sprintf("[ERROR] missing required field: %s [json-pointer:/view]", k))
				}
				continue
			}
			txt, _ := obj["text"].(string)
			if n := utf8.RuneCountInString(txt); n == 0 || n > 24 {
				msgs = append(msgs, fmt.Sprintf("[ERROR] must be between 1 and 24 characters [json-pointer:/view/%s/text]", k))
			}
		}
	}
	if pm, _ := v["private_metadata"].(string); len(pm) > 3000 {
		msgs = append(msgs, "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]")
	}
	if cb, _ := v["callback_id"].(string); len(cb) > 255 {
		msgs = append(msgs, "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]")
	}
	if len(msgs) > 0 {
		return invalidArguments(msgs...)
	}
	return nil
}

// fillViewLocked adds the fields Slack returns on a stored view. Fields
// already present are kept, except id.
func (s *Server) fillViewLocked(v map[string]any, id, typ string) {
	v["id"] = id
	defaults := map[string]any{
		"type":                  typ,
		"team_id":               s.opts.HomeTeam,
		"app_id":                AppID,
		"bot_id":                BotID,
		"app_installed_team_id": s.opts.HomeTeam,
		"blocks":                []any{},
		"private_metadata":      "",
		"callback_id":           "",
		"external_id":           "",
		"state":                 map[string]any{"values": map[string]any{}},
		"hash":                  fmt.Sprintf("%d.%s", time.Now().Unix(), randID("", 8)),
		"clear_on_close":        false,
		"notify_on_close":       false,
		"root_view_id":          id,
		"previous_view_id":      nil,
	}
	for k, d := range defaults {
		if _, ok := v[k]; !ok {
			v[k] = d
		}
	}
}

func (s *Server) openModal(p *params, method string) any {
	v, raw, ok := viewArg(p)
	if !ok {
		return invalidArguments("[ERROR] missing required field: view")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	trig := p.str("trigger_id")
	if code := s.checkTriggerLocked(trig); code != "" {
		s.logf("%s: %s", method, code)
		return fail(code)
	}
	if errBody := validateView(v, raw, "modal"); errBody != nil {
		return errBody
	}
	s.triggers[trig].used = true
	delete(v, "hash")
	delete(v, "state")
	s.fillViewLocked(v, randID("V", 10), "modal")
	s.views[v["id"].(string)] = v
	b, _ := json.Marshal(v)
	s.opened = append(s.opened, b)
	s.bumpLocked()
	return map[string]any{"ok": true, "view": v}
}

func (s *Server) viewsOpen(p *params) any { return s.openModal(p, "views.open") }
func (s *Server) viewsPush(p *params) any { return s.openModal(p, "views.push") }

func (s *Server) viewsUpdate(p *params) any {
	v, raw, ok := viewArg(p)
	if !ok {
		return invalidArguments("[ERROR] missing required field: view")
	}
	viewID, extID, hash := p.str("view_id"), p.str("external_id"), p.str("hash")
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.views[viewID]
	if viewID == "" && extID != "" {
		for _, cand := range s.views {
			if cand["external_id"] == extID {
				old = cand
			}
		}
	}
	if old == nil {
		return fail("not_found")
	}
	if hash != "" && old["hash"] != hash {
		return fail("hash_conflict")
	}
	typ, _ := old["type"].(string)
	if _, ok := v["type"]; !ok {
		v["type"] = typ
	}
	if errBody := validateView(v, raw, typ); errBody != nil {
		return errBody
	}
	delete(v, "hash")
	delete(v, "state")
	v["root_view_id"] = old["root_view_id"]
	v["previous_view_id"] = old["previous_view_id"]
	id := old["id"].(string)
	s.fillViewLocked(v, id, typ)
	s.views[id] = v
	b, _ := json.Marshal(v)
	s.updatedViews = append(s.updatedViews, b)
	s.bumpLocked()
	return map[string]any{"ok": true, "view": v}
}

func (s *Server) viewsPublish(p *params) any {
	user := p.str("user_id")
	v, raw, ok := viewArg(p)
	if !ok {
		return invalidArguments("[ERROR] missing required field: view")
	}
	if user == "" {
		return invalidArguments("[ERROR] missing required field: user_id")
	}
	if errBody := validateView(v, raw, "home"); errBody != nil {
		return errBody
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, existed := s.homeViewID[user]
	if hash := p.str("hash"); hash != "" && existed && s.views[id]["hash"] != hash {
		return fail("hash_conflict")
	}
	if !existed {
		id = randID("V", 10)
		s.homeViewID[user] = id
	}
	delete(v, "hash")
	delete(v, "state")
	s.fillViewLocked(v, id, "home")
	s.views[id] = v
	b, _ := json.Marshal(v)
	s.published[user] = append(s.published[user], b)
	s.bumpLocked()
	return map[string]any{"ok": true, "view": v}
}

// --- files ---

type pendingUpload struct {
	filename string
	data     []byte
	uploaded bool
}

func (s *Server) filesGetUploadURLExternal(p *params) any {
	name := p.str("filename")
	length, err := strconv.Atoi(p.str("length"))
	if name == "" || err != nil || length <= 0 {
		return invalidArguments("[ERROR] filename and a positive length are required")
	}
	id := randID("F", 10)
	s.mu.Lock()
	s.pendingUploads[id] = &pendingUpload{filename: name}
	s.mu.Unlock()
	// Same scheme and host as the API: slack-go refuses to send the token
	// to any other host that is not https *.slack.com.
	return map[string]any{"ok": true, "upload_url": s.base + "/upload/" + id, "file_id": id}
}

// handleUpload takes the multipart POST (field "file") to an upload URL.
func (s *Server) handleUpload(rw http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	s.mu.Lock()
	_, ok := s.pendingUploads[id]
	s.mu.Unlock()
	if !ok || r.Method != http.MethodPost {
		http.Error(rw, "unknown upload", http.StatusNotFound)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		http.Error(rw, "missing file field: "+err.Error(), http.StatusBadRequest)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if pu, ok := s.pendingUploads[id]; ok {
		pu.data, pu.uploaded = data, true
	}
	s.mu.Unlock()
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(rw, "OK - %d", len(data))
}

func (s *Server) filesCompleteUploadExternal(p *params) any {
	raw, ok := p.jsonArg("files")
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if !ok || raw == nil || json.Unmarshal(raw, &files) != nil || len(files) == 0 {
		return invalidArguments("[ERROR] files must be a JSON array of {id, title}")
	}
	channel := p.str("channel_id")
	if channel == "" {
		channel, _, _ = strings.Cut(p.str("channels"), ",")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range files {
		if pu, ok := s.pendingUploads[f.ID]; !ok || !pu.uploaded {
			return fail("file_not_found")
		}
	}
	// Sharing a file needs the bot in the conversation ("not_in_channel:
	// User/bot membership is required for the specified channel"), even
	// in a public channel it may post into with chat:write.public. A user
	// id shares into the bot's DM with that user.
	if channel != "" && !strings.HasPrefix(channel, "U") && !strings.HasPrefix(channel, "W") {
		if code := s.membershipErrorLocked(channel); code != "" {
			return fail(code)
		}
	}
	out := make([]any, 0, len(files))
	for _, f := range files {
		pu := s.pendingUploads[f.ID]
		delete(s.pendingUploads, f.ID)
		title := f.Title
		if title == "" {
			title = pu.filename
		}
		s.uploads = append(s.uploads, Upload{
			FileID: f.ID, Filename: pu.filename, Title: title, Channel: channel,
			InitialComment: p.str("initial_comment"), ThreadTS: p.str("thread_ts"), Data: pu.data,
		})
		out = append(out, map[string]any{"id": f.ID, "title": title})
	}
	s.bumpLocked()
	return map[string]any{"ok": true, "files": out}
}
