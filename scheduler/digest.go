package scheduler

import (
	"context"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

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
		d.Undelivered[i].What = s.what(d.Undelivered[i].Job)
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
