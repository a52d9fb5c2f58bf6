package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
)

// Month is the team's month so far as a small chart for the App Home:
// contacts logged, events held and needs heard in each week of the
// calendar month (days 1–7, 8–14…), up to now. It reads the month's
// contacts, events and needs a page at a time.
func Month(ctx context.Context, src Source, team string, now time.Time, loc *time.Location) (*message.Chart, error) {
	y, m, today := now.In(loc).Date()
	start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	end := now.Add(time.Millisecond)
	weeks := (today + 6) / 7
	week := func(t time.Time) int { return min((t.In(loc).Day()-1)/7, weeks-1) }
	contacts, events, needs := make([]float64, weeks), make([]float64, weeks), make([]float64, weeks)
	ps, err := src.ListPartners(ctx, team)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if err := src.EachContact(ctx, team, p.Slug, start, end, func(c domain.Contact) error {
			contacts[week(c.When)]++
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if err := src.EachEvent(ctx, team, "", start, end, func(e domain.Event) error {
		events[week(e.Start)]++
		return nil
	}); err != nil {
		return nil, err
	}
	if err := src.EachNeed(ctx, team, "", start, end, func(n domain.Need) error {
		needs[week(n.At)]++
		return nil
	}); err != nil {
		return nil, err
	}
	c := &message.Chart{Title: fmt.Sprintf("The team's %s so far", start.Format("January 2006")), Kind: message.ChartBar, XLabel: "Days of the month", YLabel: "Count",
		Series: []message.ChartSeries{{Name: "contacts", Values: contacts}, {Name: "events held", Values: events}, {Name: "needs heard", Values: needs}}}
	var text []string
	for i := range weeks {
		from, to := 7*i+1, min(7*i+7, today)
		label := fmt.Sprintf("%s %d–%d", start.Format("Jan"), from, to)
		if from == to {
			label = fmt.Sprintf("%s %d", start.Format("Jan"), from)
		}
		c.Categories = append(c.Categories, label)
		text = append(text, fmt.Sprintf("%s: %.0f contacts, %.0f events, %.0f needs", label, contacts[i], events[i], needs[i]))
	}
	c.Text = fmt.Sprintf("*The team's %s so far*\n%s", start.Format("January"), strings.Join(text, "\n"))
	return c, nil
}
