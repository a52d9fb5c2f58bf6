package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

const (
	// searchLoad is how many records of each kind a search reads (the
	// newest): ranking and phrases are checked among them.
	searchLoad = 200
	// searchShown is how many of each kind the answer lists.
	searchShown = 5
	// searchContext is how long a result's line of context is.
	searchContext = 120
)

// searchStore is what search adds to Store.
type searchStore interface {
	Search(ctx context.Context, team string, words []string, scope store.SearchScope, limit int) (store.SearchResult, error)
}

// searchKinds are the `kind:` values, in the order results are shown,
// with their headings.
var searchKinds = []struct{ kind, option, title string }{
	{store.KindPartner, "partners", "Partners"},
	{store.KindPerson, "people", "People"},
	{store.KindEvent, "events", "Events"},
	{store.KindNeed, "needs", "Needs"},
	{store.KindContact, "contacts", "Contacts"},
}

// searchHit is one record found, with its line and how well it matched.
type searchHit struct {
	score int
	// order breaks ties: higher first (newer, or an event sooner ahead).
	order int64
	name  string // partners and people: ties by name
	line  string
}

// searchCommand finds records by their words: `search <words|"phrase">
// [partner:] [kind:]`. A liaison searches only what they may see of
// their partnership: its needs and upcoming events, and the notes they
// left.
func (h *Handler) searchCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var words, phrases []string
	for _, t := range a.pos {
		if t.Quoted {
			phrases = append(phrases, Unlink(t.Text))
		} else {
			words = append(words, Unlink(t.Text))
		}
	}
	if len(words)+len(phrases) == 0 {
		return message.Reply{}, userErrorf("What should I look for? e.g. `%s`, or a phrase in quotes: `%s`.", h.typed(req, "search flu clinic"), h.typed(req, `search "health fair"`))
	}
	q := domain.NewQuery(words, phrases)
	if q.Empty() && !strings.ContainsFunc(q.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		// "" or 👍: nothing to look for, rather than too common.
		return message.Reply{}, userErrorf("What should I look for? Search finds words of letters or digits, e.g. `%s`, or a phrase in quotes: `%s`.", h.typed(req, "search flu clinic"), h.typed(req, `search "health fair"`))
	}
	if q.Empty() {
		return message.Reply{}, userErrorf("%s is too common to search for. Add a more particular word, e.g. `%s`.", message.Code(q.Text), h.typed(req, "search flu clinic"))
	}
	kind := ""
	if v, ok := a.opt("kind"); ok {
		var opts []string
		for _, k := range searchKinds {
			opts = append(opts, k.option)
		}
		v = strings.ToLower(strings.TrimSpace(v))
		for _, k := range searchKinds {
			if v == k.kind || v == k.option {
				v = k.option
			}
		}
		o, err := oneOf("kind", v, opts)
		if err != nil {
			return message.Reply{}, err
		}
		for _, k := range searchKinds {
			if k.option == o {
				kind = k.kind
			}
		}
	}
	var scope store.SearchScope
	within := ""
	switch ptext, named := a.opt("partner"); {
	case req.Role == RoleLiaison:
		if named {
			return message.Reply{}, errDenied
		}
		p, err := h.partner(ctx, req, "")
		if err != nil {
			return message.Reply{}, err
		}
		scope = store.SearchScope{Partner: p.Slug, Liaison: true, Author: req.User}
		within = " about *" + message.Esc(p.Name) + "*"
	case named:
		p, err := h.partner(ctx, req, ptext)
		if err != nil {
			return message.Reply{}, err
		}
		scope.Partner = p.Slug
		within = " about *" + message.Esc(p.Name) + "*"
	}
	res, err := h.store.Search(ctx, req.Team, q.Tokens, scope, searchLoad)
	if err != nil {
		return message.Reply{}, err
	}
	names, err := h.partnerNames(ctx, req.Team)
	if err != nil {
		return message.Reply{}, err
	}
	hits := h.searchHits(q, res, names, req)
	var b strings.Builder
	total := 0
	for _, k := range searchKinds {
		if kind == "" || kind == k.kind {
			total += len(hits[k.kind])
		}
	}
	if total == 0 {
		return message.Reply{Text: fmt.Sprintf(":mag: Nothing%s matches %s. Words are matched whole (`clinic`, not `clin`) and all of them must be there: try fewer, or another spelling.",
			within, message.Code(q.Text))}, nil
	}
	fmt.Fprintf(&b, ":mag: %s%s — %s, best first\n", message.Code(q.Text), within, message.Plural(total, "result"))
	for _, k := range searchKinds {
		hs := hits[k.kind]
		if (kind != "" && kind != k.kind) || len(hs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "*%s* (%d)\n", k.title, len(hs))
		for _, x := range hs[:min(len(hs), searchShown)] {
			b.WriteString(x.line + "\n")
		}
		if len(hs) > searchShown {
			narrow := "add a word"
			if kind == "" {
				narrow += fmt.Sprintf(", or `kind:%s`", k.option)
			}
			if scope.Partner == "" {
				narrow += ", or `partner:`"
			}
			fmt.Fprintf(&b, "…and %d more: %s.\n", len(hs)-searchShown, narrow)
		}
		if found := res.Found[k.kind]; found > searchLoad {
			fmt.Fprintf(&b, "_Looked at the newest %d of %d; add a word to see older ones._\n", searchLoad, found)
		}
	}
	return message.Reply{Text: strings.TrimSuffix(b.String(), "\n")}, nil
}

// searchHits ranks what the store found, by kind: records that a phrase
// or a word no longer matches (Match 0) are left out, as are cancelled
// events and, for a liaison, events already over.
func (h *Handler) searchHits(q domain.Query, res store.SearchResult, names map[string]string, req *Request) map[string][]searchHit {
	now := h.now()
	loc := req.Loc
	out := map[string][]searchHit{}
	add := func(kind string, score int, order int64, name, line string) {
		if score > 0 {
			out[kind] = append(out[kind], searchHit{score: score, order: order, name: name, line: line})
		}
	}
	for _, p := range res.Partners {
		fields := []string{p.Name, p.Services, p.Audience, p.Programs, p.Goals}
		line := fmt.Sprintf("• *%s* `%s` · %s · %s", message.Esc(p.Name), p.Slug, p.Kind, p.Stage)
		if p.Archived {
			line += " _(archived)_"
		}
		labels := []string{"", "services", "audience", "programs", "goals"}
		// The description that matched, if one did: the name is there already.
		if i := q.MatchField(fields[1:]...); i >= 0 {
			line += fmt.Sprintf(" — %s: %s", labels[i+1], message.Esc(q.Snippet(fields[i+1], searchContext)))
		}
		add(store.KindPartner, q.Match(fields...), 0, domain.NameKey(p.Name), line)
	}
	for _, x := range res.People {
		pp := x.Person
		line := "• *" + message.Esc(pp.Name) + "*"
		for _, v := range []string{pp.Role, pp.Email} {
			if v != "" {
				line += " · " + message.Esc(v)
			}
		}
		line += " — at *" + message.Esc(nameOr(names, x.Partner)) + "*"
		add(store.KindPerson, q.Match(pp.Name, pp.Role, pp.Email), 0, domain.NameKey(pp.Name), line)
	}
	for _, e := range res.Events {
		if !e.Cancelled.IsZero() || (req.Role == RoleLiaison && !e.End.After(now)) {
			continue
		}
		// Ahead soonest first, then the past latest first.
		order := -e.Start.UnixMilli()
		if !e.End.After(now) {
			order = e.Start.UnixMilli() - now.AddDate(100, 0, 0).UnixMilli()
		}
		add(store.KindEvent, q.Match(e.Title), order, "", message.EventLine(e, message.EventPartners(e, names), now, loc))
	}
	told := toldBy(req)
	for _, n := range res.Needs {
		if req.Role == RoleLiaison && !told(n) {
			continue
		}
		src := ""
		if n.Partner != "" {
			src = " · " + message.Esc(nameOr(names, n.Partner))
		}
		fields := append([]string{n.Note}, n.Topics...)
		line := fmt.Sprintf("• `N%d` %s · %s%s — %s", n.ID, message.Date(n.At, now, loc), message.Esc(strings.Join(n.Topics, ", ")), src,
			message.Esc(q.Snippet(n.Note, searchContext)))
		add(store.KindNeed, q.Match(fields...), n.At.UnixMilli(), "", line)
	}
	for _, c := range res.Contacts {
		text := q.Snippet(c.Summary, searchContext)
		if q.MatchField(c.Summary, c.Outcome) == 1 {
			text = "outcome: " + q.Snippet(c.Outcome, searchContext)
		}
		line := fmt.Sprintf("• `C%d` %s · %s %s · *%s* · %s — %s", c.ID, message.Date(c.When, now, loc), c.Method, message.Arrow(c.Direction),
			message.Esc(nameOr(names, c.Partner)), message.Mention(c.Who), message.Esc(text))
		add(store.KindContact, q.Match(c.Summary, c.Outcome), c.When.UnixMilli(), "", line)
	}
	for kind, hs := range out {
		slices.SortStableFunc(hs, func(a, b searchHit) int {
			if a.score != b.score {
				return cmp.Compare(b.score, a.score)
			}
			if a.order != b.order {
				return cmp.Compare(b.order, a.order)
			}
			return strings.Compare(a.name, b.name)
		})
		out[kind] = hs
	}
	return out
}

// nameOr is a partner's name, or its slug when it has none in names.
func nameOr(names map[string]string, slug string) string {
	if n := names[slug]; n != "" {
		return n
	}
	return slug
}
