package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Survey is a survey sent from a template, S<n>.
type Survey struct {
	ID        int64
	Template  string
	Partner   string
	Event     int64  // 0 when about the partnership
	Channel   string // where it is (or will be) posted; answers count only from there
	Note      string // said above the prompt (e.g. why it went to a DM)
	PostedTS  string
	Created   time.Time
	CreatedBy string
	SurveyOptions
}

// SurveyOptions are a survey's opt-ins (`survey … [remind:2d] [anonymous]
// [closes:<when>]`).
type SurveyOptions struct {
	// Remind is how long after it goes out those in its channel who have
	// not answered get one reminder; 0 for none.
	Remind time.Duration
	// Anonymous: responses are kept without who gave them (no user id,
	// no Slack team, no time): ratings, choices and comments, counted.
	Anonymous bool
	// Closes is when it stops taking answers; zero while it never does.
	Closes time.Time
}

// Closed reports whether the survey has stopped taking answers at now.
func (sv Survey) Closed(now time.Time) bool {
	return !sv.Closes.IsZero() && !now.Before(sv.Closes)
}

// Response is one person's answers to a survey.
type Response struct {
	User    string            `json:"-"`
	Team    string            `json:"team"`
	Answers map[string]string `json:"answers,omitempty"`
	Comment string            `json:"comment,omitempty"`
	At      int64             `json:"at"`
}

// ParseSurveyID reads "S12" (or "s12", "12") as 12.
func ParseSurveyID(s string) (int64, bool) { return parseShortID(s, "S") }

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
	// Rated is the rating question whose average stands for the template
	// in reports: how useful an event was, whether it changed anything a
	// month on, satisfaction with the partnership.
	Rated string
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
	TemplateFeedback: {Name: TemplateFeedback, Title: "How was %s?", Rated: "q1", Questions: []Question{
		{ID: "q1", Text: "How useful was it?", Rating: true, Scale: "1 = not at all, 5 = very"},
		{ID: "q2", Text: "Will you use what you learned?", Choices: []string{"Yes", "Maybe", "No"}},
	}},
	TemplateFollowUp: {Name: TemplateFollowUp, Title: "A month after %s", Rated: "q2", Questions: []Question{
		{ID: "q1", Text: "Have you used what you learned?", Choices: []string{"Yes, often", "Once or twice", "Not yet"}},
		{ID: "q2", Text: "Did it change anything for you or your family?", Rating: true, Scale: "1 = nothing, 5 = a lot"},
	}},
	TemplateCheckin: {Name: TemplateCheckin, Title: "How is our partnership with %s going?", Rated: "q1", Score: "q1", Questions: []Question{
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

// SurveyFor is a survey of template about partner p (and event, when not
// 0): to the partner's linked channel, or, when there is none, to the
// organizer's DM with a note saying why (ToOrganizer).
func SurveyFor(p Partner, template string, event int64, organizer string) Survey {
	sv := Survey{Template: template, Partner: p.Slug, Event: event, Channel: p.Channel, CreatedBy: organizer}
	if p.Channel != "" {
		return sv
	}
	sv.Channel = organizer
	sv.Note = fmt.Sprintf("%s has no linked channel, so this survey came to you: share it with the participants, or link a channel with `partner set %s channel:#…`.", p.Name, p.Slug)
	return sv
}

// EventSurveys are the surveys of template for an event run with
// partners (the one it was added for first, then those it was run
// with): one into each partner's linked channel, once a channel; when
// none has one, one to the organizer, as SurveyFor sends it.
func EventSurveys(partners []Partner, template string, event int64, organizer string) []Survey {
	var out []Survey
	seen := map[string]bool{}
	for _, p := range partners {
		if p.Channel == "" || seen[p.Channel] {
			continue
		}
		seen[p.Channel] = true
		out = append(out, SurveyFor(p, template, event, organizer))
	}
	if len(out) == 0 && len(partners) > 0 {
		out = append(out, SurveyFor(partners[0], template, event, organizer))
	}
	return out
}

// ToOrganizer reports whether the survey goes to a person's DM (its
// partner has no linked channel) rather than to a channel.
func (sv Survey) ToOrganizer() bool {
	return strings.HasPrefix(sv.Channel, "U") || strings.HasPrefix(sv.Channel, "W")
}
