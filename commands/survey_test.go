package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// TestPastEventOffersItsFollowUpSurvey: an event recorded after the fact
// queues no surveys; recording its attendance, or sending its feedback
// survey, offers its 30-day follow-up survey with a button. Pressed, the
// survey is scheduled a month after the event, or now when that month is
// over, once; an event that queued its own is offered nothing.
func TestPastEventOffersItsFollowUpSurvey(t *testing.T) {
	hs := newHarnessAt(t, aFriday)                                                 // its cases are dates
	hs.seed()                                                                      // Friday Nov 27; E1 on Dec 3 queues its own surveys
	hs.mustOK(member, `event add county "Health fair" "nov 20" 10am until:2pm`)    // E2, a week ago
	hs.mustOK(member, `event add eastside-community "Diabetes class" "oct 1" 6pm`) // E3, two months ago
	st := store.New(hs.srv.Client(), 0)
	press := func(who as, value string) commands.Pressed {
		t.Helper()
		return hs.h.Press(context.Background(), commands.Request{Team: team, User: who.user, UserTeam: team, Role: who.role, Channel: who.channel, Door: commands.DoorForm, Loc: ny},
			message.ActionFollowUpSurvey, value)
	}
	offer := func(r message.Reply) (string, string) {
		for _, s := range r.Sections {
			for _, c := range s.Choices {
				if c.Action == message.ActionFollowUpSurvey {
					return s.Text, c.Value
				}
			}
		}
		return "", ""
	}

	r := hs.mustOK(member, "event attended E2 61")
	text, value := offer(r)
	if value != "E2" || !strings.Contains(text, "go out Sun Dec 20, a month after it") {
		t.Fatalf("attendance of a past event offers %q (%q); want the follow-up survey for Dec 20", text, value)
	}
	if p := press(liaison, "E2"); p.Ephemeral == nil || p.Ephemeral.Outcome != message.OutcomeDenied {
		t.Errorf("a liaison's press: %+v; want a refusal", p.Ephemeral)
	}
	p := press(member, "E2")
	if p.Ephemeral == nil || p.Ephemeral.Outcome != message.OutcomeOK || !strings.Contains(p.Ephemeral.Text, "goes out Sun Dec 20, 14:00") {
		t.Fatalf("press = %+v; want the survey scheduled for Dec 20, 14:00 (the event's end and 30 days)", p.Ephemeral)
	}
	if at, ok, _ := st.JobQueued(context.Background(), team, "evfu:2"); !ok || !at.Equal(time.Date(2026, 12, 20, 14, 0, 0, 0, ny)) {
		t.Errorf("evfu:2 queued at %v (%v); want Dec 20 14:00", at, ok)
	}
	if p := press(member, "E2"); p.Ephemeral == nil || !strings.Contains(p.Ephemeral.Text, "scheduled or sent already") {
		t.Errorf("second press = %+v; want already scheduled", p.Ephemeral)
	}
	if _, v := offer(hs.mustOK(member, "event attended E2 62")); v != "" {
		t.Errorf("a corrected attendance offers the survey again")
	}

	// Two months on, the survey goes out now.
	r = hs.mustOK(member, "event survey E3")
	if text, value := offer(r); value != "E3" || !strings.Contains(text, "go out now, since a month has passed") {
		t.Fatalf("event survey of an old event offers %q (%q); want it now", text, value)
	}
	if p := press(member, "E3"); p.Ephemeral == nil || !strings.Contains(p.Ephemeral.Text, "goes out in a few minutes") {
		t.Errorf("press = %+v; want it going out now", p.Ephemeral)
	}
	if at, ok, _ := st.JobQueued(context.Background(), team, "evfu:3"); !ok || !at.Equal(hs.clock.Now()) {
		t.Errorf("evfu:3 queued at %v (%v); want now", at, ok)
	}

	// An event that queued its own surveys is offered nothing.
	hs.clock.Advance(7 * 24 * time.Hour)
	if _, v := offer(hs.mustOK(member, "event attended E1 30")); v != "" {
		t.Errorf("an event with its own follow-up survey queued was offered another")
	}
	if p := press(member, "E9"); p.Ephemeral == nil || !strings.Contains(p.Ephemeral.Text, "can't find `E9`") {
		t.Errorf("press for an unknown event = %+v", p.Ephemeral)
	}
}
