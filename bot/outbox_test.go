package bot

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// The outbox tests run the bot on a fake clock that moves whenever the
// outbox waits, so spacing, Retry-After and backoff cost no real time;
// the fake Slack stamps posts with the same clock, so a test can check
// how long the outbox waited.

func newOutboxBot(t *testing.T, opts slacktest.Options) *testBot {
	return newTestBot(t, botOptions{slack: opts, clock: testclock.New(), noRun: true})
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
	testwait.Until(tb.t, fmt.Sprintf("the %d posts reaching the outbox", len(ps)), func() bool { return tb.queued() == len(ps) })
	tb.stopTime.Unlock()
	wg.Wait()
	return out
}

// TestOutboxKeepsDueOrderPerChannel: posts queued together go out in due
// order in each channel, whatever order they were queued in, at least
// channelSpacing apart in one channel, each once.
func TestOutboxKeepsDueOrderPerChannel(t *testing.T) {
	t.Parallel()
	tb := newOutboxBot(t, slacktest.Options{})
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
	byChannel := map[string][]slacktest.Post{}
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
// up the next one in the channel. An error after which the post may have
// landed (internal_error) ends it at once too: the scheduler's retry
// looks for it before posting again.
func TestOutboxRetriesWhatCanSucceed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		setup     func(*slacktest.Server)
		wantCalls int
		minWait   time.Duration // fake time before the first post landed
		wantErr   string        // Slack's error for the first post; "" when delivered
	}{
		{"429 with Retry-After", func(fs *slacktest.Server) { fs.RateLimitNext("chat.postMessage", 2, 3) }, 4, 6 * time.Second, ""},
		{"transient error", func(fs *slacktest.Server) { fs.FailNext("chat.postMessage", 2, "service_unavailable") }, 4, 3 * time.Second, ""},
		{"permanent error", func(fs *slacktest.Server) { fs.FailNext("chat.postMessage", 1, "channel_not_found") }, 2, 0, "channel_not_found"},
		{"may have half-succeeded", func(fs *slacktest.Server) { fs.FailNext("chat.postMessage", 1, "internal_error") }, 2, 0, "internal_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newOutboxBot(t, slacktest.Options{})
			tc.setup(tb.slack)
			t0 := tb.clock.Now()
			rs := tb.postAll([]scheduled{{to: "C0TEAM", key: "first", order: t0}, {to: "C0TEAM", key: "second", order: t0.Add(time.Millisecond)}})
			if tc.wantErr != "" {
				if f, code := Classify(rs[0].err); code != tc.wantErr || (f == FailDestination) == Ambiguous(rs[0].err) {
					t.Errorf("first post: err %v; want Slack's %s, for good or ambiguous", rs[0].err, tc.wantErr)
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
	tb := newOutboxBot(t, slacktest.Options{})
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

// TestAnswersDoNotWaitBehindARateLimitedPost: a scheduled post waiting
// out a 429 in a channel holds up neither the edit after a button press
// nor an ephemeral answer there (other methods, other limits); a reply
// posted there honours the same Retry-After but goes before the
// scheduled posts still queued.
func TestAnswersDoNotWaitBehindARateLimitedPost(t *testing.T) {
	t.Parallel()
	fc := testclock.New()
	tb := newTestBot(t, botOptions{clock: fc, noRun: true, manualClock: true})
	ctx := tb.ctx()
	_, pressed, err := tb.api.PostMessageContext(ctx, "C0TEAM", slack.MsgOptionText("a reminder", false))
	if err != nil {
		t.Fatal(err)
	}
	t0 := fc.Now()
	tb.slack.RateLimitNext("chat.postMessage", 1, 30)
	var wg sync.WaitGroup
	post := func(key string, order time.Time) {
		wg.Go(func() {
			if _, _, err := tb.b.PostScheduled(ctx, "C0TEAM", key, message.Reply{Text: "scheduled " + key}, order); err != nil {
				t.Errorf("scheduled %s: %v", key, err)
			}
		})
	}
	post("S1", t0)
	post("S2", t0.Add(time.Millisecond))
	if err := fc.BlockUntilContext(ctx, 1); err != nil { // the lane gathering
		t.Fatal(err)
	}
	testwait.Until(t, "S2 reaching the outbox", func() bool { return tb.queued() >= 2 })
	fc.Advance(gather)
	testwait.Until(t, "S1's call, answered 429", func() bool { return tb.slack.RateLimited() > 0 })
	if err := fc.BlockUntilContext(ctx, 1); err != nil { // waiting out Retry-After
		t.Fatal(err)
	}

	// With the clock stopped, the answers go at once.
	tb.b.update("C0TEAM", pressed, message.Reply{Text: "✅ done"})
	tb.b.postEphemeral("C0TEAM", "UMARIA", "", message.Reply{Text: "Closed F1."})
	wg.Go(func() { tb.b.post("C0TEAM", message.Reply{Text: "reply"}) })
	testwait.Until(t, "the reply joining the scheduled posts' queue", func() bool { return tb.queued() >= 3 })
	for _, kind := range []string{"update", "postEphemeral"} {
		if ps := tb.posts(kind); len(ps) != 1 || !ps[0].At.Equal(t0.Add(gather)) {
			t.Errorf("%s: %+v; want it sent at once, while the post waits out its 429", kind, ps)
		}
	}
	if n := len(tb.posts("postMessage")); n != 1 { // the reminder posted above
		t.Fatalf("%d posts before the Retry-After ended; want none new", n-1)
	}
	// Time passes: the reply goes first, then the scheduled posts in order.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	testwait.Drive(t, "the reply and the scheduled posts to go out", done, func() { fc.Advance(100 * time.Millisecond) })
	var texts []string
	for _, p := range tb.posts("postMessage")[1:] {
		texts = append(texts, p.Text)
	}
	if strings.Join(texts, "|") != "reply|scheduled S1|scheduled S2" {
		t.Errorf("posted %q; want the reply, then S1 and S2", texts)
	}
	if first := tb.posts("postMessage")[1]; first.At.Sub(t0) < 30*time.Second {
		t.Errorf("the reply went %v after the 429; want the channel's Retry-After honoured", first.At.Sub(t0))
	}
}

// TestWorkspaceBudget: scheduled posts to many channels keep within the
// workspace budget, so Slack's workspace-wide limit answers no 429; with
// no budget the same fan-out runs into it. Real time: the fake's limits
// run on Slack's (the wall) clock.
func TestWorkspaceBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		budget   float64
		want429s bool
	}{
		{"no budget", 0, true},
		{"within the workspace's limit", 2.5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestBot(t, botOptions{slack: slacktest.Options{WorkspaceRate: 3}, cfg: Config{PostRate: tc.budget}, noRun: true})
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					ch := fmt.Sprintf("C0FAN%d", i)
					if _, _, err := tb.b.PostScheduled(tb.ctx(), ch, "job-"+ch, message.Reply{Text: "fan-out"}, tb.clock.Now()); err != nil {
						t.Errorf("%s: %v", ch, err)
					}
				})
			}
			wg.Wait()
			if n := len(tb.posts("postMessage")); n != 8 {
				t.Errorf("%d posts; want 8", n)
			}
			if got := tb.slack.RateLimited(); (got > 0) != tc.want429s {
				t.Errorf("%d answers 429; want some: %v", got, tc.want429s)
			}
		})
	}
}
