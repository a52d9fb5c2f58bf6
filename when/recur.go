package when

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrNotRepeat is a *DateError for words that start with "every" but go
// on in a way no repeat does.
var ErrNotRepeat = &DateError{Message: errRepeat}

// A Recurrence is when a repeating follow-up comes round: "every weekday
// 9am", "every first monday", "every 2 weeks", "every month on the
// 15th". Underneath it is a robfig/cron spec read on the wall clock of
// the zone it was set in (Schedule, so daylight saving neither skips nor
// doubles an occurrence), narrowed where cron cannot say it: the nth or
// last weekday of a month, the month's last day, every n weeks or months
// counted from the first occurrence.
type Recurrence struct {
	// Spec is the cron spec: minute hour day-of-month month day-of-week.
	Spec string
	// Nth: with one weekday in Spec, only the nth of its month (1–4), or
	// the last (-1); 0 for every one.
	Nth int
	// LastDay: only the month's last day (Spec's days are 28-31).
	LastDay bool
	// Every: every that many weeks or months (Unit), counted from From;
	// 0 or 1 for each.
	Every int
	Unit  string // "w" or "m"
	From  string // the first occurrence's date, 2006-01-02, with Every
}

// recurMaxSteps bounds the cron occurrences Next looks through for one
// that passes the narrowing: a year of daily ones.
const recurMaxSteps = 800

// ordinals are the nth weekdays of a month.
var ordinals = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}

var ordinalNames = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}

// ParseRecurrence reads a recurrence from the start of words, which
// begins with "every", and returns it with the number of words used.
// now and loc fix what the words leave open: "every week" is on today's
// weekday, "every month" on today's day of the month. A time of day may
// follow (9am, at 14:30); without one, 09:00.
//
//	every day | every weekday | every monday [and thursday]
//	every week | every 2 weeks [on friday]
//	every month [on the 15th | on the last day | on the first monday]
//	every 3 months [on the 1st]
//	every first monday | every last friday [of the month]
//
// Errors: ErrNoDate when words do not start with "every"; a *DateError
// for a rule it cannot read, saying what works.
func ParseRecurrence(words []string, now time.Time, loc *time.Location) (Recurrence, int, error) {
	if loc == nil {
		loc = time.UTC
	}
	p := &whenParser{words: words, loc: loc, now: now.In(loc).Truncate(time.Minute), today: civilOf(now.In(loc)), ahead: true}
	if p.word(0) != "every" {
		return Recurrence{}, 0, ErrNoDate
	}
	bad := ErrNotRepeat
	r := Recurrence{}
	i := 1
	var days []time.Weekday // the weekdays it falls on; none: any day
	dom := ""               // the day of the month; "" any
	switch w := p.word(i); {
	case w == "day":
		i++
	case w == "weekday":
		days, i = []time.Weekday{1, 2, 3, 4, 5}, i+1
	case ordinals[w] != 0:
		wd, ok := weekdayNamed(p.word(i + 1))
		if !ok {
			return Recurrence{}, 0, bad
		}
		r.Nth, days, i = ordinals[w], []time.Weekday{wd}, i+2
		i += ofTheMonth(p, i)
	case w == "week" || w == "month" || isCount(w):
		n := 1
		if isCount(w) {
			n, _ = strconv.Atoi(w)
			i++
		}
		unit := strings.TrimSuffix(p.word(i), "s")
		if unit != "week" && unit != "month" || (n == 1) != (p.word(i) == unit) || n < 1 || n > 12 {
			return Recurrence{}, 0, bad
		}
		i++
		if n > 1 {
			r.Every, r.Unit = n, unit[:1]
		}
		if unit == "week" {
			days = []time.Weekday{p.today.weekday()}
			if p.word(i) == "on" {
				wd, ok := weekdayNamed(p.word(i + 1))
				if !ok {
					return Recurrence{}, 0, bad
				}
				days, i = []time.Weekday{wd}, i+2
			}
			break
		}
		dom = strconv.Itoa(p.today.d)
		if p.word(i) == "on" {
			j := i + 1
			if p.word(j) == "the" {
				j++
			}
			wd, weekday := weekdayNamed(p.word(j + 1))
			switch w := p.word(j); {
			case w == "last" && p.word(j+1) == "day":
				dom, r.LastDay, i = "", true, j+2
			case ordinals[w] != 0 && weekday:
				dom, r.Nth, days, i = "", ordinals[w], []time.Weekday{wd}, j+2
			default:
				d, ok := dayOfMonth(w)
				if !ok {
					return Recurrence{}, 0, bad
				}
				dom, i = strconv.Itoa(d), j+1
			}
		}
		if d, _ := strconv.Atoi(dom); d > 28 {
			return Recurrence{}, 0, dateErrorf("not every month has a %s: say `every month on the last day`, or a day up to the 28th", ordinal(d))
		}
	default:
		wd, ok := weekdayNamed(w)
		if !ok {
			return Recurrence{}, 0, bad
		}
		days, i = []time.Weekday{wd}, i+1
		for p.word(i) == "and" || strings.HasSuffix(p.words[i-1], ",") {
			j := i
			if p.word(j) == "and" {
				j++
			}
			more, ok := weekdayNamed(p.word(j))
			if !ok {
				break
			}
			days, i = append(days, more), j+1
		}
	}
	k, n, err := p.timeOfDay(i)
	if err != nil {
		return Recurrence{}, 0, err
	}
	if n == 0 {
		k = nineAM
	}
	i += n
	if k.s != 0 {
		return Recurrence{}, 0, dateErrorf("repeats are to the minute; leave the seconds out")
	}
	dow := "*"
	if len(days) > 0 {
		var ds []string
		for _, d := range days {
			ds = append(ds, strconv.Itoa(int(d)))
		}
		dow = strings.Join(ds, ",")
	}
	if r.LastDay {
		dom = "28-31"
	}
	if dom == "" {
		dom = "*"
	}
	r.Spec = fmt.Sprintf("%d %d %s * %s", k.m, k.h, dom, dow)
	if r.Every > 0 {
		// Counted from the first occurrence.
		first, err := Recurrence{Spec: r.Spec, Nth: r.Nth, LastDay: r.LastDay}.Next(now, loc)
		if err != nil {
			return Recurrence{}, 0, err
		}
		r.From = first.In(loc).Format(time.DateOnly)
	}
	if _, err := r.Next(now, loc); err != nil {
		return Recurrence{}, 0, err
	}
	return r, i, nil
}

// errRepeat says which repeats there are.
const errRepeat = "that is not a repeat I know. Try `every weekday 9am`, `every monday`, `every 2 weeks`, `every month on the 15th` or `every first monday`"

// ofTheMonth reads an optional "of the month" / "of each month" at i.
func ofTheMonth(p *whenParser, i int) int {
	if p.word(i) == "of" && (p.word(i+1) == "the" || p.word(i+1) == "each" || p.word(i+1) == "every") && p.word(i+2) == "month" {
		return 3
	}
	return 0
}

func isCount(w string) bool {
	n, err := strconv.Atoi(w)
	return err == nil && n > 0
}

// dayOfMonth reads "15th", "1st", "15".
func dayOfMonth(w string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	d, err := strconv.Atoi(w)
	return d, err == nil && d >= 1 && d <= 31
}

func ordinal(d int) string {
	switch {
	case d%10 == 1 && d != 11:
		return fmt.Sprintf("%dst", d)
	case d%10 == 2 && d != 12:
		return fmt.Sprintf("%dnd", d)
	case d%10 == 3 && d != 13:
		return fmt.Sprintf("%drd", d)
	}
	return fmt.Sprintf("%dth", d)
}

// Next is the first occurrence strictly after t, in loc's wall clock
// (a reading that happens twice is its first instant; one that does not
// happen, its hour after the gap).
func (r Recurrence) Next(t time.Time, loc *time.Location) (time.Time, error) {
	sch, err := ParseSchedule(r.Spec, loc)
	if err != nil || !sch.On() || sch.cron == nil {
		return time.Time{}, fmt.Errorf("recurrence %q: not a cron spec", r.Spec)
	}
	var from civil
	if r.Every > 1 {
		f, err := time.Parse(time.DateOnly, r.From)
		if err != nil {
			return time.Time{}, fmt.Errorf("recurrence %q: from %q: %w", r.Spec, r.From, err)
		}
		from = civilOf(f)
	}
	for range recurMaxSteps {
		occ, key := sch.Next(t)
		w, err := time.Parse("2006-01-02T15:04", key)
		if err != nil {
			return time.Time{}, fmt.Errorf("recurrence %q: %w", r.Spec, err)
		}
		if r.keeps(civilOf(w), from) {
			return occ, nil
		}
		t = occ
	}
	return time.Time{}, fmt.Errorf("recurrence %q: no occurrence within %d steps", r.Spec, recurMaxSteps)
}

// keeps reports whether the cron occurrence on day c is one of the
// recurrence's; from is the first occurrence's day, with Every.
func (r Recurrence) keeps(c, from civil) bool {
	last := daysIn(c.y, c.m)
	switch {
	case r.LastDay && c.d != last:
		return false
	case r.Nth > 0 && (c.d-1)/7+1 != r.Nth:
		return false
	case r.Nth < 0 && c.d+7 <= last:
		return false
	}
	if r.Every > 1 {
		switch r.Unit {
		case "w":
			// Weeks from the Monday of from's week.
			monday := from.addDays(-((int(from.weekday()) + 6) % 7))
			if d := daysBetween(monday, c); d < 0 || (d/7)%r.Every != 0 {
				return false
			}
		case "m":
			if m := (c.y-from.y)*12 + int(c.m) - int(from.m); m < 0 || m%r.Every != 0 {
				return false
			}
		}
	}
	return true
}

// String is the recurrence as stored: its spec, then what narrows it,
// separated by '|'. ParseRule reads it back.
func (r Recurrence) String() string {
	parts := []string{r.Spec}
	if r.Nth != 0 {
		parts = append(parts, "nth="+strconv.Itoa(r.Nth))
	}
	if r.LastDay {
		parts = append(parts, "last-day")
	}
	if r.Every > 1 {
		parts = append(parts, fmt.Sprintf("every=%d%s", r.Every, r.Unit), "from="+r.From)
	}
	return strings.Join(parts, "|")
}

// ParseRule reads a recurrence as String writes it.
func ParseRule(s string) (Recurrence, error) {
	parts := strings.Split(s, "|")
	r := Recurrence{Spec: parts[0]}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "nth":
			r.Nth, _ = strconv.Atoi(v)
		case "last-day":
			r.LastDay = true
		case "every":
			if v == "" {
				return Recurrence{}, fmt.Errorf("rule %q: every without a count", s)
			}
			r.Unit = v[len(v)-1:]
			r.Every, _ = strconv.Atoi(v[:len(v)-1])
		case "from":
			r.From = v
		default:
			return Recurrence{}, fmt.Errorf("rule %q: unknown part %q", s, p)
		}
	}
	if len(strings.Fields(r.Spec)) != 5 {
		return Recurrence{}, fmt.Errorf("rule %q: want a five-field cron spec", s)
	}
	return r, nil
}

// Describe says the recurrence as people do: "every weekday at 9:00",
// "every first Monday at 9:00", "every 2 weeks on Friday at 9:00".
func (r Recurrence) Describe() string {
	f := strings.Fields(r.Spec)
	if len(f) != 5 {
		return "on a schedule"
	}
	mi, _ := strconv.Atoi(f[0])
	h, _ := strconv.Atoi(f[1])
	at := fmt.Sprintf(" at %d:%02d", h, mi)
	var days []string
	if f[4] != "*" {
		for _, d := range strings.Split(f[4], ",") {
			n, _ := strconv.Atoi(d)
			days = append(days, time.Weekday(n).String())
		}
	}
	dayList := strings.Join(days, " and ")
	if len(days) > 2 {
		dayList = strings.Join(days[:len(days)-1], ", ") + " and " + days[len(days)-1]
	}
	every := "every"
	if r.Every > 1 {
		every = fmt.Sprintf("every %d %s", r.Every, map[string]string{"w": "weeks", "m": "months"}[r.Unit])
	}
	switch {
	case r.Nth != 0:
		if r.Every > 1 {
			return fmt.Sprintf("%s on the %s %s%s", every, ordinalNames[r.Nth], dayList, at)
		}
		return fmt.Sprintf("every %s %s of the month%s", ordinalNames[r.Nth], dayList, at)
	case r.LastDay:
		if r.Every > 1 {
			return every + " on the last day" + at
		}
		return "every month on the last day" + at
	case f[2] != "*":
		d, _ := strconv.Atoi(f[2])
		if r.Every > 1 {
			return fmt.Sprintf("%s on the %s%s", every, ordinal(d), at)
		}
		return fmt.Sprintf("every month on the %s%s", ordinal(d), at)
	case f[4] == "1,2,3,4,5":
		return "every weekday" + at
	case len(days) > 0 && r.Every > 1:
		return fmt.Sprintf("%s on %s%s", every, dayList, at)
	case len(days) > 0:
		return "every " + dayList + at
	}
	return "every day" + at
}

// NextOccurrence is the first time of rule (as Recurrence.String writes
// it) strictly after after, on the wall clock of the zone named zone
// (UTC when it cannot be loaded): store.NextFunc, for a series' next
// occurrence.
func NextOccurrence(rule, zone string, after time.Time) (time.Time, error) {
	r, err := ParseRule(rule)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	return r.Next(after, loc)
}
