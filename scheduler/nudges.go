package scheduler

import (
	"context"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// nudges fans a nudge occurrence ("nudges:<occurrence>") out into one job
// per owner with partners past their cadence; each is posted (and can be
// retried) on its own.
func (s *Scheduler) nudges(ctx context.Context, j store.Job, token, occ string) error {
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	jobs := map[string]time.Time{}
	for _, p := range domain.Overdue(ps, now, "", false) {
		if p.Owner != "" {
			jobs[store.JobID(JobNudge, occ, p.Owner)] = now
		}
	}
	if _, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// nudge posts one owner's nudge ("nudge:<occurrence>:<owner>"), built
// from the store as it is at posting time.
func (s *Scheduler) nudge(ctx context.Context, j store.Job, token, rest string) error {
	i := strings.LastIndex(rest, ":")
	if i < 0 {
		return s.finish(ctx, j, token)
	}
	owner := rest[i+1:]
	loc := s.zone(ctx, owner)
	if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
		return err
	}
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	due := domain.Overdue(ps, now, owner, false)
	msg := message.Nudge(due, now, loc)
	if len(msg.Sections) == 0 {
		return s.finish(ctx, j, token) // contacted in the meantime
	}
	if _, err := s.deliver(ctx, "nudge", j, token, Post{To: owner, Key: j.ID, Message: msg}); err != nil {
		return err
	}
	if err := s.store.MarkNudged(ctx, s.cfg.Team, due, now); err != nil {
		// The nudge is out; without the mark the next one may repeat it.
		s.log.Warn("record a nudge", "job", j.ID, "err", err)
	}
	return s.finish(ctx, j, token)
}
