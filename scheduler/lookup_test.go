package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
)

// channelPoster is a channel as Slack keeps it: every post lands with the
// clock's time, and Find reads history since a time, as
// conversations.history's oldest does. Scripted failures come first.
type channelPoster struct {
	mu     sync.Mutex
	now    func() time.Time
	landed []landed
	// postErr, when set, answers a Post after it landed (an answer lost,
	// Slack's internal_error); findErrs answer the next Finds in turn.
	postErr  func(n int) error
	findErrs []error
	posts    int
}

type landed struct {
	scheduler.Post
	at time.Time
}

func (p *channelPoster) Post(_ context.Context, post scheduler.Post) (scheduler.Posted, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts++
	p.landed = append(p.landed, landed{post, p.now()})
	ts := fmt.Sprintf("%d.000000", len(p.landed))
	if p.postErr != nil {
		if err := p.postErr(p.posts); err != nil {
			return scheduler.Posted{}, err
		}
	}
	return scheduler.Posted{Channel: "D" + post.To, TS: ts}, nil
}

func (p *channelPoster) Find(_ context.Context, to, key string, since time.Time) (scheduler.Posted, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.findErrs) > 0 {
		err := p.findErrs[0]
		p.findErrs = p.findErrs[1:]
		return scheduler.Posted{}, false, err
	}
	for i, l := range p.landed {
		if l.To == to && l.Key == key && !l.at.Before(since) {
			return scheduler.Posted{Channel: "D" + to, TS: fmt.Sprintf("%d.000000", i+1)}, true, nil
		}
	}
	return scheduler.Posted{}, false, nil
}

func (p *channelPoster) Zone(context.Context, string) (*time.Location, error) { return ny, nil }

// Shared: the reminders go to DMs, never shared.
func (p *channelPoster) Shared(context.Context, string) (bool, error) { return false, nil }

func (p *channelPoster) byKey() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := map[string]int{}
	for _, l := range p.landed {
		n[l.Key]++
	}
	return n
}

// TestAmbiguousPostThenFailedLookUpsPostsOnce: a reminder's first post
// lands but its answer says it may not have (internal_error); the retry
// must look before posting again, and its look-ups fail a few times
// (conversations.history is rate limited) or are held (Slack refusing
// the bot's calls), each moving the job's due time later. Whatever the
// number, the look-up that works searches from the first try and finds
// the post: the reminder is in the DM once.
func TestAmbiguousPostThenFailedLookUpsPostsOnce(t *testing.T) {
	ratelimited := refused(scheduler.ErrTransient, "ratelimited")
	revoked := refused(scheduler.ErrHeld, "token_revoked")
	for _, tc := range []struct {
		name  string
		finds []error
	}{
		{"2 failed look-ups", []error{ratelimited, ratelimited}},
		{"3 failed look-ups", []error{ratelimited, ratelimited, ratelimited}},
		{"4 failed look-ups", []error{ratelimited, ratelimited, ratelimited, ratelimited}},
		{"failed look-ups and a hold", []error{ratelimited, revoked, ratelimited, ratelimited}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.partner("County Health Dept", "U0MARIA")
			id := e.followUp("county", "U0MARIA", t0.Add(time.Second), "Send the flyer")
			cp := &channelPoster{now: e.clock.Now, findErrs: tc.finds, postErr: func(n int) error {
				if n == 1 {
					return refused(scheduler.ErrTransient, "internal_error")
				}
				return nil
			}}
			s, err := scheduler.New(scheduler.Config{Team: team, Loc: ny, TeamChannel: "C0TEAM"}, store.New(e.srv.Client(), 0), cp, e.clock,
				prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			e.advance(s, 6*time.Hour)
			job := fmt.Sprintf("fu:%d:1", id)
			if n := cp.byKey()[job]; n != 1 {
				t.Errorf("the reminder is in the DM %d times; want once", n)
			}
			if f, _ := e.st.FollowUp(context.Background(), team, id); f.Reminders != 1 {
				t.Errorf("follow-up records %d reminders sent; want the one found in the DM", f.Reminders)
			}
			if len(cp.findErrs) != 0 {
				t.Errorf("%d scripted look-up failures never came: the retry did not look", len(cp.findErrs))
			}
		})
	}
}

// TestAdminCopyRetriedNotDropped: a digest Slack refuses for its channel
// goes to the admins; a copy that fails for a reason that may pass is
// tried again with the job, not dropped, and the copy that did go out is
// not sent twice.
func TestAdminCopyRetriedNotDropped(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	var leadFails int
	sp := &scriptedPoster{fakePoster: e.poster, post: func(to string) error {
		switch {
		case to == "C0ARCHIVED":
			return refused(scheduler.ErrUndeliverable, "is_archived")
		case to == "U0LEAD" && leadFails < 2:
			leadFails++
			return fmt.Errorf("chat.postMessage: %w", errors.New("connection reset by peer"))
		}
		return nil
	}}
	s, err := scheduler.New(scheduler.Config{Team: team, Loc: ny, TeamChannel: "C0ARCHIVED", Admins: []string{"U0LEAD", "U0MARIA"},
		Schedules: map[string]string{"digest": "0 9 * * 1", "report": "off"}},
		store.New(e.srv.Client(), 0), sp, e.clock, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.advance(s, nextAt(t0, time.Monday, 9).Sub(e.clock.Now())) // to Monday 09:00
	e.advance(s, time.Hour)                                     // and an hour of retries
	copies := map[string]int{}
	var job string
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "digest:") {
			copies[p.To]++
			job = p.Key
		}
	}
	if copies["U0LEAD"] != 1 || copies["U0MARIA"] != 1 || leadFails != 2 {
		t.Errorf("copies by admin %v after %d failed tries to U0LEAD; want one each", copies, leadFails)
	}
	failures, _ := e.st.JobFailures(context.Background(), team, job)
	if failures[job].Reason != "cannot_check:is_archived" && failures[job].Reason != "is_archived" {
		t.Errorf("the digest's failure: %+v; want Slack's is_archived recorded", failures[job])
	}
}
