// Package testwait is how tests wait for what other goroutines and
// processes do: the bot's handlers, its HTTP calls to the fake Slack, a
// Redis call under way. Every wait has a deadline and, when it runs out,
// fails the test saying what it waited for. It polls on the wall clock,
// for work to get somewhere, never for time to pass: tests move a fake
// clock for that.
package testwait

import (
	"testing"
	"time"
)

// Deadline is how long a wait lasts: far more than anything takes, so
// that a loaded machine does not fail a test, and a hung one fails it
// instead of the whole run's timeout.
const Deadline = 10 * time.Second

// Until polls cond until it holds, for at most Deadline; then it fails t
// with what it waited for ("the bot to stop", "two connections up").
// Call it from the test's goroutine.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !Within(Deadline, cond) {
		t.Fatalf("waited %v for %s", Deadline, what)
	}
}

// Within polls cond until it holds or d has passed, and reports whether
// it held, for a caller that says itself what went wrong.
func Within(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for step := 100 * time.Microsecond; !cond(); step = min(2*step, 10*time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(step)
	}
	return true
}

// Drive calls step (a move of a fake clock, say) until done is closed,
// for at most Deadline; then it fails t with what it waited for.
func Drive(t testing.TB, what string, done <-chan struct{}, step func()) {
	t.Helper()
	deadline := time.After(Deadline)
	for {
		select {
		case <-done:
			return
		case <-deadline:
			t.Fatalf("waited %v for %s", Deadline, what)
		case <-time.After(time.Millisecond):
			step()
		}
	}
}
