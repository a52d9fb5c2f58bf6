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
	hs.seed() // E1 six days on, 10:00
	before := hs.srv.Snapshot(context.Background())
	if r := hs.do(member, "event survey E1"); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "hasn't started yet ("+hs.shown(hs.at(6, 10))+")") {
		t.Errorf("survey before the start: %s %q", r.Outcome, r.Text)
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("a refused survey changed Redis:\n%s", diff)
	}
	hs.clock.Advance(hs.at(6, 10).Add(30 * time.Minute).Sub(hs.clock.Now())) // it has started
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

// TestEventCorrections: `event edit` corrects fields and moves what the
// event's end queues; `event cancel` calls off the attendance question and
// the surveys still to go out and says so; `event show` shows everything
// stored; `event list` shows resources. Each write has a feed line; a
// cancelled event refuses changes.
func TestEventCorrections(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // E1 six days on, 10:00–11:00
	r := hs.mustOK(member, `event edit E1 where:"Main branch" audience:Seniors resources:room,Laptops registered:40 start:"`+hs.day(7)+` 10am" until:2pm title:"Flu shots"`)
	day7 := message.Date(hs.at(7, 10), hs.clock.Now(), ny)
	if !strings.Contains(r.Text, day7+", 10:00–14:00 · *Flu shots*") || !strings.Contains(r.Text, "used room, laptops") || r.Feed == "" {
		t.Errorf("event edit: %q (feed %q)", r.Text, r.Feed)
	}
	jobs := func() []string {
		ids, _ := hs.srv.Client().ZRangeWithScores(context.Background(), "outreach:{"+team+"}:due", 0, -1).Result()
		var out []string
		for _, z := range ids {
			out = append(out, z.Member.(string)+"@"+time.UnixMilli(int64(z.Score)).In(ny).Format("Jan 2 15:04"))
		}
		return out
	}
	end := hs.at(7, 14).Format("Jan 2 15:04")
	if got := strings.Join(jobs(), " "); !strings.Contains(got, "evatt:1@"+end) || !strings.Contains(got, "evfb:1@"+end) {
		t.Errorf("queued after moving the event: %s; want its jobs at the new end", got)
	}
	if r := hs.mustOK(member, "event list"); !strings.Contains(r.Text, "used room, laptops") {
		t.Errorf("event list lacks resources:\n%s", r.Text)
	}
	r = hs.mustOK(member, "event show E1")
	for _, want := range []string{"*`E1` Flu shots*", "with *County Health Dept*", "Where: Main branch", "Audience: Seniors", "Resources used: room, laptops", "Registered: 40", "event-feedback · goes out " + day7} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("event show lacks %q:\n%s", want, r.Text)
		}
	}
	r = hs.mustOK(member, "event cancel E1")
	if !strings.Contains(r.Text, "Not going out now: the attendance question, the feedback survey and the follow-up survey.") || r.Feed == "" {
		t.Errorf("event cancel: %q", r.Text)
	}
	if got := jobs(); len(got) != 0 {
		t.Errorf("jobs still queued after the cancel: %v", got)
	}
	if r := hs.mustOK(member, "event show E1"); !strings.Contains(r.Text, "cancelled by <@U0MARIA>") {
		t.Errorf("event show of a cancelled event:\n%s", r.Text)
	}
	if r := hs.mustOK(member, "event list"); strings.Contains(r.Text, "E1") {
		t.Errorf("a cancelled event is still listed:\n%s", r.Text)
	}
	for _, text := range []string{"event cancel E1", "event edit E1 registered:3", "event attended E1 3", "event survey E1"} {
		before := hs.srv.Snapshot(context.Background())
		if r := hs.do(member, text); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "cancelled") {
			t.Errorf("%q on a cancelled event: %s %q", text, r.Outcome, r.Text)
		}
		if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
			t.Errorf("%q changed Redis:\n%s", text, diff)
		}
	}
}

// TestEventWithSeveralPartners: `with:` names the other partners an event
// was run with; it is in each one's event list.
func TestEventWithSeveralPartners(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	r := hs.mustOK(member, `event add county "Health fair" `+hs.day(8)+` 10am with:eastside-pharmacy,eastside-community-clinic`)
	if !strings.Contains(r.Text, "with *County Health Dept*, *Eastside Pharmacy* and *Eastside Community Clinic*") {
		t.Errorf("event add with others: %q", r.Text)
	}
	for _, p := range []string{"county", "eastside-pharmacy", "eastside-community-clinic"} {
		if r := hs.mustOK(member, "event list "+p); !strings.Contains(r.Text, "*Health fair* with County Health Dept, Eastside Pharmacy and Eastside Community Clinic") {
			t.Errorf("event list %s:\n%s", p, r.Text)
		}
	}
	before := hs.srv.Snapshot(context.Background())
	if r := hs.do(member, `event add county "Fair" `+hs.day(8)+` 10am with:contyhealth`); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "I don't know a partner called `contyhealth`") {
		t.Errorf("with an unknown partner: %s %q", r.Outcome, r.Text)
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("a refused event changed Redis:\n%s", diff)
	}
}

// TestAttendanceCorrection: recording attendance again says what it
// replaced, and the share of those registered is rounded as everywhere.
func TestAttendanceCorrection(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // E1 six days on, 10:00
	hs.mustOK(member, "event edit E1 registered:60")
	hs.clock.Advance(hs.at(6, 10).Add(3 * time.Hour).Sub(hs.clock.Now()))
	if r := hs.mustOK(member, "event attended E1 52"); !strings.Contains(r.Text, "52 people came of 60 registered (87%).") || strings.Contains(r.Text, "had been recorded") {
		t.Errorf("first attendance: %q", r.Text)
	}
	if r := hs.mustOK(member, "event attended E1 40"); !strings.Contains(r.Text, "40 people came of 60 registered (67%), where 52 had been recorded.") {
		t.Errorf("a correction: %q", r.Text)
	}
	if r := hs.mustOK(member, "event show E1"); !strings.Contains(r.Text, "Attendance: 40 came of 60 registered (67%)") {
		t.Errorf("event show after the correction: %q", r.Text)
	}
}
