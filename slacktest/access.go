package slacktest

import (
	"slices"
	"sort"
	"strings"
)

// What the bot token may do, as Slack decides it: whether the token still
// works at all, which scopes it carries, and which channels the bot is a
// member of.
//
//   - Auth errors (https://docs.slack.dev/reference/methods/auth.test and
//     every method's error list): token_revoked, invalid_auth,
//     account_inactive and not_authed fail every call made with the token
//     until an admin acts. SetAuthError switches that on and off at run
//     time. The app-level token, and so Socket Mode, is not affected.
//   - Scopes (https://docs.slack.dev/reference/scopes): a call that needs a
//     scope the token lacks answers missing_scope with "needed" and
//     "provided", which slack-go keeps in SlackErrorResponse.
//   - Membership (https://docs.slack.dev/reference/methods/conversations.history,
//     https://docs.slack.dev/reference/methods/chat.postMessage,
//     node-slack-sdk #977): with a bot token conversations.history reads only
//     conversations the bot is a member of; chat.postEphemeral needs the bot
//     in the channel too; chat.postMessage into a public channel the bot has
//     not joined works only with chat:write.public. Sharing a file
//     (files.completeUploadExternal) needs membership even there:
//     not_in_channel. conversations.join (channels:join) makes the bot a
//     member of a public channel. A private channel the bot is not in
//     does not exist for it: channel_not_found.

// AllScopes are the bot scopes the fake knows, the default grant.
var AllScopes = []string{
	"app_mentions:read", "channels:history", "channels:join", "channels:read", "chat:write", "chat:write.public", "commands",
	"files:write", "groups:history", "groups:read", "im:history", "im:read", "im:write", "mpim:history",
	"mpim:read", "mpim:write", "users:read",
}

// SetAuthError makes every call with the bot token answer
// {"ok":false,"error":code} (token_revoked, invalid_auth,
// account_inactive, not_authed), as after a revoked token or a
// deactivated install; "" restores the token.
func (s *Server) SetAuthError(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authError = code
}

// RemoveScope takes a scope from the bot token: calls that need it answer
// missing_scope until GrantScope.
func (s *Server) RemoveScope(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.scopes, scope)
}

// GrantScope gives the bot token a scope.
func (s *Server) GrantScope(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes[scope] = true
}

// SetJoined adds the bot to a channel (an /invite) or takes it out.
func (s *Server) SetJoined(channel string, joined bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[channel]; ok {
		c.NotJoined = !joined
	}
}

// memberLocked reports whether the bot is in a conversation. DMs with the
// bot, and conversations the test never described, count as joined.
func (s *Server) memberLocked(id string) bool {
	c, ok := s.channels[id]
	return !ok || !c.NotJoined
}

// privateLocked reports whether a conversation is private (a G… id, or
// described so).
func (s *Server) privateLocked(id string) bool {
	if c, ok := s.channels[id]; ok && c.IsPrivate {
		return true
	}
	return strings.HasPrefix(id, "G")
}

// membershipErrorLocked is the error a call that needs the bot in channel
// id gives when it is not: channel_not_found for a private channel (it
// does not exist for the bot), not_in_channel for a public one.
func (s *Server) membershipErrorLocked(id string) string {
	if s.memberLocked(id) {
		return ""
	}
	if s.privateLocked(id) {
		return "channel_not_found"
	}
	return "not_in_channel"
}

// historyScope is the scope conversations.history and .info need for a
// conversation of this id: channels:, groups:, im: or mpim:.
func (s *Server) kindScopeLocked(id, what string) string {
	switch c := s.channels[id]; {
	case strings.HasPrefix(id, "D"):
		return "im:" + what
	case c != nil && c.mpim:
		return "mpim:" + what
	case s.privateLocked(id):
		return "groups:" + what
	}
	return "channels:" + what
}

// neededScopeLocked is the scope a call needs before anything else is
// checked ("" for none).
func (s *Server) neededScopeLocked(method string, p *params) string {
	switch method {
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		return "chat:write"
	case "conversations.history":
		return s.kindScopeLocked(p.str("channel"), "history")
	case "conversations.info":
		return s.kindScopeLocked(p.str("channel"), "read")
	case "conversations.open":
		if strings.Contains(p.str("users"), ",") {
			return "mpim:write"
		}
		return "im:write"
	case "users.info":
		return "users:read"
	case "files.getUploadURLExternal", "files.completeUploadExternal":
		return "files:write"
	case "conversations.join":
		return "channels:join"
	}
	return ""
}

// grantedLocked is the scopes granted, comma-separated and sorted.
func (s *Server) grantedLocked() string {
	var out []string
	for sc, ok := range s.scopes {
		if ok {
			out = append(out, sc)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// missingScope is Slack's answer to a call the token lacks a scope for.
func (s *Server) missingScopeLocked(needed string) map[string]any {
	var provided []string
	for sc := range s.scopes {
		provided = append(provided, sc)
	}
	sort.Strings(provided)
	return map[string]any{"ok": false, "error": "missing_scope", "needed": needed, "provided": strings.Join(provided, ",")}
}

// accessErrorLocked is what Slack answers instead of running method, or
// nil: a broken token first, then a missing scope.
func (s *Server) accessErrorLocked(method string, p *params) map[string]any {
	if method == "apps.connections.open" {
		return nil // the app-level token
	}
	if s.authError != "" {
		return fail(s.authError)
	}
	if need := s.neededScopeLocked(method, p); need != "" && !s.scopes[need] {
		return s.missingScopeLocked(need)
	}
	return nil
}

func newScopes(granted []string) map[string]bool {
	if granted == nil {
		granted = AllScopes
	}
	m := map[string]bool{}
	for _, sc := range slices.Clone(granted) {
		m[sc] = true
	}
	return m
}
