package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// postShows is everything a post shows: its blocks' text (the top-level text
// is a clipped fallback).
func postShows(t *testing.T, p slacktest.Post) string {
	t.Helper()
	var bs []struct {
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if len(p.Blocks) == 0 {
		return p.Text
	}
	if err := json.Unmarshal(p.Blocks, &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var out []string
	for _, b := range bs {
		if b.Text != nil {
			out = append(out, b.Text.Text)
		}
	}
	return strings.Join(out, "\n")
}

// TestEndToEndImportDroppedIntoADM: an admin drops a CSV of 3 partners,
// 4 people and 50 contacts, 3 of them with errors, into their DM with
// the bot. The dry run comes back with the counts and every row error,
// and nothing is stored; Import stores exactly the good rows, with one
// line in the feed; the same file dropped again stores nothing; a
// member's drop is refused before the bot reads the file.
func TestEndToEndImportDroppedIntoADM(t *testing.T) {
	e := startE2E(t, map[string]string{"OUTREACH_FEED_CHANNEL": "C0OUTREACH"})
	data, err := os.ReadFile("testdata/import-first-year.csv")
	if err != nil {
		t.Fatal(err)
	}
	drop := func(user string) slacktest.Post {
		t.Helper()
		n := len(e.slack.Posts())
		id := e.slack.UploadFile(user, "first-year.csv", data)
		if _, _, err := e.slack.ShareFileInDM(e.ctx(), user, id, ""); err != nil {
			t.Fatal(err)
		}
		return e.waitAfter(n, func(p slacktest.Post) bool {
			return dmAnswer(p) && !strings.Contains(p.Text, "Reading the file")
		})
	}

	dry := drop("U0LEAD")
	dryText := postShows(t, dry)
	for _, want := range []string{
		"*Dry run of `first-year.csv`*: nothing is stored yet.",
		"*To import:* 3 partners, 4 people, 47 contacts.",
		"*3 rows with errors*, which an import skips:",
		"• row 20: `when` is `13/45/2025`, which I can't read as a date: write 2026-11-03, 11/3/2026 or 2026-11-03 14:30.",
		"• row 33: no partner is called `Contyhealth`: did you mean `county-health-dept`?",
		"• row 47: `method` is `carrier pigeon`: write one of `call`, `email`, `letter`, `meeting`, `visit`, `message`, `other`.",
		"Press *Import* to store 54 rows (the 3 rows with errors are skipped), or type `import confirm`.",
	} {
		if !strings.Contains(dryText, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dryText)
		}
	}
	if r := e.slash("U0LEAD", "C0OUTREACH", "partner list"); strings.Contains(r.Text, "county-health-dept") {
		t.Fatalf("the dry run stored partners:\n%s", r.Text)
	}

	n := len(e.slack.Posts())
	blockID, value, ok := strings.Cut(buttons(t, dry.Blocks)["import"], "|")
	if !ok {
		t.Fatalf("no Import button under the dry run: %s", dry.Blocks)
	}
	if _, err := e.slack.BlockAction(e.ctx(), "U0LEAD", dry.Channel, dry.TS, "import", blockID, value); err != nil {
		t.Fatal(err)
	}
	done := e.waitAfter(n, func(p slacktest.Post) bool { return strings.Contains(p.Text, "Imported `first-year.csv`") })
	for _, want := range []string{
		"Imported `first-year.csv`: 3 partners, 4 people, 47 contacts.",
		"Skipped for errors (nothing of them stored): row 20, row 33, row 47.",
	} {
		if !strings.Contains(done.Text, want) {
			t.Errorf("after Import: lacks %q:\n%s", want, done.Text)
		}
	}
	st := store.New(e.redis.Client(), 0)
	counts := func() (int64, int64, int64) {
		t.Helper()
		var n [3]int64
		for i, slug := range []string{"county-health-dept", "eastside-clinica", "grace-church"} {
			var err error
			if n[i], err = st.CountContacts(context.Background(), home, slug); err != nil {
				t.Fatal(err)
			}
		}
		return n[0], n[1], n[2]
	}
	if c, ea, g := counts(); c != 16 || ea != 17 || g != 14 {
		t.Errorf("contacts stored: County %d, Eastside %d, Grace %d; want 16, 17, 14", c, ea, g)
	}
	if r := e.slash("U0LEAD", "C0OUTREACH", "partner show county"); !strings.Contains(r.Text, "Dana Lee") || !strings.Contains(r.Text, "Luis Ortiz") {
		t.Errorf("partner show lacks the imported people:\n%s", r.Text)
	}
	feed := 0
	for _, p := range e.slack.Posts() {
		if p.Channel == "C0OUTREACH" && p.Kind == "postMessage" && strings.Contains(p.Text, "imported") {
			feed++
		}
	}
	if feed != 1 {
		t.Errorf("%d feed lines for the import, want one", feed)
	}

	again := drop("U0LEAD")
	if text := postShows(t, again); !strings.Contains(text, "*To import:* nothing new.") || !strings.Contains(text, "*Here already* (not stored again): 3 partners, 4 people, 47 contacts.") {
		t.Errorf("the same file again:\n%s", text)
	}
	if _, ok := buttons(t, again.Blocks)["import"]; ok {
		t.Errorf("an Import button under a dry run with nothing new")
	}
	n = len(e.slack.Posts())
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0LEAD", "import confirm"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(n, func(p slacktest.Post) bool { return strings.Contains(p.Text, "Imported `first-year.csv`") }); !strings.Contains(p.Text, "nothing new") {
		t.Errorf("import confirm of the same file: %q", p.Text)
	}
	if c, ea, g := counts(); c != 16 || ea != 17 || g != 14 {
		t.Errorf("after a second import: County %d, Eastside %d, Grace %d; want 16, 17, 14", c, ea, g)
	}

	downloads := e.slack.FileDownloads()
	refused := drop("U0MARIA")
	if !strings.Contains(refused.Text, "only an outreach admin") {
		t.Errorf("a member's drop: %q", refused.Text)
	}
	if e.slack.FileDownloads() != downloads {
		t.Errorf("the bot read a member's file")
	}
}
