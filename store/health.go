package store

import (
	"context"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// MarkNudged records that the partners' owners were nudged about them at
// now, as they were (one MULTI/EXEC).
func (s *Store) MarkNudged(ctx context.Context, team string, ps []domain.Partner, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, p := range ps {
			pipe.HSet(ctx, k.Partner(p.Slug), "nudged_at", ms(now), "nudge_mark", p.NudgeMarkAt(now))
		}
		return nil
	})
	return s.wrap("mark nudged", err)
}
