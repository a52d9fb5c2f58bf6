package main

import (
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// TestEndToEndRepeatingFollowUp: a follow-up typed to repeat every day
// at 9 is reminded of at each 9:00, once; Done on the reminder closes
// that occurrence and names the next; one left open is the next day's;
// the partner's liaison sees it (shared) as repeating but cannot end it;
// `cancel F1 all` ends it. Quiet hours are off so that 9:00 is 9:00 at
// any test instant; Monday's "your week" DM may come in the window.
func TestEndToEndRepeatingFollowUp(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{env: map[string]string{"OUTREACH_QUIET_HOURS": "off"}, may: []string{scheduler.JobOwnerDigests}})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	r := e.slash("U0MARIA", "C0OUTREACH", `followup county "every day 9am" "Check the shared inbox" shared`)
	if !strings.Contains(r.Text, ":repeat: `F1`") || !strings.Contains(r.Text, "repeats every day at 9:00") || !strings.Contains(r.Text, "cancel F1 all") {
		t.Fatalf("followup every day: %q", r.Text)
	}
	ny, _ := time.LoadLocation("America/New_York")
	at9 := func(after time.Time) time.Time {
		l := after.In(ny)
		d := time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, ny)
		if !d.After(after) {
			d = time.Date(l.Year(), l.Month(), l.Day()+1, 9, 0, 0, 0, ny)
		}
		return d
	}
	reminders := func() []slacktest.Post {
		var out []slacktest.Post
		for _, p := range e.slack.Posts() {
			if kindPost(store.JobReminder)(p) {
				out = append(out, p)
			}
		}
		return out
	}
	// until moves the clock an hour at a time to at, and returns the
	// reminders posted on the way.
	until := func(at time.Time) []slacktest.Post {
		t.Helper()
		before := len(reminders())
		for e.clock.Now().Before(at) {
			e.tick(min(time.Hour, at.Sub(e.clock.Now())))
		}
		return reminders()[before:]
	}

	first := at9(e.clock.Now())
	got := until(first)
	if len(got) != 1 || postJob(got[0]) != reminderJob(1, 1) || !got[0].At.Equal(first) || !strings.Contains(got[0].Text, "repeats every day at 9:00") {
		t.Fatalf("by the first 9:00: %+v; want F1's reminder at %v, saying it repeats", got, first)
	}
	bs := buttons(t, got[0].Blocks)
	blockID, value, _ := strings.Cut(bs["fu_done"], "|")
	if _, err := e.slack.BlockAction(e.ctx(), "U0MARIA", got[0].Channel, got[0].TS, "fu_done", blockID, value); err != nil {
		t.Fatal(err)
	}
	second := at9(first)
	upd := e.waitPost(func(q slacktest.Post) bool { return q.Kind == "update" && q.TS == got[0].TS })
	if !strings.Contains(upd.Text, "Done by <@U0MARIA>") || !strings.Contains(upd.Text, "Next: `F2`") {
		t.Errorf("after Done the reminder reads %q; want who did it and the next, F2", upd.Text)
	}

	got = until(second)
	if len(got) != 1 || postJob(got[0]) != reminderJob(2, 1) || !got[0].At.Equal(second) {
		t.Fatalf("by the second 9:00: %+v; want F2's first reminder at %v", got, second)
	}
	// Left open, F2 is the next day's, reminded of once at 9:00.
	third := at9(second)
	got = until(third)
	if len(got) != 1 || !strings.HasPrefix(postJob(got[0]), "fu:2:") || !got[0].At.Equal(third) ||
		!strings.Contains(got[0].Text, "Due "+third.In(ny).Format("Mon Jan 2")+", 09:00") {
		t.Fatalf("by the third 9:00: %+v; want F2 carried over to %v, reminded once", got, third)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "followups"); !strings.Contains(r.Text, "`F2`") || !strings.Contains(r.Text, "repeats every day at 9:00") {
		t.Errorf("followups: %q; want F2, repeating", r.Text)
	}

	// The partner's liaison sees the shared series, and cannot end it.
	mark := e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> followups"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "Check the shared inbox") || !strings.Contains(p.Text, "repeats every day") {
		t.Errorf("the liaison's followups: %q; want the shared repeating follow-up", p.Text)
	}
	mark = e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> cancel F2 all"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "isn't something I can do for you here") {
		t.Errorf("a liaison ending the series: %q; want a refusal", p.Text)
	}

	// Ended from its first occurrence's id: nothing more comes round.
	if r := e.slash("U0MARIA", "C0OUTREACH", "cancel F1 all"); !strings.Contains(r.Text, "Ended the series of `F1`") || !strings.Contains(r.Text, "`F2`") {
		t.Errorf("cancel F1 all: %q", r.Text)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "followups"); !strings.Contains(r.Text, "none") {
		t.Errorf("followups after the series ended: %q; want none", r.Text)
	}
	if got := until(third.Add(72 * time.Hour)); len(got) != 0 {
		t.Errorf("%d reminders after the series ended: %+v", len(got), got)
	}
	for _, p := range reminders() {
		if n := e.count(jobPost(postJob(p))); n != 1 {
			t.Errorf("%s posted %d times", postJob(p), n)
		}
	}
	if n := len(reminders()); n != 3 {
		t.Errorf("%d reminders in all; want 3", n)
	}
}
