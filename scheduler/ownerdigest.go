package scheduler

import (
	"context"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// ownerDigests fans a Monday occurrence ("owner-digests:<occurrence>")
// out into one DM per person with open follow-ups or partners they own.
func (s *Scheduler) ownerDigests(ctx context.Context, j store.Job, token, occ string) error {
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	open, err := s.store.OpenFollowUps(ctx, s.cfg.Team, "")
	if err != nil {
		return err
	}
	now := s.clock.Now()
	jobs := map[string]time.Time{}
	for _, f := range open {
		jobs[store.JobID(JobOwnerDigest, occ, f.Assignee)] = now
	}
	for _, p := range ps {
		if p.Owner != "" && !p.Archived {
			jobs[store.JobID(JobOwnerDigest, occ, p.Owner)] = now
		}
	}
	if _, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// ownerDigest DMs one person ("owner-digest:<occurrence>:<user>") what
// they owe this week: their follow-ups overdue or due within seven days,
// and their partners past cadence. Nothing to say, nothing sent.
func (s *Scheduler) ownerDigest(ctx context.Context, j store.Job, token, rest string) error {
	user := rest[strings.LastIndex(rest, ":")+1:]
	loc := s.zone(ctx, user)
	if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
		return err
	}
	now := s.clock.Now()
	open, err := s.store.OpenFollowUps(ctx, s.cfg.Team, user)
	if err != nil {
		return err
	}
	var owed []domain.FollowUp
	for _, f := range open {
		if f.Due.Before(now.AddDate(0, 0, 7)) {
			owed = append(owed, f)
		}
	}
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	quiet := domain.Overdue(ps, now, user, true)
	if len(owed) == 0 && len(quiet) == 0 {
		return s.finish(ctx, j, token)
	}
	names := map[string]string{}
	for _, p := range ps {
		names[p.Slug] = p.Name
	}
	// The partners a nudge would name this morning come inside, with
	// the nudge's buttons, and count as nudged: the nudge that follows
	// finds nothing new to say. One message a person a morning.
	nudged := domain.Overdue(ps, now, user, false)
	msg := message.OwnerMorning(owed, quiet, nudged, names, now, loc)
	if _, err := s.deliver(ctx, "owner-digest", j, token, Post{To: user, Key: j.ID, Message: msg}); err != nil {
		return err
	}
	if len(nudged) > 0 {
		if err := s.store.MarkNudged(ctx, s.cfg.Team, nudged, now); err != nil {
			s.log.Warn("record a nudge", "job", j.ID, "err", err)
		}
	}
	return s.finish(ctx, j, token)
}
