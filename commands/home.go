package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
)

// Limits of the App Home, so that it stays within Block Kit's 100 blocks
// however much there is: the follow-ups are tables of 100 rows (one
// block each), the rest lines of text.
const (
	homeFollowUpTables = 5 // 500 follow-ups, all the store lists
	homePartners       = 25
	homeEvents         = 8
	homeNeeds          = 5
)

// Home is the App Home tab for the person looking: their overdue and
// upcoming follow-ups with Done and Snooze, their partners with health,
// the events coming up, the latest needs heard, and buttons to log a
// contact, add a partner or record a need.
func (h *Handler) Home(ctx context.Context, req Request) message.Reply {
	if req.Loc == nil {
		req.Loc = h.defaultLoc()
	}
	if req.Role == RoleLiaison {
		return message.Reply{Text: "*Welcome!* I help the outreach team keep in touch with partners. In the channel you share with them, mention me with `log <method> <what happened>` to leave a note for the team, or `need <topic> <what you heard>` to tell them what your community needs.",
			Outcome: message.OutcomeOK, Command: "home"}
	}
	r, err := h.home(ctx, &req)
	if err != nil {
		f := h.fail(req, "home", err)
		f.Text = "*Outreach Bot*\n" + f.Text
		return f
	}
	r.Outcome, r.Command = message.OutcomeOK, "home"
	return r
}

func (h *Handler) home(ctx context.Context, req *Request) (message.Reply, error) {
	now := h.now()
	r := message.Reply{
		Text: fmt.Sprintf(":house: *Outreach Bot* — %s\nEvery partner, every contact and what comes next. `%s help` shows everything.", message.Date(now, h.now(), req.Loc), h.cfg.Command),
		Choices: []message.Choice{
			{Label: "Log a contact", Action: message.ActionLogContact, Style: "primary"},
			{Label: "Add a partner", Action: message.ActionAddPartner},
			{Label: "Record a need", Action: message.ActionRecordNeed},
		},
	}
	add := func(text string, choices ...message.Choice) {
		r.Sections = append(r.Sections, message.Section{Text: text, Choices: choices})
	}
	all, err := h.store.ListPartners(ctx, req.Team)
	if err != nil {
		return r, err
	}
	names := map[string]string{}
	for _, p := range all {
		names[p.Slug] = p.Name
	}
	open, err := h.store.OpenFollowUps(ctx, req.Team, req.User)
	if err != nil {
		return r, err
	}
	overdue := 0
	for _, f := range open {
		if f.Due.Before(now) {
			overdue++
		}
	}
	// One table of follow-ups, soonest due first (overdue ones lead), a
	// hundred rows to a table: Slack sorts and pages it.
	head := fmt.Sprintf("*Your follow-ups* (%d, %d overdue)", len(open), overdue)
	if len(open) == 0 {
		head = fmt.Sprintf("*Your follow-ups*\nNothing planned. `%s followup <partner> <when> <what>` adds one.", h.cfg.Command)
	}
	add(head)
	for i := 0; i < len(open) && i/message.TableRowsMax < homeFollowUpTables; i += message.TableRowsMax {
		part := open[i:min(i+message.TableRowsMax, len(open))]
		t := followUpTable(part, names, now, req.Loc)
		if len(open) > message.TableRowsMax {
			t.Caption = fmt.Sprintf("Your follow-ups %d–%d of %d, soonest due first", i+1, i+len(part), len(open))
		}
		r.Sections = append(r.Sections, message.Section{Table: t})
	}
	if shown := homeFollowUpTables * message.TableRowsMax; len(open) > shown {
		add(fmt.Sprintf("…and %d more: `%s followups`", len(open)-shown, h.cfg.Command))
	}
	if month, err := report.Month(ctx, h.store, req.Team, now, req.Loc); err != nil {
		h.log.Warn("home: the team's month", "err", err)
	} else {
		r.Sections = append(r.Sections, message.Section{Chart: month})
	}

	var mine []domain.Partner
	for _, p := range all {
		if p.Owner == req.User && !p.Archived {
			mine = append(mine, p)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*Your partners* (%d)\n", len(mine))
	if len(mine) == 0 {
		b.WriteString("You don't own any partners yet. Set yourself as owner with `owner:@you` when you add or update one.\n")
	}
	message.WriteLines(&b, len(mine), homePartners, fmt.Sprintf(": `%s partner list owner:@you`", h.cfg.Command),
		func(i int) string { return message.PartnerLine(mine[i], now, req.Loc) })
	add(b.String())

	events, err := h.store.Events(ctx, req.Team, "", now, now.AddDate(0, 0, 60), false, homeEvents+1)
	if err != nil {
		return r, err
	}
	b.Reset()
	b.WriteString("*Upcoming events*\n")
	if len(events) == 0 {
		b.WriteString("None in the next two months.\n")
	}
	message.WriteLines(&b, min(len(events), homeEvents), homeEvents, "", func(i int) string {
		return message.EventLine(events[i], message.EventPartners(events[i], names), h.now(), req.Loc)
	})
	if len(events) > homeEvents {
		fmt.Fprintf(&b, "More: `%s event list`\n", h.cfg.Command)
	}
	add(b.String())

	var needs []domain.Need
	if err := h.store.EachNeed(ctx, req.Team, "", now.AddDate(0, 0, -60), now.Add(time.Millisecond), func(n domain.Need) error {
		needs = append(needs, n)
		if len(needs) > homeNeeds {
			needs = needs[1:]
		}
		return nil
	}); err != nil {
		return r, err
	}
	b.Reset()
	b.WriteString("*Latest needs heard*\n")
	if len(needs) == 0 {
		fmt.Fprintf(&b, "None in the last two months. `%s need <topic> <what you heard>` records one.\n", h.cfg.Command)
	}
	for i := len(needs) - 1; i >= 0; i-- {
		n := needs[i]
		from := ""
		if n.Partner != "" {
			from = " · " + message.Esc(names[n.Partner])
		}
		fmt.Fprintf(&b, "• *%s* — %s%s, %s\n", message.Esc(strings.Join(n.Topics, ", ")), message.Esc(message.Clip(n.Note, 150)), from, message.Date(n.At, h.now(), req.Loc))
	}
	add(b.String())
	return r, nil
}

// followUpTable is follow-ups as the Home's table: due (sorting by
// time), partner, what, whether overdue, and Done and Snooze buttons;
// the text of "what" shortened so that a hundred rows stay within
// Slack's characters for a table. Its Text is the same as lines.
func followUpTable(fs []domain.FollowUp, names map[string]string, now time.Time, loc *time.Location) *message.Table {
	t := &message.Table{Caption: "Your follow-ups, soonest due first", PageSize: 10,
		Columns: []string{"Due", "Partner", "What", "Status", "Done", "Snooze"}}
	status := func(f domain.FollowUp) string {
		if f.Due.Before(now) {
			return "overdue"
		}
		return "upcoming"
	}
	fixed := t.Chars()
	for _, f := range fs {
		fixed += len([]rune(message.Time(f.Due, now, loc))) + len([]rune(message.Clip(names[f.Partner], 24))) + len(status(f)) + len("Done") + len("Snooze 1 day")
	}
	what := max(12, min(80, (message.TableCharsMax-fixed)/max(1, len(fs))))
	var text strings.Builder
	for i, f := range fs {
		v := fmt.Sprintf("F%d", f.ID)
		t.Rows = append(t.Rows, []message.Cell{
			message.Num(float64(f.Due.UnixMilli()), message.Time(f.Due, now, loc)),
			{Text: message.Clip(names[f.Partner], 24)},
			{Text: fmt.Sprintf("F%d %s", f.ID, message.Clip(f.Text, what-len(v)-1))},
			{Text: status(f)},
			{Choice: &message.Choice{Label: "Done", Action: message.ActionDone, Value: v, Style: "primary"}},
			{Choice: &message.Choice{Label: "Snooze 1 day", Action: message.ActionSnoozeDay, Value: v}},
		})
		if i < 10 {
			text.WriteString(message.FollowUpLine(f, names[f.Partner], now, loc) + "\n")
		} else if i == 10 {
			fmt.Fprintf(&text, "…and %d more\n", len(fs)-10)
		}
	}
	t.Text = text.String()
	return t
}
