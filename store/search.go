package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// The search index: for each word of what the team wrote, a set of the
// records filed under it (keys.go's SearchToken, lua/search_lib.lua).
// RediSearch is not in Debian's redis-server, and the sets are plain
// Redis: they live in the workspace's slot like everything else, and the
// script that changes a record's text files it in the same call, so a
// search never finds what a record no longer says, nor misses what it
// now says. Go splits the text into words (domain.SearchTokens), so
// folding is the same as everywhere else; the words' sets go to the
// scripts in KEYS, declared like every key a script touches.

// Record kinds, the first letters of their ids in the index.
const (
	KindPartner = "partner"
	KindPerson  = "person"
	KindContact = "contact"
	KindNeed    = "need"
	KindEvent   = "event"
)

// SearchKinds are the kinds of record a search returns, in the order it
// shows them.
var SearchKinds = []string{KindPartner, KindPerson, KindEvent, KindNeed, KindContact}

// indexPlan is how one record moves in the index (search_lib.lua's plan).
type indexPlan struct {
	sha         string // of the stored text remove was read from; "" for a new record
	remove, add []string
}

// newDocPlan files a new record under words.
func newDocPlan(words []string) indexPlan { return indexPlan{add: words} }

// changePlan moves a record whose stored text was oldText (its words
// old) to the words now.
func changePlan(oldText string, old, now []string) indexPlan {
	p := indexPlan{sha: sha1Hex(oldText)}
	for _, w := range old {
		if !slices.Contains(now, w) {
			p.remove = append(p.remove, w)
		}
	}
	for _, w := range now {
		if !slices.Contains(old, w) {
			p.add = append(p.add, w)
		}
	}
	return p
}

// arg is the plan as a script's ARGV.
func (p indexPlan) arg() string {
	return p.sha + "|" + strings.Join(p.remove, " ") + "|" + strings.Join(p.add, " ")
}

// keys are the sets the plan touches.
func (p indexPlan) keys(k keys) []string {
	out := make([]string, 0, len(p.remove)+len(p.add))
	for _, w := range p.remove {
		out = append(out, k.SearchToken(w))
	}
	for _, w := range p.add {
		out = append(out, k.SearchToken(w))
	}
	return out
}

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// The words each kind of record is filed under.

func partnerWords(name, services, audience, programs, goals string) []string {
	return domain.SearchTokens(name, services, audience, programs, goals)
}

func personWords(p domain.Person) []string { return domain.SearchTokens(p.Name, p.Role, p.Email) }

func contactWords(c domain.Contact) []string { return domain.SearchTokens(c.Summary, c.Outcome) }

func needWords(n domain.Need) []string {
	return domain.SearchTokens(append([]string{n.Note}, n.Topics...)...)
}

func eventWords(title string) []string { return domain.SearchTokens(title) }

// partnerText is a partner's stored text as doc_text reads it.
func partnerText(name, services, audience, programs, goals string) string {
	return strings.Join([]string{name, services, audience, programs, goals}, "\n")
}

// docWords are the words of a record whose stored text (doc_text) is raw.
func docWords(doc, raw string) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	switch doc[0] {
	case 'p', 'e':
		return domain.SearchTokens(raw), nil
	case 'h':
		var p domain.Person
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return nil, fmt.Errorf("decode %s: %w", doc, err)
		}
		return personWords(p), nil
	case 'c':
		var c domain.Contact
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("decode %s: %w", doc, err)
		}
		return contactWords(c), nil
	case 'n':
		var n domain.Need
		if err := json.Unmarshal([]byte(raw), &n); err != nil {
			return nil, fmt.Errorf("decode %s: %w", doc, err)
		}
		return needWords(n), nil
	}
	return nil, fmt.Errorf("unknown record %q", doc)
}

// Records' ids in the index: a kind's letter, then its id (a slug,
// which holds no '/', for a partner and its people).
func partnerDoc(slug string) string { return "p" + slug }
func peopleDoc(slug string) string  { return "h" + slug + "/" }

// retryStale runs a write whose index plan was made from a record's text
// read before it, again while the script finds the text changed since
// (a concurrent edit): each attempt reads afresh. After three, ErrChanged.
func retryStale(op string, attempt func() (reply, error)) (reply, error) {
	for range 3 {
		r, err := attempt()
		if err != nil || r.ok || r.code != "stale" {
			return r, err
		}
	}
	return reply{}, fmt.Errorf("%s: %w", op, ErrChanged)
}

// SearchScope narrows a search.
type SearchScope struct {
	// Partner: only what is about this partner ("" for every partner).
	Partner string
	// Liaison: only what a liaison of Partner may see: its needs and
	// events, and the notes Author left; no partner or person records.
	Liaison bool
	Author  string
}

// PersonHit is a person found, at their partner.
type PersonHit struct {
	Partner string
	Person  domain.Person
}

// SearchResult is what a search found: for each kind, how many records
// are filed under all the words (within the scope), and the newest of
// them loaded (at most the limit asked for). Phrases and ranking are the
// caller's: domain.Query.Match.
type SearchResult struct {
	Found    map[string]int
	Partners []domain.Partner
	People   []PersonHit
	Contacts []domain.Contact
	Needs    []domain.Need
	Events   []domain.Event
}

// Search finds the records filed under every one of words (see
// domain.SearchTokens), loading at most limit of each kind, newest first
// (partners and people by name). A handful of round trips: the
// intersection, the scope's sets, then the records.
func (s *Store) Search(ctx context.Context, team string, words []string, scope SearchScope, limit int) (SearchResult, error) {
	res := SearchResult{Found: map[string]int{}}
	if len(words) == 0 {
		return res, nil
	}
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	sets := make([]string, len(words))
	for i, w := range words {
		sets[i] = k.SearchToken(w)
	}
	docs, err := s.rdb.SInter(ctx, sets...).Result()
	if err != nil {
		return res, s.wrap("search", err)
	}
	var partners, people []string
	var contacts, needs, events []int64
	for _, d := range docs {
		switch {
		case len(d) < 2:
		case d[0] == 'p':
			partners = append(partners, d[1:])
		case d[0] == 'h':
			people = append(people, d[1:])
		default:
			id, err := strconv.ParseInt(d[1:], 10, 64)
			if err != nil {
				continue
			}
			switch d[0] {
			case 'c':
				contacts = append(contacts, id)
			case 'n':
				needs = append(needs, id)
			case 'e':
				events = append(events, id)
			}
		}
	}
	if scope.Partner != "" {
		if partners, people, contacts, needs, events, err = s.searchScope(ctx, k, scope, partners, people, contacts, needs, events); err != nil {
			return res, err
		}
	}
	res.Found[KindPartner], res.Found[KindPerson] = len(partners), len(people)
	res.Found[KindContact], res.Found[KindNeed], res.Found[KindEvent] = len(contacts), len(needs), len(events)
	newest := func(ids []int64) []int64 {
		slices.SortFunc(ids, func(a, b int64) int { return int(b - a) })
		return ids[:min(len(ids), limit)]
	}
	slices.Sort(partners)
	slices.Sort(people)
	return res, s.loadFound(ctx, k, &res, partners[:min(len(partners), limit)], people[:min(len(people), limit)],
		newest(contacts), newest(needs), newest(events))
}

// searchScope keeps of the records found those scope allows.
func (s *Store) searchScope(ctx context.Context, k keys, scope SearchScope, partners, people []string, contacts, needs, events []int64) ([]string, []string, []int64, []int64, []int64, error) {
	slug := scope.Partner
	if scope.Liaison {
		partners, people = nil, nil
	} else {
		partners = slices.DeleteFunc(partners, func(p string) bool { return p != slug })
		people = slices.DeleteFunc(people, func(p string) bool { return !strings.HasPrefix(p, slug+"/") })
	}
	pipe := s.rdb.Pipeline()
	// ZMSCORE: nil for a member the set lacks (go-redis's ZMScore would
	// read it as a score of 0, which a contact of 1970 may have).
	in := func(key string, ids []int64) *redis.Cmd {
		if len(ids) == 0 {
			return nil
		}
		args := make([]any, 0, len(ids)+2)
		args = append(args, "ZMSCORE", key)
		for _, id := range ids {
			args = append(args, strconv.FormatInt(id, 10))
		}
		return pipe.Do(ctx, args...)
	}
	cs, ns, es := in(k.Contacts(slug), contacts), in(k.PartnerNeeds(slug), needs), in(k.PartnerEvents(slug), events)
	var mine *redis.Cmd
	if scope.Liaison {
		mine = in(k.ContactsBy(scope.Author), contacts)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, nil, nil, nil, s.wrap("search", err)
	}
	keep := func(ids []int64, c *redis.Cmd) []int64 {
		if c == nil {
			return nil
		}
		vals, _ := c.Val().([]any)
		out := ids[:0]
		for i, id := range ids {
			if i < len(vals) && vals[i] != nil {
				out = append(out, id)
			}
		}
		return out
	}
	if scope.Liaison {
		// Filter by the liaison's own notes first: keep reads both
		// replies by position in the same list.
		contacts = keepBoth(contacts, cs, mine)
	} else {
		contacts = keep(contacts, cs)
	}
	return partners, people, contacts, keep(needs, ns), keep(events, es), nil
}

// keepBoth keeps the ids both ZMSCOREs found.
func keepBoth(ids []int64, a, b *redis.Cmd) []int64 {
	if a == nil || b == nil {
		return nil
	}
	va, _ := a.Val().([]any)
	vb, _ := b.Val().([]any)
	out := ids[:0]
	for i, id := range ids {
		if i < len(va) && i < len(vb) && va[i] != nil && vb[i] != nil {
			out = append(out, id)
		}
	}
	return out
}

// loadFound reads the records found, in two round trips.
func (s *Store) loadFound(ctx context.Context, k keys, res *SearchResult, partners, people []string, contacts, needs, events []int64) error {
	pipe := s.rdb.Pipeline()
	pcmds := make([]*redis.MapStringStringCmd, len(partners))
	for i, slug := range partners {
		pcmds[i] = pipe.HGetAll(ctx, k.Partner(slug))
	}
	hcmds := make([]*redis.StringCmd, len(people))
	for i, p := range people {
		slug, name, _ := strings.Cut(p, "/")
		hcmds[i] = pipe.HGet(ctx, k.People(slug), name)
	}
	ids := func(ns []int64) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = strconv.FormatInt(n, 10)
		}
		return out
	}
	var slugs, ncmd *redis.SliceCmd
	if len(contacts) > 0 {
		slugs = pipe.HMGet(ctx, k.ContactPartner(), ids(contacts)...)
	}
	if len(needs) > 0 {
		ncmd = pipe.HMGet(ctx, k.NeedLog(), ids(needs)...)
	}
	ecmds := make([]*redis.MapStringStringCmd, len(events))
	for i, id := range events {
		ecmds[i] = pipe.HGetAll(ctx, k.Event(id))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return s.wrap("search", err)
	}
	for i, c := range pcmds {
		if m := c.Val(); len(m) > 0 {
			res.Partners = append(res.Partners, partnerFromHash(partners[i], m))
		}
	}
	for i, c := range hcmds {
		var p domain.Person
		if js, err := c.Result(); err == nil && json.Unmarshal([]byte(js), &p) == nil {
			slug, _, _ := strings.Cut(people[i], "/")
			res.People = append(res.People, PersonHit{Partner: slug, Person: p})
		}
	}
	if ncmd != nil {
		for i, v := range ncmd.Val() {
			var n domain.Need
			if js, ok := v.(string); ok && json.Unmarshal([]byte(js), &n) == nil {
				n.ID = needs[i]
				res.Needs = append(res.Needs, n)
			}
		}
	}
	for i, c := range ecmds {
		if m := c.Val(); len(m) > 0 {
			res.Events = append(res.Events, eventFromHash(events[i], m))
		}
	}
	if slugs == nil {
		return nil
	}
	// The contacts, from their partners' logs.
	bySlug := map[string][]string{}
	var order []string
	for i, v := range slugs.Val() {
		if slug, ok := v.(string); ok {
			if _, seen := bySlug[slug]; !seen {
				order = append(order, slug)
			}
			bySlug[slug] = append(bySlug[slug], strconv.FormatInt(contacts[i], 10))
		}
	}
	found := map[int64]domain.Contact{}
	pipe = s.rdb.Pipeline()
	ccmds := make([]*redis.SliceCmd, len(order))
	for i, slug := range order {
		ccmds[i] = pipe.HMGet(ctx, k.ContactLog(slug), bySlug[slug]...)
	}
	if len(order) > 0 {
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return s.wrap("search", err)
		}
	}
	for i, slug := range order {
		for j, v := range ccmds[i].Val() {
			js, ok := v.(string)
			if !ok {
				continue
			}
			var c domain.Contact
			if json.Unmarshal([]byte(js), &c) != nil {
				continue
			}
			c.ID, _ = strconv.ParseInt(bySlug[slug][j], 10, 64)
			c.Partner = slug
			found[c.ID] = c
		}
	}
	for _, id := range contacts {
		if c, ok := found[id]; ok {
			res.Contacts = append(res.Contacts, c)
		}
	}
	return nil
}

var scriptIndexDocs = load("index_docs")

// indexBatch is how many records one call of index_docs files.
const indexBatch = 500

// IndexSearch files every stored record in the search index: the
// migration for data written before the index existed (migrate.go).
// Idempotent: a record filed already is filed again to no effect. It
// reads a page at a time and reports how many records it filed.
func (s *Store) IndexSearch(ctx context.Context, team string) (int, error) {
	k := keysFor(team)
	ix := &indexer{s: s, k: k, docs: map[string][3]string{}}
	ps, err := s.ListPartners(ctx, team)
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if err := ix.add(ctx, partnerDoc(p.Slug), partnerText(p.Name, p.Services, p.Audience, p.Programs, p.Goals), "", k.Partner(p.Slug)); err != nil {
			return ix.n, err
		}
		if err := ix.hash(ctx, k.People(p.Slug), peopleDoc(p.Slug), ""); err != nil {
			return ix.n, err
		}
		if err := ix.hash(ctx, k.ContactLog(p.Slug), "c", p.Slug); err != nil {
			return ix.n, err
		}
	}
	if err := ix.hash(ctx, k.NeedLog(), "n", ""); err != nil {
		return ix.n, err
	}
	if err := ix.events(ctx); err != nil {
		return ix.n, err
	}
	return ix.n, ix.flush(ctx)
}

// indexer gathers records for index_docs, a batch at a time.
type indexer struct {
	s    *Store
	k    keys
	docs map[string][3]string // record → SHA-1 of its text, its words, its partner
	keys map[string]bool      // the keys the batch reads and writes
	n    int
}

func (ix *indexer) add(ctx context.Context, doc, raw, slug string, read ...string) error {
	words, err := docWords(doc, raw)
	if err != nil {
		return fmt.Errorf("index search: %w", err)
	}
	if len(words) == 0 {
		return nil
	}
	if ix.keys == nil {
		ix.keys = map[string]bool{}
	}
	ix.docs[doc] = [3]string{sha1Hex(raw), strings.Join(words, " "), slug}
	for _, key := range append(newDocPlan(words).keys(ix.k), read...) {
		ix.keys[key] = true
	}
	if len(ix.docs) >= indexBatch {
		return ix.flush(ctx)
	}
	return nil
}

// hash files the records of a hash (field → stored text) a page at a
// time; their ids are prefix and the field.
func (ix *indexer) hash(ctx context.Context, key, prefix, slug string) error {
	var cursor uint64
	for {
		bctx, cancel := ix.s.bound(ctx)
		kvs, next, err := ix.s.rdb.HScan(bctx, key, cursor, "", indexBatch).Result()
		cancel()
		if err != nil {
			return ix.s.wrap("index search", err)
		}
		for i := 0; i+1 < len(kvs); i += 2 {
			read := []string{key}
			if slug != "" {
				read = append(read, ix.k.ContactPartner())
			}
			if err := ix.add(ctx, prefix+kvs[i], kvs[i+1], slug, read...); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// events files the events' titles, a page at a time.
func (ix *indexer) events(ctx context.Context) error {
	for from := int64(0); ; from += indexBatch {
		bctx, cancel := ix.s.bound(ctx)
		ids, err := ix.s.rdb.ZRange(bctx, ix.k.Events(), from, from+indexBatch-1).Result()
		if err != nil {
			cancel()
			return ix.s.wrap("index search", err)
		}
		pipe := ix.s.rdb.Pipeline()
		titles := make([]*redis.StringCmd, len(ids))
		for i, id := range ids {
			n, _ := strconv.ParseInt(id, 10, 64)
			titles[i] = pipe.HGet(bctx, ix.k.Event(n), "title")
		}
		if len(ids) > 0 {
			if _, err := pipe.Exec(bctx); err != nil && !errors.Is(err, redis.Nil) {
				cancel()
				return ix.s.wrap("index search", err)
			}
		}
		cancel()
		for i, id := range ids {
			n, _ := strconv.ParseInt(id, 10, 64)
			if err := ix.add(ctx, "e"+id, titles[i].Val(), "", ix.k.Event(n)); err != nil {
				return err
			}
		}
		if len(ids) < indexBatch {
			return nil
		}
	}
}

// flush files the gathered batch.
func (ix *indexer) flush(ctx context.Context) error {
	if len(ix.docs) == 0 {
		return nil
	}
	js, err := json.Marshal(ix.docs)
	if err != nil {
		return fmt.Errorf("index search: %w", err)
	}
	keys := make([]string, 0, len(ix.keys))
	for key := range ix.keys {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	r, err := ix.s.run(ctx, "index search", scriptIndexDocs, keys, ix.k.Prefix(), string(js))
	if err != nil {
		return err
	}
	n, _ := r.rest[0].(int64)
	ix.n += int(n)
	ix.docs, ix.keys = map[string][3]string{}, nil
	return nil
}
