package main

import (
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/slacktest"
)

// TestEndToEndEdits: a command typed in a channel without @Outreach runs
// when an edit adds the forgotten mention, once; fixing it afterwards
// runs nothing and says so. An edited DM runs nothing either and gets
// the same answer, with the command to send anew.
func TestEndToEndEdits(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	ts, id, err := e.slack.UserMessage(e.ctx(), "U0MARIA", "C0OUTREACH", `log county call "Talked about the flu clinic"`)
	if err != nil || id != "" {
		t.Fatalf("a message without the mention: event %q, %v", id, err)
	}
	n := len(e.slack.Posts())
	if _, _, err := e.slack.EditMessage(e.ctx(), "C0OUTREACH", ts, `<@UBOT> log county call "Talked about the flu clinic"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0MARIA", n); !strings.Contains(p.Text, "Logged call") {
		t.Errorf("the edit that added the mention: %q; want the contact logged", p.Text)
	}
	n = len(e.slack.Posts())
	if _, _, err := e.slack.EditMessage(e.ctx(), "C0OUTREACH", ts, `<@UBOT> log county call "Talked about the flu shot clinic"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0MARIA", n); !strings.Contains(p.Text, "changed nothing") || !strings.Contains(p.Text, "flu shot clinic") {
		t.Errorf("a second edit: %q; want nothing changed and the command to send anew", p.Text)
	}

	id, _, err = e.slack.DirectMessage(e.ctx(), "U0MARIA", `log county email "Sent the flyer"`)
	if err != nil {
		t.Fatal(err)
	}
	e.waitPost(func(p slacktest.Post) bool {
		return p.Channel == "DU0MARIA" && strings.Contains(p.Text, "Logged email")
	})
	dmTS, ok := e.slack.MessageTS(id)
	if !ok {
		t.Fatal("no ts for the DM")
	}
	n = len(e.slack.Posts())
	if _, _, err := e.slack.EditMessage(e.ctx(), "DU0MARIA", dmTS, `log county email "Sent the flyers"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0MARIA", n); !strings.Contains(p.Text, "changed nothing") || !strings.Contains(p.Text, "send it to me again as a new message") {
		t.Errorf("an edited DM: %q; want nothing changed and the command to send anew", p.Text)
	}
	r := e.slash("U0MARIA", "C0OUTREACH", "history county")
	if strings.Count(r.Text, "Talked about the flu clinic") != 1 || strings.Count(r.Text, "Sent the flyer") != 1 || strings.Contains(r.Text, "flu shot") || strings.Contains(r.Text, "flyers") {
		t.Errorf("history after the edits:\n%s\nwant each contact once, as it ran", r.Text)
	}
}
