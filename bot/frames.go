package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// receive handles one frame from Slack: it decodes it and dispatches it.
// It reports whether the frame was a disconnect, Slack asking for a new
// socket.
func (b *Bot) receive(c *conn, raw []byte) (disconnect bool) {
	return b.receiveFrom(c, nil, raw)
}

// receiveFrom is receive of a frame socket from brought (nil: unknown),
// where its ack goes while that socket is open (conn.ackFrom).
func (b *Bot) receiveFrom(c *conn, from *socket, raw []byte) (disconnect bool) {
	evt := decodeFrame(raw)
	if evt.Type == socketmode.EventTypeDisconnect {
		reason := ""
		if evt.Request != nil {
			reason = evt.Request.Reason
		}
		b.log.Info("socket mode: Slack asks for a new connection", "connection", c.id, "reason", reason)
		return true
	}
	b.dispatch(c, from, evt)
	return false
}

// decodeFrame decodes a Socket Mode frame into the event dispatch
// receives, with the types slack-go's socketmode client gives: the
// envelope into a socketmode.Request, then its payload, once, by
// slack-go's decoder for its type. A frame that is not JSON, of a type
// slack-go does not know, or whose payload does not decode, is an
// error_bad_message carrying a copy of the frame, as from slack-go.
// raw may be reused once decodeFrame returns.
func decodeFrame(raw []byte) socketmode.Event {
	if evt, ok := decodeSlash(raw); ok {
		return evt
	}
	return decodeSlow(raw)
}

// decodeSlow is decodeFrame with slack-go's decoders alone.
func decodeSlow(raw []byte) socketmode.Event {
	bad := func(err error) socketmode.Event {
		return socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: err, Message: bytes.Clone(raw)}}
	}
	req := &socketmode.Request{}
	if err := json.Unmarshal(raw, req); err != nil {
		return bad(fmt.Errorf("unmarshalling WebSocket message: %w", err))
	}
	switch req.Type {
	case socketmode.RequestTypeHello:
		return socketmode.Event{Type: socketmode.EventTypeHello, Request: req}
	case socketmode.RequestTypeDisconnect:
		return socketmode.Event{Type: socketmode.EventTypeDisconnect, Request: req}
	case socketmode.RequestTypeEventsAPI:
		ev, err := slackevents.ParseEvent(req.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			return bad(fmt.Errorf("parsing Events API event: %w", err))
		}
		return socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev, Request: req}
	case socketmode.RequestTypeSlashCommands:
		var cmd slack.SlashCommand
		if err := cmd.UnmarshalJSON(req.Payload); err != nil {
			return bad(fmt.Errorf("parsing slash command: %w", err))
		}
		return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: req}
	case socketmode.RequestTypeInteractive:
		var cb slack.InteractionCallback
		if err := json.Unmarshal(req.Payload, &cb); err != nil {
			return bad(fmt.Errorf("parsing interaction callback: %w", err))
		}
		return socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: req}
	}
	return bad(fmt.Errorf("processing WebSocket message: encountered unsupported type %q", req.Type))
}

// ackFrame is the frame acknowledging an envelope:
// {"envelope_id":…,"payload":…}, without payload when it is nil. A
// json.RawMessage payload is taken as it is.
func ackFrame(envelopeID string, payload any) ([]byte, error) {
	var p []byte
	switch v := payload.(type) {
	case nil:
	case json.RawMessage:
		p = v
	default:
		var err error
		if p, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	f := make([]byte, 0, len(`{"envelope_id":"","payload":}`)+len(envelopeID)+len(p))
	f = append(f, `{"envelope_id":`...)
	if plainID(envelopeID) {
		f = append(append(append(f, '"'), envelopeID...), '"')
	} else {
		id, err := json.Marshal(envelopeID)
		if err != nil {
			return nil, err
		}
		f = append(f, id...)
	}
	if len(p) > 0 {
		f = append(f, `,"payload":`...)
		f = append(f, p...)
	}
	return append(f, '}'), nil
}

// plainID reports whether id needs no escaping in JSON, as Slack's
// envelope ids (UUIDs) do not.
func plainID(id string) bool {
	for i := range len(id) {
		if c := id[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// The slash command's fast path. A slash_commands frame is a flat JSON
// object holding another (the payload) of strings: decodeSlash reads both
// in one pass, into the same socketmode.Request and slack.SlashCommand
// that decodeFrame's slack-go decoders give, for a fraction of their cost
// (they are most of what a command costs to read). It declines (ok false)
// whatever it does not read exactly as encoding/json does: another
// envelope type, a nested value other than the payload, a field of the
// wrong type, a key that only matches a field ignoring case, a string with
// invalid UTF-8; decodeFrame then decodes the frame the slow way.
// FuzzFrameDecode holds the two to the same result.
func decodeSlash(raw []byte) (evt socketmode.Event, ok bool) {
	var (
		req     socketmode.Request
		cmd     slack.SlashCommand
		payload []byte
	)
	// The command's strings are cut from one copy of the frame.
	s := scanner{b: raw, src: string(raw)}
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return s.stringInto(&req.Type)
		case "envelope_id":
			return s.stringInto(&req.EnvelopeID)
		case "reason":
			return s.stringInto(&req.Reason)
		case "retry_reason":
			return s.stringInto(&req.RetryReason)
		case "accepts_response_payload":
			return s.boolInto(&req.AcceptsResponsePayload)
		case "retry_attempt":
			return s.intInto(&req.RetryAttempt)
		case "num_connections":
			return s.intInto(&req.NumConnections)
		case "payload":
			// Read as a command whatever the type says, which may come
			// after it; a payload of another type declines.
			start := s.i
			cmd = slack.SlashCommand{}
			if s.peek() != '{' || !s.object(func(key []byte) bool {
				if f := slashField(&cmd, key); f != nil {
					return s.stringInto(f)
				}
				if string(key) == "is_enterprise_install" {
					return s.enterpriseInto(&cmd.IsEnterpriseInstall)
				}
				return !foldsTo(key, slashKeys) && s.scalar()
			}) {
				return false
			}
			payload = raw[start:s.i]
			return true
		}
		return !foldsTo(key, envelopeKeys) && s.scalar()
	})
	if !ok || s.rest() || req.Type != socketmode.RequestTypeSlashCommands || payload == nil {
		return socketmode.Event{}, false
	}
	req.Payload = bytes.Clone(payload)
	return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: &req}, true
}

// lenientSlash reads a slash command envelope that slack-go's decoder
// refused: a field of another JSON type than slack-go expects (an empty
// is_enterprise_install, a number where a string goes) must not lose the
// command, which Slack does not send again. Each field slack-go knows
// is taken as its text; is_enterprise_install is true only when it says so.
func lenientSlash(raw []byte) (socketmode.Event, bool) {
	var env struct {
		EnvelopeID             string                     `json:"envelope_id"`
		Type                   string                     `json:"type"`
		AcceptsResponsePayload bool                       `json:"accepts_response_payload"`
		Payload                map[string]json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.Type != string(socketmode.RequestTypeSlashCommands) || env.EnvelopeID == "" {
		return socketmode.Event{}, false
	}
	var cmd slack.SlashCommand
	for key, v := range env.Payload {
		text := string(bytes.Trim(v, `"`))
		var str string
		if json.Unmarshal(v, &str) == nil {
			text = str
		}
		if key == "is_enterprise_install" {
			cmd.IsEnterpriseInstall = text == "true"
		} else if f := slashField(&cmd, []byte(key)); f != nil {
			*f = text
		}
	}
	if cmd.UserID == "" || cmd.Command == "" {
		return socketmode.Event{}, false
	}
	req := socketmode.Request{Type: env.Type, EnvelopeID: env.EnvelopeID, AcceptsResponsePayload: env.AcceptsResponsePayload}
	return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: &req}, true
}

// The JSON keys of socketmode.Request and slack.SlashCommand: encoding/json
// matches a key to a field ignoring case, which the fast path leaves to it.
var (
	envelopeKeys = []string{"type", "num_connections", "connection_info", "reason", "debug_info", "envelope_id",
		"payload", "accepts_response_payload", "retry_attempt", "retry_reason"}
	slashKeys = []string{"token", "team_id", "team_domain", "enterprise_id", "enterprise_name", "is_enterprise_install",
		"channel_id", "channel_name", "user_id", "user_name", "command", "text", "response_url", "trigger_id", "api_app_id"}
)

func slashField(c *slack.SlashCommand, key []byte) *string {
	switch string(key) {
	case "token":
		return &c.Token
	case "team_id":
		return &c.TeamID
	case "team_domain":
		return &c.TeamDomain
	case "enterprise_id":
		return &c.EnterpriseID
	case "enterprise_name":
		return &c.EnterpriseName
	case "channel_id":
		return &c.ChannelID
	case "channel_name":
		return &c.ChannelName
	case "user_id":
		return &c.UserID
	case "user_name":
		return &c.UserName
	case "command":
		return &c.Command
	case "text":
		return &c.Text
	case "response_url":
		return &c.ResponseURL
	case "trigger_id":
		return &c.TriggerID
	case "api_app_id":
		return &c.APIAppID
	}
	return nil
}

// foldsTo reports whether key is one of keys ignoring ASCII case, or is
// not plain ASCII (encoding/json folds some other letters too).
func foldsTo(key []byte, keys []string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for _, k := range keys {
		if bytes.EqualFold(key, []byte(k)) {
			return true
		}
	}
	return false
}

// scanner reads the part of JSON the fast path accepts, validating all of
// it; any method returning false means "decline".
type scanner struct {
	b   []byte
	src string // b as a string, when strings are to be cut from it; else each is copied
	i   int
}

// special marks the bytes a string's scan stops at: the closing quote,
// an escape, a control character (invalid in JSON) and non-ASCII (to
// check UTF-8).
var special = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.space()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// rest reports whether anything but space follows.
func (s *scanner) rest() bool {
	s.space()
	return s.i < len(s.b)
}

// object reads {"key": value, …}, calling member with each key (plain,
// without escapes) to read its value.
func (s *scanner) object(member func(key []byte) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		return true
	}
	for {
		tok, escaped, ok := s.str()
		if !ok || escaped {
			return false
		}
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.space()
		if !member(tok[1 : len(tok)-1]) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string token, quotes included, and reports whether it
// holds escapes. It declines control characters and invalid UTF-8.
func (s *scanner) str() (tok []byte, escaped, ok bool) {
	if s.peek() != '"' {
		return nil, false, false
	}
	start := s.i
	s.i++
	ascii := true
	for s.i < len(s.b) {
		for s.i < len(s.b) && !special[s.b[s.i]] {
			s.i++
		}
		if s.i == len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			tok = s.b[start:s.i]
			if !ascii && !utf8.Valid(tok) {
				return nil, false, false
			}
			return tok, escaped, true
		case c == '\\':
			escaped = true
			s.i += 2
		case c < 0x20:
			return nil, false, false
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			s.i++
		}
	}
	return nil, false, false
}

// validEscapes reports whether a string token's escapes are JSON's.
func validEscapes(tok []byte) bool {
	for i := 1; i < len(tok)-1; i++ {
		if tok[i] != '\\' {
			continue
		}
		i++
		switch tok[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if i+4 >= len(tok) {
				return false
			}
			for _, c := range tok[i+1 : i+5] {
				if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
					return false
				}
			}
			i += 4
		default:
			return false
		}
	}
	return true
}

// stringInto reads a string into *dst, or null (leaving it as it is).
func (s *scanner) stringInto(dst *string) bool {
	if s.literal("null") {
		return true
	}
	tok, escaped, ok := s.str()
	if !ok {
		return false
	}
	switch {
	case escaped:
		return unquote(tok, dst)
	case s.src != "":
		*dst = s.src[s.i-len(tok)+1 : s.i-1]
	default:
		*dst = string(tok[1 : len(tok)-1])
	}
	return true
}

// unquote decodes a string token with escapes: the one-letter ones here
// (a quote typed in a command), \u… by encoding/json.
func unquote(tok []byte, dst *string) bool {
	out := make([]byte, 0, len(tok))
	for i := 1; i < len(tok)-1; i++ {
		c := tok[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch tok[i] {
		case '"', '\\', '/':
			out = append(out, tok[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return json.Unmarshal(tok, dst) == nil
		}
	}
	*dst = string(out)
	return true
}

func (s *scanner) boolInto(dst *bool) bool {
	switch {
	case s.literal("true"):
		*dst = true
	case s.literal("false"):
		*dst = false
	case s.literal("null"):
	default:
		return false
	}
	return true
}

// enterpriseInto reads is_enterprise_install as slack-go does: a boolean,
// or the string "true" or "false" (Slack sends a string); the fast path
// leaves other spellings to it.
func (s *scanner) enterpriseInto(dst *bool) bool {
	switch {
	case s.literal(`"true"`):
		*dst = true
		return true
	case s.literal(`"false"`):
		*dst = false
		return true
	}
	return s.boolInto(dst)
}

// intInto reads an integer (no fraction or exponent) into *dst, or null.
func (s *scanner) intInto(dst *int) bool {
	if s.literal("null") {
		return true
	}
	start := s.i
	if !s.number() {
		return false
	}
	n, err := strconv.Atoi(string(s.b[start:s.i]))
	if err != nil {
		return false
	}
	*dst = n
	return true
}

// scalar reads and validates a string, number, true, false or null.
func (s *scanner) scalar() bool {
	switch c := s.peek(); {
	case c == '"':
		tok, escaped, ok := s.str()
		if ok && escaped {
			return validEscapes(tok)
		}
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number() || s.fraction()
	}
	return s.literal("true") || s.literal("false") || s.literal("null")
}

// number reads an integer part: -?(0|[1-9][0-9]*), declining a fraction
// or an exponent after it (fraction reads those).
func (s *scanner) number() bool {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
		}
	default:
		return false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i = start
		return false
	}
	return true
}

// fraction reads a whole number with a fraction or an exponent.
func (s *scanner) fraction() bool {
	digits := func() bool {
		from := s.i
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
		}
		return s.i > from
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		digits()
	default:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !digits() {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !digits() {
			return false
		}
	}
	return true
}

// literal reads lit if it is next.
func (s *scanner) literal(lit string) bool {
	s.space()
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// marshalAck encodes a slash command's answer as json.Marshal does. An
// answer of text sections alone, which most are, is written here without
// reflection; FuzzAckJSON holds the two to the same bytes.
func marshalAck(m ackMessage) ([]byte, error) {
	for _, b := range m.Blocks {
		if s, ok := b.(*slack.SectionBlock); !ok || s.Type != slack.MBTSection || s.Text == nil || s.Text.Emoji != nil ||
			s.BlockID != "" || s.Fields != nil || s.Accessory != nil || s.Expand {
			return json.Marshal(m)
		}
	}
	out := make([]byte, 0, 64+len(m.Text)*2)
	out = append(out, `{"response_type":`...)
	out = appendJSONString(out, m.ResponseType)
	out = append(out, `,"text":`...)
	out = appendJSONString(out, m.Text)
	if len(m.Blocks) > 0 {
		out = append(out, `,"blocks":[`...)
		for i, b := range m.Blocks {
			t := b.(*slack.SectionBlock).Text
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, `{"type":"section","text":{"type":`...)
			out = appendJSONString(out, t.Type)
			out = append(out, `,"text":`...)
			out = appendJSONString(out, t.Text)
			if t.Verbatim {
				out = append(out, `,"verbatim":true`...)
			}
			out = append(out, "}}"...)
		}
		out = append(out, ']')
	}
	return append(out, '}'), nil
}

// appendJSONString appends s as encoding/json writes a string: HTML's <, >
// and & escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
