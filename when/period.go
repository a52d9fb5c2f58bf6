package when

import (
	"fmt"
	"regexp"
	"strconv"
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

// rollingName begins the name of a period back from now.
const rollingName = "the last "

// DaysSaid is the period's length as its label's days say it: a period
// from a midnight counts the days it touches, the last one so far
// included (Jan 1 – Dec 8 is 342 days, where Days rounds 341.2 down); one
// back from now ("the last 30 days") is Days.
func (p Period) DaysSaid() int {
	loc := p.From.Location()
	if h, m, s := p.From.Clock(); h != 0 || m != 0 || s != 0 || !p.To.After(p.From) || strings.HasPrefix(p.Name, rollingName) {
		return p.Days()
	}
	y1, m1, d1 := p.From.Date()
	y2, m2, d2 := p.To.Add(-time.Millisecond).In(loc).Date()
	return int(time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)).Hours()/24) + 1
}

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

// PeriodError says why text is not a period; commands turns it into words
// for the person who typed it.
type PeriodError struct {
	// Text is what is wrong, lower-cased and trimmed: the whole period, or
	// (Problem BadDay) one end of a from..to range.
	Text    string
	Problem PeriodProblem
}

// PeriodProblem is what is wrong with a period.
type PeriodProblem int

const (
	// NotAPeriod: the text is none of the forms ParsePeriod reads.
	NotAPeriod PeriodProblem = iota
	// BadDay: one end of a from..to range is not a date.
	BadDay
	// Backwards: a from..to range ends before it starts.
	Backwards
	// Ahead: a period since a day begins after now ("since tomorrow").
	Ahead
)

func (e *PeriodError) Error() string {
	switch e.Problem {
	case BadDay:
		return fmt.Sprintf("%q is not a date in a period", e.Text)
	case Backwards:
		return fmt.Sprintf("%q ends before it starts", e.Text)
	case Ahead:
		return fmt.Sprintf("%q begins after now", e.Text)
	}
	return fmt.Sprintf("%q is not a period", e.Text)
}

var (
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
	quarterRe = regexp.MustCompile(`^(\d{4})-?[qQ]([1-4])$`)
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)
)

// periodsSaid are the periods as people say them, and the names they
// stand for.
var periodsSaid = map[string]string{
	"this month": "month", "last month": "last-month", "previous month": "last-month",
	"this quarter": "quarter", "last quarter": "last-quarter", "previous quarter": "last-quarter",
	"this year": "year", "last year": "last-year", "previous year": "last-year",
}

// ParsePeriod reads the span a report or a needs list covers, in the
// user's zone: a length back from now (30d, 12w, 6mo), the current or
// last month, quarter or year, a named year, quarter or month, or two
// dates joined by ".." (both days included). "year" is the whole of this
// year, like "2026": both count what has happened by now and say "so
// far". Errors are a *PeriodError.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	// As people say them: "last month", "this year", "the past 90 days".
	s = strings.TrimPrefix(s, "the ")
	if said, ok := periodsSaid[s]; ok {
		s = said
	} else if w := strings.Fields(s); len(w) > 1 && (w[0] == "last" || w[0] == "past") {
		if _, n, err := ParseSpan(w[1:]); err == nil && n == len(w)-1 {
			s = strings.Join(w[1:], " ") // the last 30 days: 30 days back
		}
	}
	local := now.In(loc)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	y, m, _ := local.Date()
	qStart := func(y int, q int) time.Time { return day(y, time.Month(3*(q-1)+1), 1) }
	curQ := (int(m)-1)/3 + 1
	span := func(from, to time.Time, name string) (Period, error) {
		return NewPeriod(name, from, to, now, loc), nil
	}
	switch s {
	case "month":
		return span(day(y, m, 1), day(y, m+1, 1), local.Format("January 2006"))
	case "last-month":
		from := day(y, m-1, 1)
		return span(from, day(y, m, 1), from.Format("January 2006"))
	case "quarter":
		return span(qStart(y, curQ), qStart(y, curQ).AddDate(0, 3, 0), fmt.Sprintf("%d-Q%d", y, curQ))
	case "last-quarter":
		from := qStart(y, curQ).AddDate(0, -3, 0)
		return span(from, qStart(y, curQ), fmt.Sprintf("%d-Q%d", from.Year(), (int(from.Month())-1)/3+1))
	case "year":
		return span(day(y, 1, 1), day(y+1, 1, 1), strconv.Itoa(y))
	case "last-year":
		return span(day(y-1, 1, 1), day(y, 1, 1), strconv.Itoa(y-1))
	}
	if mm := yearRe.FindStringSubmatch(s); mm != nil {
		yy, _ := strconv.Atoi(mm[1])
		return span(day(yy, 1, 1), day(yy+1, 1, 1), mm[1])
	}
	if mm := quarterRe.FindStringSubmatch(s); mm != nil {
		yy, _ := strconv.Atoi(mm[1])
		q, _ := strconv.Atoi(mm[2])
		return span(qStart(yy, q), qStart(yy, q).AddDate(0, 3, 0), fmt.Sprintf("%d-Q%d", yy, q))
	}
	if mm := monthRe.FindStringSubmatch(s); mm != nil {
		yy, _ := strconv.Atoi(mm[1])
		mo, _ := strconv.Atoi(mm[2])
		if mo >= 1 && mo <= 12 {
			from := day(yy, time.Month(mo), 1)
			return span(from, from.AddDate(0, 1, 0), from.Format("January 2006"))
		}
	}
	// A month by its name: the latest that has begun ("november" said in
	// December is last month, "december" this one, so far), or of the
	// year given ("nov 2025").
	if w := strings.Fields(s); len(w) == 1 || len(w) == 2 && yearRe.MatchString(w[1]) {
		if mo, ok := monthNamed(w[0]); ok {
			yy := y
			if len(w) == 2 {
				yy, _ = strconv.Atoi(w[1])
			} else if mo > m {
				yy--
			}
			from := day(yy, mo, 1)
			return span(from, from.AddDate(0, 1, 0), from.Format("January 2006"))
		}
	}
	// since october, since dec 1: from then until now.
	if rest, ok := strings.CutPrefix(s, "since "); ok {
		var start time.Time
		if p, err := ParsePeriod(rest, now, loc); err == nil {
			start = p.From
		} else if t, n, err := ParsePast(strings.Fields(rest), now, loc); err == nil && n == len(strings.Fields(rest)) {
			y, m, d := t.In(loc).Date()
			start = day(y, m, d)
		} else {
			return Period{}, &PeriodError{Text: s, Problem: BadDay}
		}
		if !start.Before(now) {
			return Period{}, &PeriodError{Text: s, Problem: Ahead}
		}
		return span(start, now.Add(time.Millisecond), "") // said by its days
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		from, err := periodDay(a, now, loc)
		if err != nil {
			return Period{}, err
		}
		to, err := periodDay(b, now, loc)
		if err != nil {
			return Period{}, err
		}
		to = to.AddDate(0, 0, 1)
		if !to.After(from) {
			return Period{}, &PeriodError{Text: s, Problem: Backwards}
		}
		return span(from, to, "")
	}
	words := strings.Fields(s)
	if sp, n, err := ParseSpan(words); err == nil && n == len(words) {
		// Back from now: over at this very moment, never "so far".
		from := sp.neg().AddTo(local)
		return span(from, now.Add(time.Millisecond), rollingName+sp.Said())
	}
	return Period{}, &PeriodError{Text: s, Problem: NotAPeriod}
}

// periodDay reads one end of a from..to period as the start of that day.
func periodDay(s string, now time.Time, loc *time.Location) (time.Time, error) {
	words := strings.Fields(strings.ReplaceAll(s, "_", " "))
	t, n, err := ParseWhen(words, now, loc)
	if err != nil || n != len(words) || n == 0 {
		return time.Time{}, &PeriodError{Text: s, Problem: BadDay}
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
}

// Said is the span as people say it: "30 days", "12 weeks", "6 months",
// "2 years"; String's short form when it is none of these.
func (s Span) Said() string {
	plural := func(n int, word string) string {
		if n == 1 {
			return word // "the last week", not "the last 1 week"
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	switch {
	case s.Months%12 == 0 && s.Months > 12 && s.Days == 0:
		return plural(s.Months/12, "year")
	case s.Months > 0 && s.Days == 0:
		return plural(s.Months, "month")
	case s.Months == 0 && s.Days%7 == 0 && s.Days > 0 && s.Clock == 0:
		return plural(s.Days/7, "week")
	case s.Months == 0 && s.Days > 0 && s.Clock == 0:
		return plural(s.Days, "day")
	}
	return s.String()
}
