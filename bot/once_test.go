package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// TestOutboxPostsAJobOncePerPlace: the outbox holds one post per job and
// place. A second post of a job to the same place, while the first waits
// in the queue or after it went out, is not sent: its caller gets the
// first one's outcome, and the files are not uploaded again. The same
// job's copy to another place (an admin's DM) is its own post.
func TestOutboxPostsAJobOncePerPlace(t *testing.T) {
	t.Parallel()
	tb := newOutboxBot(t, slacktest.Options{})
	t0 := tb.clock.Now()
	msg := message.Reply{Text: "Monthly report", Files: []message.File{chart("contacts.png")}}
	tb.stopTime.Lock()
	out := make([]result, 3)
	var wg sync.WaitGroup
	for i, to := range []string{"C0TEAM", "C0TEAM", "ULEAD"} {
		wg.Go(func() {
			ch, ts, err := tb.b.PostScheduled(tb.ctx(), to, "report:2026-12-01T09:00", msg, t0)
			out[i] = result{ch, ts, err}
		})
	}
	testwait.Until(t, "the three posts reaching the outbox, the report's second caller waiting on the first", func() bool {
		tb.b.outbox.mu.Lock()
		defer tb.b.outbox.mu.Unlock()
		return len(tb.b.outbox.pending) == 2 && len(tb.b.outbox.pending["C0TEAM\x00report:2026-12-01T09:00"].also) == 1
	})
	tb.stopTime.Unlock()
	wg.Wait()
	for _, r := range out {
		if r.err != nil || r.ts == "" {
			t.Fatalf("post: %+v", r)
		}
	}
	if out[0] != out[1] {
		t.Errorf("the two posts to C0TEAM got %+v and %+v; want the same outcome", out[0], out[1])
	}
	// After it went out, once more: still the first one's outcome.
	ch, ts, err := tb.b.PostScheduled(tb.ctx(), "C0TEAM", "report:2026-12-01T09:00", msg, t0)
	if (result{ch, ts, err}) != out[0] {
		t.Errorf("posting the sent job again got %v, %v, %v; want %+v", ch, ts, err, out[0])
	}
	byTarget := map[string]int{}
	for _, p := range tb.posts("postMessage") {
		byTarget[p.Target]++
	}
	if byTarget["C0TEAM"] != 1 || byTarget["ULEAD"] != 1 || tb.slack.Calls("chat.postMessage") != 2 {
		t.Errorf("posts by target %v, %d calls; want one to C0TEAM and one to ULEAD", byTarget, tb.slack.Calls("chat.postMessage"))
	}
	uploads := map[string]int{}
	for _, u := range tb.slack.Uploads() {
		uploads[u.Channel]++
	}
	if uploads["C0TEAM"] != 1 {
		t.Errorf("uploads by channel %v; want the chart once in C0TEAM", uploads)
	}
}

// TestOutboxFencesScheduledPosts: right before a scheduled post leaves,
// its fence is asked. A lease that moved drops the post (ErrFenced) and
// the next post in the channel goes on; a fence that cannot tell (Redis
// away) makes the post wait and ask again, without using up its tries.
func TestOutboxFencesScheduledPosts(t *testing.T) {
	t.Parallel()
	tb := newOutboxBot(t, slacktest.Options{})
	t0 := tb.clock.Now()
	moved := func(context.Context) (bool, error) { return false, nil }
	var asked atomic.Int32
	flaky := func(context.Context) (bool, error) {
		if asked.Add(1) <= maxTransient+2 {
			return false, errors.New("storage unavailable")
		}
		return true, nil
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, fence := range []func(context.Context) (bool, error){moved, flaky} {
		wg.Go(func() {
			_, _, errs[i] = tb.b.PostScheduledFenced(tb.ctx(), "C0TEAM", []string{"fu:1:1", "fu:2:1"}[i], message.Reply{Text: "Reminder"}, t0.Add(time.Duration(i)*time.Millisecond), fence)
		})
	}
	wg.Wait()
	if !errors.Is(errs[0], ErrFenced) {
		t.Errorf("the post whose lease moved: %v; want ErrFenced", errs[0])
	}
	if errs[1] != nil {
		t.Errorf("the post whose fence could not tell at first: %v; want it sent once it could", errs[1])
	}
	posts := tb.posts("postMessage")
	if len(posts) != 1 || postKey(posts[0]) != "fu:2:1" {
		var keys []string
		for _, p := range posts {
			keys = append(keys, postKey(p))
		}
		t.Fatalf("posted %v; want fu:2:1 alone", keys)
	}
	if waited := posts[0].At.Sub(t0); waited < (maxTransient+2)*fenceRetry {
		t.Errorf("fu:2:1 went %v after it was queued; want it to wait out %d unanswered fences", waited, maxTransient+2)
	}
}

func postKey(p slacktest.Post) string {
	s := string(p.Metadata)
	i := strings.Index(s, `"job":"`)
	if i < 0 {
		return ""
	}
	s = s[i+len(`"job":"`):]
	return s[:strings.Index(s, `"`)]
}
