package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// TestEndToEndEventSurvey: the feedback survey reaches the partner's
// shared channel once after the delay; answers from a team member and a
// partner liaison (another Slack team) are both recorded, answering again
// replaces, the comment form is stored, the prompt shows the count, and
// forged presses change nothing.
func TestEndToEndEventSurvey(t *testing.T) {
	e := startE2E(t, map[string]string{"OUTREACH_QUIET_HOURS": "off"})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" stage:active channel:<#C0COUNTY|county-health-shared>`)
	st := store.New(e.redis.Client(), 0)
	now := e.clock.Now()
	event, _, err := st.AddEvent(context.Background(), home, store.PartnerRef{Text: "county"}, domain.Event{
		Title: "Flu shot clinic", Type: "screening", Start: now.Add(-time.Hour), End: now.Add(time.Hour), Registered: -1,
	}, store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}, "U0MARIA", now)
	if err != nil {
		t.Fatal(err)
	}
	e.tick(time.Hour) // the event ends: its organizer is asked how many came
	question := e.waitPost(jobPost(store.JobID(store.JobAttendance, strconv.FormatInt(event, 10))))
	if question.Target != "U0MARIA" || !strings.Contains(question.Text, "How many came?") {
		t.Errorf("the attendance question went to %s: %q; want the organizer asked how many came", question.Target, question.Text)
	}
	if n := e.count(kindPost(store.JobSurveyPost)); n != 0 {
		t.Fatalf("the survey went out %d times before its delay", n)
	}
	e.tick(2 * time.Hour) // the survey is made…
	e.tick(time.Second)   // …and posted
	ids, err := st.EventSurveys(context.Background(), home, event)
	if err != nil || len(ids) != 1 {
		t.Fatalf("the event's surveys after the delay: %v, %v; want its feedback survey", ids, err)
	}
	survey := e.waitPost(jobPost(surveyJob(ids[0])))
	if survey.Channel != "C0COUNTY" || !strings.Contains(survey.Text, "How was “Flu shot clinic”?") {
		t.Fatalf("survey went to %s: %q", survey.Channel, survey.Text)
	}
	for range 8 { // a second survey would show within four leases
		e.tick(15 * time.Second)
	}
	if n := e.count(kindPost(store.JobSurveyPost)); n != 1 {
		t.Fatalf("%d surveys posted; want 1", n)
	}
	bs := buttons(t, survey.Blocks)
	press := func(user, channel, action string, value string) {
		t.Helper()
		blockID, v, _ := strings.Cut(bs[action], "|")
		if value == "" {
			value = v
		}
		if _, err := e.slack.BlockAction(e.ctx(), user, channel, survey.TS, action, blockID, value); err != nil {
			t.Fatal(err)
		}
	}
	mark := e.mark()
	press("U0MARIA", "C0COUNTY", "sv:q1:4", "")
	press("U0DANA", "C0COUNTY", "sv:q1:2", "") // a liaison, from another Slack team
	// Slack does not order presses, nor does the bot: answering again
	// replaces only once the first answer is in.
	if p := e.waitAfter(mark, responseTo("U0MARIA")); !strings.Contains(p.Text, "*4*") {
		t.Errorf("the answer to Maria's press reads %q; want her 4", p.Text)
	}
	mark = e.mark()
	press("U0MARIA", "C0COUNTY", "sv:q1:5", "") // answering again replaces
	press("U0DANA", "C0COUNTY", "sv:q2:1", "")
	e.waitPost(func(p slacktest.Post) bool {
		return p.Kind == "update" && p.TS == survey.TS && strings.Contains(string(p.Blocks), "2 responses so far")
	})
	// Her answer comes on its own, maybe after the update: it is in before
	// the forged presses below look for their answers.
	if p := e.waitAfter(mark, responseTo("U0MARIA")); !strings.Contains(p.Text, "*5*") {
		t.Errorf("the answer to Maria's second press reads %q; want her 5", p.Text)
	}
	// The comment form.
	press("U0DANA", "C0COUNTY", "sv_comment", "")
	var view struct {
		ID         string `json:"id"`
		CallbackID string `json:"callback_id"`
	}
	testwait.Until(t, "the comment button's form to open", func() bool {
		for _, v := range e.slack.OpenedViews() {
			_ = json.Unmarshal(v, &view)
		}
		return view.ID != ""
	})
	if view.CallbackID != "survey_comment" {
		t.Fatalf("comment button opened %+v; want the survey_comment form", view)
	}
	ack, err := e.slack.SubmitView(e.ctx(), "U0DANA", view.ID, nil, map[string]map[string]any{
		"comment": {"value": map[string]any{"type": "plain_text_input", "value": "More evening sessions, please"}},
	})
	if err != nil || len(ack.Payload) != 0 {
		t.Fatalf("comment form: ack %s, %v; want an empty ack", ack.Payload, err)
	}
	// Forged presses: no such survey; a real survey pressed from another channel.
	mark = e.mark()
	press("U0MARIA", "C0COUNTY", "sv:q1:1", "S999")
	if p := e.waitAfter(mark, responseTo("U0MARIA")); !strings.Contains(p.Text, "doesn't exist") {
		t.Errorf("a press for S999: %q; want that it doesn't exist", p.Text)
	}
	mark = e.mark()
	press("U0MARIA", "C0OUTREACH", "sv:q1:1", "")
	if p := e.waitAfter(mark, responseTo("U0MARIA")); !strings.Contains(p.Text, "isn't one from this channel") {
		t.Errorf("a press from another channel: %q; want that the survey isn't one from it", p.Text)
	}

	var r ackReply
	testwait.Until(t, "the comment in the results (it is stored right after its ack)", func() bool {
		r = e.slash("U0MARIA", "C0OUTREACH", "survey results S1")
		return strings.Contains(r.Text, "evening")
	})
	for _, want := range []string{"2 responses (1 from partner organizations)", "*3.5* average of 2 ratings", "Yes 0 · Maybe 1 · No 0", "More evening sessions, please — <@U0DANA>"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("results lack %q:\n%s", want, r.Text)
		}
	}
}

// TestEndToEndEventAndSurveyCommands: every event and survey command
// through the slash command, with its reply and its mistakes.
func TestEndToEndEventAndSurveyCommands(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" stage:active channel:<#C0COUNTY|county-health-shared>`)
	ny, _ := time.LoadLocation("America/New_York") // Maria's zone
	// Three days back, in the past whatever the instant (and in another
	// year on New Year's Day).
	past := e.clock.Now().In(ny).AddDate(0, 0, -3).Format("2006-01-02")
	for _, tc := range []struct{ text, want string }{
		{`event add county "Flu shot clinic" ` + past + ` 10:00 until:2pm type:screening where:"Main branch" registered:40`, "`E1` *Flu shot clinic*"},
		{`event add county "Health literacy workshop" in 30 days until:90m type:workshop`, "`E2` *Health literacy workshop*"},
		{"event list", "`E2`"},
		{"event list past county", "`E1`"},
		{"event attended E1 35", "35 people came of 40 registered (88%)"},
		{"event attended E1 -3", "number of people"},
		{"event attended E1 lots", "number of people"},
		{"event attended E9 3", "can't find `E9`"},
		{"event attended E2 3", "hasn't started yet"},
		{"event survey E1", "Sending the feedback survey `S1`"},
		{"survey checkin county", "Sending the partnership check-in `S2`"},
		{"survey results E1", "`S1` event-feedback"},
		{"survey results S7", "can't find `S7`"},
		{`event add county "No date"`, "title in quotes"},
		{`event add county "Oops" ` + past + ` type:webinar`, "isn't a type I know"},
	} {
		if r := e.slash("U0MARIA", "C0OUTREACH", tc.text); !strings.Contains(r.Text, tc.want) || r.ResponseType != "ephemeral" {
			t.Errorf("%s: reply %q; want an ephemeral reply containing %q", tc.text, r.Text, tc.want)
		}
	}
	// The surveys asked for go out to the linked channel when the scheduler
	// next looks.
	e.tick(time.Second)
	for id, want := range map[int64]string{1: "How was “Flu shot clinic”?", 2: "How is our partnership"} { // as the replies said
		if p := e.waitPost(jobPost(surveyJob(id))); p.Channel != "C0COUNTY" || !strings.Contains(p.Text, want) {
			t.Errorf("S%d went to %s: %q; want %q in C0COUNTY", id, p.Channel, p.Text, want)
		}
	}
	// A liaison sees the upcoming event in the shared channel, and nothing past.
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> event list"); err != nil {
		t.Fatal(err)
	}
	p := e.waitPost(ephemeralTo("U0DANA", "C0COUNTY"))
	if !strings.Contains(p.Text, "Health literacy workshop") || strings.Contains(p.Text, "Flu shot clinic") {
		t.Errorf("liaison's event list = %q; want only the upcoming event", p.Text)
	}
}
