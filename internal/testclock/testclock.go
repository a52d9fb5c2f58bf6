// Package testclock is where every test's clock starts: one fixed
// instant, so that no suite depends on when it runs, which
// OUTREACH_TEST_NOW (RFC 3339) moves for a whole `go test ./...` run.
// scripts/test-instants.sh runs the suites at the awkward instants: past
// midnight in New York, a Monday morning, the spring-forward night, year
// end, a leap day.
package testclock

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Env names the variable that moves every test clock.
const Env = "OUTREACH_TEST_NOW"

// Default is where test clocks start when Env is unset: Friday
// 2026-11-13, 10:00 in New York (the tests' OUTREACH_TZ). It is chosen
// so that no automatic job fires by chance in a test's window: it is in
// working hours, so DMs are not held by the default quiet hours; the
// last weekday nudge (09:00) has just gone and the next automatic posts
// are Monday's, 70 hours on (the owners' week at 08:00, the digest and
// the nudges at 09:00); the 1st, with the monthly report and the
// quarterly check-in, is twelve days behind and eighteen ahead; and the
// clocks changed twelve days before (Nov 1), not again until March.
// Only the background
// repairs (the reminder sweep every minute, the survey sweep every ten)
// run in any window, and they post nothing. A test whose window is
// longer, or that starts elsewhere, says which jobs may fire in it.
const Default = "2026-11-13T15:00:00Z"

var start = sync.OnceValues(func() (time.Time, error) {
	v := os.Getenv(Env)
	if v == "" {
		v = Default
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q: want an RFC 3339 instant such as %s: %w", Env, v, Default, err)
	}
	return t, nil
})

// Now is the instant test clocks start at: OUTREACH_TEST_NOW, or
// Default. A malformed OUTREACH_TEST_NOW panics, naming the variable, so
// that no suite runs at an instant other than the one asked for.
func Now() time.Time {
	t, err := start()
	if err != nil {
		panic(err)
	}
	return t
}

// New is a fake clock at Now.
func New() *clockwork.FakeClock {
	return clockwork.NewFakeClockAt(Now())
}

// Running is a clock that starts at Now and runs on with real time, for
// tests of real-time behaviour (replicas racing, a Redis failover) whose
// domain times still start at the test instant. Its timers are real.
func Running() clockwork.Clock {
	return runningClock{Clock: clockwork.NewRealClock(), offset: time.Until(Now())}
}

type runningClock struct {
	clockwork.Clock
	offset time.Duration
}

func (c runningClock) Now() time.Time                  { return time.Now().Add(c.offset) }
func (c runningClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c runningClock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }
