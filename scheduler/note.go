package scheduler

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// note tells a partner's owner about a note its liaison left
// ("note:<slug>:<contact id>"), in the owner's working hours.
func (s *Scheduler) note(ctx context.Context, j store.Job, token, rest string) error {
	slug, idText, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return s.finish(ctx, j, token)
	}
	p, ok, err := s.partner(ctx, slug)
	if err != nil {
		return err
	}
	if !ok || p.Owner == "" {
		return s.finish(ctx, j, token) // erased, or nobody to tell
	}
	c, err := s.store.Contact(ctx, s.cfg.Team, slug, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.finish(ctx, j, token) // deleted since
	}
	if err != nil {
		return err
	}
	loc := s.zone(ctx, p.Owner)
	if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
		return err
	}
	if _, err := s.deliver(ctx, "note", j, token, Post{To: p.Owner, Key: j.ID, Message: message.LiaisonNote(c, p, s.clock.Now(), loc)}); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}
