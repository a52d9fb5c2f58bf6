package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

func TestEventCountsAsContactAndQueuesItsJobs(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	delays := store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	// A past event, recorded after the fact: contact at once, no jobs.
	past := domain.Event{Title: "Flu clinic", Type: "screening", Start: t0.Add(-5 * time.Hour), End: t0.Add(-3 * time.Hour), Registered: 40}
	id, p, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, past, delays, "U1", t0)
	if err != nil || id != 1 {
		t.Fatalf("AddEvent = %d, %v", id, err)
	}
	if !p.LastContact.Equal(past.End) {
		t.Errorf("LastContact = %v; want the past event's end %v", p.LastContact, past.End)
	}
	if due, _, _ := s.QueuedJobs(ctx, team); due != 0 {
		t.Errorf("a past event queued %d jobs; want 0", due)
	}
	// A coming event: its end, attendance, and two surveys are queued.
	next := domain.Event{Title: "Workshop", Type: "workshop", Start: t0.Add(24 * time.Hour), End: t0.Add(26 * time.Hour), Registered: -1}
	id2, _, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, next, delays, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for job, want := range map[string]time.Time{"evend:2": next.End, "evatt:2": next.End, "evfb:2": next.End.Add(2 * time.Hour), "evfu:2": next.End.Add(30 * 24 * time.Hour)} {
		if at, ok, _ := s.JobQueued(ctx, team, job); !ok || !at.Equal(want) {
			t.Errorf("%s queued at %v (%v); want %v", job, at, ok, want)
		}
	}
	if err := s.EventEnded(ctx, team, id2); err != nil {
		t.Fatal(err)
	}
	p, _ = s.ResolvePartner(ctx, team, store.PartnerRef{Text: "county"})
	if !p.LastContact.Equal(next.End) {
		t.Errorf("after the event ended, LastContact = %v; want %v", p.LastContact, next.End)
	}
	if err := s.SetAttended(ctx, team, 99, 3, "U1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("attendance of an unknown event: %v; want ErrNotFound", err)
	}
}

func TestSurveyResponsesReplaceAndStayInTheirChannel(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	sv := domain.Survey{Template: "partner-checkin", Partner: "county-health-dept", Channel: "C1"}
	id, created, err := s.CreateSurvey(ctx, team, "checkin-partner:2027-01-01T10:00:county-health-dept", sv, t0)
	if err != nil || !created {
		t.Fatalf("CreateSurvey = %d, %v, %v", id, created, err)
	}
	again, created, _ := s.CreateSurvey(ctx, team, "checkin-partner:2027-01-01T10:00:county-health-dept", sv, t0)
	if again != id || created {
		t.Errorf("the same origin again = %d (created %v); want %d, not created", again, created, id)
	}
	if at, ok, _ := s.JobQueued(ctx, team, "svpost:1"); !ok || !at.Equal(t0) {
		t.Errorf("its post is queued at %v (%v); want now", at, ok)
	}
	respond := func(user, userTeam, channel, q, a string) (int, error) {
		return s.Respond(ctx, team, id, user, userTeam, channel, q, a, "q1", t0)
	}
	if _, err := respond("U1", team, "C1", "q1", "5"); err != nil {
		t.Fatal(err)
	}
	if _, err := respond("UEXT", "T0PARTNER", "C1", "q1", "3"); err != nil {
		t.Fatal(err)
	}
	n, err := respond("U1", team, "C1", "q1", "4") // answering again replaces
	if err != nil || n != 2 {
		t.Fatalf("responses after a replaced answer = %d, %v; want 2", n, err)
	}
	if _, err := respond("U1", team, "C9", "q1", "1"); !errors.Is(err, store.ErrWrongChannel) {
		t.Errorf("an answer from another channel: %v; want ErrWrongChannel", err)
	}
	if _, err := s.Respond(ctx, team, 404, "U1", team, "C1", "q1", "1", "", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an answer to an unknown survey: %v; want ErrNotFound", err)
	}
	rs, _ := s.Responses(ctx, team, id)
	got := map[string]string{}
	for _, r := range rs {
		got[r.User+"@"+r.Team] = r.Answers["q1"]
	}
	if len(got) != 2 || got["U1@"+team] != "4" || got["UEXT@T0PARTNER"] != "3" {
		t.Errorf("responses = %v; want U1's replaced 4 and the outside 3", got)
	}
	p, _ := s.ResolvePartner(ctx, team, store.PartnerRef{Text: "county"})
	if p.CheckinScore != 3.5 || p.CheckinCount != 2 {
		t.Errorf("check-in score = %v over %d; want 3.5 over 2", p.CheckinScore, p.CheckinCount)
	}
}

// TestCommentFirstReadsBack: a response that starts with a comment has no
// answers yet; stored by a script, its empty answers must read back on
// every Redis the bot runs on (Lua's JSON may write an empty table as []).
func TestCommentFirstReadsBack(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	id, _, err := s.CreateSurvey(ctx, team, "", domain.Survey{Template: "partner-checkin", Partner: "county-health-dept", Channel: "C1"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Respond(ctx, team, id, "U1", team, "C1", "comment", "Great partnership", "q1", t0); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Responses(ctx, team, id)
	if err != nil || len(rs) != 1 || rs[0].Comment != "Great partnership" || len(rs[0].Answers) != 0 {
		t.Fatalf("responses after a comment alone = %+v, %v", rs, err)
	}
	if _, err := s.Respond(ctx, team, id, "U1", team, "C1", "q1", "5", "q1", t0); err != nil {
		t.Fatal(err)
	}
	if rs, err = s.Responses(ctx, team, id); err != nil || rs[0].Answers["q1"] != "5" || rs[0].Comment != "Great partnership" {
		t.Errorf("after rating too = %+v, %v", rs, err)
	}
}

// TestOneSurveyPerTemplatePerEvent: asking again for an event's feedback
// survey, by hand or by the automatic job after one sent by hand, gets the
// survey it has, so its answers are never split.
func TestOneSurveyPerTemplatePerEvent(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	e := domain.Event{Title: "Workshop", Type: "workshop", Start: t0.Add(-2 * time.Hour), End: t0.Add(-time.Hour), Registered: -1}
	ev, _, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, e, store.EventDelays{}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	sv := domain.Survey{Template: "event-feedback", Partner: "county-health-dept", Event: ev, Channel: "C1"}
	first, created, err := s.CreateSurvey(ctx, team, "", sv, t0)
	if err != nil || !created {
		t.Fatalf("first survey = %d, %v, %v", first, created, err)
	}
	for _, origin := range []string{"", "fbsurvey:1"} {
		again, created, err := s.CreateSurvey(ctx, team, origin, sv, t0)
		if err != nil || created || again != first {
			t.Errorf("again (origin %q) = S%d, created %v, %v; want S%d, not created", origin, again, created, err, first)
		}
	}
	other := sv
	other.Template = "event-followup"
	if id, created, err := s.CreateSurvey(ctx, team, "", other, t0); err != nil || !created || id == first {
		t.Errorf("a follow-up survey of the same event = S%d, %v, %v; want a new one", id, created, err)
	}
	if ids, _ := s.EventSurveys(ctx, team, ev); len(ids) != 2 {
		t.Errorf("event surveys = %v; want 2", ids)
	}
}

// TestEventWithSeveralPartners: an event run with other partners is in
// each partner's events (so their lists, reports and exports count it) and
// counts as contact with each; erasing one partner leaves it to the others.
func TestEventWithSeveralPartners(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	addPartner(t, s, "Eastside Clinic", "")
	addPartner(t, s, "Main Street Pharmacy", "")
	ctx := context.Background()
	e := domain.Event{Title: "Health fair", Type: "health-fair", Start: t0.Add(-3 * time.Hour), End: t0.Add(-time.Hour), Registered: -1,
		With: []string{"eastside-clinic", "main-street-pharmacy", "county-health-dept"}}
	id, _, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, e, store.EventDelays{}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"county-health-dept", "eastside-clinic", "main-street-pharmacy"} {
		es, _ := s.Events(ctx, team, slug, t0.Add(-24*time.Hour), t0, false, 10)
		if len(es) != 1 || es[0].ID != id {
			t.Errorf("events of %s = %+v; want E%d", slug, es, id)
		}
		if p, _ := s.Partner(ctx, team, slug); !p.LastContact.Equal(t0.Add(-time.Hour)) {
			t.Errorf("%s last contact = %v; want the event's end", slug, p.LastContact)
		}
	}
	if got, _ := s.Event(ctx, team, id); got.Partner != "county-health-dept" || len(got.With) != 2 {
		t.Errorf("stored event = %s with %v; want county-health-dept with the two others", got.Partner, got.With)
	}
	if err := s.ErasePartner(ctx, team, "county-health-dept", "U1", t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.Event(ctx, team, id)
	if err != nil || got.Partner != "eastside-clinic" || len(got.With) != 1 || got.With[0] != "main-street-pharmacy" {
		t.Errorf("after erasing its first partner: %+v, %v; want it kept by the others", got, err)
	}
	bad := e
	bad.With = []string{"no-such-partner"}
	if _, _, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "eastside"}, bad, store.EventDelays{}, "U1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an event with a partner that is gone = %v; want ErrNotFound", err)
	}
}

// TestRelinkChannel: a private channel shared with another organization
// gets a new id; its partner and the surveys posted there follow, so
// answers from the new id count and the partner is found by it.
func TestRelinkChannel(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "G0OLD")
	addPartner(t, s, "Eastside Clinic", "C0EAST")
	ctx := context.Background()
	id, _, err := s.CreateSurvey(ctx, team, "checkin-partner:x:county-health-dept",
		domain.Survey{Template: "partner-checkin", Partner: "county-health-dept", Channel: "G0OLD"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if slug, err := s.RelinkChannel(ctx, team, "G0OLD", "C0NEW", "U0SLACK", t0); slug != "county-health-dept" || err != nil {
		t.Fatalf("RelinkChannel = %q, %v", slug, err)
	}
	p, err := s.ResolvePartner(ctx, team, store.PartnerRef{Channel: "C0NEW"})
	if err != nil || p.Slug != "county-health-dept" || p.Channel != "C0NEW" {
		t.Errorf("partner of the new id: %+v, %v", p, err)
	}
	if _, err := s.ResolvePartner(ctx, team, store.PartnerRef{Channel: "G0OLD"}); err == nil {
		t.Errorf("the old id still names a partner")
	}
	if _, err := s.Respond(ctx, team, id, "U2", "T9", "C0NEW", "satisfaction", "5", "satisfaction", t0); err != nil {
		t.Errorf("an answer from the new id: %v", err)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"G0UNLINKED", "C0OTHER", ""}, // no partner there: nothing to do
	} {
		if slug, err := s.RelinkChannel(ctx, team, tc.old, tc.new, "U0SLACK", t0); slug != tc.want || err != nil {
			t.Errorf("RelinkChannel(%s) = %q, %v; want %q", tc.old, slug, err, tc.want)
		}
	}
	if _, err := s.RelinkChannel(ctx, team, "C0NEW", "C0EAST", "U0SLACK", t0); err == nil {
		t.Errorf("relinking onto another partner's channel succeeded")
	}
}

// TestQueueFollowUpSurveyOnce: a past event's follow-up survey is queued
// at the time asked, once; an event whose survey is queued already, or
// was sent, or is cancelled or unknown, queues nothing.
func TestQueueFollowUpSurveyOnce(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	delays := store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	past := domain.Event{Title: "Flu clinic", Type: "screening", Start: t0.Add(-5 * 24 * time.Hour), End: t0.Add(-5*24*time.Hour + 2*time.Hour), Registered: -1}
	id, _, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, past, delays, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := s.FollowUpSurvey(ctx, team, id, "event-followup"); err != nil || st != store.FollowUpSurveyNone {
		t.Fatalf("a past event's follow-up survey: %v, %v; want none", st, err)
	}
	due := past.End.Add(delays.FollowUp)
	for i, want := range []bool{true, false} {
		queued, err := s.QueueFollowUpSurvey(ctx, team, id, "event-followup", due, "U1", t0)
		if err != nil || queued != want {
			t.Errorf("queue #%d = %v, %v; want %v", i+1, queued, err, want)
		}
	}
	if at, ok, _ := s.JobQueued(ctx, team, "evfu:1"); !ok || !at.Equal(due) {
		t.Errorf("evfu:1 queued at %v (%v); want %v", at, ok, due)
	}
	if st, _ := s.FollowUpSurvey(ctx, team, id, "event-followup"); st != store.FollowUpSurveyQueued {
		t.Errorf("after queueing: %v; want queued", st)
	}

	// An event whose follow-up survey was sent by some other way.
	id2, _, _ := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, past, delays, "U1", t0)
	if _, _, err := s.CreateSurvey(ctx, team, "", domain.Survey{Template: "event-followup", Partner: "county-health-dept", Event: id2, Channel: "C1"}, t0); err != nil {
		t.Fatal(err)
	}
	if queued, err := s.QueueFollowUpSurvey(ctx, team, id2, "event-followup", due, "U1", t0); err != nil || queued {
		t.Errorf("an event with its follow-up survey sent: queued %v, %v; want nothing queued", queued, err)
	}
	if _, err := s.CancelEvent(ctx, team, id2, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueFollowUpSurvey(ctx, team, id2, "event-followup", due, "U1", t0); !errors.Is(err, store.ErrCancelled) {
		t.Errorf("a cancelled event: %v; want ErrCancelled", err)
	}
	if _, err := s.QueueFollowUpSurvey(ctx, team, 99, "event-followup", due, "U1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown event: %v; want ErrNotFound", err)
	}
}

// An anonymous survey keeps one response per person, answering again
// replacing it, without storing who: no user id or team anywhere in its
// keys or the audit stream, and, once it closes, not even the secret that
// could link a response to a person. A survey past its closing time takes
// no answer; its reminder and closing are queued with it.
func TestAnonymousSurveyKeepsNobody(t *testing.T) {
	s, srv := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	closes := t0.Add(48 * time.Hour)
	sv := domain.Survey{Template: "partner-checkin", Partner: "county-health-dept", Channel: "C1",
		SurveyOptions: domain.SurveyOptions{Anonymous: true, Remind: 24 * time.Hour, Closes: closes}}
	id, _, err := s.CreateSurvey(ctx, team, "", sv, t0)
	if err != nil {
		t.Fatal(err)
	}
	for job, want := range map[string]time.Time{"svpost:1": t0, "svremind:1": t0.Add(24 * time.Hour), "svclose:1": closes} {
		if at, ok, _ := s.JobQueued(ctx, team, job); !ok || !at.Equal(want) {
			t.Errorf("%s queued at %v (%v); want %v", job, at, ok, want)
		}
	}
	got, err := s.Survey(ctx, team, id)
	if err != nil || !got.Anonymous || got.Remind != 24*time.Hour || !got.Closes.Equal(closes) {
		t.Fatalf("Survey = %+v, %v; want its opt-ins back", got.SurveyOptions, err)
	}
	for _, a := range []struct{ user, team, q, answer string }{
		{"U0DANA", "T0PARTNER", "q1", "2"}, {"U0DANA", "T0PARTNER", "q1", "5"}, {"U0DANA", "T0PARTNER", "comment", "More classes"}, {"U0MARIA", team, "q1", "4"},
	} {
		if _, err := s.Respond(ctx, team, id, a.user, a.team, "C1", a.q, a.answer, "q1", t0.Add(time.Hour)); err != nil {
			t.Fatalf("Respond(%+v) = %v", a, err)
		}
	}
	rs, err := s.Responses(ctx, team, id)
	if err != nil || len(rs) != 2 {
		t.Fatalf("Responses = %d, %v; want one per person, 2", len(rs), err)
	}
	for _, r := range rs {
		if r.Team != "" || r.At != 0 || r.User == "U0DANA" || r.User == "U0MARIA" {
			t.Errorf("an anonymous response keeps %+v; want no team, time or user id", r)
		}
	}
	answered, err := s.Answered(ctx, team, id, []string{"U0DANA", "U0LEE"})
	if err != nil || !answered["U0DANA"] || answered["U0LEE"] {
		t.Errorf("Answered = %v, %v; want Dana yes, Lee no", answered, err)
	}
	p, _ := s.Partner(ctx, team, "county-health-dept")
	if p.CheckinCount != 2 || p.CheckinScore != 4.5 {
		t.Errorf("check-in score %.2f of %d; want 4.5 of 2 (the replaced answer not counted)", p.CheckinScore, p.CheckinCount)
	}
	// What the survey's answers wrote: its hash, its responses, the
	// partner's check-in score and the audit stream.
	dump := func() string {
		var b strings.Builder
		prefix := "outreach:{" + team + "}:"
		for _, k := range []string{"survey:1", "survey:1:responses", "partner:county-health-dept"} {
			fmt.Fprint(&b, srv.Client().HGetAll(ctx, prefix+k).Val())
		}
		fmt.Fprint(&b, srv.Client().XRange(ctx, prefix+"audit", "-", "+").Val())
		return b.String()
	}
	if d := dump(); !strings.Contains(d, "More classes") || !strings.Contains(d, "anonymous") {
		t.Fatalf("the dump misses what was written: %s", d)
	}
	if d := dump(); strings.Contains(d, "U0DANA") || strings.Contains(d, "T0PARTNER") {
		t.Errorf("the data names a respondent: %s", d)
	}
	if err := s.CloseSurvey(ctx, team, id); err != nil {
		t.Fatal(err)
	}
	if d := dump(); strings.Contains(d, "secret") {
		t.Errorf("the secret outlives the closing: %s", d)
	}
	if _, err := s.Answered(ctx, team, id, []string{"U0DANA"}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Answered after the closing: %v; want ErrClosed", err)
	}
	if _, err := s.Respond(ctx, team, id, "U0LEE", team, "C1", "q1", "3", "q1", closes.Add(-time.Minute)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("an answer with the secret gone: %v; want ErrClosed", err)
	}

	// Past its closing time a survey with names takes no answer either.
	named := domain.Survey{Template: "partner-checkin", Partner: "county-health-dept", Channel: "C1", SurveyOptions: domain.SurveyOptions{Closes: closes}}
	id2, _, _ := s.CreateSurvey(ctx, team, "", named, t0)
	if _, err := s.Respond(ctx, team, id2, "U0DANA", "T0PARTNER", "C1", "q1", "3", "", closes.Add(-time.Second)); err != nil {
		t.Errorf("an answer a second before the closing: %v", err)
	}
	if _, err := s.Respond(ctx, team, id2, "U0DANA", "T0PARTNER", "C1", "q1", "4", "", closes); !errors.Is(err, store.ErrClosed) {
		t.Errorf("an answer at the closing time: %v; want ErrClosed", err)
	}
	if rs, _ := s.Responses(ctx, team, id2); len(rs) != 1 || rs[0].User != "U0DANA" || rs[0].Answers["q1"] != "3" {
		t.Errorf("responses of the named survey = %+v; want Dana's 3", rs)
	}
}
