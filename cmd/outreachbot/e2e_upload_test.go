package main

import (
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
)

// TestEndToEndChartsInAChannelNotJoined: a report asked for in a public
// channel the bot has not joined is posted there (chat:write.public), but
// Slack shares files only where the bot is a member. With channels:join
// (the manifest's) the bot joins and attaches the charts there; without
// it the charts go to the asker's DM, and the asker is told so, not to
// "ask again", which would fail the same way.
func TestEndToEndChartsInAChannelNotJoined(t *testing.T) {
	for _, tc := range []struct {
		name     string
		join     bool
		wantIn   string // where the charts land: the channel, or the DM
		wantNote string
	}{
		{"the bot joins", true, "C0PUBLIC", ""},
		{"without channels:join, to the DM", false, "DU0MARIA", "sent them to you in a DM"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "-"), func(t *testing.T) {
			scopes := manifestScopes(t)
			if !tc.join {
				var without []string
				for _, s := range scopes {
					if s != "channels:join" {
						without = append(without, s)
					}
				}
				scopes = without
			}
			e := startE2EWith(t, slacktest.Options{Scopes: scopes}, nil)
			e.slack.AddChannel(slacktest.Channel{ID: "C0PUBLIC", Name: "board", NotJoined: true})
			e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" stage:active`)
			e.slash("U0MARIA", "C0OUTREACH", `log county call "Talked about the flu clinic"`)
			ny, _ := time.LoadLocation("America/New_York")
			e.slash("U0MARIA", "C0PUBLIC", "report period:"+e.clock.Now().In(ny).Format("2006"))
			summary := e.waitPost(func(p slacktest.Post) bool {
				return p.Kind == "postMessage" && strings.Contains(p.Text, "Impact report")
			})
			if summary.Channel != "C0PUBLIC" {
				t.Errorf("report posted in %s; want where it was asked", summary.Channel)
			}
			for _, u := range e.waitUploads(1) {
				if u.Channel != tc.wantIn {
					t.Errorf("%s attached in %s; want %s", u.Filename, u.Channel, tc.wantIn)
				}
			}
			if got := e.slack.Calls("conversations.join"); got != 1 {
				t.Errorf("%d conversations.join calls; want 1", got)
			}
			if tc.wantNote == "" {
				return
			}
			note := e.waitPost(func(p slacktest.Post) bool { return strings.Contains(p.Text, tc.wantNote) })
			if note.User != "U0MARIA" && note.Channel != "DU0MARIA" {
				t.Errorf("the note went to %+v; want the asker alone", note)
			}
			for _, p := range e.slack.Posts() {
				if strings.Contains(p.Text, "ask again") {
					t.Errorf("the asker was told to ask again: %q", p.Text)
				}
			}
		})
	}
}
