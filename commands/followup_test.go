package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// TestSnoozeMovesOnlyLater: a snooze by a length counts from the due time
// while it is ahead and from now once it is overdue; a time earlier than
// the due time is refused with a pointer to `reschedule`, which sets any
// time ahead. The reminder's Snooze buttons follow the same rule.
func TestSnoozeMovesOnlyLater(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its steps name weekdays
	hs.seed()
	hs.mustOK(member, `followup county friday "Send the flyer"`) // F1, due Fri Dec 4 09:00
	steps := []struct {
		text    string
		advance time.Duration
		ok      bool
		want    string
	}{
		{text: "snooze F1 3d", ok: true, want: "until Mon Dec 7, 09:00 (it was due Fri Dec 4, 09:00)"},
		{text: "snooze F1 monday 10am", want: "snoozing only moves it later. To move it to Mon Nov 30, 10:00, type `/outreach reschedule F1 2026-11-30 10:00`"},
		{text: "snooze F1 dec 7 9am", want: "snoozing only moves it later"},
		{text: "reschedule F1 monday 10am", ok: true, want: "Rescheduled `F1` to Mon Nov 30, 10:00 (it was due Mon Dec 7, 09:00)"},
		{text: "reschedule F1 yesterday", want: "in the past"},
		{text: "reschedule F1 whenever", want: "To when?"},
		{text: "snooze F1 1d", advance: 5 * 24 * time.Hour, ok: true, want: "until Thu Dec 3, 10:00 (it was due Mon Nov 30, 10:00)"}, // overdue: from now
		{text: "snooze F1 tonight", advance: 36 * time.Hour, ok: true, want: "until Thu Dec 3, 23:00"},                               // said at 22:00: an hour on
	}
	for _, st := range steps {
		hs.clock.Advance(st.advance)
		before := hs.srv.Snapshot(context.Background())
		r := hs.do(member, st.text)
		if got := r.Outcome == message.OutcomeOK; got != st.ok || !strings.Contains(r.Text, st.want) {
			t.Errorf("%q: %s %q; want ok=%v with %q", st.text, r.Outcome, r.Text, st.ok, st.want)
		}
		if !st.ok {
			if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
				t.Errorf("%q was refused but changed Redis:\n%s", st.text, diff)
			}
		} else if r.Feed == "" {
			t.Errorf("%q: no activity feed line", st.text)
		}
	}

	// Buttons: F2 is due in 3 days (Sun Dec 6, 22:00); Snooze 1 week
	// counts from then.
	hs.mustOK(member, `followup county "in 3 days" "Call Dana"`)
	req := commands.Request{Team: team, User: "U0MARIA", Role: commands.RoleMember, Channel: "D0MARIA", Door: commands.DoorForm, Loc: ny}
	p := hs.h.Press(context.Background(), req, message.ActionSnoozeWeek, "F2")
	if p.Update == nil || !strings.Contains(p.Update.Text, "until Sun Dec 13, 22:00") {
		t.Errorf("Snooze 1 week of a follow-up due Sun Dec 6: %+v", p)
	}
}
