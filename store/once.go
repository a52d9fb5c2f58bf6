package store

import (
	"context"
	"time"
)

// FirstRun records that the message ts in channel ran a command (the
// mention in it) and reports whether it is the first to: Slack delivers a
// message's mention again when it is edited, and what ran once must not
// run again. ttl bounds how long the message is remembered.
func (s *Store) FirstRun(ctx context.Context, team, channel, ts string, ttl time.Duration) (bool, error) {
	return s.setOnce(ctx, "first run", keysFor(team).SeenMessage(channel, ts), ttl)
}

// FirstNotice reports whether the notice what (see message.Notice.Once)
// may go out now, and records that it does: at most one per ttl.
func (s *Store) FirstNotice(ctx context.Context, team, what string, ttl time.Duration) (bool, error) {
	return s.setOnce(ctx, "first notice", keysFor(team).Notified(what), ttl)
}

// ForgetNotice forgets that a notice was sent (FirstNotice): the next
// FirstNotice for it is first again.
func (s *Store) ForgetNotice(ctx context.Context, team, what string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("forget notice", s.rdb.Del(ctx, keysFor(team).Notified(what)).Err())
}

func (s *Store) setOnce(ctx context.Context, op, key string, ttl time.Duration) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ok, err := s.rdb.SetNX(ctx, key, 1, ttl).Result()
	if err != nil {
		return false, s.wrap(op, err)
	}
	return ok, nil
}
