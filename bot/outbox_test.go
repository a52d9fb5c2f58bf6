package bot

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/bot/fakeslack"
	"github.com/outreachbot/outreachbot/message"
)

// The outbox tests run the bot on a fake clock that moves whenever the
// outbox waits, so spacing, Retry-After and backoff cost no real time;
// the fake Slack stamps posts with the same clock, so a test can check
// how long the outbox waited.

func newOutboxBot(t *testing.T, opts fakeslack.Options) *testBot {
	return newTestBot(t, botOptions{slack: opts, clock: clockwork.NewFakeClock(), noRun: true})
}

// queued counts the messages waiting in the outbox's lanes.
func (tb *testBot) queued() int {
	o := tb.b.outbox
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, l := range o.lanes {
		n += len(l.queue)
	}
	return n
}

type scheduled struct {
	to, key string
	order   time.Time
}

type result struct {
	channel, ts string
	err         error
}

// postAll queues every post with the clock stopped, so they all wait in
// the outbox together, then lets time run and returns their outcomes.
func (tb *testBot) postAll(ps []scheduled) []result {
	tb.t.Helper()
	tb.stopTime.Lock()
	out := make([]result, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			ch, ts, err := tb.b.PostScheduled(tb.ctx(), p.to, p.key, message.Reply{Text: "Reminder " + p.key}, p.order)
			out[i] = result{ch, ts, err}
		})
	}
	for range 1000 {
		if tb.queued() == len(ps) {
			break
		}
		time.Sleep(time.Millisecond) // the goroutines above reaching the outbox
	}
	tb.stopTime.Unlock()
	wg.Wait()
	return out
}

// TestOutboxKeepsDueOrderPerChannel: posts queued together go out in due
// order in each channel, whatever order they were queued in, at least
// channelSpacing apart in one channel, each once.
func TestOutboxKeepsDueOrderPerChannel(t *testing.T) {
	t.Parallel()
	tb := newOutboxBot(t, fakeslack.Options{})
	t0 := tb.clock.Now()
	var ps []scheduled
	for _, i := range []int{3, 0, 4, 2, 1} { // queued out of due order
		for _, to := range []string{"C0TEAM", "UMARIA"} {
			ps = append(ps, scheduled{to: to, key: fmt.Sprintf("%s-%d", to, i), order: t0.Add(time.Duration(i) * time.Millisecond)})
		}
	}
	for _, r := range tb.postAll(ps) {
		if r.err != nil || r.ts == "" {
			t.Fatalf("post: %+v", r)
		}
	}
	byChannel := map[string][]fakeslack.Post{}
	for _, p := range tb.posts("postMessage") {
		byChannel[p.Target] = append(byChannel[p.Target], p)
	}
	for _, to := range []string{"C0TEAM", "UMARIA"} {
		posts := byChannel[to]
		var got []string
		for i, p := range posts {
			got = append(got, strings.TrimPrefix(p.Text, "Reminder "))
			if i > 0 && p.At.Sub(posts[i-1].At) < channelSpacing {
				t.Errorf("%s: posts %d and %d %v apart; want at least %v", to, i-1, i, p.At.Sub(posts[i-1].At), channelSpacing)
			}
		}
		want := []string{to + "-0", to + "-1", to + "-2", to + "-3", to + "-4"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s received %q; want %q (due order, each once)", to, got, want)
		}
	}
}

// TestOutboxRetriesWhatCanSucceed: a 429 is waited out for its
// Retry-After and tried again, a transient error is tried again with
// backoff, and a permanent error ends the post at once without holding
// up the next one in the channel.
func TestOutboxRetriesWhatCanSucceed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		setup     func(*fakeslack.Server)
		wantCalls int
		minWait   time.Duration // fake time before the first post landed
		wantErr   string        // Slack's error for the first post; "" when delivered
	}{
		{"429 with Retry-After", func(fs *fakeslack.Server) { fs.RateLimitNext("chat.postMessage", 2, 3) }, 4, 6 * time.Second, ""},
		{"transient error", func(fs *fakeslack.Server) { fs.FailNext("chat.postMessage", 2, "internal_error") }, 4, 3 * time.Second, ""},
		{"permanent error", func(fs *fakeslack.Server) { fs.FailNext("chat.postMessage", 1, "channel_not_found") }, 2, 0, "channel_not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newOutboxBot(t, fakeslack.Options{})
			tc.setup(tb.slack)
			t0 := tb.clock.Now()
			rs := tb.postAll([]scheduled{{to: "C0TEAM", key: "first", order: t0}, {to: "C0TEAM", key: "second", order: t0.Add(time.Millisecond)}})
			if tc.wantErr != "" {
				if f, _ := Classify(rs[0].err); f != FailDestination || !strings.Contains(rs[0].err.Error(), tc.wantErr) {
					t.Errorf("first post: err %v; want Slack's permanent %s", rs[0].err, tc.wantErr)
				}
			} else if rs[0].err != nil {
				t.Errorf("first post: %v; want it delivered", rs[0].err)
			}
			if rs[1].err != nil {
				t.Errorf("second post: %v; want it delivered", rs[1].err)
			}
			if got := tb.slack.Calls("chat.postMessage"); got != tc.wantCalls {
				t.Errorf("%d chat.postMessage calls; want %d", got, tc.wantCalls)
			}
			var texts []string
			for _, p := range tb.posts("postMessage") {
				texts = append(texts, p.Text)
			}
			want := []string{"Reminder first", "Reminder second"}
			if tc.wantErr != "" {
				want = want[1:]
			}
			if strings.Join(texts, "|") != strings.Join(want, "|") {
				t.Errorf("posted %q; want %q", texts, want)
			}
			if posts := tb.posts("postMessage"); len(posts) > 0 && posts[0].At.Sub(t0) < tc.minWait {
				t.Errorf("first post landed %v after it was queued; want at least %v of waiting", posts[0].At.Sub(t0), tc.minWait)
			}
		})
	}
}

// TestOutboxDropsNothing: posts to several channels through 429s and
// transient errors all arrive, each once, in due order per channel.
func TestOutboxDropsNothing(t *testing.T) {
	t.Parallel()
	tb := newOutboxBot(t, fakeslack.Options{})
	tb.slack.RateLimitNext("chat.postMessage", 3, 1)
	t0 := tb.clock.Now()
	var ps []scheduled
	for i := range 15 {
		to := []string{"C0TEAM", "UMARIA", "ULEAD"}[i%3]
		ps = append(ps, scheduled{to: to, key: fmt.Sprintf("job-%02d", i), order: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	tb.slack.FailNext("chat.postMessage", 2, "service_unavailable")
	for _, r := range tb.postAll(ps) {
		if r.err != nil {
			t.Errorf("post: %v", r.err)
		}
	}
	seen := map[string]int{}
	last := map[string]string{}
	for _, p := range tb.posts("postMessage") {
		key := strings.TrimPrefix(p.Text, "Reminder ")
		seen[key]++
		if key < last[p.Channel] {
			t.Errorf("in %s %s came after %s", p.Channel, key, last[p.Channel])
		}
		last[p.Channel] = key
	}
	for _, p := range ps {
		if seen[p.key] != 1 {
			t.Errorf("%s posted %d times; want once", p.key, seen[p.key])
		}
	}
}
