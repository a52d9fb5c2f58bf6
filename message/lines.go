package message

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

// One-line renderings of the domain's records, shared by typed lists and
// scheduled posts so that a follow-up reads the same in `followups` and
// in the digest.

// HealthMark is a partner's health as a short, scannable label.
func HealthMark(hl domain.Health) string {
	s := map[string]string{
		domain.HealthOnTrack:    ":large_green_circle: on track",
		domain.HealthDue:        ":large_yellow_circle: due",
		domain.HealthOverdue:    ":red_circle: overdue",
		domain.HealthNotTracked: ":white_circle: not tracked",
	}[hl.State]
	if hl.OneWay {
		s += " · :left_right_arrow: one-way, try another channel"
	}
	return s
}

// PartnerLine is one partner in a list: stage, owner, last contact, health.
func PartnerLine(p domain.Partner, now time.Time, loc *time.Location) string {
	line := fmt.Sprintf("• *%s* `%s` · %s · %s · last contact %s · %s",
		Esc(p.Name), p.Slug, p.Stage, Mention(p.Owner), Ago(now, p.LastContact, loc), HealthMark(p.Health(now)))
	if c := CheckinLine(p, now, loc); c != "" {
		line += " · " + c
	}
	return line
}

// CheckinLine is a partner's latest check-in score, "" when there is none.
func CheckinLine(p domain.Partner, now time.Time, loc *time.Location) string {
	if p.CheckinCount == 0 {
		return ""
	}
	return fmt.Sprintf("check-in %.1f/5 (%s, %s)", p.CheckinScore, Plural(p.CheckinCount, "answer"), Date(p.CheckinAt, now, loc))
}

// ContactLine is one contact in a list, with the id that names it in
// `contact edit` and `contact delete`.
func ContactLine(c domain.Contact, now time.Time, loc *time.Location) string {
	line := fmt.Sprintf("• `C%d` %s · %s %s · %s — %s", c.ID, Time(c.When, now, loc), c.Method, Arrow(c.Direction), Mention(c.Who), Esc(Clip(c.Summary, 300)))
	if src := SourceNote(c.Source); src != "" {
		line += " (" + src + ")"
	}
	if c.Outcome != "" {
		line += " · outcome: " + Esc(Clip(c.Outcome, 200))
	}
	return line
}

// Arrow shows a contact's direction: → we reached them, ← they reached us.
func Arrow(direction string) string {
	if direction == "in" {
		return "←"
	}
	return "→"
}

// FollowUpLine is one follow-up in a list.
func FollowUpLine(f domain.FollowUp, partnerName string, now time.Time, loc *time.Location) string {
	late := ""
	if f.Status == domain.StatusOpen && f.Due.Before(now) {
		late = " · :red_circle: overdue"
	}
	if partnerName == "" {
		partnerName = f.Partner
	}
	line := fmt.Sprintf("• `F%d` *%s* — %s · due %s · %s%s", f.ID, Esc(partnerName), Esc(Clip(f.Text, 200)), Time(f.Due, now, loc), Mention(f.Assignee), late)
	if r := Repeats(f, loc); r != "" {
		line += " · :repeat: " + r
	}
	return line
}

// Repeats says how a repeating follow-up comes round, "repeats every
// weekday at 9:00", with its zone when it is not the reader's; "" for
// one that does not repeat, or whose series has ended.
func Repeats(f domain.FollowUp, loc *time.Location) string {
	if !f.Repeats() {
		return ""
	}
	if f.RuleText == "" {
		return "repeats"
	}
	s := "repeats " + f.RuleText
	if loc == nil || f.Zone != loc.String() {
		s += " (" + f.Zone + " time)"
	}
	return s
}

// FollowUpStatus says who closed a follow-up and when; "" while open.
func FollowUpStatus(f domain.FollowUp, now time.Time, loc *time.Location) string {
	switch f.Status {
	case domain.StatusDone:
		return fmt.Sprintf(":white_check_mark: Done by %s, %s", Mention(f.DoneBy), Time(f.DoneAt, now, loc))
	case domain.StatusCancelled:
		return fmt.Sprintf(":heavy_multiplication_x: Cancelled by %s, %s", Mention(f.DoneBy), Time(f.DoneAt, now, loc))
	}
	return ""
}

// EventWhen is "Thu Dec 3, 10:00–14:00", or a span across days.
func EventWhen(e domain.Event, now time.Time, loc *time.Location) string {
	s, en := e.Start.In(loc), e.End.In(loc)
	if s.Year() == en.Year() && s.YearDay() == en.YearDay() {
		return fmt.Sprintf("%s–%s", Time(e.Start, now, loc), en.Format("15:04"))
	}
	return fmt.Sprintf("%s – %s", Time(e.Start, now, loc), Time(e.End, now, loc))
}

// EventPartners names an event's partners from names (slug → name): "A",
// "A and B", "A, B and C".
func EventPartners(e domain.Event, names map[string]string) string {
	var ns []string
	for _, slug := range append([]string{e.Partner}, e.With...) {
		if n := names[slug]; n != "" {
			ns = append(ns, n)
		} else {
			ns = append(ns, slug)
		}
	}
	if len(ns) < 2 {
		return strings.Join(ns, "")
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

// EventLine is one event in a list; partnerName names its partners
// (EventPartners).
func EventLine(e domain.Event, partnerName string, now time.Time, loc *time.Location) string {
	line := fmt.Sprintf("• `E%d` %s · *%s* with %s · %s", e.ID, EventWhen(e, now, loc), Esc(e.Title), Esc(partnerName), e.Type)
	if e.Where != "" {
		line += " · " + Esc(e.Where)
	}
	switch {
	case e.Attended >= 0 && e.Registered >= 0:
		line += fmt.Sprintf(" · %d came of %d registered", e.Attended, e.Registered)
	case e.Attended >= 0:
		line += fmt.Sprintf(" · %d came", e.Attended)
	case e.Registered >= 0:
		line += fmt.Sprintf(" · %d registered", e.Registered)
	}
	if len(e.Resources) > 0 {
		line += " · used " + Esc(strings.Join(e.Resources, ", "))
	}
	return line
}

// ContactKind names a contact with its article: "an email", "a call",
// "a contact" for other.
func ContactKind(method string) string {
	switch method {
	case "email":
		return "an email"
	case "other", "":
		return "a contact"
	}
	return "a " + method
}

// FollowUpFeed is the activity feed's line for a change to a follow-up
// (domain.ChangeDone, ChangeCancel, ChangeSnooze or ChangeReschedule), by who.
func FollowUpFeed(who string, f domain.FollowUp, change, partnerName string) string {
	if change == domain.ChangeEndSeries {
		return fmt.Sprintf("%s ended the repeating follow-up `F%d` with *%s*", Mention(who), f.Series, Esc(partnerName))
	}
	verb := map[string]string{domain.ChangeDone: "closed", domain.ChangeCancel: "cancelled", domain.ChangeSnooze: "snoozed", domain.ChangeReschedule: "rescheduled"}[change]
	return fmt.Sprintf("%s %s follow-up `F%d` with *%s*", Mention(who), verb, f.ID, Esc(partnerName))
}

// SourceNote says which Slack message a record came from: "from
// @dana's message", the word a link to it when Slack gave one. "" for a
// record typed or filled in a form.
func SourceNote(src *domain.Source) string {
	if src == nil {
		return ""
	}
	msg := "message"
	if l := Link(src.Link, "message"); l != "" {
		msg = l
	}
	if !personID.MatchString(src.Author) {
		return "from a " + msg // an app's message
	}
	return fmt.Sprintf("from %s's %s", Mention(src.Author), msg)
}

// personID is a person's Slack user id (an app's message has a bot id).
var personID = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// Link is a mrkdwn link to url labelled label, or "" when url is not a
// plain https address (a permalink from Slack always is): nothing stored
// can pass for a link of another shape, or for a mention.
func Link(url, label string) string {
	if !strings.HasPrefix(url, "https://") || len(url) > 1000 || strings.ContainsAny(url, "<>| \t\n\"") {
		return ""
	}
	return "<" + url + "|" + Esc(label) + ">"
}
