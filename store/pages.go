package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// Readers for reports and exports: they stream a partner's (or the
// workspace's) records of a period a page at a time, so memory stays flat
// however much history there is, and each page gets its own deadline.

// pageSize is how many records one round trip reads.
const pageSize = 1000

// auditEntry is the audit stream entry of a write made from Go (scripts
// write theirs with lua/audit.lua, in the same shape).
func auditEntry(k keys, now time.Time, actor, op, target string) *redis.XAddArgs {
	return &redis.XAddArgs{Stream: k.Audit(), MaxLen: auditMaxLen, Approx: true,
		Values: []any{"at", ms(now), "who", actor, "op", op, "target", target}}
}

// eachPage reads the members of a time-scored sorted set with scores in
// [from, to), in score order, and hands them to page a page at a time.
func (s *Store) eachPage(ctx context.Context, op, key string, from, to time.Time, page func(ctx context.Context, ids []string) error) error {
	rng := &redis.ZRangeBy{Min: strconv.FormatInt(ms(from), 10), Max: "(" + strconv.FormatInt(ms(to), 10), Count: pageSize}
	for {
		pctx, cancel := s.bound(ctx)
		ids, err := s.rdb.ZRangeByScore(pctx, key, rng).Result()
		if err != nil {
			cancel()
			return s.wrap(op, err)
		}
		if len(ids) > 0 {
			err = page(pctx, ids)
		}
		cancel()
		if err != nil || len(ids) < pageSize {
			return err
		}
		rng.Offset += pageSize
	}
}

// EachContact calls f for each contact with the partner that happened in
// [from, to), oldest first.
func (s *Store) EachContact(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Contact) error) error {
	k := keysFor(team)
	return s.eachPage(ctx, "contacts", k.Contacts(slug), from, to, func(ctx context.Context, ids []string) error {
		return s.contacts(ctx, k, slug, ids, f)
	})
}

// EachEvent calls f for each event of the partner (or of all partners
// when slug is "") starting in [from, to), soonest first.
func (s *Store) EachEvent(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Event) error) error {
	k := keysFor(team)
	key := k.Events()
	if slug != "" {
		key = k.PartnerEvents(slug)
	}
	return s.eachPage(ctx, "events", key, from, to, func(ctx context.Context, ids []string) error {
		nums, keys := numberedKeys(ids, k.Event)
		hs, err := s.hashes(ctx, "events", keys, nil)
		if err != nil {
			return err
		}
		for i, m := range hs {
			if len(m) == 0 {
				continue
			}
			if err := f(eventFromHash(nums[i], m)); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachSurvey calls f for each of the partner's surveys created in
// [from, to), oldest first, with its responses.
func (s *Store) EachSurvey(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Survey, []domain.Response) error) error {
	k := keysFor(team)
	return s.eachPage(ctx, "surveys", k.PartnerSurveys(slug), from, to, func(ctx context.Context, ids []string) error {
		nums, keys := numberedKeys(ids, k.Survey)
		resps := make([]*redis.MapStringStringCmd, len(ids))
		hs, err := s.hashes(ctx, "surveys", keys, func(p redis.Pipeliner) {
			for i, n := range nums {
				resps[i] = p.HGetAll(ctx, k.SurveyResponses(n))
			}
		})
		if err != nil {
			return err
		}
		for i, m := range hs {
			if len(m) == 0 {
				continue
			}
			rs, err := decodeResponses(resps[i].Val())
			if err != nil {
				return fmt.Errorf("surveys: S%d: %w", nums[i], err)
			}
			if err := f(surveyFromHash(nums[i], m), rs); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachFollowUp calls f for every follow-up of the partner, whatever its
// status, in no particular order.
func (s *Store) EachFollowUp(ctx context.Context, team, slug string, f func(domain.FollowUp) error) error {
	k := keysFor(team)
	var cursor uint64
	for {
		pctx, cancel := s.bound(ctx)
		ids, next, err := s.rdb.SScan(pctx, k.PartnerFollowUps(slug), cursor, "", pageSize).Result()
		if err != nil {
			cancel()
			return s.wrap("follow-ups", err)
		}
		fs, err := s.loadFollowUps(pctx, k, ids)
		cancel()
		if err != nil {
			return err
		}
		for _, fu := range fs {
			if err := f(fu); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// numberedKeys parses numeric ids and builds their record keys.
func numberedKeys(ids []string, key func(int64) string) ([]int64, []string) {
	nums := make([]int64, len(ids))
	keys := make([]string, len(ids))
	for i, id := range ids {
		nums[i], _ = strconv.ParseInt(id, 10, 64)
		keys[i] = key(nums[i])
	}
	return nums, keys
}
