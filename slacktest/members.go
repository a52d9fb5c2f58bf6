package slacktest

import (
	"encoding/base64"
	"strconv"
)

// conversationsMembers lists a conversation's members
// (https://docs.slack.dev/reference/methods/conversations.members): user
// ids, the bot's own among them when it is in the channel, a page at a
// time ("limit", default 100, at most 1,000; response_metadata.next_cursor
// names the next page, "" after the last). A private channel the bot is
// not in does not exist for it: channel_not_found. The members are the
// Channel's Members, as a test described them.
func (s *Server) conversationsMembers(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p.str("channel")
	c, ok := s.channels[id]
	if !ok || (c.NotJoined && s.privateLocked(id)) {
		return fail("channel_not_found")
	}
	var all []string
	if !c.NotJoined {
		all = append(all, s.opts.BotUserID)
	}
	if c.IsIM {
		all = append(all, c.imUser)
	}
	all = append(all, c.Members...)
	limit := 100
	if v := p.str("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fail("invalid_limit")
		}
		limit = n
	}
	from := 0
	if cur := p.str("cursor"); cur != "" {
		b, err := base64.StdEncoding.DecodeString(cur)
		n, aerr := strconv.Atoi(string(b))
		if err != nil || aerr != nil || n < 0 || n > len(all) {
			return fail("invalid_cursor")
		}
		from = n
	}
	to := min(len(all), from+limit)
	next := ""
	if to < len(all) {
		next = base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(to)))
	}
	page := append([]string{}, all[from:to]...)
	return map[string]any{"ok": true, "members": page, "response_metadata": map[string]any{"next_cursor": next}}
}
