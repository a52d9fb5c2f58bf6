package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// AddNeed records n and returns its id. The id comes first (INCR); the
// record, its indexes (the search index's too), its topics' counts and
// the audit entry are then written in one MULTI/EXEC, so a need is
// stored whole or not at all (a failed write costs an unused id, never a
// half record).
func (s *Store) AddNeed(ctx context.Context, team string, n domain.Need, actor string, now time.Time) (int64, error) {
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
		doc := "n" + strconv.FormatInt(id, 10)
		for _, w := range needWords(n) {
			p.SAdd(ctx, k.SearchToken(w), doc)
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
func (s *Store) EachNeed(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Need) error) error {
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
			var n domain.Need
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
