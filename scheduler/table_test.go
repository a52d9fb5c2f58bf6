package scheduler

import (
	"slices"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
	"github.com/prometheus/client_golang/prometheus"
)

// TestJobTable: every row of Jobs has a kind of its own and a handler;
// every kind whose ids the store builds (store/jobkinds.go) has a row; a
// recurring row has a variable of its own and a default schedule that
// parses; only recurring rows run in the background or wait for the team
// channel, and a fanned-out job names the recurring job that queues it.
func TestJobTable(t *testing.T) {
	seen := map[string]bool{}
	for _, j := range Jobs {
		if j.Kind == "" || seen[j.Kind] {
			t.Errorf("row %+v: a kind empty or doubled", j)
		}
		seen[j.Kind] = true
		if j.run == nil {
			t.Errorf("job %q has no handler", j.Kind)
		}
		if !j.Recurring() {
			if j.Default != "" || j.Background || j.NeedsTeamChannel || j.NeedsCanvas {
				t.Errorf("job %q has no Env but a schedule or a recurring job's flags", j.Kind)
			}
			continue
		}
		if _, err := when.ParseSchedule(j.Default, time.UTC); err != nil || j.Default == "" {
			t.Errorf("job %q: default schedule %q: %v", j.Kind, j.Default, err)
		}
	}
	for _, kind := range store.JobKinds() {
		if !seen[kind] {
			t.Errorf("store/jobkinds.go's %q has no row in Jobs", kind)
		}
	}
	for _, j := range Jobs {
		if j.QueuedBy != "" && !slices.ContainsFunc(Jobs, func(r Job) bool { return r.Kind == j.QueuedBy && r.Recurring() }) {
			t.Errorf("job %q is queued by %q, which is no recurring job", j.Kind, j.QueuedBy)
		}
	}
	envs := map[string]bool{}
	for _, j := range Jobs {
		if j.Env != "" && envs[j.Env] {
			t.Errorf("%s is the variable of two jobs", j.Env)
		}
		envs[j.Env] = true
	}
	if !slices.ContainsFunc(Jobs, func(j Job) bool { return j.Background }) {
		t.Errorf("no background job: the sweeps are")
	}
}

// TestWhatRefusedPostsAreCalled: the digest names each refused post by
// its row, with the record's id where the row says one.
func TestWhatRefusedPostsAreCalled(t *testing.T) {
	s, err := New(Config{}, nil, nil, nil, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ id, want string }{
		{"fu:12:1", "The reminder of `F12`"},
		{"svpost:4", "Survey `S4`"},
		{"evatt:7", "The attendance question for `E7`"},
		{"note:county:12", "A liaison's note"},
		{"nudge:2026-11-27T14:00:U0MARIA", "A stay-in-touch nudge"},
		{"digest:2026-11-23T14:00", "The digest"},
		{"report:2026-12-01T09:00", "The monthly report"},
		{"owner-digest:2026-11-30T08:00:U1", "A weekly summary"},
		{"svremind-to:4:U0DANA", "A reminder of survey `S4`"},
		{"evend:7", ""},
		{"nosuchkind:1", ""},
	} {
		if got := s.what(tc.id); got != tc.want {
			t.Errorf("what(%q) = %q; want %q", tc.id, got, tc.want)
		}
	}
}
