package store

import (
	"context"
	"math"
	"time"
)

var scriptReservePost = load("reserve_post")

// ReservePost keeps Slack's limits on chat.postMessage for every replica
// at once: posts to channel go spacing apart, and scheduled posts keep
// within perSecond across the workspace (0: no budget); an answer to a
// person (scheduled false) counts against the budget but never waits for
// it. It returns 0 when the post may go now, and records it; else how
// long to wait, having recorded nothing. now is the caller's clock:
// replicas' clocks that differ shift the spacing by as much.
func (s *Store) ReservePost(ctx context.Context, team, channel string, now time.Time, spacing time.Duration, perSecond float64, scheduled bool) (time.Duration, error) {
	k := keysFor(team)
	interval, burst := 0.0, 0.0
	if perSecond > 0 {
		interval, burst = 1000/perSecond, math.Max(1, math.Floor(perSecond))
	}
	sched := "0"
	if scheduled {
		sched = "1"
	}
	v, err := s.exec(ctx, "reserve post", scriptReservePost, roundsFollow, []string{k.RateChannel(channel), k.RatePosts()},
		ms(now), spacing.Milliseconds(), interval, burst, sched)
	if err != nil {
		return 0, err
	}
	wait, _ := v.(int64)
	return time.Duration(wait) * time.Millisecond, nil
}
