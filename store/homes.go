package store

import (
	"context"
	"fmt"
)

// The App Home tab is drawn by whichever replica received the event that
// opened it; a write may arrive at another. Writes are announced on a
// Redis pub/sub channel of the workspace, which every replica listens
// to, so the one that drew a person's Home redraws it.

// HomeChanged announces that the users' App Homes may show something
// else now, in one round trip.
func (s *Store) HomeChanged(ctx context.Context, team string, users ...string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.rdb.Pipeline()
	for _, u := range users {
		pipe.Publish(ctx, homeChannel(team), u)
	}
	_, err := pipe.Exec(ctx)
	return s.wrap("home changed", err)
}

// WatchHomes calls changed with each user whose Home a replica announced
// as changed (HomeChanged), until ctx ends; then it returns ctx's error.
// A broken connection is made again by itself: what was announced
// meanwhile is missed (those Homes are redrawn when next opened or
// changed). changed runs on WatchHomes's goroutine: it must not block.
func (s *Store) WatchHomes(ctx context.Context, team string, changed func(user string)) error {
	ps := s.rdb.Subscribe(ctx, homeChannel(team))
	defer ps.Close()
	ch := ps.Channel()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-ch:
			if !ok {
				return fmt.Errorf("watch homes: subscription closed")
			}
			changed(m.Payload)
		}
	}
}
