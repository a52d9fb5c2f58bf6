// Package message is what Outreach Bot's users read: the reply model
// (text, buttons, sections) that every door renders, and the texts and
// line formats shared by typed replies and scheduled posts (reminders,
// nudges, the digest, survey prompts). It knows nothing of Slack, of the
// command grammar or of the scheduler, so both commands and scheduler
// build their messages here and the console prints exactly what Slack
// shows.
package message

import (
	"context"
	"io"
)

// Reply is what the user sees. Text is Slack mrkdwn in which everything a
// user typed has passed through Esc, so it is safe to show with verbatim
// set: typed <!channel> or @here never notifies anyone.
type Reply struct {
	Text    string
	Choices []Choice // buttons under the text
	// Form asks the door to open a form (the log modal) instead of
	// replying; FormPartner prefills it, and FormUsage is what to type
	// instead where the form cannot open.
	Form        string
	FormPartner string
	FormUsage   string
	// Sections follow Text, each with its own buttons.
	Sections []Section
	// Files go with the reply: a report's charts, an export's CSV.
	Files []File
	// Later is work that may take longer than a second (a report, an
	// export): the door answers Text at once, then runs Later and
	// delivers what it returns to the same person, files included.
	Later func(ctx context.Context) Reply
	// Private delivers the reply to the person's DM and never into a
	// channel (an export).
	Private bool
	// Feed is a one-line activity post for OUTREACH_FEED_CHANNEL, when set.
	Feed string
	// Notice tells the outreach team something the request showed, apart
	// from the reply (which may go to a partner's liaison, who must not
	// read it).
	Notice  *Notice
	Outcome Outcome
	// Command is the table entry that ran ("partner add"), for metrics.
	Command string
}

// Choice is a button. Value is never trusted when pressed: the action is
// checked again as if typed.
type Choice struct {
	Label  string
	Action string
	Value  string
	Style  string // "", "primary" or "danger"
}

// Section is a part of a message with its own buttons (one per partner in
// a nudge, one per question in a survey), and perhaps a chart or a table
// under its text.
type Section struct {
	Text    string
	Chart   *Chart
	Table   *Table
	Choices []Choice
}

// File is a file delivered with a reply.
type File struct {
	Name  string // "contacts-per-week.png"
	Title string
	// Write writes the content. It may stream from the store (an export),
	// so a door calls it once, into a file or an upload.
	Write func(io.Writer) error
}

// Outcome classifies a reply for metrics.
type Outcome string

// Outcomes.
const (
	OutcomeOK          Outcome = "ok"
	OutcomeUserError   Outcome = "user_error"
	OutcomeDenied      Outcome = "denied"
	OutcomeUnavailable Outcome = "unavailable"
	OutcomeInternal    Outcome = "internal"
)

// The forms a door opens, each filling one command of the table (its row
// names the form): the log modal behind a bare `log`, and the App Home's
// Add a partner and Record a need. The names are also the modals' Slack
// callback ids.
const (
	FormLog     = "log"
	FormPartner = "add_partner"
	FormNeed    = "record_need"
)

// Buttons. A button's value names the follow-up, partner or survey; it is
// checked again against the store when pressed.
const (
	ActionDone          = "fu_done"
	ActionSnoozeDay     = "fu_snooze_1d"
	ActionSnoozeWeek    = "fu_snooze_1w"
	ActionNudgeDone     = "nudge_done"
	ActionNudgeSnoozeD  = "nudge_snooze_1d"
	ActionNudgeSnoozeWk = "nudge_snooze_1w"
	// ActionLogContact opens the log form, its value the partner.
	ActionLogContact = "log_contact"
	// ActionAddPartner opens the App Home's add-a-partner form.
	ActionAddPartner = "add_partner"
	// ActionRecordNeed opens the record-a-need form.
	ActionRecordNeed = "record_need"
	// ActionComment opens a survey's comment form.
	ActionComment = "sv_comment"
	// ActionFollowUpSurvey schedules a past event's follow-up survey, its
	// value the event ("E7").
	ActionFollowUpSurvey = "ev_fu_survey"
	// ActionReportPDF makes a report's one-page PDF, its value the
	// partner and the period (report.PDFValue).
	ActionReportPDF = "report_pdf"
	// ActionSurveyPrefix starts a survey answer's action:
	// "sv:<question>:<answer>", with the survey id as value.
	ActionSurveyPrefix = "sv:"
)

// AllChoices lists every button of r, in the order they show.
func (r Reply) AllChoices() []Choice {
	out := append([]Choice(nil), r.Choices...)
	for _, s := range r.Sections {
		out = append(out, s.Choices...)
	}
	return out
}
