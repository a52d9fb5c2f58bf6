//go:build bench

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// The recurring row: repeating follow-ups typed as slash commands run
// for a year on `outreachbot run`'s own clock (a fake one, moved straight
// to the next queued job's due time, at most recurMaxStep at a time),
// across both of New York's daylight-saving switches.
// The series whose occurrences are closed with the reminder's Done
// button bring each next one; the Sunday-night ones are left open:
// reminded again on the next two days, then carried over to the next
// Sunday. Every occurrence's time (and each repeat's) is worked out here
// on its own, from the calendar, and each must have exactly one
// reminder, posted at that instant; no other reminder may come.

// recurMaxStep bounds one move of the clock, so that the background
// repairs (the reminder sweep) still look at the queue each day;
// recurMinStep is the least move, for work handed back to retry.
const (
	recurMaxStep = 24 * time.Hour
	recurMinStep = time.Second
)

// recurSeries are the series of the row: what is typed, whether Done is
// pressed on each reminder, and each occurrence's instant in [from, to).
// Each series is assigned to a person of its own: Slack takes about one
// post a second in a conversation (the outbox spaces them 1.05 s on the
// wall clock), so a year of one series' reminders takes a second each at
// the least, and six series in one DM would take six.
var recurSeries = []struct {
	typed string
	done  bool
	times func(from, to time.Time) []time.Time
}{
	{"every monday and thursday 9am", true, func(from, to time.Time) []time.Time {
		return recurDays(from, to, 9, 0, func(d time.Time) bool { return d.Weekday() == time.Monday || d.Weekday() == time.Thursday })
	}},
	{"every first monday", true, func(from, to time.Time) []time.Time {
		return recurDays(from, to, 9, 0, func(d time.Time) bool { return d.Weekday() == time.Monday && d.Day() <= 7 })
	}},
	{"every 2 weeks on tuesday 10am", true, func(from, to time.Time) []time.Time {
		var out []time.Time
		for i, t := range recurDays(from, to, 10, 0, func(d time.Time) bool { return d.Weekday() == time.Tuesday }) {
			if i%2 == 0 {
				out = append(out, t)
			}
		}
		return out
	}},
	{"every month on the 15th", true, func(from, to time.Time) []time.Time {
		return recurDays(from, to, 9, 0, func(d time.Time) bool { return d.Day() == 15 })
	}},
	// Left open: carried over each week, at the night's own 01:30 (twice
	// on the autumn night: the first) and 02:30 (none on the spring
	// night: 03:30). New York's clocks change on Sunday nights.
	{"every sunday at 1:30am", false, func(from, to time.Time) []time.Time {
		return recurDays(from, to, 1, 30, func(d time.Time) bool { return d.Weekday() == time.Sunday })
	}},
	{"every sunday at 2:30am", false, func(from, to time.Time) []time.Time {
		return recurDays(from, to, 2, 30, func(d time.Time) bool { return d.Weekday() == time.Sunday })
	}},
}

// recurDays are hh:mm in New York on each day in [from, to) that keep
// allows (nil: every day), as a wall clock reads it: a time that happens
// twice is its first instant, one that does not happen the hour after.
func recurDays(from, to time.Time, hh, mm int, keep func(time.Time) bool) []time.Time {
	var out []time.Time
	l := from.In(nyZone)
	for d := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, nyZone); d.Before(to.Add(24 * time.Hour)); d = d.AddDate(0, 0, 1) {
		if keep != nil && !keep(d) {
			continue
		}
		t := wallInstant(d.Year(), d.Month(), d.Day(), hh, mm)
		if t.After(from) && t.Before(to) {
			out = append(out, t)
		}
	}
	return out
}

var nyZone, _ = time.LoadLocation("America/New_York")

// wallInstant is the first instant New York's clock reads y-m-d hh:mm,
// or, in the spring gap, that reading an hour on.
func wallInstant(y int, m time.Month, d, hh, mm int) time.Time {
	reads := func(t time.Time) bool {
		l := t.In(nyZone)
		return l.Day() == d && l.Hour() == hh && l.Minute() == mm
	}
	base := time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
	var best time.Time
	for h := 2; h <= 7; h++ { // UTC-2 … UTC-7 covers New York's offsets
		if t := base.Add(time.Duration(h) * time.Hour); reads(t) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if best.IsZero() {
		return wallInstant(y, m, d, hh+1, mm)
	}
	return best
}

type recurResult struct {
	start, end            time.Time
	series                int
	occurrences, repeats  int // the series' times; the open ones' daily repeats
	expected, once        int // reminders: occurrences and repeats
	twice, missing, stray int
	presses               int
	steps                 int // moves of the clock
	wall                  time.Duration
	autumn, spring        string // what the switch nights' occurrences were
}

func (b *bench) recurring(t *testing.T) {
	clock := clockwork.NewFakeClockAt(testclock.Now())
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Logf: t.Logf, Now: clock.Now})
	t.Cleanup(fs.Close)
	for i := range len(recurSeries) + 1 { // the one who types, and each series' assignee
		fs.AddUser(slacktest.User{ID: benchUser(i), TeamID: home, Name: fmt.Sprintf("bench%02d", i), TZ: "America/New_York"})
	}
	fs.AddChannel(slacktest.Channel{ID: benchChannel, Name: "outreach-team"})
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	env := map[string]string{"OUTREACH_QUIET_HOURS": "off", "OUTREACH_POST_RATE": benchPostRate, "OUTREACH_TZ": "America/New_York"}
	for _, j := range scheduler.Jobs {
		if j.Recurring() && !j.Background {
			env[j.Env] = "off" // only the follow-ups' own reminders post
		}
	}
	e := launchBot(t, fs, rs, env, clock)
	st := store.New(rs.Client(), 5*time.Second)
	ctx := context.Background()
	user := benchUser(0)
	if r := e.slash(user, benchChannel, `partner add "County Health Dept"`); !strings.Contains(r.Text, "Added") {
		t.Fatalf("partner add: %s", r.raw)
	}
	res := &recurResult{start: clock.Now(), end: clock.Now().AddDate(1, 0, 0), series: len(recurSeries)}
	seriesOf := map[int64]int{} // first occurrence's id → row of recurSeries
	for i, s := range recurSeries {
		to := benchUser(i + 1)
		r := e.slash(user, benchChannel, fmt.Sprintf(`followup county "%s" "Series %d" to:<@%s|bench%02d>`, s.typed, i, to, i+1))
		_, rest, ok := strings.Cut(r.Text, "`F")
		id, err := strconv.ParseInt(strings.SplitN(rest, "`", 2)[0], 10, 64)
		if !ok || err != nil || !strings.Contains(r.Text, ":repeat:") {
			t.Fatalf("followup %q: %s", s.typed, r.Text)
		}
		seriesOf[id] = i
	}
	// A year, from one queued job's due time to the next; each reminder
	// of a series closed by Done gets its button pressed as it comes.
	started := time.Now()
	seen := 0
	for clock.Now().Before(res.end) {
		e.tick(recurNextStep(t, st, clock.Now(), res.end))
		res.steps++
		posts := fs.Posts()
		for _, p := range posts[seen:] {
			if !kindPost(store.JobReminder)(p) {
				continue
			}
			f := followUpOf(t, st, p)
			if !recurSeries[seriesOf[f.Series]].done {
				continue
			}
			bs := buttons(t, p.Blocks)
			blockID, value, _ := strings.Cut(bs["fu_done"], "|")
			if _, err := fs.BlockAction(e.ctx(), f.Assignee, p.Channel, p.TS, "fu_done", blockID, value); err != nil {
				t.Fatalf("Done on F%d: %v", f.ID, err)
			}
			res.presses++
			for i := 0; ; i++ { // the press's write, before time moves on
				if cur, err := st.FollowUp(ctx, home, f.ID); err == nil && cur.Status == domain.StatusDone {
					break
				}
				if i == 1000 {
					t.Fatalf("Done on F%d not recorded after 10 s", f.ID)
				}
				time.Sleep(10 * time.Millisecond) // the bot's handling, not time passing
			}
		}
		seen = len(posts)
	}
	res.wall = time.Since(started)

	// Each series' reminders against the calendar.
	got := map[int][]time.Time{}
	jobs := map[string]int{}
	for _, p := range fs.Posts() {
		if !kindPost(store.JobReminder)(p) {
			continue
		}
		jobs[postJob(p)]++
		f := followUpOf(t, st, p)
		got[seriesOf[f.Series]] = append(got[seriesOf[f.Series]], p.At)
	}
	for _, n := range jobs {
		if n > 1 {
			res.twice += n - 1
		}
	}
	for i, s := range recurSeries {
		want := s.times(res.start, res.end)
		res.occurrences += len(want)
		if !s.done {
			rep := recurRepeats(want, res.end)
			res.repeats += len(rep)
			want = append(want, rep...)
		}
		res.expected += len(want)
		at := map[time.Time]int{}
		for _, g := range got[i] {
			at[g]++
		}
		for _, w := range want {
			switch n := at[w]; {
			case n == 0:
				res.missing++
				t.Logf("%s: no reminder at %s", s.typed, w.In(nyZone).Format("Mon 2006-01-02 15:04 MST"))
			case n == 1:
				res.once++
			default:
				res.twice += n - 1
			}
			delete(at, w)
		}
		for g, n := range at {
			res.stray += n
			t.Logf("%s: a reminder at %s, not one of its times", s.typed, g.In(nyZone).Format("Mon 2006-01-02 15:04 MST"))
		}
	}
	night := func(row int, forward bool) string {
		shift := nextSwitch(res.start, forward)
		var ts []string
		for _, g := range got[row] {
			if l := g.In(nyZone); l.Year() == shift.Year() && l.YearDay() == shift.YearDay() {
				ts = append(ts, l.Format("15:04 MST"))
			}
		}
		return strings.Join(ts, ", ")
	}
	res.autumn = "01:30 series: " + night(4, false)
	res.spring = "02:30 series: " + night(5, true)
	t.Logf("recurring: %d occurrences, %d repeats, %d reminders, %d once, %d twice, %d missing, %d stray; %d presses; a year in %s, %d steps; autumn %s, spring %s",
		res.occurrences, res.repeats, res.expected, res.once, res.twice, res.missing, res.stray, res.presses, res.wall.Round(time.Second), res.steps, res.autumn, res.spring)
	if res.twice > 0 || res.missing > 0 || res.stray > 0 {
		// Figures are reported, but a reminder lost or doubled is a broken system.
		t.Errorf("recurring: %d reminders twice, %d never, %d at no reminder's time", res.twice, res.missing, res.stray)
	}
	b.mu.Lock()
	b.results.recurring = res
	b.mu.Unlock()
}

// recurNextStep is how far to move the clock from now: to the earliest
// queued job's due time, within [recurMinStep, recurMaxStep] and not past
// end. Each reminder is queued at its occurrence's instant, so every
// occurrence is a stop, and the clock is never between two of them when
// one falls due.
func recurNextStep(t *testing.T, st *store.Store, now, end time.Time) time.Duration {
	t.Helper()
	next, err := st.NextDue(context.Background(), home)
	if err != nil {
		t.Fatalf("next due: %v", err)
	}
	step := recurMaxStep
	if !next.IsZero() {
		step = min(step, max(next.Sub(now), recurMinStep))
	}
	return min(step, end.Sub(now))
}

// recurRepeats are the daily repeat reminders of occurrences left open
// (occ, in order): at the same wall-clock time on each of the next days
// while reminders remain (domain.MaxReminders in all), before the next
// occurrence and before end.
func recurRepeats(occ []time.Time, end time.Time) []time.Time {
	var out []time.Time
	for i, o := range occ {
		next := end
		if i+1 < len(occ) {
			next = occ[i+1]
		}
		for k := 1; k < domain.MaxReminders; k++ {
			r := o.In(nyZone).AddDate(0, 0, k)
			if !r.Before(next) {
				break
			}
			out = append(out, r.UTC()) // as the others, for the map of posts by instant
		}
	}
	return out
}

// followUpOf is the follow-up a reminder post is about.
func followUpOf(t *testing.T, st *store.Store, p slacktest.Post) domain.FollowUp {
	t.Helper()
	_, rest := store.ParseJobID(postJob(p))
	idText, _, _ := strings.Cut(rest, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	f, err := st.FollowUp(context.Background(), home, id)
	if err != nil {
		t.Fatalf("reminder %s: %v", postJob(p), err)
	}
	return f
}

// nextSwitch is the first day after t whose clocks in New York go
// forward (spring) or back (autumn).
func nextSwitch(t time.Time, forward bool) time.Time {
	for h := t.Truncate(time.Hour); ; h = h.Add(time.Hour) {
		_, before := h.In(nyZone).Zone()
		_, after := h.Add(time.Hour).In(nyZone).Zone()
		if after != before && (after > before) == forward {
			return h.In(nyZone)
		}
	}
}

// recurRows adds the recurring row to the table.
func (r benchResults) recurRows(tab *table) {
	x := r.recurring
	if x == nil {
		return
	}
	tab.rule()
	tab.row(fmt.Sprintf("repeating follow-ups: %d series for a year (%s – %s), on the bot's own clock", x.series, x.start.In(nyZone).Format("Jan 2 2006"), x.end.In(nyZone).Format("Jan 2 2006")), "", "", "",
		fmt.Sprintf("typed as slash commands; Done pressed on %d reminders, the Sunday-night ones left open; a year in %s, %d moves of the clock", x.presses, x.wall.Round(time.Second), x.steps))
	tab.row("  reminders posted once, at their time", fmt.Sprintf("%d of %d", x.once, x.expected), "all, once", verdict(x.once == x.expected && x.twice == 0 && x.stray == 0),
		fmt.Sprintf("%d occurrences and %d daily repeats of the open ones; %d twice, %d never, %d at no reminder's time", x.occurrences, x.repeats, x.twice, x.missing, x.stray))
	tab.row("  across both switch nights", "once each", "", verdict(x.missing == 0 && x.twice == 0), x.autumn+"; "+x.spring)
}
