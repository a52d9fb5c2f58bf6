package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/message"
)

// TestEventSurveyGuards: an event's feedback survey is refused before the
// event starts, and once it has one (sent by hand or automatically) a
// second request points to it instead of splitting the answers.
func TestEventSurveyGuards(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // E1 on Thu Dec 3 10:00
	before := hs.srv.Snapshot(context.Background())
	if r := hs.do(member, "event survey E1"); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "hasn't started yet (Thu Dec 3, 10:00)") {
		t.Errorf("survey before the start: %s %q", r.Outcome, r.Text)
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("a refused survey changed Redis:\n%s", diff)
	}
	hs.clock.Advance(6*24*time.Hour + 30*time.Minute) // it has started
	if r := hs.mustOK(member, "event survey E1"); !strings.Contains(r.Text, "`S1`") {
		t.Errorf("survey once started: %q", r.Text)
	}
	before = hs.srv.Snapshot(context.Background())
	if r := hs.do(member, "event survey E1"); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "has its feedback survey already: `S1`. `/outreach survey results S1`") {
		t.Errorf("a second survey: %s %q; want a pointer to S1", r.Outcome, r.Text)
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("a refused second survey changed Redis:\n%s", diff)
	}
}
