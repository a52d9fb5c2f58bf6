package message

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/outreachbot/outreachbot/domain"
)

// SurveySubject names what a survey is about, for its prompt.
type SurveySubject struct {
	Partner string // partner name
	Event   string // event title, "" for a partnership check-in
}

// SurveyPrompt is the survey message: a section per question with its
// buttons, and the comment button with the count so far.
func SurveyPrompt(sv domain.Survey, subj SurveySubject, responses int) Reply {
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
	b.WriteString("A few quick questions from the outreach team. Anyone here can answer with one click; answering again replaces your answer.")
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
