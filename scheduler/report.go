package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// monthlyReport posts the previous calendar month's impact report, with
// its charts, to the team channel ("report:<occurrence>"): once across
// replicas, like the digest.
func (s *Scheduler) monthlyReport(ctx context.Context, j store.Job, token, _ string) error {
	if s.cfg.TeamChannel == "" {
		return s.finish(ctx, j, token)
	}
	y, m, _ := j.Due.In(s.cfg.Loc).Date()
	this := time.Date(y, m, 1, 0, 0, 0, 0, s.cfg.Loc)
	prev := this.AddDate(0, -1, 0)
	now := s.clock.Now()
	period := when.NewPeriod(prev.Format("January 2006"), prev, this, now, s.cfg.Loc)
	d, err := report.Gather(ctx, s.store, s.cfg.Team, "", period, now, s.cfg.Loc)
	if err != nil {
		return fmt.Errorf("monthly report: %w", err)
	}
	msg := report.Summary(d)
	if msg.Files, err = report.Charts(d); err != nil {
		return fmt.Errorf("monthly report: %w", err)
	}
	return s.teamPost(ctx, "report", j, token, msg)
}
