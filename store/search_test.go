package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// searchIndex is the search index as Redis holds it: each word's set,
// its members sorted.
func searchIndex(t *testing.T, srv *storetest.Server) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, k := range srv.Keys(ctx) {
		if s, ok := store.ShapeOf(k); ok && s.Name == "SearchToken" {
			members, err := srv.Client().SMembers(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(members)
			out[k] = members
		}
	}
	return out
}

// TestSearchIndexFollowsEveryWrite: after each write that changes what
// the team wrote, the index Redis holds is the one a rebuild from the
// records makes (IndexSearch over an emptied index): no word a record
// lost is left behind, none it gained is missing.
func TestSearchIndexFollowsEveryWrite(t *testing.T) {
	s, srv := newStore(t)
	ctx := context.Background()
	delays := store.EventDelays{Feedback: time.Hour, FollowUp: 30 * 24 * time.Hour}
	var contact, event int64
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"add partners", func() error {
			addPartner(t, s, "Clínica Salud", "")
			addPartner(t, s, "County Health Dept", "C1")
			return nil
		}},
		{"describe a partner", func() error {
			services, goals := "Flu shots, diabetes education", "Reach seniors before winter"
			return s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Services: &services, Goals: &goals}, "U1", t0)
		}},
		{"rename it", func() error {
			name := "County Public Health"
			return s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Name: &name}, "U1", t0)
		}},
		{"a change that leaves the text alone", func() error {
			stage := "active"
			return s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Stage: &stage}, "U1", t0)
		}},
		{"add people", func() error {
			for _, p := range []domain.Person{{Name: "Dana Lee", Role: "Health educator", Email: "dana@county.gov"}, {Name: "José Núñez", Role: "Director"}} {
				if _, err := s.UpsertPerson(ctx, team, "county-health-dept", p, "U1", t0); err != nil {
					return err
				}
			}
			_, err := s.UpsertPerson(ctx, team, "clinica-salud", domain.Person{Name: "Ana Ruiz", Role: "Promotora"}, "U1", t0)
			return err
		}},
		{"update a person", func() error {
			_, err := s.UpsertPerson(ctx, team, "county-health-dept", domain.Person{Name: "dana lee", Role: "Outreach lead"}, "U1", t0)
			return err
		}},
		{"log contacts", func() error {
			for i, sum := range []string{"Talked about the flu clinic", "Dana sent the diabetes workshop outline", "Planned the health fair with the clinic"} {
				c, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: []string{"county", "county", "clinica"}[i]},
					domain.Contact{Method: "call", Direction: "out", When: t0, Summary: sum, Outcome: "They agreed"}, nil, "U1", t0)
				if err != nil {
					return err
				}
				contact = c.ID
			}
			return nil
		}},
		{"edit a contact", func() error {
			_, err := s.EditContact(ctx, team, contact, store.ContactChange{Summary: "Planned the vaccine fair"}, "U1", t0)
			return err
		}},
		{"edit a contact's outcome", func() error {
			_, err := s.EditContact(ctx, team, contact, store.ContactChange{Outcome: "They declined for now"}, "U1", t0)
			return err
		}},
		{"edit a contact's time only", func() error {
			_, err := s.EditContact(ctx, team, contact, store.ContactChange{When: t0.Add(-time.Hour)}, "U1", t0)
			return err
		}},
		{"delete a contact", func() error {
			_, err := s.DeleteContact(ctx, team, contact-1, "U1", t0)
			return err
		}},
		{"record needs", func() error {
			for _, n := range []domain.Need{
				{Topics: []string{"transportation"}, Note: "No bus to the clinic on Saturdays", Partner: "county-health-dept", At: t0},
				{Topics: []string{"mental-health"}, Note: "Teens asked for someone to talk to", At: t0},
			} {
				if _, err := s.AddNeed(ctx, team, n, "U1", t0); err != nil {
					return err
				}
			}
			return nil
		}},
		{"add events", func() error {
			var err error
			event, _, err = s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, domain.Event{Title: "Flu shot clinic", Type: "screening",
				Start: t0.Add(48 * time.Hour), End: t0.Add(50 * time.Hour), Registered: -1}, delays, "U1", t0)
			if err != nil {
				return err
			}
			_, _, err = s.AddEvent(ctx, team, store.PartnerRef{Text: "clinica"}, domain.Event{Title: "Feria de salud", Type: "health-fair",
				Start: t0.Add(72 * time.Hour), End: t0.Add(74 * time.Hour), Registered: -1, With: []string{"county-health-dept"}}, delays, "U1", t0)
			return err
		}},
		{"retitle an event", func() error {
			title := "Flu and COVID shot clinic"
			_, err := s.EditEvent(ctx, team, event, store.EventChange{Title: &title}, delays, "U1", t0)
			return err
		}},
		{"erase a partner", func() error {
			return s.ErasePartner(ctx, team, "county-health-dept", "U1", t0)
		}},
	} {
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		kept := searchIndex(t, srv)
		if len(kept) == 0 {
			t.Fatalf("%s: the index is empty", step.name)
		}
		for k := range kept {
			if err := srv.Client().Del(ctx, k).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.IndexSearch(ctx, team); err != nil {
			t.Fatalf("%s: rebuild: %v", step.name, err)
		}
		if diff := cmp.Diff(searchIndex(t, srv), kept); diff != "" {
			t.Errorf("%s: the index differs from a rebuild (-rebuilt +kept):\n%s", step.name, diff)
		}
	}
}

func TestSearch(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	addPartner(t, s, "Clínica Salud", "C2")
	addPartner(t, s, "County Health Dept", "C1")
	if _, err := s.UpsertPerson(ctx, team, "clinica-salud", domain.Person{Name: "Ana Ruiz", Role: "Promotora de salud"}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	logged := map[string]int64{}
	for _, c := range []struct{ partner, who, summary string }{
		{"county", "U1", "Talked about the flu clinic"},
		{"clinica", "U1", "Flu shots at the clinic next month"},
		{"clinica", "U0LIAISON", "Our clinic can host the flu day"},
		{"county", "U0LIAISON", "The clinic flu schedule from us"},
	} {
		got, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: c.partner}, domain.Contact{Method: "call", Direction: "out", Who: c.who, When: t0, Summary: c.summary}, nil, c.who, t0)
		if err != nil {
			t.Fatal(err)
		}
		logged[c.summary] = got.ID
	}
	for _, n := range []domain.Need{
		{Topics: []string{"vaccines"}, Note: "Flu clinic hours too short", Partner: "clinica-salud", At: t0},
		{Topics: []string{"vaccines"}, Note: "Flu clinic too far", Partner: "county-health-dept", At: t0},
	} {
		if _, err := s.AddNeed(ctx, team, n, "U1", t0); err != nil {
			t.Fatal(err)
		}
	}
	summaries := func(cs []domain.Contact) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Summary)
		}
		return out
	}
	for _, tc := range []struct {
		name         string
		words        []string
		scope        store.SearchScope
		wantContacts []string
		wantNeeds    int
		wantPartners []string
		wantPeople   []string
	}{
		{"two words, any order, newest first", []string{"flu", "clinic"}, store.SearchScope{},
			[]string{"The clinic flu schedule from us", "Our clinic can host the flu day", "Flu shots at the clinic next month", "Talked about the flu clinic"}, 2, nil, nil},
		{"a partner's name without its accent", []string{"clinica"}, store.SearchScope{}, nil, 0, []string{"clinica-salud"}, nil},
		{"a person's role", []string{"promotora"}, store.SearchScope{}, nil, 0, nil, []string{"Ana Ruiz"}},
		{"one partner", []string{"flu"}, store.SearchScope{Partner: "county-health-dept"},
			[]string{"The clinic flu schedule from us", "Talked about the flu clinic"}, 1, nil, nil},
		{"a liaison: their own notes to their partner, its needs", []string{"flu"}, store.SearchScope{Partner: "clinica-salud", Liaison: true, Author: "U0LIAISON"},
			[]string{"Our clinic can host the flu day"}, 1, nil, nil},
		{"a word nobody wrote", []string{"flu", "zebra"}, store.SearchScope{}, nil, 0, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Search(ctx, team, tc.words, tc.scope, 50)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantContacts, summaries(res.Contacts)); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
			if len(res.Needs) != tc.wantNeeds || res.Found[store.KindNeed] != tc.wantNeeds {
				t.Errorf("needs = %d (found %d); want %d", len(res.Needs), res.Found[store.KindNeed], tc.wantNeeds)
			}
			var partners, people []string
			for _, p := range res.Partners {
				partners = append(partners, p.Slug)
			}
			for _, p := range res.People {
				people = append(people, p.Person.Name)
			}
			if diff := cmp.Diff(tc.wantPartners, partners); diff != "" {
				t.Errorf("partners (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantPeople, people); diff != "" {
				t.Errorf("people (-want +got):\n%s", diff)
			}
		})
	}
	// The limit loads the newest; Found still counts them all.
	res, err := s.Search(ctx, team, []string{"flu", "clinic"}, store.SearchScope{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contacts) != 1 || res.Contacts[0].ID != logged["The clinic flu schedule from us"] || res.Found[store.KindContact] != 4 {
		t.Errorf("limit 1: %d contacts (%v), found %d; want the newest of 4", len(res.Contacts), summaries(res.Contacts), res.Found[store.KindContact])
	}
}

// TestSearchIndexUnderConcurrentEdits: people editing the same records at
// once leave the index as a rebuild makes it, each edit's words taken out
// by the edit that replaces them.
func TestSearchIndexUnderConcurrentEdits(t *testing.T) {
	s, srv := newStore(t)
	ctx := context.Background()
	addPartner(t, s, "County Health Dept", "")
	c, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county"}, domain.Contact{Method: "call", Direction: "out", When: t0, Summary: "first words"}, nil, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	errs := make(chan error, 2*writers)
	for i := range writers {
		go func() {
			services := fmt.Sprintf("service%d shared", i)
			errs <- s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Services: &services}, "U1", t0)
		}()
		go func() {
			_, err := s.EditContact(ctx, team, c.ID, store.ContactChange{Summary: fmt.Sprintf("summary%d common", i)}, "U1", t0)
			errs <- err
		}()
	}
	for range 2 * writers {
		// A writer that lost three rounds to the others is told so
		// (ErrChanged); what matters is that the index stays right.
		if err := <-errs; err != nil && !errors.Is(err, store.ErrChanged) {
			t.Fatal(err)
		}
	}
	kept := searchIndex(t, srv)
	for k := range kept {
		if err := srv.Client().Del(ctx, k).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.IndexSearch(ctx, team); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(searchIndex(t, srv), kept); diff != "" {
		t.Errorf("the index differs from a rebuild (-rebuilt +kept):\n%s", diff)
	}
}
