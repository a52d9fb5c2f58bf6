package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Need is a community health need heard (SPEC §2): N<n>.
type Need struct {
	ID      int64     `json:"-"`
	Topics  []string  `json:"topics"` // normalised (Topics.Normalize)
	Note    string    `json:"note"`
	Partner string    `json:"partner,omitempty"` // slug of the source partner, "" for none
	Event   int64     `json:"event,omitempty"`   // source event, 0 for none
	Who     string    `json:"who"`
	Team    string    `json:"team,omitempty"` // the recorder's Slack team (a liaison's organization)
	At      time.Time `json:"at"`
}

// AddNeed records n and returns its id. The id comes first (INCR); the
// record, its indexes, its topics' counts and the audit entry are then
// written in one MULTI/EXEC, so a need is stored whole or not at all (a
// failed write costs an unused id, never a half record).
func (s *Store) AddNeed(ctx context.Context, team string, n Need, actor string, now time.Time) (int64, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if n.Partner != "" {
		exists, err := s.rdb.Exists(ctx, k.Partner(n.Partner)).Result()
		if err != nil {
			return 0, s.wrap("add need", err)
		}
		if exists == 0 {
			return 0, fmt.Errorf("add need: partner %q: %w", n.Partner, ErrNotFound)
		}
	}
	id, err := s.rdb.Incr(ctx, k.NeedSeq()).Result()
	if err != nil {
		return 0, s.wrap("add need", err)
	}
	js, err := json.Marshal(n)
	if err != nil {
		return 0, fmt.Errorf("add need: %w", err)
	}
	at := ms(n.At)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k.NeedLog(), id, js)
		p.ZAdd(ctx, k.Needs(), redis.Z{Score: float64(at), Member: id})
		if n.Partner != "" {
			p.ZAdd(ctx, k.PartnerNeeds(n.Partner), redis.Z{Score: float64(at), Member: id})
		}
		for _, t := range n.Topics {
			p.ZIncrBy(ctx, k.NeedTopics(), 1, t)
		}
		p.XAdd(ctx, auditEntry(k, now, actor, "need.add", "N"+strconv.FormatInt(id, 10)))
		return nil
	})
	if err != nil {
		return 0, s.wrap("add need", err)
	}
	return id, nil
}

// NeedTopics returns every topic ever recorded with its count of needs,
// most frequent first: what a new spelling is checked against.
func (s *Store) NeedTopics(ctx context.Context, team string) (map[string]int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	zs, err := s.rdb.ZRevRangeWithScores(ctx, keysFor(team).NeedTopics(), 0, -1).Result()
	if err != nil {
		return nil, s.wrap("need topics", err)
	}
	out := make(map[string]int, len(zs))
	for _, z := range zs {
		if m, ok := z.Member.(string); ok {
			out[m] = int(z.Score)
		}
	}
	return out, nil
}

// EachNeed calls f for every need heard in [from, to) — of one partner,
// or of all when slug is "" — oldest first, reading a page at a time.
func (s *Store) EachNeed(ctx context.Context, team, slug string, from, to time.Time, f func(Need) error) error {
	k := keysFor(team)
	key := k.Needs()
	if slug != "" {
		key = k.PartnerNeeds(slug)
	}
	return s.eachPage(ctx, "needs", key, from, to, func(ctx context.Context, ids []string) error {
		vals, err := s.rdb.HMGet(ctx, k.NeedLog(), ids...).Result()
		if err != nil {
			return s.wrap("needs", err)
		}
		for i, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue // erased with its partner since the page was read
			}
			var n Need
			if err := json.Unmarshal([]byte(str), &n); err != nil {
				return fmt.Errorf("needs: decode need %s: %w", ids[i], err)
			}
			n.ID, _ = strconv.ParseInt(ids[i], 10, 64)
			if err := f(n); err != nil {
				return err
			}
		}
		return nil
	})
}

// ParseNeedID reads "N12" (or "n12", "12") as 12.
func ParseNeedID(s string) (int64, bool) { return parseShortID(s, "N") }

// Topics normalises need topics: case, spaces and hyphens, and a list
// of synonyms, so that "Mental Health", "mental-health" and
// "mentalhealth" count as one.
type Topics struct {
	synonyms map[string]string // squashed alias → canonical topic
	known    []string          // canonical topics, in the order given
}

// DefaultTopicSynonyms is the built-in list: canonical topic → aliases.
// OUTREACH_NEED_TOPICS replaces it.
var DefaultTopicSynonyms = map[string][]string{
	"vaccines":        {"vaccine", "vaccination", "vaccinations", "immunization", "immunizations", "shots", "flu-shots"},
	"mental-health":   {"mental", "behavioral-health", "behavioural-health"},
	"diabetes":        {"diabetic", "blood-sugar"},
	"nutrition":       {"food", "healthy-eating", "diet"},
	"transportation":  {"transport", "transit", "bus", "rides"},
	"language-access": {"translation", "interpreter", "interpreters", "interpretation"},
	"substance-use":   {"addiction", "substance-abuse", "opioids"},
	"dental":          {"dentist", "oral-health", "teeth"},
	"maternal-health": {"prenatal", "pregnancy", "postpartum"},
	"insurance":       {"health-insurance", "coverage", "medicaid"},
	"housing":         {"homelessness", "shelter"},
	"heart-health":    {"blood-pressure", "hypertension", "cardiac"},
}

// NewTopics builds a normaliser from canonical topic → aliases.
func NewTopics(synonyms map[string][]string) Topics {
	t := Topics{synonyms: map[string]string{}}
	for canon, aliases := range synonyms {
		c := squashTopic(canon)
		t.known = append(t.known, c)
		t.synonyms[c] = c
		for _, a := range aliases {
			t.synonyms[squashTopic(a)] = c
		}
	}
	sortBy(t.known, func(s string) string { return s })
	return t
}

// Known lists the canonical topics.
func (t Topics) Known() []string { return t.known }

// Normalize returns the topic as stored: lower case, words joined by
// hyphens, a synonym replaced by its canonical topic, a plural "s"
// dropped when the singular is the canonical one. "" when nothing is left.
func (t Topics) Normalize(raw string) string {
	n := squashTopic(raw)
	if c, ok := t.synonyms[n]; ok {
		return c
	}
	if c, ok := t.synonyms[strings.TrimSuffix(n, "s")]; ok && strings.HasSuffix(n, "s") {
		return c
	}
	// "mentalhealth" for "mental-health": compare without hyphens too.
	flat := strings.ReplaceAll(n, "-", "")
	for alias, c := range t.synonyms {
		if strings.ReplaceAll(alias, "-", "") == flat {
			return c
		}
	}
	return n
}

// squashTopic lower-cases and joins words with single hyphens.
func squashTopic(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '/' || r == '\t'
	})
	return strings.Join(f, "-")
}
