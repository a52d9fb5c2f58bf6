package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// TestEndToEndWeek runs the bot through a whole week from the test
// instant, every automatic job on with the default schedules and quiet
// hours, but the two that would not come round in a week (the monthly
// report and the quarterly check-in, given a day of their month in it):
// each job posts, each post is what its job id says it is, in the right
// place and in its recipient's working hours, and none is posted twice.
func TestEndToEndWeek(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York") // OUTREACH_TZ and Maria's zone
	start := testclock.Now()
	inDays := func(n int) time.Time { return start.In(ny).AddDate(0, 0, n) }
	report, checkin := inDays(3), inDays(2)
	checkinAt := time.Date(checkin.Year(), checkin.Month(), checkin.Day(), 10, 0, 0, 0, ny)
	e := startE2EOpts(t, e2eOptions{
		env: map[string]string{
			"OUTREACH_TEAM_CHANNEL":     "C0OUTREACH",
			"OUTREACH_SCHEDULE_REPORT":  fmt.Sprintf("0 9 %d * *", report.Day()),
			"OUTREACH_SCHEDULE_CHECKIN": fmt.Sprintf("0 10 %d %d *", checkin.Day(), int(checkin.Month())),
		},
		may: automaticJobs,
	})
	for _, line := range []string{
		`partner add "County Health Dept" stage:active channel:<#C0COUNTY|county-health-shared>`,
		`partner add "Main Street Pharmacy" stage:active cadence:1d`, // past its cadence from tomorrow: nudged
		`log county call "Talked about the flu clinic"`,
		`followup county tomorrow "Send the flyer"`,
		`event add county "Flu shot clinic" ` + strings.ToLower(inDays(1).Format("Jan 2")) + ` 10am until:noon`,
	} {
		if r := e.slash("U0MARIA", "C0OUTREACH", line); !strings.HasPrefix(r.Text, ":") || strings.Contains(r.Text, "Sorry") {
			t.Fatalf("%s: %q", line, r.Text)
		}
	}
	// A call in the month the report covers, so that it has something to
	// chart.
	reported := time.Date(report.Year(), report.Month()-1, 15, 12, 0, 0, 0, ny)
	st, ctx := store.New(e.redis.Client(), 0), context.Background()
	if _, _, _, err := st.LogContact(ctx, home, store.PartnerRef{Text: "county"},
		domain.Contact{Method: "call", Direction: "out", Who: "U0MARIA", When: reported, Summary: "Planned the flu clinic"}, nil, "U0MARIA", e.clock.Now()); err != nil {
		t.Fatal(err)
	}

	// Ten minutes at a time, so that each job posts when it falls due
	// (a jump over several occurrences would catch up only the last), on
	// the clock's tens of minutes, where the jobs' schedules fall: from a
	// start at 23:59, steps at 09:59 and 10:09 would post a 10:00 job
	// nine minutes late. Work a job queues for now (a fan-out's jobs, a
	// survey's post) waits for the scheduler's next look, within a second.
	for step := e.clock.Now().Truncate(10 * time.Minute); step.Before(start.AddDate(0, 0, 7)); {
		step = step.Add(10 * time.Minute)
		e.tick(step.Sub(e.clock.Now()))
		for range 10 {
			if next, err := st.NextDue(ctx, home); err != nil || next.IsZero() || next.After(e.clock.Now()) {
				break
			}
			e.tick(time.Second)
		}
	}

	byJob := map[string][]slacktest.Post{}
	for _, p := range e.slack.Posts() {
		if job := postJob(p); p.Kind == "postMessage" && job != "" {
			byJob[job] = append(byJob[job], p)
		}
	}
	seen := map[string]int{} // what posted, by automatic job or job kind
	nudgedInDigest := false
	var jobs []string
	for job := range byJob {
		jobs = append(jobs, job)
	}
	sort.Strings(jobs)
	for _, job := range jobs {
		posts := byJob[job]
		if len(posts) != 1 {
			t.Errorf("%s posted %d times; want once", job, len(posts))
		}
		p := posts[0]
		kind, rest := store.ParseJobID(job)
		what := automaticJob(st, p)
		if what == "" {
			what = kind
		}
		seen[what]++
		when, text := p.At.In(ny), p.Text+string(p.Blocks)
		has := func(any ...string) {
			t.Helper()
			for _, s := range any {
				if strings.Contains(text, s) {
					return
				}
			}
			t.Errorf("%s reads %q; want one of %q in it", job, p.Text, any)
		}
		dm := func(about ...string) {
			t.Helper()
			if p.Target != "U0MARIA" || !strings.HasPrefix(p.Channel, "D") {
				t.Errorf("%s went to %s (%s); want a DM to Maria", job, p.Target, p.Channel)
			}
			if wd := when.Weekday(); wd == time.Saturday || wd == time.Sunday || when.Hour() < 8 || when.Hour() >= 18 {
				t.Errorf("%s reached Maria at %s, in her quiet hours", job, when.Format("Mon Jan 2 15:04"))
			}
			for _, s := range about {
				has(s)
			}
		}
		// occurrence checks the time a recurring job's id names.
		occurrence := func(hhmm string, weekdays ...time.Weekday) {
			t.Helper()
			at, err := time.ParseInLocation("2006-01-02T15:04", rest[:min(16, len(rest))], ny)
			if err != nil || at.Format("15:04") != hhmm || !slices.Contains(weekdays, at.Weekday()) {
				t.Errorf("%s: want an occurrence at %s on %v", job, hhmm, weekdays)
			}
		}
		switch what {
		case store.JobReminder:
			dm("Send the flyer", "F1")
			if !strings.HasPrefix(rest, "1:") {
				t.Errorf("%s: a reminder of a follow-up that is not F1", job)
			}
		case scheduler.JobNudges:
			dm("Time to get in touch", "Main Street Pharmacy")
			if strings.Contains(text, "County Health Dept") {
				t.Errorf("%s nudges about County, contacted this week: %q", job, p.Text)
			}
			occurrence("09:00", time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
		case scheduler.JobOwnerDigests:
			dm("Your week")
			has("Send the flyer", "Main Street Pharmacy") // due this week, or past its cadence
			occurrence("08:00", time.Monday)
			if strings.Contains(text, "Time to get in touch") {
				nudgedInDigest = true // the morning's nudge, inside: one message that morning
			}
		case scheduler.JobDigest:
			if p.Channel != "C0OUTREACH" || !strings.Contains(p.Text, "Outreach digest") {
				t.Errorf("%s in %s reads %q; want the team's digest in C0OUTREACH", job, p.Channel, p.Text)
			}
			occurrence("09:00", time.Monday)
		case scheduler.JobReport:
			if label := reported.Format("January 2006"); p.Channel != "C0OUTREACH" || !strings.Contains(p.Text, "Impact report") || !strings.Contains(text, label) {
				t.Errorf("%s in %s reads %q; want %s's impact report in C0OUTREACH", job, p.Channel, p.Text, label)
			}
			if want := report.Format("2006-01-02") + "T09:00"; rest != want {
				t.Errorf("%s; want the report of %s", job, want)
			}
		case scheduler.JobCheckins:
			if p.Channel != "C0COUNTY" || !strings.Contains(p.Text, "How is our partnership") || p.At.Before(checkinAt) || !p.At.Before(checkinAt.Add(time.Minute)) {
				t.Errorf("%s in %s at %v reads %q; want County's check-in in its channel at %v", job, p.Channel, when, p.Text, checkinAt)
			}
		case store.JobSurveyPost:
			if p.Channel != "C0COUNTY" || !strings.Contains(p.Text, "How was “Flu shot clinic”?") {
				t.Errorf("%s in %s reads %q; want the clinic's feedback survey in County's channel", job, p.Channel, p.Text)
			}
		case store.JobAttendance:
			dm("How many came?", "Flu shot clinic")
		default:
			t.Errorf("%s: a post of a job the week did not ask for: %q", job, p.Text)
		}
	}
	for what, want := range map[string]int{
		store.JobReminder: domain.MaxReminders, scheduler.JobNudges: 1, scheduler.JobOwnerDigests: 1, scheduler.JobDigest: 1,
		scheduler.JobReport: 1, scheduler.JobCheckins: 1, store.JobSurveyPost: 1, store.JobAttendance: 1,
	} {
		if what == scheduler.JobNudges {
			if seen[what] == 0 && !nudgedInDigest {
				t.Errorf("no nudge in the week, alone or in Monday's DM")
			}
			continue
		}
		if seen[what] != want {
			t.Errorf("%d posts of %s in the week; want %d", seen[what], what, want)
		}
	}
	charts := 0
	for _, u := range e.slack.Uploads() {
		if u.Channel == "C0OUTREACH" {
			charts++
		}
	}
	if charts == 0 {
		t.Errorf("the monthly report came without its charts")
	}
	t.Logf("a week from %s: %v", start.In(ny).Format("Mon Jan 2 2006 15:04 MST"), seen)
}
