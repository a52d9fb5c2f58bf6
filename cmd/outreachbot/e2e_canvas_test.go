package main

import (
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// batch is a little longer than store.CanvasBatch: the canvas job of
// the writes made before it has run.
const batch = store.CanvasBatch + time.Second

// waitCanvas waits until channel's canvas holds want, the bot's edit of
// it done.
func (e *e2e) waitCanvas(channel, want string) string {
	e.t.Helper()
	var doc string
	for range 500 {
		if doc, _ = e.slack.Canvas(channel); strings.Contains(doc, want) {
			return doc
		}
		time.Sleep(10 * time.Millisecond) // the bot's canvas calls, not time passing
	}
	e.t.Fatalf("the canvas of %s never held %q:\n%s", channel, want, doc)
	return ""
}

// TestEndToEndPartnerCanvas: with OUTREACH_PARTNER_CANVAS=on, linking a
// partner's channel gives it a canvas; the writes of one batch reach it
// in one job, each part that changed rewritten once (its section looked
// up first); it holds what the partner's liaisons may see (shared
// follow-ups, their events, the latest survey's counts, their needs) and
// nothing of another partner, nor follow-ups the team keeps to itself,
// nor names or comments; what people wrote in the canvas stays; a
// batch with nothing new costs no call; a 429 is waited out.
func TestEndToEndPartnerCanvas(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{env: map[string]string{"OUTREACH_PARTNER_CANVAS": "on", "OUTREACH_QUIET_HOURS": "off"}, off: automaticJobs})
	e.slack.AddChannel(slacktest.Channel{ID: "C0EAST", Name: "eastside-shared"})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" stage:active channel:<#C0COUNTY|county-health-shared>`)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "Eastside Clinic" stage:active channel:<#C0EAST|eastside-shared>`)
	e.tick(batch)
	doc := e.waitCanvas("C0COUNTY", "## What the community told us")
	for _, want := range []string{"# Our partnership with County Health Dept", "## Shared next steps", "Nothing open just now.", "## Upcoming events", "None planned yet.", "## Latest survey", "No survey yet."} {
		if !strings.Contains(doc, want) {
			t.Errorf("the new canvas lacks %q:\n%s", want, doc)
		}
	}
	if n := e.slack.Calls("conversations.canvases.create"); n != 2 {
		t.Errorf("canvases created: %d; want one per linked channel", n)
	}

	// A batch of writes, County's and Eastside's.
	edits := e.slack.Calls("canvases.edit")
	newYork, _ := time.LoadLocation("America/New_York") // the users' zone (slacktest's users.info)
	day := strings.ToLower(e.clock.Now().In(newYork).AddDate(0, 0, 3).Format("Jan 2"))
	for _, cmd := range []string{
		`followup county "in 2 days" "Send the sign-up sheet" shared`,
		`followup county "in 2 days" "Decide who goes to the fair"`, // the team's own
		`event add county "Diabetes cooking class" "` + day + ` 6pm" where:"Main branch"`,
		`event add eastside "Eastside vaccine day" "` + day + ` 10am"`,
		`need mental-health "Eastside asked for counseling" partner:eastside`,
		`survey checkin county`,
	} {
		if r := e.slash("U0MARIA", "C0OUTREACH", cmd); !strings.Contains(r.Text, ":") {
			t.Fatalf("%s: %q", cmd, r.Text)
		}
	}
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", `<@UBOT> need diabetes "Parents want cooking classes [click](https://evil.example) ![](@U0LEAD)"`); err != nil {
		t.Fatal(err)
	}
	e.waitPost(ephemeralTo("U0DANA", "C0COUNTY"))
	e.tick(time.Second) // the survey goes out
	survey := e.waitPost(jobPost(surveyJob(1)))
	bs := buttons(t, survey.Blocks)
	blockID, value, _ := strings.Cut(bs["sv:q1:4"], "|")
	mark := e.mark()
	if _, err := e.slack.BlockAction(e.ctx(), "U0DANA", "C0COUNTY", survey.TS, "sv:q1:4", blockID, value); err != nil {
		t.Fatal(err)
	}
	e.waitAfter(mark, responseTo("U0DANA"))
	e.tick(batch)
	doc = e.waitCanvas("C0COUNTY", "4.0 of 5 (1 rating)")
	for _, want := range []string{"Send the sign-up sheet", "Diabetes cooking class", "Main branch", "diabetes (1)", "Parents want cooking classes", "S1 How is our partnership with County Health Dept going?", "1 response"} {
		if !strings.Contains(doc, want) {
			t.Errorf("County's canvas lacks %q:\n%s", want, doc)
		}
	}
	for _, never := range []string{"Decide who goes", "Eastside", "counseling", "U0DANA", "U0MARIA", "maria", "dana", "](https://evil", "![](@U0LEAD)"} {
		if strings.Contains(doc, never) {
			t.Errorf("County's canvas shows %q, which its liaisons may not see or which could act as markdown:\n%s", never, doc)
		}
	}
	if east := e.waitCanvas("C0EAST", "Eastside vaccine day"); strings.Contains(east, "County") || strings.Contains(east, "cooking") {
		t.Errorf("Eastside's canvas shows County's:\n%s", east)
	} else if strings.Contains(east, "counseling") {
		t.Errorf("Eastside's canvas shows the need the team recorded about Eastside, not one Eastside's people told:\n%s", east)
	}
	// County: four parts changed, each rewritten once; Eastside: its
	// events (the need about it is the team's own note).
	if n := e.slack.Calls("canvases.edit") - edits; n != 5 {
		t.Errorf("canvases.edit calls for the batch: %d; want 5, one per part that changed", n)
	}

	// What people write in the canvas stays; a batch without news costs
	// nothing; a 429 is waited out.
	e.slack.EditCanvasAsUser("C0COUNTY", "## Our own notes\n\nBring the banner.")
	e.tick(batch)
	calls := e.slack.Calls("canvases.edit") + e.slack.Calls("canvases.sections.lookup")
	e.tick(batch)
	if n := e.slack.Calls("canvases.edit") + e.slack.Calls("canvases.sections.lookup"); n != calls {
		t.Errorf("a batch without news made %d canvas calls", n-calls)
	}
	e.slack.RateLimitNext("canvases.edit", 1, 1)
	if r := e.slash("U0MARIA", "C0OUTREACH", "done F1"); !strings.Contains(r.Text, "Done") {
		t.Fatalf("done F1: %q", r.Text)
	}
	e.tick(batch)
	doc = e.waitCanvas("C0COUNTY", "Nothing open just now.")
	if !strings.Contains(doc, "Bring the banner.") || strings.Count(doc, "## Shared next steps") != 1 || strings.Contains(doc, "Send the sign-up sheet") {
		t.Errorf("after the follow-up was done, County's canvas:\n%s\nwant its next steps rewritten once, the people's notes kept", doc)
	}
	if e.slack.RateLimitedCalls("canvases.edit") != 1 {
		t.Errorf("the 429 was not met")
	}

	// Erased: what only its liaisons should see leaves the canvas.
	if r := e.slash("U0LEAD", "C0OUTREACH", "partner erase county confirm"); !strings.Contains(r.Text, "Erased") {
		t.Fatalf("partner erase: %q", r.Text)
	}
	e.tick(batch)
	for range 500 {
		if doc, _ = e.slack.Canvas("C0COUNTY"); strings.Count(doc, "no longer keeps this part") == 4 {
			break
		}
		time.Sleep(10 * time.Millisecond) // the bot's canvas calls
	}
	if strings.Count(doc, "no longer keeps this part") != 4 || strings.Contains(doc, "Parents want") || !strings.Contains(doc, "Bring the banner.") {
		t.Errorf("after the partner was erased, its canvas:\n%s\nwant the four parts emptied, the people's notes kept", doc)
	}
}

// TestEndToEndCanvasRefusedOnAFreeWorkspace: Slack refuses channel
// canvases on a free plan. The admins get one note, the bot stops
// asking, and everything else goes on: commands, reminders, readiness.
func TestEndToEndCanvasRefusedOnAFreeWorkspace(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{env: map[string]string{"OUTREACH_PARTNER_CANVAS": "on", "OUTREACH_QUIET_HOURS": "off"}, off: automaticJobs})
	e.slack.SetCanvasPlan("free")
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	e.tick(batch)
	e.tick(time.Second) // the note to the admins
	note := e.waitPost(jobPost(store.JobID(store.JobCanvasNote, "U0LEAD")))
	if note.Target != "U0LEAD" || !strings.Contains(note.Text, "Partner canvases are off") || !strings.Contains(note.Text, "team_tier_cannot_create_channel_canvases") {
		t.Errorf("the admin's note: to %s, %q", note.Target, note.Text)
	}
	e.slash("U0MARIA", "C0OUTREACH", `need diabetes "Cooking classes" partner:county`)
	if r := e.slash("U0MARIA", "C0OUTREACH", `followup county "in 1 hour" "Call Dana"`); !strings.Contains(r.Text, "F1") {
		t.Fatalf("followup: %q", r.Text)
	}
	e.tick(time.Hour + batch)
	e.waitPost(jobPost(reminderJob(1, 1)))
	if n := e.slack.Calls("conversations.canvases.create"); n != 1 {
		t.Errorf("conversations.canvases.create called %d times; want once, then no more asking", n)
	}
	if n := e.count(kindPost(store.JobCanvasNote)); n != 1 {
		t.Errorf("%d notes to the admins; want one", n)
	}
	if code := e.readyz(); code != 200 {
		t.Errorf("/readyz = %d with canvases refused; want 200", code)
	}
}
