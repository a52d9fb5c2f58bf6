// Package when reads and says time as people use it: dates and times of
// day (ParseWhen), lengths of time (ParseSpan), the periods a report
// covers (ParsePeriod, Period), the schedules of recurring jobs
// (ParseSchedule) and quiet hours. It is pure: every function takes now
// and a location, does no I/O, and imports nothing of the project, so
// the commands, the scheduler, the reports and the configuration all read
// time the same way.
package when

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrNoDate is returned by ParseWhen when the first word does not start a
// date or time, so the caller can say that one is missing.
var ErrNoDate = errors.New("no date")

// ErrNoSpan is returned by ParseSpan when the first word does not start a
// length of time.
var ErrNoSpan = errors.New("no length of time")

// DateError is a date, time of day or length of time that was recognised as
// one but cannot be right ("2026-02-30", "25:00", "in 3 fortnights").
// Message says what was wrong and gives an example of what works; it is
// meant for the person who typed it.
type DateError struct {
	Message string
}

func (e *DateError) Error() string { return e.Message }

func dateErrorf(format string, args ...any) error {
	return &DateError{Message: fmt.Sprintf(format, args...)}
}

// ParseWhen reads a date and time from the start of words and returns the
// instant, in loc, and how many words it used; the longest prefix that reads
// as a date wins, so "next tuesday 10am call back" uses 3 words. Words are
// single words (split on white space) and are read case-insensitively; a
// trailing comma is ignored ("dec 3, 2026"). now is the reference instant; a
// nil loc means UTC. On error used is 0.
//
// Dates:
//   - 2026-12-03, 2026-12-03T14:30, and RFC 3339 instants with a zone
//     (2026-12-03T14:30:00Z); 12/03 is refused as ambiguous.
//   - today, tonight (19:00, or now if later; see ParseDue), tomorrow,
//     yesterday; end of day and eod (17:00), end of the week (its Friday)
//     and end of the month (its last day), at 17:00.
//   - the 15th: the next day of that number, today included (for
//     ParsePast, the latest one), passing over months too short for it.
//   - monday … sunday, mon … sun: the next such day, today excluded.
//     "this friday" is the next one including today, unless the time given
//     has already passed today. "next tuesday" is the Tuesday of next week
//     (weeks start on Monday), "last friday" the most recent one before
//     today. Also "next week" (its Monday) and "next month" (its 1st).
//   - dec 3, december 3, 3 dec, dec 3rd, dec 3 2026, 3 dec 2026 (English
//     month names or 3+ letter abbreviations). Without a year, the
//     occurrence nearest to today (so within about six months either way).
//   - in 3 days, in 2 weeks, in 1 month, in 90 minutes, in an hour, in a week;
//     +14d, +2w, +3h, +90m, +3mo, -2d; 3 days ago, an hour ago. These are
//     offsets from now (to the minute), so "in 3 days" keeps the time of day;
//     calendar units follow Span.AddTo.
//
// Any date form may be followed by a part of the day (morning 09:00,
// afternoon 14:00, evening 18:00: "tomorrow afternoon") or a time of day,
// optionally after "at",
// unless it already fixes one (2026-12-03T14:30, in 2 hours, +3h): 14:30,
// 2:30pm, 2:30 pm, 10am, 10 am, noon, midnight (00:00 at the start of that
// day), or "at 14" (a bare hour is accepted after "at" only when it cannot be
// am or pm). A time may also come first: "10am tomorrow". A time alone ("10am", "at 14:30") means today at
// that time, or tomorrow if that is already past.
//
// A date without a time of day means 09:00 that day, except that a date
// which is today means now, to the minute (truncated, so never in the future),
// and tomorrow means at most a day from now (said at 07:30, 07:30 tomorrow).
//
// Local times that do not exist because of a daylight-saving gap are moved
// forward by the length of the gap (02:30 on a spring-forward day is 03:30);
// times that happen twice take the first (earlier) instant. This is done here
// rather than by time.Date, which does not promise either.
//
// Errors: ErrNoDate when the first word does not start a date; a *DateError
// for dates and times that are recognisable but impossible (2026-02-30,
// 2026-13-01, 25:00, 10:61, 13pm, 12/03, "in 3 fortnights").
func ParseWhen(words []string, now time.Time, loc *time.Location) (t time.Time, used int, err error) {
	return parseWhen(words, now, loc, modeAny)
}

// ParsePast is ParseWhen for when something happened (a contact): a
// weekday alone is the most recent one before today, "friday" said on a
// Monday meaning three days ago rather than four days on; everything else
// reads as in ParseWhen, so a date still ahead is the caller's to refuse.
func ParsePast(words []string, now time.Time, loc *time.Location) (t time.Time, used int, err error) {
	return parseWhen(words, now, loc, modePast)
}

// ParseDue is ParseWhen for a time something falls due, which must be
// ahead: "tonight" said at 19:00 or later is an hour from now (to the
// minute) rather than now.
func ParseDue(words []string, now time.Time, loc *time.Location) (t time.Time, used int, err error) {
	return parseWhen(words, now, loc, modeDue)
}

// parseMode is what the time read is for.
type parseMode int

const (
	modeAny  parseMode = iota
	modeDue            // a due time: ahead (ParseDue)
	modePast           // when something happened (ParsePast)
)

func parseWhen(words []string, now time.Time, loc *time.Location, mode parseMode) (time.Time, int, error) {
	if loc == nil {
		loc = time.UTC
	}
	nowL := now.In(loc).Truncate(time.Minute)
	p := &whenParser{words: words, loc: loc, now: nowL, today: civilOf(nowL), ahead: mode == modeDue, past: mode == modePast}
	t, used, err := p.parse()
	if err != nil {
		return time.Time{}, 0, err
	}
	return t, used, nil
}

// civil is a calendar date without a zone.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, m, d}
}

func (c civil) addDays(n int) civil {
	return civilOf(time.Date(c.y, c.m, c.d+n, 12, 0, 0, 0, time.UTC))
}

func (c civil) weekday() time.Weekday {
	return time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Weekday()
}

// clock is a time of day.
type clock struct{ h, m, s int }

var nineAM = clock{9, 0, 0}

// localTime is time.Date in loc with a fixed rule for daylight-saving
// changes: a wall clock that does not exist is moved forward by the length of
// the gap, and one that happens twice takes the earlier instant. The fields
// are normalised as time.Date does (day 32 is the 1st of the next month).
func localTime(y int, m time.Month, d, h, mi, s, ns int, loc *time.Location) time.Time {
	wall := time.Date(y, m, d, h, mi, s, ns, time.UTC)
	// Zone offsets are within ±14h, so 36h either side of the wall clock read
	// as UTC is safely before and after any transition near it.
	_, before := wall.Add(-36 * time.Hour).In(loc).Zone()
	_, after := wall.Add(36 * time.Hour).In(loc).Zone()
	early := wall.Add(-time.Duration(before) * time.Second)
	late := wall.Add(-time.Duration(after) * time.Second)
	if late.Before(early) {
		early, late = late, early
	}
	for _, c := range [2]time.Time{early, late} {
		if c = c.In(loc); sameWall(c, wall) {
			return c
		}
	}
	// In a gap: read with the offset in force before it, the wall clock lands
	// after the change, moved forward by the gap.
	return wall.Add(-time.Duration(before) * time.Second).In(loc)
}

func sameWall(t, wall time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := wall.Date()
	h1, i1, s1 := t.Clock()
	h2, i2, s2 := wall.Clock()
	return y1 == y2 && m1 == m2 && d1 == d2 && h1 == h2 && i1 == i2 && s1 == s2
}

type whenParser struct {
	words []string
	loc   *time.Location
	now   time.Time // in loc, truncated to the minute
	today civil
	ahead bool // the time is a due time (ParseDue)
	past  bool // the time is when something happened (ParsePast)
}

// word returns the i-th word lower-cased without a trailing comma, or "".
func (p *whenParser) word(i int) string {
	if i < 0 || i >= len(p.words) {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(p.words[i]), ",")
}

func (p *whenParser) at(c civil, k clock) time.Time {
	return localTime(c.y, c.m, c.d, k.h, k.m, k.s, 0, p.loc)
}

func (p *whenParser) parse() (time.Time, int, error) {
	w := p.word(0)
	if w == "" {
		return time.Time{}, 0, ErrNoDate
	}
	if strings.Contains(w, "t") && (strings.HasSuffix(w, "z") || strings.Count(w, ":") >= 2) {
		if t, err := time.Parse(time.RFC3339, strings.ToUpper(w)); err == nil {
			return t.In(p.loc), 1, nil
		}
	}

	// "on friday", and "by friday" for when something is due (for when
	// something happened, "by" is not a day: `they will confirm by
	// friday`): the date after it.
	if (w == "on" || w == "by" && !p.past) && len(p.words) > 1 {
		sub := *p
		sub.words = p.words[1:]
		t, n, err := sub.parse()
		if err != nil {
			return time.Time{}, 0, err
		}
		return t, n + 1, nil
	}

	// Offsets from now: in 3 days, +14d, 3 days ago.
	sp, n, ok, err := p.relative(0)
	if err != nil {
		return time.Time{}, 0, err
	}
	if ok {
		t := sp.AddTo(p.now)
		if sp.Clock == 0 {
			k, m, err := p.timeOfDay(n)
			if err != nil {
				return time.Time{}, 0, err
			}
			if m > 0 {
				t = p.at(civilOf(t), k)
				n += m
			}
		}
		return t, n, nil
	}

	// A date, then maybe a time.
	dp, err := p.date(0)
	if err != nil {
		return time.Time{}, 0, err
	}
	if dp.n > 0 {
		if dp.clock != nil {
			return p.at(dp.date, *dp.clock), dp.n, nil
		}
		k, m, err := p.timeOfDay(dp.n)
		if err != nil {
			return time.Time{}, 0, err
		}
		if m == 0 {
			// "tomorrow afternoon", "friday morning": only after a date,
			// where the word can mean nothing else.
			if k, ok := partsOfDay[p.word(dp.n)]; ok && dp.deflt == nil {
				return p.dateAt(dp, k), dp.n + 1, nil
			}
			return p.dateOnly(dp), dp.n, nil
		}
		return p.dateAt(dp, k), dp.n + m, nil
	}

	// A time, then maybe a date.
	k, m, err := p.timeOfDay(0)
	if err != nil {
		return time.Time{}, 0, err
	}
	if m > 0 {
		dp, err := p.date(m)
		if err != nil {
			return time.Time{}, 0, err
		}
		if dp.n > 0 && dp.clock == nil {
			return p.dateAt(dp, k), m + dp.n, nil
		}
		t := p.at(p.today, k)
		if t.Before(p.now) {
			t = p.at(p.today.addDays(1), k)
		}
		return t, m, nil
	}

	// "3 days" alone: say what was probably meant.
	if _, n, st, _ := spanWords(w, p.word(1), true); st == spanOK {
		s := strings.Join(p.words[:n], " ")
		return time.Time{}, 0, dateErrorf("%s is a length of time, not a date: write in %s or %s ago", s, s, s)
	}
	return time.Time{}, 0, ErrNoDate
}

// dateOnly is the instant of a date given without a time of day.
func (p *whenParser) dateOnly(dp datePart) time.Time {
	if dp.deflt != nil {
		t := p.at(dp.date, *dp.deflt)
		if dp.date == p.today && t.Before(p.now) && !dp.fixed {
			if p.ahead {
				return p.now.Add(time.Hour) // "remind me tonight", said late
			}
			return p.now
		}
		return t
	}
	if dp.date == p.today {
		return p.now
	}
	t := p.at(dp.date, nineAM)
	// "tomorrow" said early in the morning: never more than a day away.
	// Only the word: a date typed or named (2026-12-08, tuesday) that
	// happens to be tomorrow is 09:00 like any other.
	if dp.soon {
		if sameTime := p.now.AddDate(0, 0, 1); sameTime.Before(t) {
			return sameTime
		}
	}
	return t
}

// dateAt is the instant of a date given with a time of day.
func (p *whenParser) dateAt(dp datePart, k clock) time.Time {
	t := p.at(dp.date, k)
	if dp.roll > 0 && t.Before(p.now) {
		t = p.at(dp.date.addDays(dp.roll), k)
	}
	return t
}

// relative reads an offset from now at word i: "in <span>", "+<span>",
// "-<span>", "<span> ago".
func (p *whenParser) relative(i int) (Span, int, bool, error) {
	w := p.word(i)
	switch {
	case w == "in":
		// in a couple of days, in a few weeks
		if p.word(i+1) == "a" && (p.word(i+2) == "couple" || p.word(i+2) == "few") {
			unit := i + 3
			if p.word(unit) == "of" {
				unit++
			}
			if sp, _, st, _ := spanWords(p.word(i+2), p.word(unit), true); st == spanOK {
				return sp, unit - i + 1, true, nil
			}
		}
		sp, n, st, err := spanWords(p.word(i+1), p.word(i+2), true)
		switch st {
		case spanNone:
			return Span{}, 0, false, nil
		case spanBad:
			return Span{}, 0, false, err
		}
		if sp.isZero() {
			return Span{}, 0, false, dateErrorf("%s is now: give a length of time above zero, like in 3 days", strings.Join(p.words[i:i+1+n], " "))
		}
		return sp, 1 + n, true, nil
	case len(w) > 1 && (w[0] == '+' || w[0] == '-') && w[1] >= '0' && w[1] <= '9':
		sp, n, st, err := spanWords(w[1:], p.word(i+1), false)
		if st != spanOK {
			if err == nil {
				err = dateErrorf("%s is not a date: write offsets like +14d, +2w, +3h or -2d", p.words[i])
			}
			return Span{}, 0, false, err
		}
		if sp.isZero() {
			return Span{}, 0, false, dateErrorf("%s is now: give a length of time above zero, like +14d", strings.Join(p.words[i:i+n], " "))
		}
		if w[0] == '-' {
			sp = sp.neg()
		}
		return sp, n, true, nil
	}
	sp, n, st, _ := spanWords(w, p.word(i+1), true)
	if st != spanOK || p.word(i+n) != "ago" {
		return Span{}, 0, false, nil
	}
	if sp.isZero() {
		return Span{}, 0, false, dateErrorf("%s is now: give a length of time above zero, like 3 days ago", strings.Join(p.words[i:i+n+1], " "))
	}
	return sp.neg(), n + 1, true, nil
}

// datePart is a calendar date read from the words.
type datePart struct {
	date  civil
	n     int    // words used; 0 when there is no date
	clock *clock // a time of day written inside the date (2026-12-03T14:30)
	deflt *clock // the time of day when none is given, if not the usual
	roll  int    // days to move on when the given time is already past ("this friday")
	// soon: the word "tomorrow", which is never more than a day away.
	soon bool
	// fixed: deflt stands even when it has passed ("this morning").
	fixed bool
}

var (
	isoDateRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:t(\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	isoLikeRE = regexp.MustCompile(`^\d{4}-\d`)
	slashRE   = regexp.MustCompile(`^\d{1,4}/\d{1,2}(?:/\d{1,4})?$`)
	dayRE     = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?$`)
	yearRE    = regexp.MustCompile(`^\d{4}$`)
	clockRE   = regexp.MustCompile(`^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?$`)
	sevenPM   = clock{19, 0, 0}
	fivePM    = clock{17, 0, 0}
	// slashDateRE is 12/15 or 12/15/2026 (month/day, or day/month when
	// the first number cannot be a month).
	slashDateRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)
	// partsOfDay are the times "this morning", "this afternoon" and
	// "this evening" stand for.
	partsOfDay = map[string]clock{"morning": {9, 0, 0}, "afternoon": {14, 0, 0}, "evening": {18, 0, 0}}
	timeFormat = "write times like 14:30, 2:30pm or 10am"
)

// date reads a calendar date at word i. A result with n == 0 and no error
// means there is none.
func (p *whenParser) date(i int) (datePart, error) {
	w := p.word(i)
	if w == "" {
		return datePart{}, nil
	}
	if m := isoDateRE.FindStringSubmatch(w); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if mo < 1 || mo > 12 {
			return datePart{}, dateErrorf("there is no month %d in %s: write dates like 2026-12-03", mo, p.words[i])
		}
		if err := checkDay(y, time.Month(mo), d); err != nil {
			return datePart{}, err
		}
		dp := datePart{date: civil{y, time.Month(mo), d}, n: 1}
		if m[4] != "" {
			k, err := checkClock(p.words[i], m[4], m[5], m[6], "")
			if err != nil {
				return datePart{}, err
			}
			dp.clock = &k
		}
		return dp, nil
	}
	if isoLikeRE.MatchString(w) {
		return datePart{}, dateErrorf("I can't read %s as a date: write dates like 2026-12-03 or 2026-12-03T14:30", p.words[i])
	}
	var (
		mo  time.Month
		day string
		n   int
	)
	if sm := slashDateRE.FindStringSubmatch(w); sm != nil {
		a, _ := strconv.Atoi(sm[1])
		b, _ := strconv.Atoi(sm[2])
		switch {
		case a > 12 && b >= 1 && b <= 12: // 15/12: day first
			mo, day = time.Month(b), sm[1]
		case b > 12 && a >= 1 && a <= 12, a >= 1 && a <= 12 && b >= 1 && usOrder(p.loc): // 12/15, or 12/3 in a US zone
			mo, day = time.Month(a), sm[2]
		default:
			return datePart{}, dateErrorf("%s could be day/month or month/day: write 2026-12-03 or dec 3", p.words[i])
		}
		if sm[3] != "" {
			y, _ := strconv.Atoi(sm[3])
			if len(sm[3]) == 2 {
				y += 2000
			}
			d, _ := strconv.Atoi(day)
			if err := checkDay(y, mo, d); err != nil {
				return datePart{}, err
			}
			return datePart{date: civil{y, mo, d}, n: 1}, nil
		}
		n = 1
	} else if slashRE.MatchString(w) {
		return datePart{}, dateErrorf("%s could be day/month or month/day: write 2026-12-03 or dec 3", p.words[i])
	}
	switch w {
	case "today", "now":
		return datePart{date: p.today, n: 1}, nil
	case "tonight":
		return datePart{date: p.today, n: 1, deflt: &sevenPM}, nil
	case "tomorrow":
		return datePart{date: p.today.addDays(1), n: 1, soon: true}, nil
	case "eod":
		return datePart{date: p.today, n: 1, deflt: &fivePM}, nil
	case "eow": // end of week: its Friday, or the next one at the weekend
		return datePart{date: p.today.addDays((int(time.Friday) - int(p.today.weekday()) + 7) % 7), n: 1, deflt: &fivePM}, nil
	case "yesterday":
		return datePart{date: p.today.addDays(-1), n: 1}, nil
	}
	wd := p.today.weekday()
	if d, ok := weekdayNamed(w); ok {
		if p.past {
			return datePart{date: p.today.addDays(-daysBack(wd, d)), n: 1}, nil
		}
		days := (int(d) - int(wd) + 7) % 7
		if days == 0 {
			days = 7
		}
		return datePart{date: p.today.addDays(days), n: 1}, nil
	}
	switch w {
	case "this":
		if d, ok := weekdayNamed(p.word(i + 1)); ok {
			return datePart{date: p.today.addDays((int(d) - int(wd) + 7) % 7), n: 2, roll: 7}, nil
		}
		if k, ok := partsOfDay[p.word(i+1)]; ok { // this morning
			return datePart{date: p.today, n: 2, deflt: &k, fixed: true}, nil
		}
	case "end":
		// end of week, end of the week (its Friday, or the next one at
		// the weekend), end of day: at 17:00.
		j := i + 1
		if p.word(j) == "of" {
			j++
		}
		if p.word(j) == "the" {
			j++
		}
		switch p.word(j) {
		case "week":
			days := (int(time.Friday) - int(wd) + 7) % 7
			return datePart{date: p.today.addDays(days), n: j - i + 1, deflt: &fivePM}, nil
		case "day":
			return datePart{date: p.today, n: j - i + 1, deflt: &fivePM}, nil
		case "month":
			last := civil{p.today.y, p.today.m, daysIn(p.today.y, p.today.m)}
			return datePart{date: last, n: j - i + 1, deflt: &fivePM}, nil
		}
	case "the":
		// the 15th: the next 15th (the latest one, for when something
		// happened), today included, passing over months without one.
		if dm := dayRE.FindStringSubmatch(p.word(i + 1)); dm != nil && dm[0] != dm[1] {
			d, _ := strconv.Atoi(dm[1])
			if d < 1 || d > 31 {
				return datePart{}, dateErrorf("no month has a day %d: write a day from the 1st to the 31st", d)
			}
			step := 1
			if p.past {
				step = -1
			}
			y, m := p.today.y, p.today.m
			for k := 0; k < 13; k++ {
				c := civil{y, m, d}
				if d <= daysIn(y, m) && (step > 0 && daysBetween(p.today, c) >= 0 || step < 0 && daysBetween(p.today, c) <= 0) {
					return datePart{date: c, n: 2}, nil
				}
				t := time.Date(y, m+time.Month(step), 1, 12, 0, 0, 0, time.UTC)
				y, m = t.Year(), t.Month()
			}
		}
	case "next":
		// Weeks start on Monday.
		nextMonday := p.today.addDays(7 - (int(wd)+6)%7)
		if d, ok := weekdayNamed(p.word(i + 1)); ok {
			return datePart{date: nextMonday.addDays((int(d) + 6) % 7), n: 2}, nil
		}
		switch p.word(i + 1) {
		case "week":
			return datePart{date: nextMonday, n: 2}, nil
		case "month":
			return datePart{date: civilOf(time.Date(p.today.y, p.today.m+1, 1, 12, 0, 0, 0, time.UTC)), n: 2}, nil
		}
	case "last":
		if d, ok := weekdayNamed(p.word(i + 1)); ok {
			return datePart{date: p.today.addDays(-daysBack(wd, d)), n: 2}, nil
		}
		if p.word(i+1) == "week" { // the same day a week ago
			return datePart{date: p.today.addDays(-7), n: 2}, nil
		}
	}
	// dec 3 [2026] / 3 dec [2026]
	if n > 0 {
		// 12/15 read above: its year is the nearest, as below.
	} else if m, ok := monthNamed(w); ok {
		if dm := dayRE.FindStringSubmatch(p.word(i + 1)); dm != nil {
			mo, day, n = m, dm[1], 2
		}
	} else if dm := dayRE.FindStringSubmatch(w); dm != nil {
		if m, ok := monthNamed(p.word(i + 1)); ok {
			mo, day, n = m, dm[1], 2
		}
	}
	if n == 0 {
		return datePart{}, nil
	}
	d, _ := strconv.Atoi(day)
	if d < 1 || d > maxDay(mo) {
		if mo == time.February {
			return datePart{}, dateErrorf("there is no February %d: February has 28 days, 29 in leap years", d)
		}
		return datePart{}, dateErrorf("there is no %s %d: %s has %d days", mo, d, mo, maxDay(mo))
	}
	if y, ok := yearNamed(p.word(i + 2)); ok {
		if err := checkDay(y, mo, d); err != nil {
			return datePart{}, err
		}
		return datePart{date: civil{y, mo, d}, n: 3}, nil
	}
	// No year: the occurrence nearest to today.
	best, bestDist := p.today.y, 0
	for y := p.today.y - 1; y <= p.today.y+1; y++ {
		c := civil{y, mo, min(d, daysIn(y, mo))}
		dist := daysBetween(p.today, c)
		if dist < 0 {
			dist = -dist
		} else {
			dist-- // a tie goes to the future
		}
		if y == p.today.y-1 || dist < bestDist {
			best, bestDist = y, dist
		}
	}
	if err := checkDay(best, mo, d); err != nil {
		return datePart{}, err
	}
	return datePart{date: civil{best, mo, d}, n: n}, nil
}

// yearNamed reads a year after a month and day: four digits from 1900 to
// 2199, so that "dec 3 1430" is not the year 1430.
func yearNamed(w string) (int, bool) {
	if !yearRE.MatchString(w) {
		return 0, false
	}
	y, _ := strconv.Atoi(w)
	return y, y >= 1900 && y < 2200
}

// daysBack counts the days from the most recent weekday d before a day
// that is a wd: 1 to 7, a week when they are the same.
func daysBack(wd, d time.Weekday) int {
	if days := (int(wd) - int(d) + 7) % 7; days > 0 {
		return days
	}
	return 7
}

func daysBetween(a, b civil) int {
	ta := time.Date(a.y, a.m, a.d, 12, 0, 0, 0, time.UTC)
	tb := time.Date(b.y, b.m, b.d, 12, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// maxDay is the most days month m can have.
func maxDay(m time.Month) int {
	return daysIn(2000, m) // a leap year
}

func checkDay(y int, m time.Month, d int) error {
	if n := daysIn(y, m); d < 1 || d > n {
		return dateErrorf("there is no %s %d in %d: %s %d has %d days", m, d, y, m, y, n)
	}
	return nil
}

var (
	monthNames   = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
)

// monthNamed reads an English month name or an abbreviation of 3+ letters
// ("sep", "sept", "sept.").
func monthNamed(w string) (time.Month, bool) {
	w = strings.TrimSuffix(w, ".")
	if len(w) < 3 {
		return 0, false
	}
	for i, name := range monthNames {
		if strings.HasPrefix(name, w) {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

// weekdayNamed reads an English weekday or an abbreviation of 3+ letters
// ("mon", "tues", "thurs").
func weekdayNamed(w string) (time.Weekday, bool) {
	w = strings.TrimSuffix(w, ".")
	if len(w) < 3 {
		return 0, false
	}
	for i, name := range weekdayNames {
		if strings.HasPrefix(name, w) {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// timeOfDay reads a time of day at word i, optionally after "at", and
// returns it with the number of words used (0 when there is none).
func (p *whenParser) timeOfDay(i int) (clock, int, error) {
	n := 0
	at := p.word(i) == "at"
	if at {
		n = 1
	}
	w := p.word(i + n)
	switch w {
	case "":
		return clock{}, 0, nil
	case "noon":
		return clock{12, 0, 0}, n + 1, nil
	case "midnight":
		return clock{0, 0, 0}, n + 1, nil
	}
	m := clockRE.FindStringSubmatch(w)
	if m == nil {
		return clock{}, 0, nil
	}
	typed, suffix := p.words[i+n], m[4]
	used := n + 1
	if suffix == "" {
		if s := strings.ReplaceAll(p.word(i+n+1), ".", ""); s == "am" || s == "pm" {
			typed += " " + p.words[i+n+1]
			suffix, used = s, used+1
		}
	}
	if m[2] == "" && suffix == "" {
		// A bare number: a time only after "at", and only when it cannot
		// be am or pm.
		if !at {
			return clock{}, 0, nil
		}
		h, _ := strconv.Atoi(m[1])
		switch {
		case h == 12:
			return clock{}, 0, dateErrorf("is at %s noon or midnight? Write noon, midnight, 12:00 or 00:00", m[1])
		case h >= 1 && h < 12:
			return clock{}, 0, dateErrorf("is at %s in the morning or the evening? Write %dam, %dpm or %d:00", m[1], h, h, h+12)
		}
	}
	k, err := checkClock(typed, m[1], m[2], m[3], suffix)
	if err != nil {
		return clock{}, 0, err
	}
	return k, used, nil
}

// checkClock turns the parts of a time of day into a clock, or an error that
// quotes typed.
func checkClock(typed, hh, mm, ss, suffix string) (clock, error) {
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	s, _ := strconv.Atoi(ss)
	bad := dateErrorf("%s is not a time of day: %s", typed, timeFormat)
	if m > 59 || s > 59 {
		return clock{}, bad
	}
	switch strings.ReplaceAll(suffix, ".", "") {
	case "":
		if h > 23 {
			return clock{}, bad
		}
	case "am":
		if h < 1 || h > 12 {
			return clock{}, dateErrorf("%s is not a time of day: with am or pm the hour is 1 to 12, like 10am or 2:30pm", typed)
		}
		h %= 12
	case "pm":
		if h < 1 || h > 12 {
			return clock{}, dateErrorf("%s is not a time of day: with am or pm the hour is 1 to 12, like 10am or 2:30pm", typed)
		}
		h = h%12 + 12
	}
	return clock{h, m, s}, nil
}

// Span is a length of time as people say it: months and days are calendar
// units (so "3mo" from Jan 31 follows AddDate), the rest is clock time.
type Span struct {
	Months, Days int
	Clock        time.Duration
}

// AddTo returns t moved by s in t's location: the calendar part as
// t.AddDate(0, s.Months, s.Days) (Jan 31 + 1 month is Mar 3 in 2026), then
// s.Clock as elapsed time. Where the calendar part lands on a wall clock that
// a daylight-saving change skips or repeats, it follows ParseWhen's rule
// (forward by the gap; the earlier instant) rather than time.Date's.
func (s Span) AddTo(t time.Time) time.Time {
	if s.Months != 0 || s.Days != 0 {
		y, m, d := t.Date()
		h, mi, sec := t.Clock()
		t = localTime(y, m+time.Month(s.Months), d+s.Days, h, mi, sec, t.Nanosecond(), t.Location())
	}
	return t.Add(s.Clock)
}

// String is the canonical short form, which ParseSpan reads back: "90m",
// "2h", "10d", "2w" (days that are whole weeks), "3mo", "1y" (months that
// are whole years), "1mo2d"; "-2d" when negative; "0m" when zero.
func (s Span) String() string {
	if s.isZero() {
		return "0m"
	}
	var b strings.Builder
	if s.Months <= 0 && s.Days <= 0 && s.Clock <= 0 {
		b.WriteByte('-')
		s = s.neg()
	}
	switch {
	case s.Months == 0:
	case s.Months%12 == 0:
		fmt.Fprintf(&b, "%dy", s.Months/12)
	default:
		fmt.Fprintf(&b, "%dmo", s.Months)
	}
	switch {
	case s.Days == 0:
	case s.Days%7 == 0:
		fmt.Fprintf(&b, "%dw", s.Days/7)
	default:
		fmt.Fprintf(&b, "%dd", s.Days)
	}
	switch c := s.Clock; {
	case c == 0:
	case c%time.Hour == 0:
		fmt.Fprintf(&b, "%dh", c/time.Hour)
	case c%time.Minute == 0:
		fmt.Fprintf(&b, "%dm", c/time.Minute)
	case c%time.Second == 0:
		fmt.Fprintf(&b, "%ds", c/time.Second)
	default:
		b.WriteString(c.String())
	}
	return b.String()
}

// Approx is s as elapsed time with months as 30 days and days as 24 hours,
// for comparing spans only.
func (s Span) Approx() time.Duration {
	return time.Duration(s.Months)*30*24*time.Hour + time.Duration(s.Days)*24*time.Hour + s.Clock
}

func (s Span) isZero() bool { return s == Span{} }

func (s Span) neg() Span { return Span{Months: -s.Months, Days: -s.Days, Clock: -s.Clock} }

// ParseSpan reads a length of time from the start of words and returns it
// with the number of words used: one word ("90m", "2h", "14d", "2w", "3mo",
// "1y", "1mo2d", "1h30m", "90min") or two ("90 min", "2 hours", "14 days",
// "2 weeks", "3 months", "an hour"). A leading + is allowed.
//
// Errors: ErrNoSpan when the first word does not start with a number; a
// *DateError for zero, negative or longer than 100 years, and for an unknown
// unit, naming the accepted ones.
func ParseSpan(words []string) (Span, int, error) {
	if len(words) == 0 {
		return Span{}, 0, ErrNoSpan
	}
	w := strings.TrimSuffix(strings.ToLower(words[0]), ",")
	second := ""
	if len(words) > 1 {
		second = strings.TrimSuffix(strings.ToLower(words[1]), ",")
	}
	neg := false
	if len(w) > 1 && (w[0] == '+' || w[0] == '-') {
		neg = w[0] == '-'
		w = w[1:]
	}
	sp, n, st, err := spanWords(w, second, true)
	switch st {
	case spanNone:
		return Span{}, 0, ErrNoSpan
	case spanBad:
		return Span{}, 0, err
	}
	if neg || sp.isZero() {
		return Span{}, 0, dateErrorf("%s is not a length of time: it must be more than zero, like 2h or 14d", strings.Join(words[:n], " "))
	}
	return sp, n, nil
}

type spanStatus int

const (
	spanNone spanStatus = iota // the words do not start with a number
	spanBad                    // they do, but are not a length of time
	spanOK
)

var (
	compactSpanRE = regexp.MustCompile(`^(?:\d+[a-z]+)+$`)
	compactPartRE = regexp.MustCompile(`(\d+)([a-z]+)`)
	digitsRE      = regexp.MustCompile(`^\d+$`)
	unitsHelp     = "use minutes (90m), hours (2h), days (14d), weeks (2w), months (3mo) or years (1y)"
)

// numberWords are the numbers people spell out in lengths of time
// ("in two weeks", "a couple of days").
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "couple": 2, "few": 3,
}

// maxSpanMinutes bounds lengths of time to 100 years (of 12 months of 30
// days, as Approx counts them).
const maxSpanMinutes = 100 * 12 * 30 * 24 * 60

// unitMinutes maps unit names to their length in minutes (months as 30
// days); the unit decides which Span field it adds to.
var unitMinutes = map[string]int64{
	"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
	"h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
	"d": 1440, "day": 1440, "days": 1440,
	"w": 7 * 1440, "wk": 7 * 1440, "wks": 7 * 1440, "week": 7 * 1440, "weeks": 7 * 1440,
	"mo": 30 * 1440, "mos": 30 * 1440, "month": 30 * 1440, "months": 30 * 1440,
	"y": 12 * 30 * 1440, "yr": 12 * 30 * 1440, "yrs": 12 * 30 * 1440, "year": 12 * 30 * 1440, "years": 12 * 30 * 1440,
}

// spanWords reads a length of time from w1, or from w1 and w2 when w1 is a
// bare number (or, with articles, "a" or "an"). Both are lower-case.
func spanWords(w1, w2 string, articles bool) (Span, int, spanStatus, error) {
	var sp Span
	var total int64
	add := func(num, unit, typed string) error {
		if len(num) > 6 {
			return dateErrorf("%s is too long: keep it under 100 years", typed)
		}
		n, _ := strconv.ParseInt(num, 10, 64)
		per, ok := unitMinutes[unit]
		if !ok {
			return dateErrorf("%s is not a unit of time (in %s): %s", unit, typed, unitsHelp)
		}
		if total += n * per; total > maxSpanMinutes {
			return dateErrorf("%s is too long: keep it under 100 years", typed)
		}
		switch per {
		case 1:
			sp.Clock += time.Duration(n) * time.Minute
		case 60:
			sp.Clock += time.Duration(n) * time.Hour
		case 1440:
			sp.Days += int(n)
		case 7 * 1440:
			sp.Days += 7 * int(n)
		case 30 * 1440:
			sp.Months += int(n)
		default:
			sp.Months += 12 * int(n)
		}
		return nil
	}
	switch {
	case compactSpanRE.MatchString(w1):
		for _, m := range compactPartRE.FindAllStringSubmatch(w1, -1) {
			if err := add(m[1], m[2], w1); err != nil {
				return Span{}, 0, spanBad, err
			}
		}
		return sp, 1, spanOK, nil
	case articles && numberWords[w1] > 0:
		// in two weeks: a number word is a number only before a unit.
		if _, ok := unitMinutes[w2]; !ok {
			return Span{}, 0, spanNone, nil
		}
		if err := add(strconv.Itoa(numberWords[w1]), w2, w1+" "+w2); err != nil {
			return Span{}, 0, spanBad, err
		}
		return sp, 2, spanOK, nil
	case articles && (w1 == "a" || w1 == "an"):
		// An article is a number only before a unit: "in a week", not "in a while".
		if _, ok := unitMinutes[w2]; !ok {
			return Span{}, 0, spanNone, nil
		}
		if err := add("1", w2, w1+" "+w2); err != nil {
			return Span{}, 0, spanBad, err
		}
		return sp, 2, spanOK, nil
	case digitsRE.MatchString(w1):
		if w2 == "" {
			return Span{}, 0, spanBad, dateErrorf("%s needs a unit: %s", w1, unitsHelp)
		}
		if err := add(w1, w2, w1+" "+w2); err != nil {
			return Span{}, 0, spanBad, err
		}
		return sp, 2, spanOK, nil
	}
	return Span{}, 0, spanNone, nil
}

// usOrder reports whether dates in loc are written month first (12/3 is
// December 3): the United States' zones.
func usOrder(loc *time.Location) bool {
	if loc == nil {
		return false
	}
	name := loc.String()
	if strings.HasPrefix(name, "US/") || strings.HasPrefix(name, "America/Indiana/") || strings.HasPrefix(name, "America/Kentucky/") || strings.HasPrefix(name, "America/North_Dakota/") {
		return true
	}
	switch name {
	case "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix", "America/Anchorage",
		"America/Detroit", "America/Boise", "America/Juneau", "America/Sitka", "America/Nome", "America/Adak", "America/Menominee",
		"America/Metlakatla", "America/Yakutat", "Pacific/Honolulu", "America/Puerto_Rico":
		return true
	}
	return false
}
