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
	"github.com/outreachbot/outreachbot/when"
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
	if f, err = s.rollOver(ctx, f, j); err != nil || f.Job != j.ID {
		if err == nil {
			err = s.finish(ctx, j, token) // moved by someone meanwhile
		}
		return err
	}
	loc := s.zone(ctx, f.Assignee)
	if f.Repeats() && f.Reminders > 0 {
		// A repeat reminder that quiet hours would hold until less than a
		// day before the series' next time waits for that time instead,
		// whose reminder replaces it (rollOver): repeats come a day apart.
		now := s.clock.Now()
		if occ, err := nextOccurrence(f); err == nil {
			if wait := s.cfg.Quiet.NextWorking(now, loc); wait.After(now) && wait.After(occ.AddDate(0, 0, -1)) {
				if _, err := s.store.ReleaseJobs(ctx, s.cfg.Team, token, occ, store.Defer, j.ID); err != nil {
					return fmt.Errorf("defer %s: %w", j.ID, err)
				}
				return nil
			}
		}
	}
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
	if f.Repeats() {
		// A repeating follow-up still open when its next time comes is
		// reminded of then, as that occurrence (rollOver), whatever its
		// reminders so far: no daily reminder after that time.
		occ, err := nextOccurrence(f)
		if err != nil {
			s.log.Warn("a repeating follow-up's rule", "followup", f.ID, "err", err)
		} else if next.IsZero() || occ.Before(next) {
			next = occ
		}
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

// rollOver carries an open occurrence of a repeating follow-up over to
// the latest time of its series that has come (its reminder job ran
// late, or it was left open past its successor's time): the reminder
// about to be posted is that occurrence's. It returns the follow-up as
// it is now; one that does not repeat, or whose next time is ahead,
// comes back unchanged.
func (s *Scheduler) rollOver(ctx context.Context, f domain.FollowUp, j store.Job) (domain.FollowUp, error) {
	if !f.Repeats() || f.Occurs.IsZero() {
		return f, nil
	}
	now := s.clock.Now()
	rule, err := when.ParseRule(f.Rule)
	if err != nil {
		s.log.Warn("a repeating follow-up's rule", "followup", f.ID, "err", err)
		return f, nil
	}
	loc := zoneNamed(f.Zone)
	to := f.Occurs
	for range 1000 {
		occ, err := rule.Next(to, loc)
		if err != nil || occ.After(now) {
			break
		}
		to = occ
	}
	if to.Equal(f.Occurs) {
		return f, nil
	}
	rolled, ok, err := s.store.RollOccurrence(ctx, s.cfg.Team, f.ID, j.ID, f.Occurs, to)
	if err != nil {
		return f, fmt.Errorf("roll F%d over: %w", f.ID, err)
	}
	if !ok {
		f.Job = "" // moved since it was read
		return f, nil
	}
	return rolled, nil
}

// nextOccurrence is when f's series comes round after f.
func nextOccurrence(f domain.FollowUp) (time.Time, error) {
	rule, err := when.ParseRule(f.Rule)
	if err != nil {
		return time.Time{}, err
	}
	return rule.Next(f.Occurs, zoneNamed(f.Zone))
}

// zoneNamed loads a zone stored by name; UTC when it cannot.
func zoneNamed(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		return time.UTC
	}
	return loc
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
		switch {
		case f.Job == "":
		case f.Reminders < domain.MaxReminders:
			jobs[f.Job] = f.Due
		case f.Repeats():
			// Reminded enough: its reminder job waits for the next time.
			if occ, err := nextOccurrence(f); err == nil {
				jobs[f.Job] = occ
			}
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
