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

// TestContactCorrectionsKeepFigures: after each edit or delete, the
// partner's last contact, last inbound contact and outbound run (the
// one-way flag) are what they would be had the contacts been logged that
// way, ended events still counting as contact.
func TestContactCorrectionsKeepFigures(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	day := func(n int) time.Time { return t0.AddDate(0, 0, -n) }
	ids := map[string]int64{}
	for _, c := range []struct {
		name, dir, who string
		daysAgo        int
	}{
		{"C1", "out", "U1", 10}, {"C2", "in", "U1", 8}, {"C3", "out", "U2", 5}, {"C4", "out", "U1", 4}, {"C5", "out", "U1", 3},
	} {
		got, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county"}, domain.Contact{Method: "call", Direction: c.dir, Who: c.who, When: day(c.daysAgo), Summary: c.name}, nil, c.who, t0)
		if err != nil {
			t.Fatal(err)
		}
		ids[c.name] = got.ID
	}
	check := func(step string, last, lastIn time.Time, out int, oneWay bool) {
		t.Helper()
		p, err := s.Partner(ctx, team, "county-health-dept")
		if err != nil {
			t.Fatal(err)
		}
		if !p.LastContact.Equal(last) || !p.LastInbound.Equal(lastIn) || p.OutSinceIn != out || p.Health(t0).OneWay != oneWay {
			t.Errorf("%s: last %v, inbound %v, out since %d, one-way %v; want %v, %v, %d, %v",
				step, p.LastContact, p.LastInbound, p.OutSinceIn, p.Health(t0).OneWay, last, lastIn, out, oneWay)
		}
	}
	check("as logged", day(3), day(8), 3, true)

	if c, err := s.DeleteContact(ctx, team, ids["C5"], "U1", t0); err != nil || c.Summary != "C5" {
		t.Fatalf("delete C5 = %+v, %v", c, err)
	}
	check("latest deleted", day(4), day(8), 2, false)

	if c, err := s.EditContact(ctx, team, ids["C3"], store.ContactChange{When: day(9), Summary: "C3 moved", Method: "visit"}, "U1", t0); err != nil || c.Summary != "C3 moved" || c.Method != "visit" || !c.When.Equal(day(9)) || c.Direction != "out" {
		t.Fatalf("edit C3 = %+v, %v", c, err)
	}
	check("moved before the inbound one", day(4), day(8), 1, false)
	if c, err := s.EditContact(ctx, team, ids["C3"], store.ContactChange{Outcome: "They'll host"}, "U1", t0); err != nil || c.Outcome != "They'll host" || c.Summary != "C3 moved" || c.Method != "visit" || !c.When.Equal(day(9)) {
		t.Fatalf("an outcome alone = %+v, %v; want only the outcome changed", c, err)
	}

	if _, err := s.DeleteContact(ctx, team, ids["C2"], "U1", t0); err != nil {
		t.Fatal(err)
	}
	check("the only inbound deleted", day(4), time.Time{}, 3, true)

	e := domain.Event{Title: "Fair", Type: "health-fair", Start: day(2), End: day(2).Add(2 * time.Hour), Registered: -1}
	if _, _, err := s.AddEvent(ctx, team, store.PartnerRef{Text: "county"}, e, store.EventDelays{}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditContact(ctx, team, ids["C4"], store.ContactChange{Summary: "C4 again"}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	check("an ended event counts", day(2).Add(2*time.Hour), time.Time{}, 3, true)

	history, _ := s.History(ctx, team, "county-health-dept", 10)
	var got []string
	for _, c := range history {
		got = append(got, c.Summary)
	}
	if want := []string{"C4 again", "C3 moved", "C1"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("history after the corrections = %q; want %q", got, want)
	}
	if _, err := s.DeleteContact(ctx, team, ids["C5"], "U1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a deleted contact = %v; want ErrNotFound", err)
	}
}

// TestLatestContactOfAUser: `last` is the person's own latest logged
// contact, and the one before once it is deleted.
func TestLatestContactOfAUser(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	addPartner(t, s, "Eastside Clinic", "")
	ctx := context.Background()
	log := func(partner, who, summary string, at time.Time) int64 {
		c, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: partner}, domain.Contact{Method: "call", Direction: "out", Who: who, When: at, Summary: summary}, nil, who, at)
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	first := log("county", "U1", "mine, first", t0)
	second := log("eastside", "U1", "mine, second", t0.Add(time.Minute))
	log("county", "U2", "someone else's", t0.Add(2*time.Minute))
	if c, err := s.FindContact(ctx, team, 0, "U1"); err != nil || c.ID != second || c.Partner != "eastside-clinic" {
		t.Errorf("U1's latest = %+v, %v; want C%d with eastside-clinic", c, err, second)
	}
	if _, err := s.DeleteContact(ctx, team, second, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if c, err := s.FindContact(ctx, team, 0, "U1"); err != nil || c.ID != first {
		t.Errorf("U1's latest after deleting it = %+v, %v; want C%d", c, err, first)
	}
	if c, err := s.FindContact(ctx, team, first, ""); err != nil || c.Summary != "mine, first" || c.Partner != "county-health-dept" {
		t.Errorf("C%d by id = %+v, %v", first, c, err)
	}
	// Logged in the same millisecond (a fake clock's instant): the last
	// logged is the latest, C10 after C9.
	var ids []int64
	for range 9 {
		ids = append(ids, log("county", "U3", "same instant", t0))
	}
	if c, err := s.FindContact(ctx, team, 0, "U3"); err != nil || c.ID != ids[len(ids)-1] {
		t.Errorf("U3's latest of %v logged at once = %+v, %v; want the last", ids, c, err)
	}
	if _, err := s.FindContact(ctx, team, 0, "U9"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("latest of someone who logged nothing = %v; want ErrNotFound", err)
	}
}

// TestContactsBefore1970: a contact may be dated before 1970, a negative
// time in Redis; the partner's figures treat it as any other date, when
// logged and after a correction.
func TestContactsBefore1970(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	at := func(y int) time.Time { return time.Date(y, 6, 1, 13, 0, 0, 0, time.UTC) }
	ids := map[int]int64{}
	for _, c := range []struct {
		year int
		dir  string
	}{{1969, "out"}, {1965, "in"}, {1960, "out"}, {1968, "out"}} {
		got, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county"}, domain.Contact{Method: "letter", Direction: c.dir, Who: "U1", When: at(c.year), Summary: "x"}, nil, "U1", t0)
		if err != nil {
			t.Fatal(err)
		}
		ids[c.year] = got.ID
	}
	check := func(step string, last, lastIn time.Time, out int) {
		t.Helper()
		p, err := s.Partner(ctx, team, "county-health-dept")
		if err != nil {
			t.Fatal(err)
		}
		if !p.LastContact.Equal(last) || !p.LastInbound.Equal(lastIn) || p.OutSinceIn != out {
			t.Errorf("%s: last %v, inbound %v, out since %d; want %v, %v, %d", step, p.LastContact, p.LastInbound, p.OutSinceIn, last, lastIn, out)
		}
	}
	check("as logged", at(1969), at(1965), 2)
	if _, err := s.DeleteContact(ctx, team, ids[1965], "U1", t0); err != nil {
		t.Fatal(err)
	}
	check("the inbound one deleted", at(1969), time.Time{}, 3)
	if _, err := s.EditContact(ctx, team, ids[1969], store.ContactChange{When: at(1950)}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	check("the latest moved back", at(1968), time.Time{}, 3)
}

// TestHistoryIn: a period's contacts, newest first, from its first
// instant up to (not including) its end, at most limit of them.
func TestHistoryIn(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	day := func(n int) time.Time { return t0.AddDate(0, 0, -n) }
	for _, n := range []int{1, 2, 3, 4, 5} {
		if _, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county"}, domain.Contact{Method: "call", Direction: "out", Who: "U1", When: day(n), Summary: fmt.Sprintf("%d days ago", n)}, nil, "U1", t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		from, to time.Time
		limit    int
		want     string
	}{
		{day(4), day(1), 10, "2 days ago, 3 days ago, 4 days ago"},
		{day(4), day(1), 2, "2 days ago, 3 days ago"},
		{day(4).Add(time.Second), day(1).Add(time.Second), 10, "1 days ago, 2 days ago, 3 days ago"},
		{day(30), day(20), 10, ""},
	} {
		cs, err := s.HistoryIn(ctx, team, "county-health-dept", tc.from, tc.to, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.Summary)
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("HistoryIn(%v, %v, %d) = %q; want %q", tc.from, tc.to, tc.limit, got, tc.want)
		}
	}
}
