package message

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

// SurveySubject names what a survey is about, for its prompt.
type SurveySubject struct {
	Partner string // partner name
	Event   string // event title, "" for a partnership check-in
}

// SurveyPrompt is the survey message: a section per question with its
// buttons, and the comment button with the count so far. An anonymous
// survey says so before anyone answers; one with a closing time says
// when, read in loc (the team's zone: a channel's people are in many),
// and once closed at now it shows the count and no buttons.
func SurveyPrompt(sv domain.Survey, subj SurveySubject, responses int, now time.Time, loc *time.Location) Reply {
	t, ok := domain.Templates[sv.Template]
	if !ok {
		return Reply{Text: fmt.Sprintf("Survey `S%d` uses a template I no longer have.", sv.ID)}
	}
	about := subj.Partner
	if subj.Event != "" {
		about = "“" + subj.Event + "”"
	}
	var b strings.Builder
	fmt.Fprintf(&b, ":clipboard: *%s* (`S%d`)\n", Esc(fmt.Sprintf(t.Title, about)), sv.ID)
	if sv.Note != "" {
		b.WriteString(Esc(sv.Note) + "\n")
	}
	if sv.Closed(now) {
		fmt.Fprintf(&b, "_This survey closed %s, with %s. Thank you!_", ClosingTime(sv.Closes, now, loc), Plural(responses, "response"))
		return Reply{Text: b.String()}
	}
	b.WriteString("A few quick questions from the outreach team. Anyone here can answer with one click; answering again replaces your answer.")
	if sv.Anonymous {
		b.WriteString("\n:lock: *Anonymous:* your answers are kept without your name or your team, so nobody, the outreach team included, can see who answered what. Only the counts, ratings and comments are kept.")
	}
	if !sv.Closes.IsZero() {
		fmt.Fprintf(&b, "\nOpen until %s.", ClosingTime(sv.Closes, now, loc))
	}
	r := Reply{Text: b.String()}
	value := fmt.Sprintf("S%d", sv.ID)
	for i, q := range t.Questions {
		sec := Section{Text: fmt.Sprintf("*%d. %s*", i+1, q.Text)}
		if q.Rating {
			sec.Text += fmt.Sprintf(" (%s)", q.Scale)
			for n := 1; n <= 5; n++ {
				sec.Choices = append(sec.Choices, Choice{Label: strconv.Itoa(n), Action: fmt.Sprintf("%s%s:%d", ActionSurveyPrefix, q.ID, n), Value: value})
			}
		}
		for ci, c := range q.Choices {
			sec.Choices = append(sec.Choices, Choice{Label: c, Action: fmt.Sprintf("%s%s:%d", ActionSurveyPrefix, q.ID, ci), Value: value})
		}
		r.Sections = append(r.Sections, sec)
	}
	r.Sections = append(r.Sections, Section{
		Text:    fmt.Sprintf("_%s so far._", Plural(responses, "response")),
		Choices: []Choice{{Label: "Add a comment", Action: ActionComment, Value: value}},
	})
	return r
}

// SurveySentFeed is the activity feed's line for a survey posted on
// schedule.
func SurveySentFeed(sv domain.Survey, subj SurveySubject) string {
	about := "*" + Esc(subj.Partner) + "*"
	if subj.Event != "" {
		about = fmt.Sprintf("“%s” with *%s*", Esc(subj.Event), Esc(subj.Partner))
	}
	where := ChannelLink(sv.Channel)
	if sv.ToOrganizer() {
		where = Mention(sv.Channel) + "'s DM, to share" // the partner has no linked channel
	}
	return fmt.Sprintf("The %s survey `S%d` about %s went out to %s", sv.Template, sv.ID, about, where)
}

// SurveyWhere says where a survey goes, for the reply that sends it.
func SurveyWhere(sv domain.Survey) string {
	if sv.ToOrganizer() {
		return "you (the partner has no linked channel)"
	}
	return ChannelLink(sv.Channel)
}

// ClosingTime is when a survey closes, with the zone's abbreviation: the
// people of a channel read it in their own zones ("Fri Dec 4, 17:00 EST").
func ClosingTime(t, now time.Time, loc *time.Location) string {
	return Time(t, now, loc) + " " + t.In(loc).Format("MST")
}

// SurveyReminder is a survey's one reminder, by DM, to someone in its
// channel who has not answered: what it is, where, a link to it (""
// when Slack gave none), and when it closes in the reader's zone loc.
func SurveyReminder(sv domain.Survey, subj SurveySubject, link string, now time.Time, loc *time.Location) Reply {
	title := fmt.Sprintf("S%d", sv.ID)
	if t, ok := domain.Templates[sv.Template]; ok {
		about := subj.Partner
		if subj.Event != "" {
			about = "“" + subj.Event + "”"
		}
		title = fmt.Sprintf(t.Title, about)
	}
	var b strings.Builder
	fmt.Fprintf(&b, ":wave: A reminder from the outreach team: the survey *%s* (`S%d`) in %s is waiting for your answer. It takes a click or two", Esc(title), sv.ID, ChannelLink(sv.Channel))
	if l := Link(link, "answer it there"); l != "" {
		b.WriteString(": " + l)
	}
	b.WriteString(".")
	if sv.Anonymous {
		b.WriteString("\nIt's anonymous: nobody, the outreach team included, can see who answered what.")
	}
	if !sv.Closes.IsZero() {
		fmt.Fprintf(&b, "\nIt closes %s.", Time(sv.Closes, now, loc))
	}
	b.WriteString("\nThis is the only reminder I'll send about it.")
	return Reply{Text: b.String()}
}
