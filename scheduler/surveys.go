package scheduler

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// The jobs an event queues when it is added: its end counts as contact,
// the organizer is asked for attendance, and its two surveys are created.
func (s *Scheduler) eventEnded(ctx context.Context, j store.Job, token, rest string) error {
	return s.eventJob(ctx, j, token, store.JobEventEnd, rest)
}

func (s *Scheduler) attendance(ctx context.Context, j store.Job, token, rest string) error {
	return s.eventJob(ctx, j, token, store.JobAttendance, rest)
}

func (s *Scheduler) feedbackSurvey(ctx context.Context, j store.Job, token, rest string) error {
	return s.eventJob(ctx, j, token, store.JobFeedbackSurvey, rest)
}

func (s *Scheduler) followUpSurvey(ctx context.Context, j store.Job, token, rest string) error {
	return s.eventJob(ctx, j, token, store.JobFollowUpSurvey, rest)
}

func (s *Scheduler) eventJob(ctx context.Context, j store.Job, token, kind, rest string) error {
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return s.finish(ctx, j, token)
	}
	e, err := s.store.Event(ctx, s.cfg.Team, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.finish(ctx, j, token) // erased with its partner
	}
	if err != nil {
		return err
	}
	if !e.Cancelled.IsZero() {
		return s.finish(ctx, j, token) // a job that was claimed as it was cancelled
	}
	switch kind {
	case store.JobEventEnd:
		if err := s.store.EventEnded(ctx, s.cfg.Team, id); err != nil {
			return err
		}
	case store.JobAttendance:
		if e.Attended >= 0 || e.Organizer == "" {
			break
		}
		loc := s.zone(ctx, e.Organizer)
		if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
			return err
		}
		names := []string{s.partnerName(ctx, e.Partner)}
		for _, w := range e.With {
			names = append(names, s.partnerName(ctx, w))
		}
		msg := message.AttendanceQuestion(e, message.And(names), s.cfg.Command, s.clock.Now(), loc)
		if _, err := s.deliver(ctx, "attendance", j, token, Post{To: e.Organizer, Key: j.ID, Message: msg}); err != nil {
			return err
		}
	case store.JobFeedbackSurvey, store.JobFollowUpSurvey:
		template := map[string]string{store.JobFeedbackSurvey: "event-feedback", store.JobFollowUpSurvey: "event-followup"}[kind]
		var ps []domain.Partner
		for _, slug := range append([]string{e.Partner}, e.With...) {
			p, ok, err := s.partner(ctx, slug)
			if err != nil {
				return err
			}
			if ok {
				ps = append(ps, p)
			}
		}
		// One into each partner's channel. Keyed by this job (and the
		// partner, after the first): a retry finds the surveys it made.
		for i, sv := range domain.EventSurveys(ps, template, e.ID, e.Organizer) {
			origin := j.ID
			if i > 0 {
				origin += "/" + sv.Partner
			}
			if _, _, err := s.store.CreateSurvey(ctx, s.cfg.Team, origin, sv, s.clock.Now()); err != nil {
				return err
			}
		}
	}
	return s.finish(ctx, j, token)
}

func (s *Scheduler) partner(ctx context.Context, slug string) (domain.Partner, bool, error) {
	p, err := s.store.Partner(ctx, s.cfg.Team, slug)
	if errors.Is(err, store.ErrNotFound) {
		return domain.Partner{}, false, nil
	}
	return p, err == nil, err
}

// surveyPost posts a survey's prompt ("svpost:<id>") where it belongs
// and records where it landed, for answers to be checked against.
func (s *Scheduler) surveyPost(ctx context.Context, j store.Job, token, rest string) error {
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return s.finish(ctx, j, token)
	}
	sv, err := s.store.Survey(ctx, s.cfg.Team, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.finish(ctx, j, token)
	}
	if err != nil {
		return err
	}
	if sv.PostedTS != "" {
		return s.finish(ctx, j, token)
	}
	subj := s.subject(ctx, sv)
	posted, err := s.deliver(ctx, "survey", j, token, Post{To: sv.Channel, Key: j.ID, Message: message.SurveyPrompt(sv, subj, 0, s.clock.Now(), s.cfg.Loc)})
	if err != nil {
		return err
	}
	if err := s.store.SurveyPosted(ctx, s.cfg.Team, id, posted.Channel, posted.TS); err != nil {
		return err
	}
	s.feed(ctx, message.SurveySentFeed(sv, subj))
	return s.finish(ctx, j, token)
}

// feed posts a line to the activity feed, when there is one. It is
// best effort: the job's own post is what counts.
func (s *Scheduler) feed(ctx context.Context, line string) {
	if s.cfg.FeedChannel == "" {
		return
	}
	if _, err := s.post.Post(ctx, Post{To: s.cfg.FeedChannel, Message: message.Reply{Text: line}, Order: s.clock.Now()}); err != nil {
		s.log.Warn("activity feed", "err", err)
	}
}

// checkins fans a check-in occurrence ("checkin:<occurrence>") out into a
// job per active partner with a linked channel.
func (s *Scheduler) checkins(ctx context.Context, j store.Job, token, occ string) error {
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	jobs := map[string]time.Time{}
	for _, p := range ps {
		if p.Stage == "active" && !p.Archived && p.Channel != "" {
			jobs[store.JobID(JobCheckin, occ, p.Slug)] = s.clock.Now()
		}
	}
	if _, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// checkin creates one partner's quarterly check-in survey
// ("checkin-partner:<occurrence>:<slug>"); its post follows as svpost.
func (s *Scheduler) checkin(ctx context.Context, j store.Job, token, rest string) error {
	slug := rest[strings.LastIndex(rest, ":")+1:]
	p, ok, err := s.partner(ctx, slug)
	if err != nil {
		return err
	}
	// Paused or ended since the fan-out: no check-in.
	if ok && p.Channel != "" && p.Stage == "active" && !p.Archived {
		sv := domain.SurveyFor(p, domain.TemplateCheckin, 0, "")
		if _, _, err := s.store.CreateSurvey(ctx, s.cfg.Team, j.ID, sv, s.clock.Now()); err != nil {
			return err
		}
	}
	return s.finish(ctx, j, token)
}

// surveySweep re-queues the jobs of recent events that went missing
// (lost Redis writes): queued, leased and finished jobs are left alone.
func (s *Scheduler) surveySweep(ctx context.Context, j store.Job, token, _ string) error {
	now := s.clock.Now()
	es, err := s.store.Events(ctx, s.cfg.Team, "", now.AddDate(0, 0, -60), now.AddDate(0, 0, 60), false, 1000)
	if err != nil {
		return err
	}
	// Finished jobs are remembered for 30 days (store.jobs-done), so only
	// jobs due within the last 25 are considered: older ones might be
	// done and forgotten, and would run again.
	horizon := now.AddDate(0, 0, -25)
	jobs := map[string]time.Time{}
	for _, e := range es {
		if !e.End.After(e.Created) {
			continue // recorded after the fact: no automatic surveys
		}
		id := strconv.FormatInt(e.ID, 10)
		for kind, due := range map[string]time.Time{
			store.JobEventEnd: e.End, store.JobAttendance: e.End,
			store.JobFeedbackSurvey: e.End.Add(s.cfg.SurveyDelays.Feedback), store.JobFollowUpSurvey: e.End.Add(s.cfg.SurveyDelays.FollowUp),
		} {
			if due.After(horizon) {
				jobs[store.JobID(kind, id)] = due
			}
		}
	}
	if n, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs); err != nil {
		return err
	} else if n > 0 {
		s.log.Warn("requeued event jobs that were missing", "count", n)
	}
	return s.finish(ctx, j, token)
}
