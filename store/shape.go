package store

import (
	"fmt"
	"regexp"
	"strings"
)

// A shape is a template for a key (keys.go) or a job id (jobkinds.go):
// literal text with {param} holes. Go builds from it, scripts.go turns it
// into a Lua function, and the tests match what Redis holds against it, so
// a name is spelled once for both languages.
type shape struct {
	name        string   // its name in Go and in Lua
	lits        []string // the text around the params: lits[0] params[0] lits[1] … lits[n]
	params      []string // names, each in paramPatterns
	redisType   string   // keys only: what TYPE answers for it
	bookkeeping bool     // keys only: the scheduler's bookkeeping of due work
}

// paramPatterns says what each template parameter may hold. Only matching
// uses them (ShapeOf, and the tests' check of stored job ids); building
// never checks. No capturing groups: ShapeOf counts one group per shape.
var paramPatterns = map[string]string{
	"slug":       `[\p{L}\p{N}-]+`, // a partner's slug (Slugify)
	"id":         `[0-9]+`,         // a short id: follow-up, event, survey
	"seq":        `[0-9]+`,         // a follow-up's reminder number
	"user":       `[A-Z0-9]+`,      // a Slack user id
	"event":      `[A-Za-z0-9]+`,   // a Slack Events API event id
	"occurrence": `[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}Z)?`,
	"kind":       `[a-z]+(?:-[a-z]+)*`, // a job kind (jobkinds.go)
	"token":      `[\p{L}\p{N}\p{M}]+`, // a word of the search index (domain.SearchTokens)

	"channel": `[A-Z0-9]+`,                          // a Slack channel id
	"ts":      `[0-9]+\.[0-9]+`,                     // a Slack message timestamp
	"notice":  `[a-z]+(?:-[a-z]+)*:[\p{L}\p{N}:-]+`, // what a notice is about: '<kind>:<slug>[:<user>]'
}

// parseShape splits tmpl at its {params}. It panics on a malformed
// template: the tables are fixed at build time, so a test catches it.
func parseShape(tmpl string) *shape {
	s := &shape{}
	rest := tmpl
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			s.lits = append(s.lits, rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			panic(fmt.Sprintf("shape %q: unclosed {", tmpl))
		}
		p := rest[i+1 : i+j]
		if _, ok := paramPatterns[p]; !ok {
			panic(fmt.Sprintf("shape %q: unknown parameter {%s}", tmpl, p))
		}
		s.lits = append(s.lits, rest[:i])
		s.params = append(s.params, p)
		rest = rest[i+j+1:]
	}
	for _, l := range s.lits {
		if strings.ContainsAny(l, `'\{}`) {
			panic(fmt.Sprintf("shape %q: literal %q would need quoting in Lua", tmpl, l))
		}
	}
	return s
}

// build fills the shape's params with args, after prefix, in one
// allocation.
func (s *shape) build(prefix string, args ...string) string {
	if len(args) != len(s.params) {
		panic(fmt.Sprintf("%s: %d arguments for %d parameters", s.name, len(args), len(s.params)))
	}
	n := len(prefix)
	for _, l := range s.lits {
		n += len(l)
	}
	for _, a := range args {
		n += len(a)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for i, l := range s.lits {
		b.WriteString(l)
		if i < len(args) {
			b.WriteString(args[i])
		}
	}
	return b.String()
}

// lua is the shape as a field of a Lua table constructor: a function of
// its params, after the key prefix p when prefixed.
func (s *shape) lua(prefixed bool) string {
	var args, body []string
	if prefixed {
		args, body = []string{"p"}, []string{"p"}
	}
	for i, l := range s.lits {
		if l != "" {
			body = append(body, "'"+l+"'")
		}
		if i < len(s.params) {
			args = append(args, s.params[i])
			body = append(body, s.params[i])
		}
	}
	return fmt.Sprintf("%s = function(%s) return %s end", s.name, strings.Join(args, ", "), strings.Join(body, " .. "))
}

// pattern is the regexp (without anchors) of what the shape builds.
func (s *shape) pattern() string {
	var b strings.Builder
	for i, l := range s.lits {
		b.WriteString(regexp.QuoteMeta(l))
		if i < len(s.params) {
			b.WriteString("(?:" + paramPatterns[s.params[i]] + ")")
		}
	}
	return b.String()
}
