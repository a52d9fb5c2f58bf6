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
	"github.com/outreachbot/outreachbot/report"
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
			jobs[store.JobID(store.JobNudge, occ, p.Owner)] = now
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

// digest posts the weekly team digest to OUTREACH_TEAM_CHANNEL.
func (s *Scheduler) digest(ctx context.Context, j store.Job, token, _ string) error {
	if s.cfg.TeamChannel == "" {
		s.log.Warn("digest skipped: OUTREACH_TEAM_CHANNEL is not set")
		return s.finish(ctx, j, token)
	}
	now := s.clock.Now()
	weekAgo := now.AddDate(0, 0, -7)
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	open, err := s.store.OpenFollowUps(ctx, s.cfg.Team, "")
	if err != nil {
		return err
	}
	done, err := s.store.FollowUpsDoneSince(ctx, s.cfg.Team, weekAgo)
	if err != nil {
		return err
	}
	d := message.Digest{Now: now, PartnerNames: map[string]string{}, FollowUpsDone: done}
	for _, p := range ps {
		d.PartnerNames[p.Slug] = p.Name
		if !p.Created.Before(weekAgo) {
			d.PartnersAdded++
		}
	}
	for _, f := range open {
		if f.Due.Before(now) {
			d.OverdueFollowUps = append(d.OverdueFollowUps, f)
		}
	}
	d.QuietPartners = domain.Overdue(ps, now, "", true)
	if d.Events, err = s.store.Events(ctx, s.cfg.Team, "", now, now.AddDate(0, 0, 7), false, 50); err != nil {
		return err
	}
	if d.Undelivered, err = s.store.JobFailuresSince(ctx, s.cfg.Team, weekAgo, 20); err != nil {
		return err
	}
	for i := range d.Undelivered {
		d.Undelivered[i].What = what(d.Undelivered[i].Job)
	}
	// Last week's numbers are the impact report's, for the week.
	week, err := report.Gather(ctx, s.store, s.cfg.Team, "", when.Period{From: weekAgo, To: now}, now, s.cfg.Loc)
	if err != nil {
		return err
	}
	d.ContactsByMethod, d.ContactsIn, d.ContactsOut = week.ContactsByMethod, week.ContactsIn, week.Contacts-week.ContactsIn
	d.EventsHeld, d.Attended = week.Held, week.Attended
	for _, st := range week.Surveys {
		d.SurveysSent += st.Surveys
		d.SurveyResponses += st.Responses
	}
	d.NeedsHeard = week.NeedsTotal
	return s.teamPost(ctx, "digest", j, token, message.DigestPost(d, s.cfg.Loc))
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
		jobs[store.JobID(store.JobOwnerDigest, occ, f.Assignee)] = now
	}
	for _, p := range ps {
		if p.Owner != "" && !p.Archived {
			jobs[store.JobID(store.JobOwnerDigest, occ, p.Owner)] = now
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
	msg := message.OwnerDigest(owed, quiet, names, now, loc)
	if _, err := s.deliver(ctx, "owner-digest", j, token, Post{To: user, Key: j.ID, Message: msg}); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// what names a job's post as the digest says it when Slack refused it.
func what(job string) string {
	kind, params := store.ParseJobID(job)
	id := func() string { return strings.SplitN(params, ":", 2)[0] }
	switch kind {
	case store.JobReminder:
		return fmt.Sprintf("The reminder of `F%s`", id())
	case store.JobNudge:
		return "A stay-in-touch nudge"
	case store.JobDigest:
		return "The digest"
	case store.JobSurveyPost:
		return fmt.Sprintf("Survey `S%s`", id())
	case store.JobAttendance:
		return fmt.Sprintf("The attendance question for `E%s`", id())
	case store.JobReport:
		return "The monthly report"
	case store.JobOwnerDigest:
		return "A weekly summary"
	case store.JobNote:
		return "A liaison's note"
	}
	return ""
}
