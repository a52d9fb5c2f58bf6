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

// scriptedPoster answers Post and Find with what a test scripts, by the
// clock's time, and counts the calls.
type scriptedPoster struct {
	*fakePoster
	mu           sync.Mutex
	post, find   func(to string) error // nil: succeed
	posts, find2 int                   // calls, including failed ones
}

func (p *scriptedPoster) Post(ctx context.Context, post scheduler.Post) (scheduler.Posted, error) {
	p.mu.Lock()
	p.posts++
	f := p.post
	p.mu.Unlock()
	if f != nil {
		if err := f(post.To); err != nil {
			return scheduler.Posted{}, err
		}
	}
	return p.fakePoster.Post(ctx, post)
}

func (p *scriptedPoster) Find(ctx context.Context, to, key string, since time.Time) (scheduler.Posted, bool, error) {
	p.mu.Lock()
	p.find2++
	f := p.find
	p.mu.Unlock()
	if f != nil {
		if err := f(to); err != nil {
			return scheduler.Posted{}, false, err
		}
	}
	return p.fakePoster.Find(ctx, to, key, since)
}

func (p *scriptedPoster) calls() (posts, finds int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.posts, p.find2
}

func refused(class error, code string) error {
	return &scheduler.Refused{Class: class, Code: code, Err: errors.New(code)}
}

// TestEveryFailureClassEndsOrWaits drives one reminder into each class of
// failure and checks, over a day of the scheduler's time, that it ends
// (its reason stored where `followups` and the digest read it) or waits,
// with a bounded number of calls to Slack: nothing spins.
func TestEveryFailureClassEndsOrWaits(t *testing.T) {
	revokedUntil := t0.Add(10 * time.Minute)
	for _, tc := range []struct {
		name string
		// crash: an earlier claim died, so the job is a retry that
		// looks for its earlier post first.
		crash      bool
		post, find func(e *env) func(to string) error
		wantPosts  map[string]int // posts that landed, by recipient
		wantReason string         // stored failure; "" when none
		maxPosts   int            // Post calls over the day
		maxFinds   int
	}{
		{name: "Slack refuses the post for good",
			post: func(*env) func(string) error {
				return func(string) error { return refused(scheduler.ErrUndeliverable, "user_not_found") }
			},
			wantPosts: map[string]int{}, wantReason: "user_not_found", maxPosts: 1},
		{name: "a revoked token for ten minutes holds it, then it goes once",
			post: func(e *env) func(string) error {
				return func(string) error {
					if e.clock.Now().Before(revokedUntil) {
						return refused(scheduler.ErrHeld, "token_revoked")
					}
					return nil
				}
			},
			wantPosts: map[string]int{"U0MARIA": 1}, maxPosts: 12},
		{name: "a failure that may pass, and does",
			post: func(e *env) func(string) error {
				return func(string) error {
					if e.clock.Now().Before(t0.Add(time.Minute)) {
						return fmt.Errorf("chat.postMessage: internal_error")
					}
					return nil
				}
			},
			// Tried again after 10 s and 20 s; the retries look first.
			wantPosts: map[string]int{"U0MARIA": 1}, maxPosts: 4, maxFinds: 3},
		{name: "a failure that never passes ends after MaxTries",
			post: func(*env) func(string) error {
				return func(string) error { return refused(scheduler.ErrTransient, "internal_error") }
			},
			wantPosts: map[string]int{}, wantReason: "gave_up:internal_error", maxPosts: scheduler.MaxTries, maxFinds: scheduler.MaxTries},
		{name: "a retry whose earlier post cannot be checked goes to the admins", crash: true,
			find: func(*env) func(string) error {
				return func(to string) error {
					if to == "U0MARIA" {
						return refused(scheduler.ErrCannotCheck, "channel_not_found")
					}
					return nil
				}
			},
			wantPosts: map[string]int{"U0LEAD": 1}, wantReason: "cannot_check:channel_not_found", maxPosts: 1, maxFinds: 2},
		{name: "a retry whose check keeps failing goes to the admins after MaxTries", crash: true,
			find: func(*env) func(string) error {
				return func(to string) error {
					if to == "U0MARIA" {
						return refused(scheduler.ErrTransient, "ratelimited")
					}
					return nil
				}
			},
			wantPosts: map[string]int{"U0LEAD": 1}, wantReason: "cannot_check:ratelimited", maxPosts: 1, maxFinds: scheduler.MaxTries + 1},
		{name: "Slack refusing the check holds it too", crash: true,
			find: func(e *env) func(string) error {
				return func(string) error {
					if e.clock.Now().Before(revokedUntil) {
						return refused(scheduler.ErrHeld, "missing_scope")
					}
					return nil
				}
			},
			wantPosts: map[string]int{"U0MARIA": 1}, maxPosts: 1, maxFinds: 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.partner("County Health Dept", "U0MARIA")
			id := e.followUp("county", "U0MARIA", t0, "Send the flyer")
			lease := 30 * time.Second
			if tc.crash {
				if c, err := e.st.ClaimDue(context.Background(), team, t0, t0.Add(lease), 10, "doomed"); err != nil || len(c.Jobs) != 1 {
					t.Fatalf("doomed claim: %+v, %v", c, err)
				}
				e.clock.Advance(lease)
			}
			sp := &scriptedPoster{fakePoster: e.poster}
			if tc.post != nil {
				sp.post = tc.post(e)
			}
			if tc.find != nil {
				sp.find = tc.find(e)
			}
			s, err := scheduler.New(only(scheduler.Config{Team: team, Loc: ny, Lease: lease, TeamChannel: "C0TEAM", Admins: []string{"U0LEAD"},
				Schedules: map[string]string{"followups": "@every 24h", "surveys": "@every 24h"}}),
				store.New(e.srv.Client(), 0), sp, e.clock, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			e.advance(s, 24*time.Hour)

			got := map[string]int{}
			for _, p := range e.poster.all() {
				if strings.HasPrefix(p.Key, fmt.Sprintf("fu:%d:1", id)) {
					got[p.To]++
				}
			}
			for to, n := range tc.wantPosts {
				if got[to] != n {
					t.Errorf("posts to %s: %d; want %d (all: %v)", to, got[to], n, got)
				}
			}
			for to, n := range got {
				if _, ok := tc.wantPosts[to]; !ok {
					t.Errorf("%d posts to %s; want none", n, to)
				}
			}
			job := fmt.Sprintf("fu:%d:1", id)
			failures, err := e.st.JobFailures(context.Background(), team, job)
			if err != nil {
				t.Fatal(err)
			}
			if f := failures[job]; f.Reason != tc.wantReason {
				t.Errorf("stored failure %q; want %q", f.Reason, tc.wantReason)
			}
			if tc.wantReason != "" {
				if at, queued, _ := e.st.JobQueued(context.Background(), team, job); queued {
					t.Errorf("the failed job is still queued, at %v", at)
				}
			}
			posts, finds := sp.calls()
			if posts > tc.maxPosts || finds > tc.maxFinds {
				t.Errorf("a day of the scheduler's time made %d Post and %d Find calls; want at most %d and %d", posts, finds, tc.maxPosts, tc.maxFinds)
			}
			if due, leased, _ := e.st.QueuedJobs(context.Background(), team); leased != 0 {
				t.Errorf("%d jobs still leased (%d queued)", leased, due)
			}
		})
	}
}

// TestUndeliverableChannelPostGoesToAdmins: the digest, refused by Slack
// for its channel, ends with the reason and reaches the admins with what
// to do; the next digest lists it under "Not delivered".
func TestUndeliverableChannelPostGoesToAdmins(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	sp := &scriptedPoster{fakePoster: e.poster, post: func(to string) error {
		if to == "C0ARCHIVED" {
			return refused(scheduler.ErrUndeliverable, "is_archived")
		}
		return nil
	}}
	s, err := scheduler.New(only(scheduler.Config{Team: team, Loc: ny, TeamChannel: "C0ARCHIVED", Admins: []string{"U0LEAD", "U0MARIA"},
		Schedules: map[string]string{"digest": "0 9 * * 1"}}),
		store.New(e.srv.Client(), 0), sp, e.clock, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.advance(s, nextAt(t0, time.Monday, 9).Sub(e.clock.Now())) // to Monday 09:00
	var toAdmins []scheduler.Post
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "digest:") {
			toAdmins = append(toAdmins, p)
		}
	}
	if len(toAdmins) != 2 || !strings.Contains(toAdmins[0].Message.Text, "couldn't post this to <#C0ARCHIVED>: the channel is archived") ||
		!strings.Contains(toAdmins[0].Message.Text, "Outreach digest") {
		t.Fatalf("digest copies %+v; want one to each admin, with why and the digest itself", toAdmins)
	}
	// A week later the next digest is refused too, and its copy lists the
	// first as not delivered.
	sp.mu.Lock()
	sp.post = func(to string) error {
		if to == "C0ARCHIVED" {
			return refused(scheduler.ErrUndeliverable, "is_archived")
		}
		return nil
	}
	sp.mu.Unlock()
	e.advance(s, 7*24*time.Hour)
	last := e.poster.all()[len(e.poster.all())-1]
	if !strings.Contains(last.Message.Text, "*Not delivered* (1)") || !strings.Contains(last.Message.Text, "The digest to <#C0ARCHIVED>, 7 days ago: the channel is archived") {
		t.Errorf("the next digest reads:\n%s\nwant last week's refused digest under Not delivered", last.Message.Text)
	}
}
