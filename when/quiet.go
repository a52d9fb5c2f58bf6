package when

import (
	"fmt"
	"strings"
	"time"
)

// QuietHours is when DMs wait: a daily window (which may wrap past
// midnight) plus whole days, in the recipient's own time zone.
type QuietHours struct {
	Off        bool
	Start, End time.Duration // since midnight; Start == End means no daily window
	Days       [7]bool       // indexed by time.Weekday
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseQuietHours reads OUTREACH_QUIET_HOURS: "18:00-08:00,sat,sun" or "off".
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "off" {
		return QuietHours{Off: true}, nil
	}
	parts := strings.Split(s, ",")
	var q QuietHours
	start, end, ok := strings.Cut(parts[0], "-")
	if !ok {
		return q, fmt.Errorf("want HH:MM-HH:MM first, got %q", parts[0])
	}
	var err error
	if q.Start, err = clockTime(start); err != nil {
		return q, err
	}
	if q.End, err = clockTime(end); err != nil {
		return q, err
	}
	for _, d := range parts[1:] {
		wd, ok := weekdays[strings.TrimSpace(d)]
		if !ok {
			return q, fmt.Errorf("unknown day %q: use mon, tue, wed, thu, fri, sat, sun", d)
		}
		q.Days[wd] = true
	}
	return q, nil
}

func clockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day like 18:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Quiet reports whether t falls in quiet hours in loc.
func (q QuietHours) Quiet(t time.Time, loc *time.Location) bool {
	if q.Off {
		return false
	}
	lt := t.In(loc)
	if q.Days[lt.Weekday()] {
		return true
	}
	since := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second
	switch {
	case q.Start == q.End:
		return false
	case q.Start < q.End:
		return since >= q.Start && since < q.End
	default: // wraps past midnight
		return since >= q.Start || since < q.End
	}
}

// NextWorking returns t if it is outside quiet hours, else the first
// moment after it that is: quiet time always ends at the window's end or
// at a midnight, so only those moments are tried.
func (q QuietHours) NextWorking(t time.Time, loc *time.Location) time.Time {
	if !q.Quiet(t, loc) {
		return t
	}
	lt := t.In(loc)
	y, m, d := lt.Date()
	for i := 0; i <= 8; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		for _, c := range []time.Time{day, time.Date(y, m, d+i, int(q.End.Hours()), int(q.End.Minutes())%60, 0, 0, loc)} {
			if c.After(t) && !q.Quiet(c, loc) {
				return c
			}
		}
	}
	return t // every day is quiet: send rather than wait forever
}
