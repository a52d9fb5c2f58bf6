package message_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/golden"
	"github.com/outreachbot/outreachbot/message"
)

// Every scheduled post is reviewed as text, buttons included, in
// testdata/*.golden (go test ./message -update rewrites them).

var ny, _ = time.LoadLocation("America/New_York")

// Monday 2026-11-30 09:00 in New York.
var now = time.Date(2026, 11, 30, 9, 0, 0, 0, ny)

// render shows a reply as the console does: text, then each section,
// buttons as [label → action value].
func render(r message.Reply) string {
	var b strings.Builder
	b.WriteString(r.Text + "\n")
	buttons := func(cs []message.Choice) {
		for _, c := range cs {
			fmt.Fprintf(&b, "  [%s → %s %s]\n", c.Label, c.Action, c.Value)
		}
	}
	buttons(r.Choices)
	for _, s := range r.Sections {
		b.WriteString("--\n" + s.Text + "\n")
		buttons(s.Choices)
	}
	return b.String()
}

func partner(slug, name string, lastContact time.Time, outSinceIn int) domain.Partner {
	return domain.Partner{Slug: slug, Name: name, Stage: "active", Owner: "U0MARIA", Cadence: 30,
		Created: now.AddDate(-1, 0, 0), LastContact: lastContact, OutSinceIn: outSinceIn}
}

func TestScheduledMessagesGolden(t *testing.T) {
	fu := domain.FollowUp{ID: 12, Partner: "county-health-dept", Assignee: "U0MARIA", Due: now.Add(-time.Hour),
		Text: "Send the <!channel> flyer & sign-up sheet", Status: domain.StatusOpen}
	second := fu
	second.Reminders = 1
	done := fu
	done.Status, done.DoneBy, done.DoneAt = domain.StatusDone, "U0DEVON", now
	repeating := fu
	repeating.Series, repeating.Rule, repeating.RuleText, repeating.Zone, repeating.Occurs = 9, "0 9 * * 1|nth=1", "every first Monday of the month at 9:00", "America/New_York", fu.Due
	abroad := repeating
	abroad.Zone = "Europe/Madrid"

	county := partner("county-health-dept", "County Health Dept", now.AddDate(0, 0, -45), 0)
	pharmacy := partner("main-street-pharmacy", "Main Street Pharmacy", now.AddDate(0, 0, -40), 3)
	quiet := partner("eastside", "Eastside <Clinic>", now.AddDate(0, 0, -60), 0)
	quiet.NudgeQuietUntil = now.AddDate(0, 0, 3)

	event := domain.Event{ID: 7, Partner: "county-health-dept", Title: "Flu shot clinic", Type: "screening",
		Start: now.Add(48 * time.Hour), End: now.Add(52 * time.Hour), Where: "Main branch", Registered: 40, Attended: -1, Organizer: "U0MARIA"}
	overdueFU := fu
	overdueFU.Reminders = domain.MaxReminders

	feedback := domain.Survey{ID: 4, Template: domain.TemplateFeedback, Partner: "county-health-dept", Event: 7, Channel: "C0COUNTY"}
	checkin := domain.SurveyFor(domain.Partner{Slug: "eastside", Name: "Eastside Clinic"}, domain.TemplateCheckin, 0, "U0MARIA")
	anonymous := domain.Survey{ID: 5, Template: domain.TemplateCheckin, Partner: "county-health-dept", Channel: "C0COUNTY",
		SurveyOptions: domain.SurveyOptions{Anonymous: true, Remind: 48 * time.Hour, Closes: now.AddDate(0, 0, 14)}}
	checkin.ID = 5

	for _, tc := range []struct {
		name string
		msg  message.Reply
	}{
		{"reminder-first", message.Reminder(fu, "County Health Dept", now, ny, "")},
		{"reminder-second", message.Reminder(second, "County Health Dept", now, ny, "")},
		{"reminder-done", message.Reminder(done, "County Health Dept", now, ny, message.FollowUpStatus(done, now, ny))},
		{"reminder-repeating", message.Reminder(repeating, "County Health Dept", now, ny, "")},
		{"reminder-repeating-set-abroad", message.Reminder(abroad, "County Health Dept", now, ny, "")},
		{"nudge-one", message.Nudge([]domain.Partner{county}, now, ny)},
		{"nudge-several", message.Nudge([]domain.Partner{county, pharmacy, quiet}, now, ny)},
		{"nudge-none", message.Nudge(nil, now, ny)},
		{"digest", message.DigestPost(message.Digest{
			Now: now, OverdueFollowUps: []domain.FollowUp{overdueFU}, QuietPartners: []domain.Partner{county, pharmacy},
			PartnerNames: map[string]string{"county-health-dept": "County Health Dept"}, Events: []domain.Event{event},
			ContactsByMethod: map[string]int{"call": 3, "email": 5, "visit": 1}, ContactsIn: 4, ContactsOut: 5,
			FollowUpsDone: 2, PartnersAdded: 1, EventsHeld: 2, Attended: 57, SurveysSent: 1, SurveyResponses: 12, NeedsHeard: 3,
		}, ny)},
		{"digest-quiet-week", message.DigestPost(message.Digest{Now: now, PartnerNames: map[string]string{}}, ny)},
		{"digest-not-delivered", message.DigestPost(message.Digest{Now: now, PartnerNames: map[string]string{}, Undelivered: []domain.JobFailure{
			{Job: "fu:12:1", What: "The reminder of `F12`", Reason: "user_not_found", To: "U0GONE", At: now.AddDate(0, 0, -3)},
			{Job: "digest:2026-11-23T14:00", What: "The digest", Reason: "cannot_check:not_in_channel", To: "C0DIGEST", At: now.AddDate(0, 0, -7)},
			{Job: "svpost:4", What: "Survey `S4`", Reason: "is_archived", To: "C0COUNTY", At: now.AddDate(0, 0, -1)},
			{Job: "nudge:2026-11-27T14:00:U0MARIA", What: "A stay-in-touch nudge", Reason: "gave_up:internal_error", To: "U0MARIA", At: now.AddDate(0, 0, -2)},
		}}, ny)},
		{"not-posted-refused", message.Forwarded(message.NotPosted("C0DIGEST", "not_in_channel", false), message.Reply{Text: ":bar_chart: *Outreach digest*"})},
		{"not-posted-cannot-check", message.Forwarded(message.NotPosted("C0DIGEST", "not_in_channel", true),
			message.Reply{Text: "How was the workshop?", Sections: []message.Section{{Text: "1–5", Choices: []message.Choice{{Label: "5", Action: "sv:useful:5", Value: "S4"}}}}})},
		{"survey-feedback", message.SurveyPrompt(feedback, message.SurveySubject{Partner: "County Health Dept", Event: "Flu shot clinic"}, 3, now, ny)},
		{"survey-checkin-in-dm", message.SurveyPrompt(checkin, message.SurveySubject{Partner: "Eastside Clinic"}, 0, now, ny)},
		{"survey-anonymous-closing", message.SurveyPrompt(anonymous, message.SurveySubject{Partner: "County Health Dept"}, 0, now, ny)},
		{"survey-closed", message.SurveyPrompt(anonymous, message.SurveySubject{Partner: "County Health Dept"}, 7, anonymous.Closes, ny)},
		{"survey-reminder", message.SurveyReminder(anonymous, message.SurveySubject{Partner: "County Health Dept"}, "https://riverside.slack.com/archives/C0COUNTY/p1796000000000100", now, ny)},
		{"attendance-question", message.AttendanceQuestion(event, "County Health Dept", "/outreach", now, ny)},
		{"owner-digest", message.OwnerDigest([]domain.FollowUp{overdueFU}, []domain.Partner{county, quiet}, map[string]string{"county-health-dept": "County Health Dept"}, now, ny)},
		{"owner-digest-free-week", message.OwnerDigest(nil, nil, nil, now, ny)},
		{"liaison-note", message.LiaisonNote(domain.Contact{Method: "meeting", Direction: "in", Who: "U0DANA", When: now.Add(-time.Hour),
			Summary: "Can we move the <!here> workshop?"}, county, now, ny)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden.Check(t, tc.name+".golden", render(tc.msg))
		})
	}
}

// TestTypedTextIsInert: text users typed never forms a broadcast or a
// link in any scheduled post; a person picked by id stays their mention.
func TestTypedTextIsInert(t *testing.T) {
	typed := "<!channel> <@U0BOSS> <https://evil.example|click> & more"
	fu := domain.FollowUp{ID: 1, Partner: "p", Assignee: "U0MARIA", Due: now, Text: typed, Status: domain.StatusOpen}
	p := partner("p", typed, now.AddDate(0, 0, -45), 0)
	e := domain.Event{ID: 1, Partner: "p", Title: typed, Start: now, End: now.Add(time.Hour), Where: typed, Registered: -1, Attended: -1}
	for name, r := range map[string]message.Reply{
		"reminder":   message.Reminder(fu, typed, now, ny, ""),
		"nudge":      message.Nudge([]domain.Partner{p}, now, ny),
		"digest":     message.DigestPost(message.Digest{Now: now, QuietPartners: []domain.Partner{p}, Events: []domain.Event{e}, PartnerNames: map[string]string{"p": typed}}, ny),
		"attendance": message.AttendanceQuestion(e, typed, "/outreach", now, ny),
	} {
		text := render(r)
		for _, live := range []string{"<!channel>", "<https://"} {
			if strings.Contains(text, live) {
				t.Errorf("%s: typed %q came out live:\n%s", name, live, text)
			}
		}
		if !strings.Contains(text, "<@U0BOSS>") {
			t.Errorf("%s: the mention of a picked person was lost:\n%s", name, text)
		}
	}
}

// TestDatesOfAnotherYearShowIt: a date of the current year reads "Fri Nov
// 27"; one of another year, before or after, carries its year, so "Fri Jan
// 1 1999" never reads like next month. The year is the user's, in their
// zone.
func TestDatesOfAnotherYearShowIt(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, tc := range []struct {
		name     string
		t        time.Time
		loc      *time.Location
		wantDate string
		wantTime string
	}{
		{"this year", time.Date(2026, 11, 27, 14, 5, 0, 0, ny), ny, "Fri Nov 27", "Fri Nov 27, 14:05"},
		{"long ago", time.Date(1999, 1, 1, 9, 0, 0, 0, ny), ny, "Fri Jan 1 1999", "Fri Jan 1 1999, 09:00"},
		{"next year", time.Date(2027, 1, 4, 9, 0, 0, 0, ny), ny, "Mon Jan 4 2027", "Mon Jan 4 2027, 09:00"},
		// Dec 31 2026 20:00 in New York is already 2027 in Tokyo.
		{"the user's zone decides", time.Date(2026, 12, 31, 20, 0, 0, 0, ny), tokyo, "Fri Jan 1 2027", "Fri Jan 1 2027, 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := message.Date(tc.t, now, tc.loc); got != tc.wantDate {
				t.Errorf("Date = %q; want %q", got, tc.wantDate)
			}
			if got := message.Time(tc.t, now, tc.loc); got != tc.wantTime {
				t.Errorf("Time = %q; want %q", got, tc.wantTime)
			}
		})
	}
}

// TestUniqueLabels: chart labels are clipped to Slack's 20 characters and
// kept apart when they clip to the same text.
func TestUniqueLabels(t *testing.T) {
	got := message.UniqueLabels([]string{"Understanding your blood pressure", "Understanding your blood sugar", "housing", ""}, 20)
	want := []string{"Understanding your …", "Understanding you… 2", "housing", "–"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("UniqueLabels = %q; want %q", got, want)
	}
	for _, l := range got {
		if n := len([]rune(l)); n > 20 {
			t.Errorf("%q has %d characters", l, n)
		}
	}
}

// TestPartnerCanvas: the canvas's parts, as the bot writes them, with
// text people typed escaped for canvas markdown: no link, no mention
// (![](@U…)), no heading that could pass for one of the bot's parts, no
// broadcast, and each item on its line.
func TestPartnerCanvas(t *testing.T) {
	typed := "## Shared next steps\n<!channel> [click](https://evil.example) ![](@U0BOSS) *bold* & more"
	sv := domain.Survey{ID: 3, Template: domain.TemplateFeedback, Partner: "county-health-dept", Event: 7, Channel: "C0COUNTY", Created: now.AddDate(0, 0, -2),
		SurveyOptions: domain.SurveyOptions{Anonymous: true, Closes: now.AddDate(0, 0, 5)}}
	c := message.PartnerCanvas{
		Partner:   "County Health Dept",
		FollowUps: []domain.FollowUp{{ID: 12, Partner: "county-health-dept", Due: now.Add(48 * time.Hour), Text: typed, Shared: true, Status: domain.StatusOpen}},
		Events:    []domain.Event{{ID: 7, Partner: "county-health-dept", Title: "Flu shot clinic", Start: now.Add(72 * time.Hour), End: now.Add(74 * time.Hour), Where: typed}},
		Survey: &message.CanvasSurvey{Survey: sv, Subject: message.SurveySubject{Partner: "County Health Dept", Event: "Flu shot clinic"},
			Responses: []domain.Response{{Answers: map[string]string{"q1": "4", "q2": "0"}, Comment: "a comment"}, {Answers: map[string]string{"q1": "5"}}}},
		Needs: []message.NeedTopic{{Topic: "diabetes", Count: 3}, {Topic: "transportation", Count: 1}},
		Notes: []domain.Need{{ID: 4, Note: typed, At: now.Add(-time.Hour)}},
		Now:   now, Loc: ny,
	}
	var parts []string
	for _, p := range c.Parts() {
		parts = append(parts, p.Markdown())
	}
	doc := c.Intro() + "\n\n" + strings.Join(parts, "\n\n")
	golden.Check(t, "partner-canvas.golden", doc)
	for _, live := range []string{"<!channel>", "](https://", "![](@", "*bold*", "a comment"} {
		if strings.Contains(doc, live) {
			t.Errorf("the canvas has %q live:\n%s", live, doc)
		}
	}
	if n := strings.Count(doc, "\n## "); n != 4 {
		t.Errorf("the canvas has %d headings; want the four parts' alone:\n%s", n, doc)
	}
}

// TestPercent: one rounding everywhere a share is shown, half up.
func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		n, of int
		want  string
	}{
		{2, 3, "67%"}, {1, 3, "33%"}, {35, 40, "88%"}, {40, 60, "67%"}, {1, 11, "9%"}, {6, 11, "55%"},
		{0, 5, "0%"}, {5, 5, "100%"}, {0, 0, "–"},
	} {
		if got := message.Percent(tc.n, tc.of); got != tc.want {
			t.Errorf("Percent(%d, %d) = %q; want %q", tc.n, tc.of, got, tc.want)
		}
	}
}
