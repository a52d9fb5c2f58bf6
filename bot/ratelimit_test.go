package bot

import (
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
)

// TestWorkspaceRateLimitPausesEveryPostQueue: chat.postMessage is limited
// per channel and workspace-wide, and a 429 does not say which. One
// channel's 429 holds up that channel alone; 429s in two channels within
// one Retry-After are the workspace's limit, and every channel's posts
// wait it out.
func TestWorkspaceRateLimitPausesEveryPostQueue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		limited  int // calls answered 429, Retry-After 5 s
		wantWait bool
	}{
		{"one channel's 429", 1, false},
		{"429s in two channels", 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newOutboxBot(t, slacktest.Options{})
			tb.slack.RateLimitNext("chat.postMessage", tc.limited, 5)
			t0 := tb.clock.Now()
			var ps []scheduled
			for i, to := range []string{"C0A", "C0B", "C0C", "C0A", "C0B", "C0C"} {
				ps = append(ps, scheduled{to: to, key: "job-" + to + string(rune('0'+i)), order: t0.Add(time.Duration(i) * time.Millisecond)})
			}
			for _, r := range tb.postAll(ps) {
				if r.err != nil {
					t.Fatalf("post: %v", r.err)
				}
			}
			// Each channel's first call went at once, together; the limited
			// ones waited out their Retry-After. The others' second posts
			// wait too only when the limit was the workspace's.
			at := map[string][]time.Duration{}
			for _, p := range tb.posts("postMessage") {
				at[p.Target] = append(at[p.Target], p.At.Sub(t0))
			}
			limited := 0
			for ch, ts := range at {
				if len(ts) != 2 {
					t.Fatalf("%s got %d posts; want 2 (all: %v)", ch, len(ts), at)
				}
				if ts[0] >= 5*time.Second {
					limited++
					continue
				}
				if waited := ts[1] >= 5*time.Second; waited != tc.wantWait {
					t.Errorf("%s, not limited itself, posted its second %v after queuing; want it to wait out the Retry-After: %v (all: %v)", ch, ts[1], tc.wantWait, at)
				}
			}
			if limited != tc.limited {
				t.Errorf("%d channels' first posts waited out a 429; want %d (all: %v)", limited, tc.limited, at)
			}
		})
	}
}
