package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestImportRows: rows are stored whole, each once: a row imported
// before or carrying an id of ours that exists is skipped, an id of ours
// that is free is kept and the counter moves past it, a row whose
// partner is gone is refused; the partner's figures follow the contacts;
// an overdue follow-up comes in overdue with its reminders spent, and
// one still ahead gets its reminder queued.
func TestImportRows(t *testing.T) {
	srv := storetest.New(t)
	s := New(srv.Client(), 0)
	ctx := context.Background()
	now := testclock.Now()
	for _, p := range []domain.Partner{{Slug: "county", Name: "County"}, {Slug: "east", Name: "East"}} {
		if err := s.AddPartner(ctx, "T1", p, "U1", now); err != nil {
			t.Fatal(err)
		}
	}
	c := func(ident string, id int64, slug, dir string, ago time.Duration) ImportRow {
		return ImportRow{Identity: ident, ID: id, Contact: domain.Contact{Partner: slug, Method: "call", Direction: dir, Who: "U2", When: now.Add(-ago), Summary: "talked"}}
	}
	rows := []ImportRow{
		c("contact:a", 0, "county", "in", 48*time.Hour),
		c("", 40, "county", "out", 24*time.Hour),
		c("contact:b", 0, "county", "out", 12*time.Hour),
		c("contact:a", 0, "county", "in", 48*time.Hour), // the same row twice in a file
		c("contact:c", 0, "gone", "out", time.Hour),
	}
	seen, err := s.ImportSeen(ctx, "T1", ImportContact, rows)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bool{false, false, false, false, false}, seen); diff != "" {
		t.Errorf("seen before any import (-want +got):\n%s", diff)
	}
	got, err := s.ImportRows(ctx, "T1", ImportContact, rows, EventDelays{}, "U1", now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{1, 40, 41, ImportSkipped, ImportGone}, got); diff != "" {
		t.Errorf("first import (-want +got):\n%s", diff)
	}
	again, err := s.ImportRows(ctx, "T1", ImportContact, rows[:3], EventDelays{}, "U1", now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{ImportSkipped, ImportSkipped, ImportSkipped}, again); diff != "" {
		t.Errorf("second import (-want +got):\n%s", diff)
	}
	if seen, _ := s.ImportSeen(ctx, "T1", ImportContact, rows[:3]); !cmp.Equal(seen, []bool{true, true, true}) {
		t.Errorf("seen after the import: %v", seen)
	}
	// A row known now by another identity, and before by one imported:
	// there already, for the dry run and the import.
	renamed := c("contact:a2", 0, "county", "in", 48*time.Hour)
	renamed.Was = "contact:a"
	if seen, _ := s.ImportSeen(ctx, "T1", ImportContact, []ImportRow{renamed}); !cmp.Equal(seen, []bool{true}) {
		t.Errorf("a row imported under its former identity, seen: %v", seen)
	}
	if got, err := s.ImportRows(ctx, "T1", ImportContact, []ImportRow{renamed}, EventDelays{}, "U1", now); err != nil || !cmp.Equal(got, []int64{ImportSkipped}) {
		t.Errorf("a row imported under its former identity, imported again: %v, %v", got, err)
	}
	p, err := s.Partner(ctx, "T1", "county")
	if err != nil {
		t.Fatal(err)
	}
	if !p.LastContact.Equal(now.Add(-12*time.Hour).Truncate(time.Millisecond)) || !p.LastInbound.Equal(now.Add(-48*time.Hour).Truncate(time.Millisecond)) || p.OutSinceIn != 2 {
		t.Errorf("county's figures: last %v, inbound %v, out since %d", p.LastContact, p.LastInbound, p.OutSinceIn)
	}
	if n, _ := s.CountContacts(ctx, "T1", "county"); n != 3 {
		t.Errorf("%d contacts, want 3", n)
	}
	audit, err := srv.Client().XRange(ctx, keysFor("T1").Audit(), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var imports []map[string]any
	for _, e := range audit {
		if e.Values["op"] == "import.contact" {
			imports = append(imports, e.Values)
		}
	}
	if len(imports) != 1 || imports[0]["target"] != "C1..C41 (3)" || imports[0]["who"] != "U1" {
		t.Errorf("audit of the import: %v; want one entry for the batch", imports)
	}

	fu := func(ident string, due time.Time) ImportRow {
		return ImportRow{Identity: ident, FollowUp: domain.FollowUp{Partner: "east", Assignee: "U2", Due: due, Text: "call back", Status: domain.StatusOpen}}
	}
	ids, err := s.ImportRows(ctx, "T1", ImportFollowUp, []ImportRow{fu("followup:late", now.Add(-72*time.Hour)), fu("followup:soon", now.Add(time.Hour))}, EventDelays{}, "U1", now)
	if err != nil {
		t.Fatal(err)
	}
	late, _ := s.FollowUp(ctx, "T1", ids[0])
	soon, _ := s.FollowUp(ctx, "T1", ids[1])
	if late.Reminders != domain.MaxReminders || soon.Reminders != 0 || late.Status != domain.StatusOpen {
		t.Errorf("reminders spent: overdue %d, ahead %d; want %d, 0", late.Reminders, soon.Reminders, domain.MaxReminders)
	}
	queued, _, err := s.QueuedJobs(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Errorf("%d jobs queued, want the one reminder still ahead", queued)
	}
}

// TestImportedRecordsAreFound: contacts, needs and events that come in
// by import are filed in the search index in the same call, as a typed
// one is; importing them again files nothing twice.
func TestImportedRecordsAreFound(t *testing.T) {
	srv := storetest.New(t)
	s := New(srv.Client(), 0)
	ctx := context.Background()
	now := testclock.Now()
	if err := s.AddPartner(ctx, "T1", domain.Partner{Slug: "county", Name: "County"}, "U1", now); err != nil {
		t.Fatal(err)
	}
	imports := []struct {
		kind string
		row  ImportRow
	}{
		{ImportContact, ImportRow{Identity: "contact:flu", Contact: domain.Contact{Partner: "county", Method: "call", Direction: "out", Who: "U2", When: now.Add(-time.Hour), Summary: "Flu shots for the seniors' centre"}}},
		{ImportNeed, ImportRow{Identity: "need:bus", Need: domain.Need{Topics: []string{"transportation"}, Note: "No bus to the clinic on Saturdays", Partner: "county", At: now.Add(-time.Hour)}}},
		{ImportEvent, ImportRow{Identity: "event:fair", Event: domain.Event{Partner: "county", Title: "Spring Health Fair", Type: "other", Start: now.Add(-48 * time.Hour), End: now.Add(-47 * time.Hour), Registered: -1, Attended: -1}}},
	}
	for range 2 {
		for _, im := range imports {
			if _, err := s.ImportRows(ctx, "T1", im.kind, []ImportRow{im.row}, EventDelays{}, "U1", now); err != nil {
				t.Fatalf("import %s: %v", im.kind, err)
			}
		}
	}
	for _, tc := range []struct {
		words []string
		found func(SearchResult) int
	}{
		{[]string{"flu", "seniors"}, func(r SearchResult) int { return len(r.Contacts) }},
		{[]string{"bus", "saturdays"}, func(r SearchResult) int { return len(r.Needs) }},
		{[]string{"health", "fair"}, func(r SearchResult) int { return len(r.Events) }},
	} {
		res, err := s.Search(ctx, "T1", tc.words, SearchScope{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if n := tc.found(res); n != 1 {
			t.Errorf("search %v after importing twice: %d found; want the one imported (%+v)", tc.words, n, res.Found)
		}
	}
}
