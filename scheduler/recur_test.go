package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// repeating adds a repeating follow-up with the rule typed, set up at
// now in New York, and returns its first occurrence.
func (e *env) repeating(partner, assignee, typed, text string) domain.FollowUp {
	e.t.Helper()
	now := e.clock.Now()
	r, _, err := when.ParseRecurrence(strings.Fields(typed), now, ny)
	if err != nil {
		e.t.Fatal(err)
	}
	due, err := r.Next(now, ny)
	if err != nil {
		e.t.Fatal(err)
	}
	id, _, err := e.st.AddFollowUp(context.Background(), team, store.PartnerRef{Text: partner},
		domain.FollowUp{Assignee: assignee, Due: due, Text: text, Rule: r.String(), RuleText: r.Describe(), Zone: ny.String()}, assignee, now)
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := e.st.FollowUp(context.Background(), team, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// reminders are the follow-up reminder posts so far.
func (e *env) reminders() []scheduler.Post {
	var out []scheduler.Post
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, store.JobReminder+":") {
			out = append(out, p)
		}
	}
	return out
}

// expectAt moves the clock to a minute before at, where no new reminder
// may have come, then to at, where exactly one must, and returns it.
func (e *env) expectAt(s *scheduler.Scheduler, at time.Time) scheduler.Post {
	e.t.Helper()
	e.advance(s, at.Add(-time.Minute).Sub(e.clock.Now()))
	before := len(e.reminders())
	e.advance(s, time.Minute)
	got := e.reminders()
	if len(got) != before+1 {
		e.t.Fatalf("at %s: %d reminders; want exactly 1", at.In(ny).Format("Mon Jan 2 15:04 MST"), len(got)-before)
	}
	return got[len(got)-1]
}

// TestRepeatingFollowUpAcrossBothSwitchNights: a follow-up repeating
// every day at a time that New York's clock change makes happen twice
// (01:30, autumn) or not at all (02:30, spring) is reminded of once on
// that night, at the first 01:30 and at 03:30, and on the other days at
// its time; left open, each day's reminder is that day's occurrence, so
// none is skipped and none comes twice.
func TestRepeatingFollowUpAcrossBothSwitchNights(t *testing.T) {
	for _, tc := range []struct {
		name, typed string
		forward     bool
		want        []string // the reminders, from two days before the switch
	}{
		{"autumn", "every day at 1:30am", false, []string{"01:30 EDT", "01:30 EDT", "01:30 EDT", "01:30 EST", "01:30 EST"}},
		{"spring", "every day at 2:30am", true, []string{"02:30 EST", "02:30 EST", "03:30 EDT", "02:30 EDT", "02:30 EDT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shift := nextShift(t0, tc.forward)
			e := newEnv(t)
			e.clock = clockwork.NewFakeClockAt(shift.AddDate(0, 0, -2))
			e.partner("County Health Dept", "U0MARIA")
			f := e.repeating("county", "U0MARIA", tc.typed, "Check the overnight line")
			s := e.scheduler(only(scheduler.Config{Quiet: quietOff}))
			var got []string
			at := f.Due
			for i := range tc.want {
				post := e.expectAt(s, at)
				got = append(got, at.In(ny).Format("15:04 MST"))
				cur, err := e.st.FollowUp(context.Background(), team, f.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !cur.Occurs.Equal(at) || cur.Status != domain.StatusOpen || !strings.Contains(post.Message.Text, fmt.Sprintf("F%d", f.ID)) {
					t.Errorf("reminder %d: %+v, posted %q; want F%d open, its occurrence at %s", i+1, cur, post.Message.Text, f.ID, at)
				}
				day := at.In(ny)
				next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, ny)
				if at, err = domainRule(t, f).Next(next.Add(-time.Nanosecond), ny); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("reminders at %v; want %v", got, tc.want)
			}
			for k, n := range e.poster.byKey() {
				if n != 1 {
					t.Errorf("%s posted %d times", k, n)
				}
			}
		})
	}
}

func domainRule(t *testing.T, f domain.FollowUp) when.Recurrence {
	t.Helper()
	r, err := when.ParseRule(f.Rule)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRepeatingFollowUpDoneAndCarriedOver: Done closes an occurrence and
// its next one is reminded of at its time; one left open is reminded of
// daily until the next time comes, then is that time's, with no repeat
// on top; a repeat that quiet hours would hold until less than a day
// before the next time is dropped for it; ending the series stops it.
func TestRepeatingFollowUpDoneAndCarriedOver(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// From a Wednesday evening: Thursday, Friday, Monday at 9.
	e.clock = clockwork.NewFakeClockAt(nextAt(t0, time.Wednesday, 19))
	e.partner("County Health Dept", "U0MARIA")
	f := e.repeating("county", "U0MARIA", "every weekday 9am", "Check the shared inbox")
	s := e.scheduler(only(scheduler.Config{}))
	thu := nextAt(e.clock.Now(), time.Thursday, 9)
	first := e.expectAt(s, thu)
	if !strings.Contains(first.Message.Text, "repeats every weekday at 9:00") {
		t.Errorf("the reminder does not say it repeats: %q", first.Message.Text)
	}
	done, err := e.st.ChangeFollowUp(ctx, team, f.ID, domain.ChangeDone, time.Time{}, "U0MARIA", thu.Add(time.Hour))
	if err != nil || done.Next == 0 {
		t.Fatalf("done: %+v, %v; want the next occurrence named", done, err)
	}
	fri := thu.AddDate(0, 0, 1)
	post := e.expectAt(s, fri)
	if !strings.Contains(post.Message.Text, fmt.Sprintf("F%d", done.Next)) {
		t.Fatalf("Friday's reminder %q; want F%d", post.Message.Text, done.Next)
	}
	// Left open over the weekend: its repeats would wait for Monday 08:00
	// (quiet hours), an hour before its next time, Monday 9:00, whose
	// reminder replaces them.
	mon := nextAt(fri, time.Monday, 9)
	e.advance(s, mon.Add(-time.Minute).Sub(e.clock.Now()))
	if n := len(e.reminders()); n != 2 {
		t.Fatalf("over the weekend: %d reminders in all; want 2 (Thursday's and Friday's): Saturday's repeat waits into Monday, after the next time", n)
	}
	post = e.expectAt(s, mon)
	cur, _ := e.st.FollowUp(ctx, team, done.Next)
	if !strings.Contains(post.Message.Text, fmt.Sprintf("F%d", done.Next)) || !cur.Occurs.Equal(mon) || cur.Reminders != 1 {
		t.Errorf("Monday: %q, occurrence %s, %d reminders; want F%d carried over to Monday, reminded once", post.Message.Text, cur.Occurs, cur.Reminders, done.Next)
	}
	// Tuesday: carried over again, one reminder, not a repeat and a new one.
	e.expectAt(s, mon.AddDate(0, 0, 1))
	if _, err := e.st.ChangeFollowUp(ctx, team, f.ID, domain.ChangeEndSeries, time.Time{}, "U0MARIA", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(e.reminders())
	e.advance(s, 14*24*time.Hour)
	if n := len(e.reminders()) - before; n != 0 {
		t.Errorf("%d reminders after the series ended", n)
	}
	for k, n := range e.poster.byKey() {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
}
