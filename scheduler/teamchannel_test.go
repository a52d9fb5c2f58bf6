package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
)

// digestAt is the first Monday digest after t0; teamJobs schedules it and
// the monthly report the day after, within a week of t0, with two admins.
var (
	digestAt = nextAt(t0, time.Monday, 9)
	teamJobs = scheduler.Config{Admins: []string{"U0LEAD", "U0MARIA"},
		Schedules: map[string]string{"digest": "0 9 * * 1", "report": fmt.Sprintf("0 9 %d %d *", digestAt.AddDate(0, 0, 1).Day(), digestAt.AddDate(0, 0, 1).Month())}}
)

// digestKey is the job id of the digest due at t.
func digestKey(t time.Time) string { return "digest:" + t.In(ny).Format("2006-01-02T15:04") }

// teamPosts sorts the posts of the digest and the report by recipient.
func teamPosts(e *env) map[string][]scheduler.Post {
	out := map[string][]scheduler.Post{}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "digest:") || strings.HasPrefix(p.Key, "report:") {
			out[p.To] = append(out[p.To], p)
		}
	}
	return out
}

// TestTeamPostsKeptFromASharedChannel: a team channel later shared with
// a partner receives neither the digest nor the monthly report, which
// show every partner's figures; each admin gets them by DM, the report
// with its charts, under a note that says why and what to do, and the
// next digest lists them as not delivered.
func TestTeamPostsKeptFromASharedChannel(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	// A contact in the month the report looks back on, so it has charts.
	r := digestAt.AddDate(0, 0, 1)
	c := domain.Contact{Method: "call", Direction: "out", Who: "U0MARIA", When: time.Date(r.Year(), r.Month(), 0, 10, 0, 0, 0, ny), Summary: "hi"}
	if _, _, _, err := e.st.LogContact(context.Background(), team, store.PartnerRef{Text: "county"}, c, nil, "U0MARIA", t0); err != nil {
		t.Fatal(err)
	}
	e.poster.shared = map[string]bool{"C0TEAM": true}
	s := e.scheduler(teamJobs)
	e.advance(s, r.Add(time.Hour).Sub(e.clock.Now())) // past the digest and the report
	got := teamPosts(e)
	if n := len(got["C0TEAM"]); n != 0 {
		t.Fatalf("%d posts to the shared team channel; want none", n)
	}
	for _, admin := range teamJobs.Admins {
		if len(got[admin]) != 2 {
			t.Fatalf("%s got %d copies; want the digest and the report", admin, len(got[admin]))
		}
		for _, p := range got[admin] {
			if !strings.Contains(p.Message.Text, "didn't post this to <#C0TEAM>: Slack says the channel is now shared with another organization") ||
				!strings.Contains(p.Message.Text, "OUTREACH_TEAM_CHANNEL") {
				t.Errorf("%s's copy of %s: %q; want why and what to do", admin, p.Key, p.Message.Text)
			}
			report := strings.HasPrefix(p.Key, "report:")
			if report && (len(p.Message.Files) == 0 || !strings.Contains(p.Message.Text, "Impact report")) {
				t.Errorf("%s's copy of the report: %d files; want the report with its charts", admin, len(p.Message.Files))
			}
			if !report && !strings.Contains(p.Message.Text, "Outreach digest") {
				t.Errorf("%s's copy of the digest lacks it: %q", admin, p.Message.Text)
			}
		}
	}
	e.advance(s, digestAt.AddDate(0, 0, 7).Add(time.Hour).Sub(e.clock.Now())) // the next Monday's digest
	var next string
	for _, p := range teamPosts(e)["U0LEAD"] {
		if p.Key == digestKey(digestAt.AddDate(0, 0, 7)) {
			next = p.Message.Text
		}
	}
	if !strings.Contains(next, "The digest to <#C0TEAM>") || !strings.Contains(next, "the channel is shared with another organization, so it went to the admins") {
		t.Errorf("the next digest's copy: %q; want the first listed as not delivered, and why", next)
	}
}

// TestTeamPostsFailClosed: when Slack does not say whether the team
// channel is shared, the post waits and is tried again, as a failed post
// is; it reaches the channel once Slack says it is the team's alone, and
// never unchecked: at its last try, or when Slack says the channel is
// gone, it goes to the admins. While Slack refuses the bot's calls it
// waits.
func TestTeamPostsFailClosed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		failures   int // checks that fail before Slack answers; 0 for all
		wantTeam   int // digests in the team channel
		wantAdmins int // digests to each admin
		wantNote   string
	}{
		{"a timeout, then an answer", refused(scheduler.ErrTransient, "internal_error"), 2, 1, 0, ""},
		{"no answer at any try", refused(scheduler.ErrTransient, "internal_error"), 0, 0, 1, "I couldn't check that only the team is in the channel (`internal_error`)"},
		{"the channel is gone", refused(scheduler.ErrUndeliverable, "channel_not_found"), 0, 0, 1, "I couldn't check that only the team is in the channel (`channel_not_found`)"},
		{"Slack refuses the bot", refused(scheduler.ErrHeld, "missing_scope"), 0, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.partner("County Health Dept", "U0MARIA")
			checks := 0
			e.poster.sharedErr = func(string) error {
				checks++ // under the poster's lock
				if tc.failures == 0 || checks <= tc.failures {
					return tc.err
				}
				return nil
			}
			cfg := teamJobs
			// The sweeps daily: while Slack refuses the bot, due work is not
			// claimed, and advance would stop at each sweep for ever.
			cfg.Schedules = map[string]string{"digest": "0 9 * * 1", "report": "off", "followups": "@every 24h", "surveys": "@every 24h"}
			s := e.scheduler(cfg)
			e.advance(s, digestAt.Add(3*time.Hour).Sub(e.clock.Now())) // three hours after the digest was due
			got := teamPosts(e)
			if len(got["C0TEAM"]) != tc.wantTeam || len(got["U0LEAD"]) != tc.wantAdmins || len(got["U0MARIA"]) != tc.wantAdmins {
				t.Fatalf("digests: %d to the team channel, %d and %d to the admins; want %d and %d each",
					len(got["C0TEAM"]), len(got["U0LEAD"]), len(got["U0MARIA"]), tc.wantTeam, tc.wantAdmins)
			}
			if tc.wantNote != "" && !strings.Contains(got["U0LEAD"][0].Message.Text, tc.wantNote) {
				t.Errorf("the admins' copy: %q; want %q", got["U0LEAD"][0].Message.Text, tc.wantNote)
			}
			if tc.wantTeam+tc.wantAdmins == 0 {
				if _, queued, _ := e.st.JobQueued(context.Background(), team, digestKey(digestAt)); !queued {
					t.Errorf("the held digest is no longer queued")
				}
			}
		})
	}
}
