package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// reminder posts a follow-up's reminder ("fu:<id>:<seq>") to its
// assignee, and queues the next one a day later while reminders remain.
func (s *Scheduler) reminder(ctx context.Context, j store.Job, token, rest string) error {
	idText, _, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return s.finish(ctx, j, token)
	}
	f, err := s.store.FollowUp(ctx, s.cfg.Team, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.finish(ctx, j, token) // erased with its partner
	}
	if err != nil {
		return err
	}
	if f.Status != domain.StatusOpen || f.Job != j.ID {
		return s.finish(ctx, j, token) // closed or snoozed since it was queued
	}
	loc := s.zone(ctx, f.Assignee)
	if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
		return err
	}
	msg := message.Reminder(f, s.partnerName(ctx, f.Partner), s.clock.Now(), loc, "")
	posted, err := s.deliver(ctx, "followup", j, token, Post{To: f.Assignee, Key: j.ID, Message: msg})
	if err != nil {
		return err
	}
	now := s.clock.Now()
	var next time.Time
	if f.Reminders+1 < domain.MaxReminders {
		next = now.In(loc).AddDate(0, 0, 1)
	}
	ok, err := s.store.ReminderSent(ctx, s.cfg.Team, f.ID, j, token, now, next, posted.Channel, posted.TS)
	if err != nil {
		return fmt.Errorf("record reminder %s: %w", j.ID, err)
	}
	if !ok {
		s.log.Warn("lease lost before recording a reminder", "job", j.ID)
	}
	return nil
}

func (s *Scheduler) partnerName(ctx context.Context, slug string) string {
	p, err := s.store.Partner(ctx, s.cfg.Team, slug)
	if err != nil {
		return slug
	}
	return p.Name
}

// sweep makes sure every open follow-up with reminders left has its
// reminder queued: a repair for reminders lost with Redis data (a
// failover that dropped the last writes, a restored backup).
func (s *Scheduler) sweep(ctx context.Context, j store.Job, token, _ string) error {
	open, err := s.store.OpenFollowUps(ctx, s.cfg.Team, "")
	if err != nil {
		return err
	}
	jobs := map[string]time.Time{}
	for _, f := range open {
		if f.Job != "" && f.Reminders < domain.MaxReminders {
			jobs[f.Job] = f.Due
		}
	}
	n, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs)
	if err != nil {
		return err
	}
	if n > 0 {
		s.log.Warn("requeued reminders that were missing", "count", n)
	}
	return s.finish(ctx, j, token)
}
