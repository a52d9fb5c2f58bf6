package commands

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
)

// periodHelp says what a period may be, for errors.
const periodHelp = "`30d`, `12w`, `6mo`, `month`, `last-month`, `quarter`, `last-quarter`, `year`, `2026`, `2026-Q3`, `2026-11` or `2026-09-01..2026-11-30`"

var (
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
	quarterRe = regexp.MustCompile(`^(\d{4})-?[qQ]([1-4])$`)
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)
)

// parsePeriod reads the span a report or a needs list covers, in the
// user's zone: a length back from now (30d, 12w, 6mo), the current or
// last month, quarter or year, a named year, quarter or month, or two
// dates joined by ".." (both days included). "year" is the whole of this
// year, like "2026": both count what has happened by now and say "so
// far".
func parsePeriod(s string, now time.Time, loc *time.Location) (report.Period, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	local := now.In(loc)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	y, m, _ := local.Date()
	qStart := func(y int, q int) time.Time { return day(y, time.Month(3*(q-1)+1), 1) }
	curQ := (int(m)-1)/3 + 1
	span := func(from, to time.Time, name string) (report.Period, error) {
		return report.NewPeriod(name, from, to, now, loc), nil
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
	if a, b, ok := strings.Cut(s, ".."); ok {
		from, err := periodDay(a, now, loc)
		if err != nil {
			return report.Period{}, err
		}
		to, err := periodDay(b, now, loc)
		if err != nil {
			return report.Period{}, err
		}
		to = to.AddDate(0, 0, 1)
		if !to.After(from) {
			return report.Period{}, userErrorf("%s ends before it starts; put the earlier date first.", message.Code(s))
		}
		return span(from, to, "")
	}
	words := strings.Fields(s)
	if sp, n, err := ParseSpan(words); err == nil && n == len(words) {
		// Back from now: over at this very moment, never "so far".
		from := sp.neg().AddTo(local)
		return span(from, now.Add(time.Millisecond), "the last "+spanSaid(sp))
	}
	return report.Period{}, userErrorf("I can't read %s as a period. Try %s.", message.Code(s), periodHelp)
}

// periodDay reads one end of a from..to period as the start of that day.
func periodDay(s string, now time.Time, loc *time.Location) (time.Time, error) {
	words := strings.Fields(strings.ReplaceAll(s, "_", " "))
	t, n, err := ParseWhen(words, now, loc)
	if err != nil || n != len(words) || n == 0 {
		return time.Time{}, userErrorf("I can't read %s as a date in a period; write it like `2026-09-01..2026-11-30`.", message.Code(s))
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
}

// spanSaid says a span as people do: "30 days", "12 weeks", "6 months".
func spanSaid(sp Span) string {
	switch {
	case sp.Months%12 == 0 && sp.Months > 12 && sp.Days == 0:
		return message.Plural(sp.Months/12, "year")
	case sp.Months > 0 && sp.Days == 0:
		return message.Plural(sp.Months, "month")
	case sp.Months == 0 && sp.Days%7 == 0 && sp.Days > 0 && sp.Clock == 0:
		return message.Plural(sp.Days/7, "week")
	case sp.Months == 0 && sp.Days > 0 && sp.Clock == 0:
		return message.Plural(sp.Days, "day")
	}
	return sp.String()
}
