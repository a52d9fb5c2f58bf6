package message

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/outreachbot/outreachbot/store"
)

// Question is one survey question: a 1–5 rating or a single choice.
type Question struct {
	ID      string
	Text    string
	Rating  bool     // 1–5
	Scale   string   // what 1 and 5 mean, for ratings
	Choices []string // for single choice
}

// Template is a survey's questions. Every survey also takes a free-text
// comment.
type Template struct {
	Name      string
	Title     string // "%s" is the event or partner
	Questions []Question
	// Score is the rating question averaged into the partner's check-in
	// score ("" for none).
	Score string
}

// Survey templates (SPEC §2).
const (
	TemplateFeedback = "event-feedback"
	TemplateFollowUp = "event-followup"
	TemplateCheckin  = "partner-checkin"
)

// Templates (SPEC §2): right after an event, a while later (the
// immediate-plus-later pattern of library outcome surveys), and the
// quarterly partnership check-in.
var Templates = map[string]Template{
	TemplateFeedback: {Name: TemplateFeedback, Title: "How was %s?", Questions: []Question{
		{ID: "q1", Text: "How useful was it?", Rating: true, Scale: "1 = not at all, 5 = very"},
		{ID: "q2", Text: "Will you use what you learned?", Choices: []string{"Yes", "Maybe", "No"}},
	}},
	TemplateFollowUp: {Name: TemplateFollowUp, Title: "A month after %s", Questions: []Question{
		{ID: "q1", Text: "Have you used what you learned?", Choices: []string{"Yes, often", "Once or twice", "Not yet"}},
		{ID: "q2", Text: "Did it change anything for you or your family?", Rating: true, Scale: "1 = nothing, 5 = a lot"},
	}},
	TemplateCheckin: {Name: TemplateCheckin, Title: "How is our partnership with %s going?", Score: "q1", Questions: []Question{
		{ID: "q1", Text: "How satisfied are you with our partnership?", Rating: true, Scale: "1 = not at all, 5 = very"},
		{ID: "q2", Text: "What should we do more of?", Choices: []string{"Workshops", "Health fairs", "Screenings", "Materials & displays", "Something else"}},
	}},
}

// AnswerText is what a stored answer reads as: a rating as is, a choice
// by its label.
func (q Question) AnswerText(raw string) string {
	if q.Rating {
		return raw
	}
	if i, err := strconv.Atoi(raw); err == nil && i >= 0 && i < len(q.Choices) {
		return q.Choices[i]
	}
	return raw
}

// SurveySubject names what a survey is about, for its prompt.
type SurveySubject struct {
	Partner string // partner name
	Event   string // event title, "" for a partnership check-in
}

// SurveyPrompt is the survey message: a section per question with its
// buttons, and the comment button with the count so far.
func SurveyPrompt(sv store.Survey, subj SurveySubject, responses int) Reply {
	t, ok := Templates[sv.Template]
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

// SurveyFor is a survey of template about partner p (and event, when not
// 0): to the partner's linked channel, or to the organizer with a note
// when there is none. where says where it goes.
func SurveyFor(p store.Partner, template string, event int64, organizer string) (sv store.Survey, where string) {
	sv = store.Survey{Template: template, Partner: p.Slug, Event: event, Channel: p.Channel, CreatedBy: organizer}
	if p.Channel != "" {
		return sv, ChannelLink(p.Channel)
	}
	sv.Channel = organizer
	sv.Note = fmt.Sprintf("%s has no linked channel, so this survey came to you: share it with the participants, or link a channel with `partner set %s channel:#…`.", p.Name, p.Slug)
	return sv, "you (the partner has no linked channel)"
}

// SurveySentFeed is the activity feed's line for a survey posted on
// schedule.
func SurveySentFeed(sv store.Survey, subj SurveySubject) string {
	about := "*" + Esc(subj.Partner) + "*"
	if subj.Event != "" {
		about = fmt.Sprintf("“%s” with *%s*", Esc(subj.Event), Esc(subj.Partner))
	}
	where := ChannelLink(sv.Channel)
	if strings.HasPrefix(sv.Channel, "U") || strings.HasPrefix(sv.Channel, "W") {
		where = Mention(sv.Channel) + "'s DM, to share" // the partner has no linked channel
	}
	return fmt.Sprintf("The %s survey `S%d` about %s went out to %s", sv.Template, sv.ID, about, where)
}
