package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// TestEndToEndSurveysReachPeople: an anonymous check-in with a reminder
// and a closing time. The prompt says it is anonymous before anyone
// answers; the liaison's answer is stored without their id; results show
// the response rate among the channel's members; two days on, each
// member who has not answered gets one reminder by DM with a link to the
// survey, in their own working hours (one of them in Tokyo), the one who
// answered and the channel's app none; after the closing time a press
// answers that the survey has closed and the prompt shows it closed.
func TestEndToEndSurveysReachPeople(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{off: automaticJobs}) // quiet hours as by default
	e.slack.AddUser(slacktest.User{ID: "U0LUIS", TeamID: partnerT, Name: "luis", TZ: "Asia/Tokyo"})
	e.slack.AddUser(slacktest.User{ID: "U0APPBOT", TeamID: home, Name: "formsapp", IsBot: true})
	e.slack.AddChannel(slacktest.Channel{ID: "C0COUNTY", Name: "county-health-shared", IsShared: true, IsExtShared: true,
		SharedTeamIDs: []string{home, partnerT}, Members: []string{"U0MARIA", "U0DANA", "U0LUIS", "U0APPBOT"}})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" stage:active channel:<#C0COUNTY|county-health-shared>`)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "Eastside Clinic"`)
	start := e.clock.Now()
	if r := e.slash("U0MARIA", "C0OUTREACH", "survey checkin county anonymous remind:2d closes:6d"); !strings.Contains(r.Text, "It is *anonymous*") || !strings.Contains(r.Text, "one reminder") {
		t.Fatalf("survey checkin: %q", r.Text)
	}
	e.tick(time.Second)
	survey := e.waitPost(jobPost(surveyJob(1)))
	if survey.Channel != "C0COUNTY" || !strings.Contains(survey.Text, "Anonymous:") || !strings.Contains(survey.Text, "Open until") {
		t.Fatalf("the prompt in %s: %q; want it to say it is anonymous and when it closes, before anyone answers", survey.Channel, survey.Text)
	}
	bs := buttons(t, survey.Blocks)
	press := func(user, action string) slacktest.Post {
		t.Helper()
		blockID, value, _ := strings.Cut(bs[action], "|")
		mark := e.mark()
		if _, err := e.slack.BlockAction(e.ctx(), user, "C0COUNTY", survey.TS, action, blockID, value); err != nil {
			t.Fatal(err)
		}
		return e.waitAfter(mark, responseTo(user))
	}
	if p := press("U0DANA", "sv:q1:4"); !strings.Contains(p.Text, "*4*") {
		t.Errorf("Dana's answer: %q", p.Text)
	}
	responses, err := e.redis.Client().HGetAll(context.Background(), "outreach:{"+home+"}:survey:1:responses").Result()
	if err != nil || len(responses) != 1 {
		t.Fatalf("responses = %v, %v; want one", responses, err)
	}
	for k, v := range responses {
		if strings.Contains(k+v, "U0DANA") || strings.Contains(k+v, partnerT) {
			t.Errorf("the anonymous response is stored as %s = %s; want neither the user nor their team", k, v)
		}
	}
	// conversations.members counts every member but the bot itself.
	if r := e.slash("U0MARIA", "C0OUTREACH", "survey results S1"); !strings.Contains(r.Text, "1 response from 4 people in <#C0COUNTY> (25%)") || strings.Contains(r.Text, "U0DANA") {
		t.Errorf("results: %q; want the rate among the channel's members, no name", r.Text)
	}

	// The reminder: due two days on, each DM in its reader's working hours.
	quiet, _ := when.ParseQuietHours("18:00-08:00,sat,sun")
	e.tick(48 * time.Hour)
	for range 4 * 24 { // through a weekend and the far zone's working day
		e.tick(time.Hour)
	}
	reminded := map[string]slacktest.Post{}
	for _, p := range e.slack.Posts() {
		if kind, rest := store.ParseJobID(postJob(p)); kind == "svremind-to" && p.Kind == "postMessage" {
			user := rest[strings.Index(rest, ":")+1:]
			if _, twice := reminded[user]; twice {
				t.Errorf("%s was reminded twice", user)
			}
			reminded[user] = p
		}
	}
	zones := map[string]string{"U0MARIA": "America/New_York", "U0LUIS": "Asia/Tokyo"}
	for user, zone := range zones {
		p, ok := reminded[user]
		if !ok {
			t.Errorf("%s, who has not answered, got no reminder", user)
			continue
		}
		loc, _ := time.LoadLocation(zone)
		t.Logf("%s reminded at %s", user, p.At.In(loc))
		if !quiet.NextWorking(p.At, loc).Equal(p.At) || p.At.Before(start.Add(48*time.Hour)) {
			t.Errorf("%s's reminder at %s (%s); want it two days on or later, in working hours", user, p.At.In(loc), zone)
		}
		if !strings.Contains(p.Text, "County Health Dept") || !strings.Contains(unescapeJSON(p.Blocks), "/archives/C0COUNTY/p") ||
			!strings.Contains(p.Text, "anonymous") || strings.Contains(p.Text, "Eastside") {
			t.Errorf("%s's reminder: %q; want the survey, a link to it and that it is anonymous, and no other partner", user, p.Text)
		}
	}
	for user := range reminded {
		if _, ok := zones[user]; !ok {
			t.Errorf("%s was reminded (one who answered, an app, or the bot)", user)
		}
	}

	// Closed: a press says so and the prompt shows it, without buttons.
	e.tick(start.Add(6*24*time.Hour + time.Minute).Sub(e.clock.Now()))
	if p := press("U0DANA", "sv:q1:5"); !strings.Contains(p.Text, "This survey has closed") {
		t.Errorf("a press after the closing: %q", p.Text)
	}
	upd := e.waitPost(func(p slacktest.Post) bool {
		return p.Kind == "update" && p.TS == survey.TS && strings.Contains(p.Text, "This survey closed")
	})
	if strings.Contains(string(upd.Blocks), `"actions"`) {
		t.Errorf("the closed prompt still has buttons: %s", upd.Blocks)
	}
	if secret, _ := e.redis.Client().HExists(context.Background(), "outreach:{"+home+"}:survey:1", "secret").Result(); secret {
		t.Errorf("the anonymous survey's secret outlived its closing")
	}
}
