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

// TestRepeatingFollowUps: `followup <partner> "every …" <text>` sets up a
// series read in the typist's zone; `done` and `cancel` close an
// occurrence and name the next, the Done button too; `cancel F1 all`
// ends the series from any of its ids; lists say it repeats; rules that
// cannot be read are refused, storing nothing. aFriday (Nov 27, 10:00)
// fixes the dates.
func TestRepeatingFollowUps(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	for _, st := range []struct {
		text string
		ok   bool
		want string
	}{
		{`followup county "every first monday" "Call Dana about the fair"`, true,
			"`F1` for *County Health Dept*: Call Dana about the fair\nIt repeats every first Monday of the month at 9:00 (your time zone), assigned to you; first due Mon Dec 7, 09:00."},
		{`followup county every weekday 9am Check the shared inbox`, true, "It repeats every weekday at 9:00 (your time zone), assigned to you; first due Mon Nov 30, 09:00."},
		{`followup county "every 2 weeks" "Send the newsletter" to:<@U0DEVON|devon>`, true, "every 2 weeks on Friday at 9:00 (your time zone), assigned to <@U0DEVON>; first due Fri Dec 4, 09:00."},
		{`followup county every month on the 15th "Book the room"`, true, "every month on the 15th at 9:00 (your time zone), assigned to you; first due Tue Dec 15, 09:00."},
		{`followup county "every fortnight" "x"`, false, "that is not a repeat I know. Try `every weekday 9am`"},
		{`followup county "every monday please" "x"`, false, "that is not a repeat I know"},
		{`followup county every month on the 31st "x"`, false, "not every month has a 31st: say `every month on the last day`"},
		{"followups", true, "`F2` *County Health Dept* — Check the shared inbox · due Mon Nov 30, 09:00 · <@U0MARIA> · :repeat: repeats every weekday at 9:00"},
		{"done F2", true, ":white_check_mark: Done: `F2` Check the shared inbox\n:repeat: Next: `F5`, due Tue Dec 1, 09:00. `/outreach cancel F5 all` ends the series."},
		{"cancel F5", true, ":heavy_multiplication_x: Cancelled: `F5` Check the shared inbox\n:repeat: Next: `F6`, due Wed Dec 2, 09:00."},
		{"cancel F5 everything", false, "`cancel` takes the follow-up id, and `all` to end a repeating one"},
		{"cancel F2 all", true, "Ended the series of `F2`: Check the shared inbox. `F6`, its open one, is cancelled"},
		{"cancel F6 all", false, "The series of `F6` has ended already (by <@U0MARIA>"},
		{`followup county friday "Send the flyer"`, true, "`F7`"},
		{"cancel F7 all", false, "`F7` doesn't repeat; `/outreach cancel F7` drops it."},
	} {
		before := hs.srv.Snapshot(context.Background())
		r := hs.do(member, st.text)
		if got := r.Outcome == message.OutcomeOK; got != st.ok || !strings.Contains(r.Text, st.want) {
			t.Errorf("%q: %s %q; want ok=%v with %q", st.text, r.Outcome, r.Text, st.ok, st.want)
		}
		if !st.ok {
			if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
				t.Errorf("%q was refused but changed Redis:\n%s", st.text, diff)
			}
		}
	}
	// The Done button on an occurrence's reminder names the next.
	req := commands.Request{Team: team, User: "U0MARIA", Role: commands.RoleMember, Channel: "D0MARIA", Door: commands.DoorForm, Loc: ny}
	p := hs.h.Press(context.Background(), req, message.ActionDone, "F1")
	if p.Update == nil || !strings.Contains(p.Update.Text, "Done by <@U0MARIA>") || !strings.Contains(p.Update.Text, "Next: `F8`, due Mon Jan 4 2027, 09:00") {
		t.Errorf("Done on F1's reminder: %+v; want the next, F8, on the first Monday of January", p)
	}
}
