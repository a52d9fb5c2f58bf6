package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// peopleDirectory is directory with conversations.members: C0COUNTY has
// four people besides the bot.
type peopleDirectory struct{ directory }

func (peopleDirectory) ChannelPeople(_ context.Context, channel string) ([]string, error) {
	if channel == "C0COUNTY" {
		return []string{"U0MARIA", "U0DANA", "U0LEE", "U0RUTH"}, nil
	}
	return nil, nil
}

// A survey's opt-ins, as typed: what they do, and each mistake refused
// with what to type, nothing stored.
func TestSurveyOptIns(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // County Health Dept is linked to C0COUNTY; Eastside Community Clinic to no channel
	cases := []struct {
		name, text string
		want       []string // in the reply
		fails      bool
	}{
		{name: "a reminder and a closing", text: "survey checkin county remind:2d closes:7d",
			want: []string{"get one reminder " + hs.shown(hs.t0.Add(48*time.Hour)), "it closes " + hs.shown(hs.t0.AddDate(0, 0, 7))}},
		{name: "anonymous closes in 30 days by itself", text: "survey checkin county anonymous",
			want: []string{"It is *anonymous*", "it closes " + hs.shown(hs.t0.AddDate(0, 0, 30))}},
		{name: "anonymous, a date to close", text: `survey checkin anonymous county closes:"` + hs.day(10) + ` 17:00"`,
			want: []string{"It is *anonymous*", "it closes " + hs.shown(hs.at(10, 17))}},
		{name: "a reminder too soon", text: "survey checkin county remind:10m", fails: true, want: []string{"between an hour and 60 days", "`10m`"}},
		{name: "a reminder that is no length", text: "survey checkin county remind:soon", fails: true, want: []string{"`remind:2d`"}},
		{name: "the reminder after the closing", text: "survey checkin county remind:8d closes:7d", fails: true, want: []string{"would come after the survey closes"}},
		{name: "closing in three hours", text: "survey checkin county closes:3h", want: []string{"It closes " + hs.shown(hs.t0.Add(3*time.Hour))}},
		{name: "closing in the past", text: "survey checkin county closes:yesterday", fails: true, want: []string{"closes"}},
		{name: "closing within the hour", text: "survey checkin county closes:30m", fails: true, want: []string{"more than an hour ahead"}},
		{name: "closing in two years", text: "survey checkin county closes:2y", fails: true, want: []string{"within a year"}},
		{name: "a reminder with nobody to remind", text: "survey checkin eastside-community-clinic remind:2d", fails: true, want: []string{"no linked channel"}},
		{name: "a misspelt option", text: "survey checkin county remnd:2d", fails: true, want: []string{"Did you mean `remind:`?"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := hs.srv.Snapshot(context.Background())
			r := hs.do(member, tc.text)
			if tc.fails != (r.Outcome == message.OutcomeUserError) {
				t.Fatalf("outcome %s: %q", r.Outcome, r.Text)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("reply %q lacks %q", r.Text, w)
				}
			}
			if tc.fails {
				if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
					t.Errorf("a refused survey changed Redis:\n%s", diff)
				}
			}
		})
	}
}

// An anonymous survey's results show counts, ratings and comments, with
// no names and no organizations, and its response rate in the channel;
// past its closing time a press answers that it has closed and shows the
// prompt closed.
func TestAnonymousSurveyResultsAndClosing(t *testing.T) {
	hs := newHarnessWith(t, peopleDirectory{})
	hs.seed()
	r := hs.mustOK(member, "survey checkin county anonymous closes:2d")
	if !strings.Contains(r.Text, "`S1`") {
		t.Fatalf("survey checkin = %q", r.Text)
	}
	if err := store.New(hs.srv.Client(), 0).SurveyPosted(context.Background(), team, 1, "C0COUNTY", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	dana := commands.Request{Team: team, User: "U0DANA", UserTeam: partnerTeam, Role: commands.RoleLiaison, Channel: "C0COUNTY", Door: commands.DoorForm, Loc: ny}
	if p := hs.h.Press(context.Background(), dana, "sv:q1:4", "S1"); p.Update == nil || !strings.Contains(sectionsText(*p.Update), "1 response so far") {
		t.Fatalf("Dana's rating: %+v", p)
	}
	if c := hs.h.SubmitComment(context.Background(), dana, 1, "More evening sessions"); c.Update == nil {
		t.Fatalf("Dana's comment: %+v", c.Ephemeral)
	}
	res := hs.mustOK(member, "survey results S1")
	for _, want := range []string{":lock: anonymous", "1 response from 4 people in <#C0COUNTY> (25%)", "*4.0* average of 1 rating", "> More evening sessions\n"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("results lack %q:\n%s", want, res.Text)
		}
	}
	for _, never := range []string{"U0DANA", "partner organizations"} {
		if strings.Contains(res.Text, never) {
			t.Errorf("an anonymous survey's results say %q:\n%s", never, res.Text)
		}
	}

	hs.clock.Advance(48 * time.Hour)
	before := hs.srv.Snapshot(context.Background())
	p := hs.h.Press(context.Background(), dana, "sv:q1:5", "S1")
	if p.Ephemeral == nil || !strings.Contains(p.Ephemeral.Text, "This survey has closed") {
		t.Fatalf("a press after the closing: %+v; want it told the survey has closed", p.Ephemeral)
	}
	if p.Update == nil || p.TS != "1700000000.000100" || len(p.Update.AllChoices()) != 0 || !strings.Contains(p.Update.Text, "closed") {
		t.Errorf("the prompt after the closing: %+v; want it shown closed, without buttons", p.Update)
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("a press after the closing changed Redis:\n%s", diff)
	}
	if res := hs.mustOK(member, "survey results S1"); !strings.Contains(res.Text, "closed "+hs.shown(hs.t0.Add(48*time.Hour))) {
		t.Errorf("results after the closing lack when it closed:\n%s", res.Text)
	}
}

// TestResponseRateCountsThoseThereNow: the rate is the share of the
// channel's people now who answered; an answer from someone who has left
// the channel since is said as such, never as more answers than people.
func TestResponseRateCountsThoseThereNow(t *testing.T) {
	hs := newHarnessWith(t, peopleDirectory{})
	hs.seed()
	hs.mustOK(member, "survey checkin county")
	if err := store.New(hs.srv.Client(), 0).SurveyPosted(context.Background(), team, 1, "C0COUNTY", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"U0LEE", "U0GONE"} { // U0GONE has left C0COUNTY
		req := commands.Request{Team: team, User: user, Role: commands.RoleMember, Channel: "C0COUNTY", Door: commands.DoorForm, Loc: ny}
		if p := hs.h.Press(context.Background(), req, "sv:q1:4", "S1"); p.Update == nil {
			t.Fatalf("%s's rating: %+v", user, p.Ephemeral)
		}
	}
	res := hs.mustOK(member, "survey results S1")
	if want := "2 responses; 1 of the 4 people now in <#C0COUNTY> answered (25%); 1 person who answered has left it since"; !strings.Contains(res.Text, want) {
		t.Errorf("results:\n%s\nwant %q", res.Text, want)
	}
}
