package store_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestOneSlotPerWorkspace runs every kind of write and read for several
// workspaces at once. The test client (storetest.CheckSlots) fails the
// test when one command or pipeline names keys of two hash slots, or a key
// without its {team} tag; on a Cluster (OUTREACH_TEST_REDIS=cluster) the
// servers would also refuse it with CROSSSLOT. Then every key stored must
// carry its workspace's tag, each workspace's keys must share one slot,
// and the workspaces must spread over several slots.
func TestOneSlotPerWorkspace(t *testing.T) {
	srv := storetest.New(t)
	s := store.New(srv.Client(), 0)
	ctx := context.Background()
	teams := []string{"T0HOME", "T024BE7LD", "T1A2B3C4D", "TNORTHLIB", "TSOUTHLIB", "TCOUNTY01", "TSTATE001", "TRIVER042"}
	for _, team := range teams {
		workspaceDay(t, ctx, s, team)
	}

	slotsOf := map[string]map[int]bool{} // team → slots of its keys
	for _, k := range srv.Keys(ctx) {
		m := storetest.BotKey.FindString(k)
		if m == "" {
			t.Errorf("key %q lacks the outreach:{team}: hash tag", k)
			continue
		}
		team := m[len("outreach:{") : len(m)-len("}:")]
		if slotsOf[team] == nil {
			slotsOf[team] = map[int]bool{}
		}
		slotsOf[team][storetest.Slot(k)] = true
	}
	all := map[int]bool{}
	for _, team := range teams {
		if n := len(slotsOf[team]); n != 1 {
			t.Errorf("workspace %s: keys in %d slots; want 1", team, n)
		}
		for sl := range slotsOf[team] {
			all[sl] = true
		}
	}
	if len(all) < len(teams)/2 {
		var got []int
		for sl := range all {
			got = append(got, sl)
		}
		sort.Ints(got)
		t.Errorf("%d workspaces in slots %v; want them spread", len(teams), got)
	}
}

// workspaceDay is one workspace's day: partners, people, contacts, a next
// step, follow-ups done and snoozed, an event with attendance, a survey
// answered, reminders claimed, extended, handed back and finished, a
// recurring schedule advanced, reads, and an erase.
func workspaceDay(t *testing.T, ctx context.Context, s *store.Store, team string) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", team, what, err)
		}
	}
	now := t0
	for _, name := range []string{"County Health Dept", "Eastside Clinic"} {
		must("add partner", s.AddPartner(ctx, team, domain.Partner{Slug: domain.Slugify(name), Name: name, Kind: "clinic", Stage: "active", Owner: "U1"}, "U1", now))
	}
	ref := store.PartnerRef{Text: "county"}
	_, err := s.UpsertPerson(ctx, team, "county-health-dept", domain.Person{Name: "Dana", Role: "director"}, "U1", now)
	must("upsert person", err)
	name := "Metro Health"
	must("update partner", s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Name: &name}, "U1", now))
	_, _, _, err = s.LogContact(ctx, team, ref, domain.Contact{Method: "call", Direction: "out", Who: "U1", When: now, Summary: "flu clinic"},
		&store.NextStep{Due: now.Add(time.Minute), Text: "send the flyer"}, "U1", now)
	must("log contact", err)
	fu, _, err := s.AddFollowUp(ctx, team, ref, domain.FollowUp{Assignee: "U1", Due: now.Add(2 * time.Minute), Text: "call back"}, "U1", now)
	must("add follow-up", err)
	_, err = s.ChangeFollowUp(ctx, team, fu, domain.ChangeSnooze, now.Add(time.Hour), "U1", now)
	must("snooze", err)
	ev, _, err := s.AddEvent(ctx, team, ref, domain.Event{Title: "Flu fair", Type: "health-fair", Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour), Registered: -1},
		store.EventDelays{Feedback: time.Hour, FollowUp: 30 * 24 * time.Hour}, "U1", now)
	must("add event", err)
	must("set attended", s.SetAttended(ctx, team, ev, 40, "U1", now))
	must("event ended", s.EventEnded(ctx, team, ev))
	sv, _, err := s.CreateSurvey(ctx, team, fmt.Sprintf("ev:%d:feedback", ev), domain.Survey{Template: "event-feedback", Partner: "county-health-dept", Event: ev, Channel: "C1"}, now)
	must("create survey", err)
	must("survey posted", s.SurveyPosted(ctx, team, sv, "C1", "1.000001"))
	_, err = s.Respond(ctx, team, sv, "U9", "T9", "C1", "useful", "5", "useful", now)
	must("respond", err)

	later := now.Add(3 * time.Hour)
	_, err = s.EnqueueJobs(ctx, team, map[string]time.Time{"digest:x": now})
	must("enqueue", err)
	c, err := s.ClaimDue(ctx, team, later, later.Add(30*time.Second), 100, "tok")
	must("claim", err)
	var ids []string
	for _, j := range c.Jobs {
		ids = append(ids, j.ID)
	}
	_, err = s.ExtendLeases(ctx, team, "tok", later.Add(time.Minute), ids...)
	must("extend", err)
	_, err = s.ReleaseJobs(ctx, team, "tok", time.Time{}, store.Retry, ids...)
	must("release", err)
	c, err = s.ClaimDue(ctx, team, later, later.Add(30*time.Second), 100, "tok2")
	must("claim again", err)
	for _, j := range c.Jobs {
		var id int64
		if _, err := fmt.Sscanf(j.ID, "fu:%d:", &id); err == nil {
			_, err = s.ReminderSent(ctx, team, id, j, "tok2", later, time.Time{}, "D1", "1.1")
			must("reminder sent", err)
			continue
		}
		_, err = s.FinishJob(ctx, team, j, "tok2", later, "", time.Time{})
		must("finish", err)
	}
	_, err = s.AdvanceSchedule(ctx, team, "digest", time.Time{}, later, "digest:y")
	must("advance schedule", err)
	_, err = s.FirstDelivery(ctx, team, "Ev1", time.Hour)
	must("first delivery", err)

	_, err = s.History(ctx, team, "county-health-dept", 10)
	must("history", err)
	_, err = s.ListPartners(ctx, team)
	must("list", err)
	_, err = s.OpenFollowUps(ctx, team, "U1")
	must("open follow-ups", err)
	must("each contact", s.EachContact(ctx, team, "county-health-dept", now.Add(-time.Hour), later, func(domain.Contact) error { return nil }))
	must("each need", s.EachNeed(ctx, team, "", now.Add(-time.Hour), later, func(domain.Need) error { return nil }))
	_, _, err = s.QueuedJobs(ctx, team)
	must("queued", err)
	_, err = s.Responses(ctx, team, sv)
	must("responses", err)
	must("erase", s.ErasePartner(ctx, team, "eastside-clinic", "U1", later))
}
