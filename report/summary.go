package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
)

// stageOrder is how stages read in the summary: the pipeline, then the
// partnerships not tracked.
var stageOrder = []string{"active", "engaged", "contacted", "researching", "prospect", "paused", "ended"}

// Summary is the report's text, a section per part, so it reads as a
// slide's worth of numbers in Slack.
func Summary(d *Data) message.Reply {
	scope := "all partners"
	if d.Partner != nil {
		scope = "*" + message.Esc(d.Partner.Name) + "*"
	}
	r := message.Reply{Text: fmt.Sprintf(":bar_chart: *Impact report* — %s · %s · %s", scope, d.Period.Label, message.Plural(d.Counted().DaysSaid(), "day"))}
	add := func(title, body string) *message.Section {
		r.Sections = append(r.Sections, message.Section{Text: "*" + title + "*\n" + body})
		return &r.Sections[len(r.Sections)-1]
	}

	if d.Partner == nil {
		add("Partners", partnersLine(d))
	} else {
		h := d.Partner.Health(d.Now)
		add("Partnership", fmt.Sprintf("%s · %s", d.Partner.Stage, message.HealthMark(h)))
	}
	add("Contacts", contactsLine(d)).Chart = nativeContacts(d)
	add("Events", eventsLine(d))
	add("Surveys", surveysLine(d))
	add("Community needs", needsLine(d)).Chart = nativeNeeds(d)
	add("Follow-ups due", followUpsLine(d))
	// Slack draws these in the message; the PNGs that follow are for
	// slides, the PDF for the board.
	table, slug := partnersTable(d), ""
	if d.Partner != nil {
		table, slug = eventsTable(d), d.Partner.Slug
	}
	if table != nil {
		r.Sections = append(r.Sections, message.Section{Table: table})
	}
	r.Sections = append(r.Sections, message.Section{
		Text:    "_" + methodology(d) + "_",
		Choices: []message.Choice{{Label: "PDF for the board", Action: message.ActionReportPDF, Value: PDFValue(slug, d.Period)}},
	})
	return r
}

// methodology says how the numbers were counted, in one line.
func methodology(d *Data) string {
	return fmt.Sprintf("Counted from the team's log in %s: contacts, needs and surveys by their dates, events that have started, follow-ups that fell due%s; trends compare with the %d days before; archived partners' history counts.",
		strings.ReplaceAll(d.Loc.String(), "_", " "), soFarNote(d), d.Counted().Days())
}

func soFarNote(d *Data) string {
	if d.Period.SoFar(d.Now) {
		return ", up to " + day(d.Now, d.Loc, true)
	}
	return ""
}

func partnersLine(d *Data) string {
	if d.Partners == 0 {
		return "None registered yet."
	}
	var stages []string
	for _, s := range stageOrder {
		if n := d.ByStage[s]; n > 0 {
			stages = append(stages, fmt.Sprintf("%d %s", n, s))
		}
	}
	var health []string
	for _, h := range []string{domain.HealthOnTrack, domain.HealthDue, domain.HealthOverdue, domain.HealthNotTracked} {
		if n := d.ByHealth[h]; n > 0 {
			health = append(health, fmt.Sprintf("%d %s", n, h))
		}
	}
	line := fmt.Sprintf("%d: %s\nHealth now: %s", d.Partners, strings.Join(stages, ", "), strings.Join(health, ", "))
	if d.OneWay > 0 {
		line += fmt.Sprintf(" · %d one-way", d.OneWay)
	}
	return line
}

func contactsLine(d *Data) string {
	if d.Contacts == 0 {
		return "None logged in this period."
	}
	line := fmt.Sprintf("%d: %s\n%d by us, %d from partners (%s from partners)",
		d.Contacts, message.Counts(d.ContactsByMethod), d.Contacts-d.ContactsIn, d.ContactsIn, message.Percent(d.ContactsIn, d.Contacts))
	return line
}

func eventsLine(d *Data) string {
	later := ""
	if d.Upcoming > 0 {
		later = fmt.Sprintf("\n%d more scheduled %s (not counted yet)", d.Upcoming, d.byEnd())
	}
	if d.Held == 0 {
		return "None " + d.soFar("in this period") + "." + later
	}
	people := fmt.Sprintf("%d people", d.Attended)
	if d.Attended == 1 {
		people = "1 person"
	}
	line := fmt.Sprintf("%d, %s attended", d.Held, people)
	if d.AttendedOf > 0 {
		line += fmt.Sprintf(" · %d of %d registered came (%s)", d.AttendedWithRegistration, d.AttendedOf, message.Percent(d.AttendedWithRegistration, d.AttendedOf))
	}
	if d.NoAttendance > 0 {
		line += fmt.Sprintf("\n%s over without attendance recorded: `event attended E<n> <count>`", message.Plural(d.NoAttendance, "event"))
	}
	return line + later
}

// soFar is where, said "so far" while the period runs past now.
func (d *Data) soFar(where string) string {
	if d.Period.SoFar(d.Now) {
		return "so far " + where
	}
	return where
}

// byEnd says when the period ends, for what it still holds: "by Dec 31".
func (d *Data) byEnd() string {
	loc := d.Period.From.Location()
	last := d.Period.To.Add(-time.Millisecond)
	return "by " + day(last, loc, last.In(loc).Year() != d.Now.In(loc).Year())
}

// surveyTitles name each template's average as the report reads it.
var surveyTitles = []struct{ template, title string }{
	{domain.TemplateFeedback, "Event feedback (how useful)"},
	{domain.TemplateFollowUp, "30-day follow-up (did it change anything)"},
	{domain.TemplateCheckin, "Partner check-in (satisfaction)"},
}

func surveysLine(d *Data) string {
	var lines []string
	for _, st := range surveyTitles {
		s := d.Surveys[st.template]
		if s == nil {
			continue
		}
		avg := "no ratings yet"
		if s.Ratings > 0 {
			avg = fmt.Sprintf("*%.1f*/5 from %s", s.Average(), message.Plural(s.Ratings, "rating"))
		}
		lines = append(lines, fmt.Sprintf("%s: %s · %s to %s", st.title, avg, message.Plural(s.Responses, "response"), message.Plural(s.Surveys, "survey")))
	}
	if len(lines) == 0 {
		return "None sent in this period."
	}
	return strings.Join(lines, "\n")
}

func needsLine(d *Data) string {
	if d.NeedsTotal == 0 {
		return "None recorded in this period. `need <topic> <what you heard>` records one."
	}
	var parts []string
	for i, tc := range d.Needs {
		if i == 8 || tc.Count == 0 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", message.Esc(tc.Topic), tc.Count, tc.Trend()))
	}
	line := fmt.Sprintf("%s: %s", message.Plural(d.NeedsTotal, "need"), strings.Join(parts, " · "))
	if sum := topicSum(d); sum > d.NeedsTotal {
		line += " _(a need may name several topics)_"
	}
	return line
}

func followUpsLine(d *Data) string {
	total := d.DueOnTime + d.DueLate + d.DueOpen
	later := ""
	if d.DueLater > 0 {
		later = fmt.Sprintf("\n%d more due %s (not counted yet)", d.DueLater, d.byEnd())
	}
	if total == 0 {
		return "None fell due " + d.soFar("in this period") + "." + later
	}
	line := fmt.Sprintf("%d: %d done on time, %d done late, %d still open (%s on time)",
		total, d.DueOnTime, d.DueLate, d.DueOpen, message.Percent(d.DueOnTime, total))
	if d.DueCancelled > 0 {
		line += fmt.Sprintf(" · %d cancelled", d.DueCancelled)
	}
	return line + later
}

// topicSum is the needs counted by topic, a need of two topics twice.
func topicSum(d *Data) int {
	n := 0
	for _, tc := range d.Needs {
		n += tc.Count
	}
	return n
}
