package when

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a recurring job's timing. Cron specs are read on the wall
// clock of loc: occurrences are computed on local clock readings (treated
// as UTC, which has no daylight saving) and only then placed in time. So a
// 01:30 job on the autumn day whose 01:30 happens twice runs once (both
// readings are the same occurrence, keyed by the reading), and a 02:30 job
// on the spring day with no 02:30 runs once, at 03:30, where robfig/cron
// alone would skip it.
type Schedule struct {
	cron  cron.Schedule // parsed in UTC; nil for @every
	every time.Duration
	loc   *time.Location
}

// ParseSchedule reads a cron spec (read on loc's wall clock), "@every
// <duration>" or Off. robfig/cron panics on some malformed specs, so
// parsing runs under recover.
func ParseSchedule(spec string, loc *time.Location) (sch Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed spec %q", spec)
		}
	}()
	spec = strings.TrimSpace(spec)
	if spec == Off {
		return Schedule{}, nil
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return Schedule{}, fmt.Errorf("set the zone with OUTREACH_TZ instead of a TZ= prefix")
	}
	if d, ok := strings.CutPrefix(spec, "@every "); ok {
		every, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || every < time.Second {
			return Schedule{}, fmt.Errorf("@every needs a duration of at least 1s, like @every 1m")
		}
		return Schedule{every: every, loc: loc}, nil
	}
	c, err := cron.ParseStandard("CRON_TZ=UTC " + spec)
	if err != nil {
		return Schedule{}, err
	}
	return Schedule{cron: c, loc: loc}, nil
}

// Off is the schedule of a recurring job turned off.
const Off = "off"

// On reports whether the schedule runs at all (not Off).
func (s Schedule) On() bool { return s.cron != nil || s.every > 0 }

// Next returns the first occurrence strictly after t, and its key: the
// local wall-clock reading, the same on every replica.
func (s Schedule) Next(t time.Time) (time.Time, string) {
	if s.cron == nil {
		// Anchored at the Unix epoch, not at process start, so every
		// replica agrees on the occurrences.
		n := t.UnixNano()/int64(s.every) + 1
		occ := time.Unix(0, n*int64(s.every)).UTC()
		return occ, occ.Format("2006-01-02T15:04:05Z")
	}
	w := wall(t, s.loc)
	for {
		w = s.cron.Next(w)
		if occ := fromWall(w, s.loc); occ.After(t) {
			return occ, w.Format("2006-01-02T15:04")
		}
		// A reading of the repeated autumn hour already passed: skip it.
	}
}

// Latest returns the last occurrence in (after, upTo], how many there
// were, and its key; n is 0 when there is none.
func (s Schedule) Latest(after, upTo time.Time) (occ time.Time, key string, n int) {
	t := after
	if s.cron == nil {
		first, _ := s.Next(after)
		if first.After(upTo) {
			return time.Time{}, "", 0
		}
		n = int(upTo.Sub(first)/s.every) + 1
		last := first.Add(time.Duration(n-1) * s.every)
		return last, last.Format("2006-01-02T15:04:05Z"), n
	}
	for i := 0; i < 100000; i++ {
		o, k := s.Next(t)
		if o.After(upTo) {
			break
		}
		occ, key, n, t = o, k, n+1, o
	}
	return occ, key, n
}

// wall is t's clock reading in loc, as a UTC time.
func wall(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// fromWall places a clock reading of loc in time: a reading that happens
// twice (autumn) is its first instant; one that does not happen (spring)
// moves forward by the gap.
func fromWall(w time.Time, loc *time.Location) time.Time {
	var best time.Time
	for _, probe := range []time.Duration{-26 * time.Hour, 26 * time.Hour} {
		_, off := w.Add(probe).In(loc).Zone()
		cand := w.Add(-time.Duration(off) * time.Second)
		if wall(cand, loc).Equal(w) && (best.IsZero() || cand.Before(best)) {
			best = cand
		}
	}
	if best.IsZero() {
		_, off := w.Add(-26 * time.Hour).In(loc).Zone()
		best = w.Add(-time.Duration(off) * time.Second)
	}
	return best
}
