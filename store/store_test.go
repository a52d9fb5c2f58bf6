package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

const team = "T0HOME"

// t0 is the test instant (testclock).
var t0 = testclock.Now()

func newStore(t *testing.T) (*store.Store, *storetest.Server) {
	t.Helper()
	srv := storetest.New(t)
	return store.New(srv.Client(), 0).WithNext(storetest.Next), srv
}

func addPartner(t *testing.T, s *store.Store, name, channel string) domain.Partner {
	t.Helper()
	p := domain.Partner{Slug: domain.Slugify(name), Name: name, Kind: "clinic", Stage: "prospect", Owner: "U1", Channel: channel}
	if err := s.AddPartner(context.Background(), team, p, "U1", t0); err != nil {
		t.Fatalf("AddPartner(%q) = %v", name, err)
	}
	return p
}

func TestResolvePartner(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	addPartner(t, s, "Eastside Clinic", "")
	addPartner(t, s, "Eastside Pharmacy", "")
	ctx := context.Background()
	if err := s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{OrgTeams: &[]string{"T0PARTNER"}}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		ref      store.PartnerRef
		want     string
		wantErr  error
		wantCand []string
	}{
		{"slug", store.PartnerRef{Text: "county-health-dept"}, "county-health-dept", nil, nil},
		{"name any case", store.PartnerRef{Text: "COUNTY health   dept"}, "county-health-dept", nil, nil},
		{"unique prefix", store.PartnerRef{Text: "county"}, "county-health-dept", nil, nil},
		{"ambiguous prefix", store.PartnerRef{Text: "eastside"}, "", store.ErrNotFound, []string{"eastside-clinic", "eastside-pharmacy"}},
		{"unknown", store.PartnerRef{Text: "contyhealth"}, "", store.ErrNotFound, nil},
		{"channel link", store.PartnerRef{Channel: "C1"}, "county-health-dept", nil, nil},
		{"no partner, unlinked channel", store.PartnerRef{Channel: "C9"}, "", store.ErrNoPartner, nil},
		{"liaison, own partner", store.PartnerRef{Text: "county", Channel: "C1", Liaison: true, Team: "T0PARTNER"}, "county-health-dept", nil, nil},
		{"liaison, own partner left out", store.PartnerRef{Channel: "C1", Liaison: true, Team: "T0PARTNER"}, "county-health-dept", nil, nil},
		{"liaison of another organization", store.PartnerRef{Channel: "C1", Liaison: true, Team: "T0OTHER"}, "", store.ErrDenied, nil},
		{"liaison, other partner", store.PartnerRef{Text: "eastside-clinic", Channel: "C1", Liaison: true, Team: "T0PARTNER"}, "", store.ErrDenied, nil},
		{"liaison, unknown partner says nothing", store.PartnerRef{Text: "nope", Channel: "C1", Liaison: true, Team: "T0PARTNER"}, "", store.ErrDenied, nil},
		{"liaison, unlinked channel", store.PartnerRef{Channel: "C9", Liaison: true, Team: "T0PARTNER"}, "", store.ErrDenied, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ResolvePartner(ctx, team, tc.ref)
			if !errors.Is(err, tc.wantErr) || p.Slug != tc.want {
				t.Fatalf("ResolvePartner(%+v) = %q, %v; want %q, %v", tc.ref, p.Slug, err, tc.want, tc.wantErr)
			}
			if pe, ok := store.IsConflict(err); ok || tc.wantCand != nil {
				var got []string
				if pe != nil {
					got = pe.Candidates
				}
				if diff := cmp.Diff(tc.wantCand, got); diff != "" {
					t.Errorf("candidates (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestAddPartnerConflicts(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		p        domain.Partner
		wantErr  error
		wantSlug string
	}{
		{"same slug", domain.Partner{Slug: "county-health-dept", Name: "County Health Dept."}, store.ErrExists, "county-health-dept"},
		{"same channel", domain.Partner{Slug: "other", Name: "Other", Channel: "C1"}, store.ErrChannelTaken, "county-health-dept"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AddPartner(ctx, team, tc.p, "U1", t0)
			pe, _ := store.IsConflict(err)
			if !errors.Is(err, tc.wantErr) || pe == nil || pe.Slug != tc.wantSlug {
				t.Fatalf("AddPartner = %v; want %v held by %q", err, tc.wantErr, tc.wantSlug)
			}
		})
	}
	ps, err := s.ListPartners(ctx, team)
	if err != nil || len(ps) != 1 {
		t.Fatalf("ListPartners = %d partners, %v; want 1 (failed adds store nothing)", len(ps), err)
	}
}

func TestLogContactHistoryAndHealth(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	ref := store.PartnerRef{Text: "county"}
	log := func(dir string, when time.Time, summary string) domain.Partner {
		t.Helper()
		_, _, p, err := s.LogContact(ctx, team, ref, domain.Contact{Method: "call", Direction: dir, Who: "U1", When: when, Summary: summary}, nil, "U1", t0)
		if err != nil {
			t.Fatalf("LogContact: %v", err)
		}
		return p
	}
	log("out", t0.Add(-48*time.Hour), "first")
	log("out", t0.Add(-24*time.Hour), "second")
	p := log("out", t0.Add(-72*time.Hour), "backdated")
	if !p.Health(t0).OneWay {
		t.Errorf("after 3 outbound contacts: one-way = false; want true")
	}
	if !p.LastContact.Equal(t0.Add(-24 * time.Hour)) {
		t.Errorf("LastContact = %v; want the newest contact time, not the newest logged", p.LastContact)
	}
	p = log("in", t0.Add(-96*time.Hour), "old inbound")
	if !p.Health(t0).OneWay {
		t.Errorf("an inbound contact older than the outbound ones: one-way = false; want true")
	}
	p = log("in", t0, "they called back")
	if p.Health(t0).OneWay {
		t.Errorf("after a new inbound contact: one-way = true; want false")
	}
	h, err := s.History(ctx, team, "county-health-dept", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range h {
		got = append(got, c.Summary)
	}
	want := []string{"they called back", "second", "first", "backdated", "old inbound"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("History order (-want +got):\n%s", diff)
	}
	if h[0].ID != 5 || h[4].ID != 4 {
		t.Errorf("ids = %d, %d; want 5, 4", h[0].ID, h[4].ID)
	}
}

func TestUpdateRenameAndChannel(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	addPartner(t, s, "Eastside Clinic", "C2")
	ctx := context.Background()
	name, ch := "Metro Public Health", "C3"
	if err := s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Name: &name, Channel: &ch}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{"metro public health": "county-health-dept", "metro": "county-health-dept", "county-health-dept": "county-health-dept"} {
		p, _ := s.ResolvePartner(ctx, team, store.PartnerRef{Text: ref})
		if p.Slug != want {
			t.Errorf("after rename, resolve %q = %q; want %q", ref, p.Slug, want)
		}
	}
	if p, _ := s.ResolvePartner(ctx, team, store.PartnerRef{Channel: "C1"}); p.Slug != "" {
		t.Errorf("old channel still linked to %q", p.Slug)
	}
	taken := "C2"
	err := s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Channel: &taken}, "U1", t0)
	if !errors.Is(err, store.ErrChannelTaken) {
		t.Errorf("linking a taken channel = %v; want ErrChannelTaken", err)
	}
	clash := "eastside clinic"
	err = s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Name: &clash}, "U1", t0)
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("renaming onto another partner's name = %v; want ErrExists", err)
	}
}

func TestErasePartner(t *testing.T) {
	s, srv := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	if _, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county"}, domain.Contact{Method: "call", Direction: "out", When: t0}, &store.NextStep{Due: t0.Add(time.Hour), Text: "call back"}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertPerson(ctx, team, "county-health-dept", domain.Person{Name: "Dana"}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddNeed(ctx, team, domain.Need{Topics: []string{"diabetes"}, Note: "cooking classes", Partner: "county-health-dept", At: t0}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	rep, _, err := s.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"}, domain.FollowUp{Assignee: "U1", Due: t0.Add(time.Hour), Text: "check in",
		Rule: "0 9 * * 1", Zone: "UTC"}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangeFollowUp(ctx, team, rep, domain.ChangeDone, time.Time{}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.ErasePartner(ctx, team, "county-health-dept", "U1", t0); err != nil {
		t.Fatal(err)
	}
	// Only the id counters and the audit trail may remain: ids are never reused.
	keys := srv.Keys(ctx)
	want := map[string]bool{"outreach:{T0HOME}:seq:contact": true, "outreach:{T0HOME}:seq:followup": true, "outreach:{T0HOME}:seq:need": true, "outreach:{T0HOME}:audit": true}
	for _, k := range keys {
		if !want[k] {
			t.Errorf("key %q left after erase", k)
		}
	}
}

func TestUnavailable(t *testing.T) {
	s, srv := newStore(t)
	srv.Stop()
	_, err := s.ListPartners(context.Background(), team)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("with Redis stopped, ListPartners = %v; want ErrUnavailable", err)
	}
	srv.Start()
	if _, err := s.ListPartners(context.Background(), team); err != nil {
		t.Fatalf("after Redis restarted, ListPartners = %v; want no error", err)
	}
}

func TestFirstDelivery(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		got, err := s.FirstDelivery(ctx, team, "Ev123", time.Hour)
		if err != nil || got != want {
			t.Errorf("delivery %d: FirstDelivery = %v, %v; want %v", i+1, got, err, want)
		}
	}
}

// A person updated with some fields keeps the others; a field named in
// clear is emptied.
func TestUpsertPersonKeepsWhatIsNotGiven(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "C1")
	ctx := context.Background()
	for _, step := range []struct {
		p     domain.Person
		clear []string
		added bool
		want  domain.Person
	}{
		{domain.Person{Name: "Dana Whitfield", Role: "Health educator", Email: "dana@county.gov", Phone: "555-0100"}, nil, true,
			domain.Person{Name: "Dana Whitfield", Role: "Health educator", Email: "dana@county.gov", Phone: "555-0100"}},
		{domain.Person{Name: "dana whitfield", Role: "Director"}, nil, false,
			domain.Person{Name: "dana whitfield", Role: "Director", Email: "dana@county.gov", Phone: "555-0100"}},
		{domain.Person{Name: "Dana Whitfield"}, []string{"phone"}, false,
			domain.Person{Name: "Dana Whitfield", Role: "Director", Email: "dana@county.gov"}},
	} {
		added, err := s.UpsertPerson(ctx, team, "county-health-dept", step.p, "U1", t0, step.clear...)
		if err != nil {
			t.Fatal(err)
		}
		people, err := s.People(ctx, team, "county-health-dept")
		if err != nil {
			t.Fatal(err)
		}
		if added != step.added || len(people) != 1 || people[0] != step.want {
			t.Errorf("after %+v (clear %v): added %v, people %+v; want added %v, %+v", step.p, step.clear, added, people, step.added, step.want)
		}
	}
}
