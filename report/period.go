package report

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Period is the half-open span [From, To) a report covers, as it was
// named. Only what happened by the report's now counts (Gather stops
// there), so a period that runs past now is said "so far".
type Period struct {
	From, To time.Time
	// Label is how replies say it: "November 2026", "2026 so far (Jan 1 –
	// Nov 30, 2026; it ends Dec 31)", "Dec 1, 2026 – Jan 31, 2027".
	Label string
	// Short is the label within a native chart's 50 characters: "2026 so
	// far", "November 2026", "Sep 1 – Nov 30, 2026".
	Short string
	// Name is what the period was called ("2026", "the last 30 days"),
	// "" for a range of days.
	Name string
}

// NewPeriod names [from, to) as of now, in loc. name is what the period
// is called ("2026", "2026-Q3", "November 2026", "the last 30 days"), or
// "" for a plain range of days, which is then said by its dates. A
// period that runs past now says "so far", up to which day it counts
// and when it ends.
func NewPeriod(name string, from, to, now time.Time, loc *time.Location) Period {
	last := to.Add(-time.Millisecond) // the last instant in the period
	days := DaySpan(from, last, loc)
	p := Period{From: from, To: to, Name: name}
	switch {
	case !to.After(now.Add(time.Millisecond)):
		// Over (or ending this very moment, like "the last 30 days").
		p.Label, p.Short = name, name
		if name == "" {
			p.Label, p.Short = days, days
		} else if !wholeMonthsOrYear(from, to, loc) {
			p.Label = fmt.Sprintf("%s (%s)", name, days)
		}
	case name == "":
		p.Label = fmt.Sprintf("%s so far (to %s)", days, day(now, loc, true))
		p.Short = fmt.Sprintf("%s so far", DaySpan(from, now, loc))
	default:
		p.Label = fmt.Sprintf("%s so far (%s; it ends %s)", name, DaySpan(from, now, loc), day(last, loc, last.In(loc).Year() != now.In(loc).Year()))
		p.Short = name + " so far"
	}
	return p
}

// SoFar reports whether the period runs past now: it is counted up to
// now, and the rest of it is still to come.
func (p Period) SoFar(now time.Time) bool { return p.To.After(now.Add(time.Millisecond)) }

// End is where counting stops: the period's end, or just after now when
// the period runs past it (what happens at this very moment counts; the
// store keeps milliseconds).
func (p Period) End(now time.Time) time.Time {
	if p.SoFar(now) {
		return now.Add(time.Millisecond)
	}
	return p.To
}

// Counted is the part of p that has happened by now.
func (p Period) Counted(now time.Time) Period {
	return Period{From: p.From, To: p.End(now), Label: p.Label, Short: p.Short, Name: p.Name}
}

// Previous is the period of equal length just before p: what trends
// compare against.
func (p Period) Previous() Period {
	d := p.To.Sub(p.From)
	return Period{From: p.From.Add(-d), To: p.From, Label: "the period before", Short: "the period before"}
}

// Days is the period's length in days, rounded.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours()/24 + 0.5) }

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// DaySpan says the days from one instant's to another's in loc: "Sep 1 –
// Nov 30, 2026", with the year on both sides when they differ ("Dec 1,
// 2026 – Jan 31, 2027"), and one day alone when they are the same.
func DaySpan(from, to time.Time, loc *time.Location) string {
	a, b := from.In(loc), to.In(loc)
	switch {
	case a.Year() != b.Year():
		return fmt.Sprintf("%s – %s", a.Format("Jan 2, 2006"), b.Format("Jan 2, 2006"))
	case a.YearDay() == b.YearDay():
		return b.Format("Jan 2, 2006")
	}
	return fmt.Sprintf("%s – %s", a.Format("Jan 2"), b.Format("Jan 2, 2006"))
}

func day(t time.Time, loc *time.Location, withYear bool) string {
	if withYear {
		return t.In(loc).Format("Jan 2, 2006")
	}
	return t.In(loc).Format("Jan 2")
}

// wholeMonthsOrYear reports whether [from, to) is one calendar month or
// year, which its name says fully ("November 2026", "2026").
func wholeMonthsOrYear(from, to time.Time, loc *time.Location) bool {
	f := from.In(loc)
	if f.Day() != 1 || f.Hour() != 0 || f.Minute() != 0 || f.Second() != 0 {
		return false
	}
	return to.Equal(f.AddDate(0, 1, 0)) || (f.Month() == time.January && to.Equal(f.AddDate(1, 0, 0)))
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes words safe in a file name: "2026 so far" → "2026-so-far".
func Slug(s string) string {
	return strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// FileStem names a report's files by scope and period, so a second
// report never takes the first one's names: "all-partners-2026",
// "county-health-dept-2026-09-01-2026-11-30".
func FileStem(slug string, p Period) string {
	scope := "all-partners"
	if slug != "" {
		scope = Slug(slug)
	}
	return scope + "-" + p.From.Format("2006-01-02") + "-" + p.To.Add(-time.Millisecond).Format("2006-01-02")
}
