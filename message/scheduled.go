package message

import (
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

// Messages the scheduler posts, and the button presses that rewrite them.

// Reminder is the DM reminding the assignee of a follow-up. status, when
// not "", says what happened to it (after a button press) and replaces
// the buttons.
func Reminder(f domain.FollowUp, partnerName string, now time.Time, loc *time.Location, status string) Reply {
	var b strings.Builder
	fmt.Fprintf(&b, ":bell: *Follow-up `F%d`* with *%s*: %s\nDue %s", f.ID, Esc(partnerName), Esc(Clip(f.Text, 500)), Time(f.Due, now, loc))
	if f.Reminders > 0 && status == "" {
		fmt.Fprintf(&b, " · reminder %d of %d", f.Reminders+1, domain.MaxReminders)
	}
	if status != "" {
		b.WriteString("\n" + status)
		return Reply{Text: b.String()}
	}
	if r := Repeats(f, loc); r != "" {
		fmt.Fprintf(&b, "\n:repeat: It %s; *Done* closes this one and brings the next.", r)
	}
	v := fmt.Sprintf("F%d", f.ID)
	return Reply{Text: b.String(), Choices: []Choice{
		{Label: "Done", Action: ActionDone, Value: v, Style: "primary"},
		{Label: "Snooze 1 day", Action: ActionSnoozeDay, Value: v},
		{Label: "Snooze 1 week", Action: ActionSnoozeWeek, Value: v},
		{Label: "Log contact", Action: ActionLogContact, Value: f.Partner},
	}}
}

// Nudge is the DM to a partner's owner listing their partners past their
// stay-in-touch cadence (domain.Overdue). Partners whose nudges are
// snoozed are shown as such, without buttons.
func Nudge(partners []domain.Partner, now time.Time, loc *time.Location) Reply {
	var r Reply
	switch len(partners) {
	case 0:
		r.Text = ":white_check_mark: All caught up: none of your partners is past its stay-in-touch cadence."
	case 1:
		r.Text = ":wave: *Time to get in touch.* 1 partner is past its stay-in-touch cadence:"
	default:
		r.Text = fmt.Sprintf(":wave: *Time to get in touch.* %d of your partners are past their stay-in-touch cadence:", len(partners))
	}
	const maxShown = 20 // two blocks each, within Slack's 50 per message
	for i, p := range partners {
		if i == maxShown {
			r.Sections = append(r.Sections, Section{Text: fmt.Sprintf("…and %d more: `partner list overdue owner:@you`", len(partners)-maxShown)})
			break
		}
		hl := p.Health(now)
		line := fmt.Sprintf("*%s* `%s` · last contact %s · every %s", Esc(p.Name), p.Slug, Ago(now, p.LastContact, loc), Plural(p.Cadence, "day"))
		if hl.OneWay {
			line += "\n:left_right_arrow: one-way: we reached out three times or more with nothing back; try a call, a visit or someone else there"
		}
		if p.NudgeQuietUntil.After(now) {
			r.Sections = append(r.Sections, Section{Text: line + fmt.Sprintf("\n:zzz: no nudge until %s", Date(p.NudgeQuietUntil, now, loc))})
			continue
		}
		r.Sections = append(r.Sections, Section{Text: line, Choices: []Choice{
			{Label: "Log contact", Action: ActionLogContact, Value: p.Slug, Style: "primary"},
			{Label: "Snooze 1 day", Action: ActionNudgeSnoozeD, Value: p.Slug},
			{Label: "Snooze 1 week", Action: ActionNudgeSnoozeWk, Value: p.Slug},
			{Label: "Done", Action: ActionNudgeDone, Value: p.Slug},
		}})
	}
	return r
}

// Digest is what the weekly team digest reports.
type Digest struct {
	Now              time.Time
	OverdueFollowUps []domain.FollowUp
	QuietPartners    []domain.Partner
	PartnerNames     map[string]string
	Events           []domain.Event // in the coming week
	// Last week's numbers.
	ContactsByMethod map[string]int
	ContactsIn       int
	ContactsOut      int
	FollowUpsDone    int64
	PartnersAdded    int
	EventsHeld       int // events that started last week
	Attended         int // people who came to them (where recorded)
	SurveysSent      int
	SurveyResponses  int // to the surveys sent last week
	NeedsHeard       int
	// Undelivered are last week's scheduled posts Slack refused.
	Undelivered []domain.JobFailure
}

// DigestPost is the weekly post to the team channel.
func DigestPost(d Digest, loc *time.Location) Reply {
	var b strings.Builder
	weekStart := d.Now.In(loc).AddDate(0, 0, -7)
	fmt.Fprintf(&b, ":bar_chart: *Outreach digest* — %s\n", d.Now.In(loc).Format("Monday, January 2"))
	fmt.Fprintf(&b, "\n*Overdue follow-ups* (%d)\n", len(d.OverdueFollowUps))
	if len(d.OverdueFollowUps) == 0 {
		b.WriteString("None. :tada:\n")
	}
	WriteLines(&b, len(d.OverdueFollowUps), 15, ": `followups overdue`", func(i int) string {
		f := d.OverdueFollowUps[i]
		line := FollowUpLine(f, d.PartnerNames[f.Partner], d.Now, loc)
		if f.Reminders >= domain.MaxReminders {
			// Reminded to the last, or imported overdue (which gets no
			// burst of reminders): the digest carries it now.
			line += " · no more reminders"
		}
		return line
	})
	fmt.Fprintf(&b, "\n*Quiet partners* (%d), past their stay-in-touch cadence\n", len(d.QuietPartners))
	if len(d.QuietPartners) == 0 {
		b.WriteString("None: every partner heard from us in time.\n")
	}
	WriteLines(&b, len(d.QuietPartners), 15, ": `partner list overdue`", func(i int) string {
		p := d.QuietPartners[i]
		return fmt.Sprintf("• *%s* · %s · last contact %s", Esc(p.Name), Mention(p.Owner), Ago(d.Now, p.LastContact, loc))
	})
	fmt.Fprintf(&b, "\n*This week's events* (%d)\n", len(d.Events))
	if len(d.Events) == 0 {
		b.WriteString("None planned.\n")
	}
	for _, e := range d.Events {
		b.WriteString(EventLine(e, EventPartners(e, d.PartnerNames), d.Now, loc) + "\n")
	}
	if len(d.Undelivered) > 0 {
		fmt.Fprintf(&b, "\n*Not delivered* (%d): scheduled posts that did not go out\n", len(d.Undelivered))
		WriteLines(&b, len(d.Undelivered), 10, ".", func(i int) string { return UndeliveredLine(d.Undelivered[i], d.Now, loc) })
	}
	total := d.ContactsIn + d.ContactsOut
	fmt.Fprintf(&b, "\n*Since %s*\n%s (%d by us, %d from partners)", weekStart.Format("Mon Jan 2"), Plural(total, "contact"), d.ContactsOut, d.ContactsIn)
	if total > 0 {
		b.WriteString(": " + Counts(d.ContactsByMethod))
	}
	fmt.Fprintf(&b, " · %s done · %s added", Plural(int(d.FollowUpsDone), "follow-up"), Plural(d.PartnersAdded, "partner"))
	people := fmt.Sprintf("%d people came", d.Attended)
	if d.Attended == 1 {
		people = "1 person came"
	}
	fmt.Fprintf(&b, "\n%s held, %s · %s sent, %s · %s heard",
		Plural(d.EventsHeld, "event"), people, Plural(d.SurveysSent, "survey"), Plural(d.SurveyResponses, "response"), Plural(d.NeedsHeard, "community need"))
	return Reply{Text: b.String()}
}

// AttendanceQuestion is the DM asking an event's organizer how many came.
// command is the slash command's name, for the reply it asks for.
func AttendanceQuestion(e domain.Event, partnerName, command string, now time.Time, loc *time.Location) Reply {
	return Reply{Text: fmt.Sprintf(":calendar: *%s* with *%s* (`E%d`, %s) is over. How many came? Reply with `%s event attended E%d <count>`; it goes into the impact numbers.",
		Esc(e.Title), Esc(partnerName), e.ID, EventWhen(e, now, loc), command, e.ID)}
}

// LiaisonNote is the DM telling a partner's owner that the partner's
// liaison left a note, with a button to log the reply.
func LiaisonNote(c domain.Contact, partner domain.Partner, now time.Time, loc *time.Location) Reply {
	return Reply{
		Text: fmt.Sprintf(":speech_balloon: *%s* left a note for the team: %s — %s, %s\n> %s",
			Esc(partner.Name), ContactKind(c.Method), Mention(c.Who), Time(c.When, now, loc), Esc(Clip(c.Summary, 1500))),
		Choices: []Choice{{Label: "Log a reply", Action: ActionLogContact, Value: partner.Slug, Style: "primary"}},
	}
}

// OwnerDigest is a person's Monday DM: the follow-ups they owe this week
// (the overdue first) and their partners past cadence.
func OwnerDigest(owed []domain.FollowUp, quiet []domain.Partner, names map[string]string, now time.Time, loc *time.Location) Reply {
	return OwnerMorning(owed, quiet, nil, names, now, loc)
}

// OwnerMorning is a person's Monday DM with the morning's stay-in-touch
// nudge inside, so that they get one message that morning, not two an
// hour apart: the partners due a nudge (nudged, among quiet) come after
// the week, each with the nudge's buttons.
func OwnerMorning(owed []domain.FollowUp, quiet, nudged []domain.Partner, names map[string]string, now time.Time, loc *time.Location) Reply {
	inNudge := map[string]bool{}
	for _, p := range nudged {
		inNudge[p.Slug] = true
	}
	var listed []domain.Partner
	for _, p := range quiet {
		if !inNudge[p.Slug] {
			listed = append(listed, p)
		}
	}
	r := ownerWeek(owed, listed, len(nudged), names, now, loc)
	if len(nudged) > 0 {
		n := Nudge(nudged, now, loc)
		r.Text += "\n" + n.Text
		r.Sections = n.Sections
	}
	return r
}

func ownerWeek(owed []domain.FollowUp, quiet []domain.Partner, below int, names map[string]string, now time.Time, loc *time.Location) Reply {
	var b strings.Builder
	fmt.Fprintf(&b, ":spiral_calendar_pad: *Your week* — %s\n", now.In(loc).Format("Monday, January 2"))
	fmt.Fprintf(&b, "\n*Follow-ups due by %s* (%d)\n", Date(now.AddDate(0, 0, 7), now, loc), len(owed))
	if len(owed) == 0 {
		b.WriteString("None. :tada:\n")
	}
	WriteLines(&b, len(owed), 15, ": `followups`", func(i int) string { return FollowUpLine(owed[i], names[owed[i].Partner], now, loc) })
	fmt.Fprintf(&b, "\n*Your partners past their stay-in-touch cadence* (%d)\n", len(quiet)+below)
	if len(quiet)+below == 0 {
		b.WriteString("None: every one of them heard from you in time.\n")
	}
	WriteLines(&b, len(quiet), 15, ": `partner list overdue owner:@you`", func(i int) string {
		p := quiet[i]
		return fmt.Sprintf("• *%s* `%s` · last contact %s · every %s", Esc(p.Name), p.Slug, Ago(now, p.LastContact, loc), Plural(p.Cadence, "day"))
	})
	return Reply{Text: b.String()}
}
