package commands

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/agnivade/levenshtein"

	"github.com/outreachbot/outreachbot/message"
)

// distance is how far typed is from candidate, forgiving what people do
// when naming things: leaving out spaces and dashes, and typing only the
// start of a long name ("contyhealth" is near "county-health-dept").
func distance(typed, candidate string) int {
	t, c := squash(typed), squash(candidate)
	best := levenshtein.ComputeDistance(t, c)
	if t == "" {
		return best
	}
	cr := []rune(c)
	for k := len([]rune(t)) - 1; k <= len([]rune(t))+1; k++ {
		if k > 0 && k < len(cr) {
			best = min(best, levenshtein.ComputeDistance(t, string(cr[:k]))+1)
		}
	}
	return best
}

// squash lower-cases s and keeps only letters and digits.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plausible is the largest distance still worth suggesting.
func plausible(typed string) int { return max(1, (len([]rune(squash(typed)))+1)/3) }

// closest returns the candidate nearest to typed, or "" when none is near
// enough to be a likely typo.
func closest(typed string, candidates []string) string {
	if s := nearest(typed, candidates, 1); len(s) > 0 {
		return s[0]
	}
	return ""
}

// nearest returns up to n plausible candidates, nearest first. A candidate
// that starts with what was typed counts as nearest.
func nearest(typed string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	var all []scored
	limit := plausible(typed)
	for _, c := range candidates {
		d := distance(typed, c)
		if typed != "" && strings.HasPrefix(c, strings.ToLower(typed)) {
			d = 0
		}
		if d <= limit {
			all = append(all, scored{c, d})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(a.d, b.d) })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].s)
	}
	return out
}

// phrasing reads what people type without thinking as the command they
// mean: `show county` is `partner show county`, and a plural is the list
// (`partners overdue`, `events past`), as `followups` and `needs` are.
// nil when it is none.
func (h *Handler) phrasing(toks []Token) (*command, []Token) {
	if len(toks) == 0 || toks[0].Quoted || toks[0].Key != "" {
		return nil, nil
	}
	name := ""
	switch strings.ToLower(toks[0].Text) {
	case "show":
		name = "partner show" // alone, in a linked channel: the channel's partner
	case "partners":
		name = "partner list"
	case "events":
		name = "event list"
	case "contacts":
		name = "history"
	}
	if name == "" {
		return nil, nil
	}
	return h.table.find(name), toks[1:]
}

// remindMe answers `remind me next tuesday to call Dana` with the
// follow-up that does it.
func (h *Handler) remindMe(toks []Token) error {
	words := make([]string, 0, len(toks))
	for _, t := range toks[1:] {
		words = append(words, t.Text)
	}
	if len(words) > 0 && strings.EqualFold(words[0], "me") {
		words = words[1:]
	}
	at, what := "", ""
	for i, w := range words {
		if strings.EqualFold(w, "to") || strings.EqualFold(w, "about") {
			at, what = strings.Join(words[:i], " "), strings.Join(words[i+1:], " ")
			break
		}
	}
	if at == "" || what == "" {
		return userErrorf("I remind people of follow-ups: `%s followup <partner> <when> <what>`, e.g. `%s followup county \"next tuesday\" \"Call Dana\"`. I remind the assignee (you, unless `to:@someone`) when it is due.", h.cfg.Command, h.cfg.Command)
	}
	return userErrorf("I remind people of follow-ups. Type `%s followup <partner> \"%s\" \"%s\"` with the partner it is about (in the partner's channel you can leave it out); I remind you when it is due.",
		h.cfg.Command, message.Esc(strings.ReplaceAll(at, `"`, "'")), message.Esc(strings.ReplaceAll(what, `"`, "'")))
}
