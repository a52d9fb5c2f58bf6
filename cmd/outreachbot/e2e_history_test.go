package main

import (
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// TestEndToEndBackdatedHistory: a partner added a minute ago gets
// yesterday's call and a meeting three weeks back, logged over Socket
// Mode; history lists them by when they happened, with today's email
// first. A contact more than a year back is logged only once its
// question's button is pressed, and the question is replaced by it.
func TestEndToEndBackdatedHistory(t *testing.T) {
	e := startE2E(t, nil)
	ny, err := time.LoadLocation("America/New_York") // U0MARIA's zone
	if err != nil {
		t.Fatal(err)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Department"`); !strings.Contains(r.Text, "Added *County Health Department*") {
		t.Fatalf("partner add: %s", r.raw)
	}
	e.tick(time.Minute)
	now := e.clock.Now()
	for _, text := range []string{
		`log county email "Sent the flyer"`,
		`log county call "Talked about flu shots" when:yesterday`,
		`log county meeting "Planned the fair" when:"3 weeks ago"`,
	} {
		if r := e.slash("U0MARIA", "C0OUTREACH", text); r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "Logged") {
			t.Fatalf("%s: %s", text, r.raw)
		}
	}
	local := now.In(ny)
	yesterday := time.Date(local.Year(), local.Month(), local.Day()-1, 9, 0, 0, 0, ny)
	weeksAgo := local.AddDate(0, 0, -21)
	r := e.slash("U0MARIA", "C0OUTREACH", "history county")
	want := []string{
		"Sent the flyer",
		message.Time(yesterday, now, ny) + " · call → · <@U0MARIA> — Talked about flu shots",
		message.Date(weeksAgo, now, ny) + ", ", // at this time of day, or an hour on across a daylight-saving gap
		" · meeting → · <@U0MARIA> — Planned the fair",
	}
	if !inOrder(r.Text, want...) {
		t.Errorf("history:\n%s\nwant, in this order:\n%s", r.Text, strings.Join(want, "\n"))
	}
	assertInert(t, r.raw)

	// Far back: asked, then confirmed with the button (a mention's
	// ephemeral question, which only its response_url can replace).
	if _, _, err := e.slack.Mention(e.ctx(), "U0MARIA", "C0OUTREACH", `<@UBOT> log county visit "Signed the first agreement" when:"400 days ago"`); err != nil {
		t.Fatal(err)
	}
	q := e.waitPost(func(p slacktest.Post) bool {
		return p.Kind == "postEphemeral" && strings.Contains(p.Text, "more than a year back")
	})
	if r := e.slash("U0MARIA", "C0OUTREACH", "history county"); strings.Contains(r.Text, "first agreement") {
		t.Fatalf("logged before it was confirmed:\n%s", r.Text)
	}
	blockID, value, _ := strings.Cut(buttons(t, q.Blocks)["confirm"], "|")
	if _, err := e.slack.BlockAction(e.ctx(), "U0MARIA", q.Channel, q.TS, "confirm", blockID, value); err != nil {
		t.Fatal(err)
	}
	done := e.waitPost(func(p slacktest.Post) bool { return p.Kind == "response_url" && p.ReplaceOriginal })
	farBack := local.AddDate(0, 0, -400)
	if !strings.Contains(done.Text, "Logged visit → *County Health Department*") || !strings.Contains(done.Text, message.Date(farBack, now, ny)) {
		t.Errorf("the question after Log it: %q", done.Text)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "history county"); !inOrder(r.Text, "Planned the fair", "Signed the first agreement") {
		t.Errorf("history after the confirmation:\n%s", r.Text)
	}
}

// inOrder reports whether each of subs is found in s after the one before.
func inOrder(s string, subs ...string) bool {
	for _, sub := range subs {
		i := strings.Index(s, sub)
		if i < 0 {
			return false
		}
		s = s[i+len(sub):]
	}
	return true
}
