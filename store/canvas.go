package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
)

// CanvasBatch is how long a partner's canvas edits gather before one job
// writes them (TouchCanvas).
const CanvasBatch = 30 * time.Second

// TouchCanvas says a partner's canvas should show something new: its
// job ("canvas:<slug>:<batch>") is queued for the end of the current
// batch of length window, unless it is already. Every write in one batch
// shares that job, which reads what is current when it runs: Slack's
// canvas methods allow 20 to 50 calls a minute, so edits come in batches.
func (s *Store) TouchCanvas(ctx context.Context, team, slug string, now time.Time, window time.Duration) error {
	w := window.Milliseconds()
	if w <= 0 {
		w = 1
	}
	batch := ms(now)/w + 1
	_, err := s.EnqueueJobs(ctx, team, map[string]time.Time{
		JobID(JobCanvas, slug, strconv.FormatInt(batch, 10)): time.UnixMilli(batch * w).UTC(),
	})
	return err
}

// Canvas is what is known of a partner's canvas; its ID is "" when the
// bot has made none.
func (s *Store) Canvas(ctx context.Context, team, slug string) (domain.Canvas, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(ctx, keysFor(team).Canvas(slug)).Result()
	if err != nil {
		return domain.Canvas{}, s.wrap("canvas", err)
	}
	c := domain.Canvas{ID: m["id"], Channel: m["channel"], Written: map[string]string{}}
	for k, v := range m {
		if part, ok := strings.CutPrefix(k, "part:"); ok {
			c.Written[part] = v
		}
	}
	return c, nil
}

// SetCanvas records the partner's canvas, made (or found) in channel;
// what was written in an earlier one is forgotten.
func (s *Store) SetCanvas(ctx context.Context, team, slug, id, channel string) error {
	k := keysFor(team).Canvas(slug)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, k)
		p.HSet(ctx, k, "id", id, "channel", channel)
		return nil
	})
	return s.wrap("set canvas", err)
}

// CanvasWritten records what a part of the partner's canvas now holds
// (a hash of its markdown).
func (s *Store) CanvasWritten(ctx context.Context, team, slug, part, hash string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("canvas written", s.rdb.HSet(ctx, keysFor(team).Canvas(slug), "part:"+part, hash).Err())
}

// ForgetCanvas drops what is known of the partner's canvas (gone from
// Slack, or the partner erased and its canvas cleared).
func (s *Store) ForgetCanvas(ctx context.Context, team, slug string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("forget canvas", s.rdb.Del(ctx, keysFor(team).Canvas(slug)).Err())
}

// CanvasRefusal is Slack's reason for refusing the workspace's canvases
// while that refusal stands at now; "" when canvases may be tried.
func (s *Store) CanvasRefusal(ctx context.Context, team string, now time.Time) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := s.rdb.HMGet(ctx, keysFor(team).Canvases(), "refused", "refused_until").Result()
	if err != nil {
		return "", s.wrap("canvas refusal", err)
	}
	code, _ := v[0].(string)
	until, _ := v[1].(string)
	if code == "" || !now.Before(fromMS(until)) {
		return "", nil
	}
	return code, nil
}

// RefuseCanvases records that Slack refuses the workspace's canvases
// (code) until until, when they are tried again. first reports whether
// the admins have never been told: the caller tells them, once.
func (s *Store) RefuseCanvases(ctx context.Context, team, code string, until, now time.Time) (first bool, err error) {
	k := keysFor(team).Canvases()
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var noted *redis.BoolCmd
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "refused", code, "refused_until", ms(until))
		noted = p.HSetNX(ctx, k, "noted", strconv.FormatInt(ms(now), 10))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, s.wrap("refuse canvases", err)
	}
	return noted.Val(), nil
}
