package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// holdHook holds the first script call made while armed until released,
// so that the calls made meanwhile queue behind it, and counts the script
// calls that go alone and the pipelines; beforePipeline, when set, runs
// before each pipeline goes.
type holdHook struct {
	armed          atomic.Bool
	held           chan struct{} // closed once a call is held
	release        chan struct{}
	beforePipeline func()

	mu        sync.Mutex
	alone     int   // EVALSHA and EVAL sent on their own
	pipelines []int // the number of commands in each pipeline of scripts
}

func newHoldHook() *holdHook {
	return &holdHook{held: make(chan struct{}), release: make(chan struct{})}
}

func (h *holdHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *holdHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() == "evalsha" {
			if h.beforePipeline != nil {
				h.beforePipeline()
			}
			h.mu.Lock()
			h.pipelines = append(h.pipelines, len(cmds))
			h.mu.Unlock()
		}
		return next(ctx, cmds)
	}
}

func (h *holdHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() != "evalsha" && cmd.Name() != "eval" {
			return next(ctx, cmd)
		}
		h.mu.Lock()
		h.alone++
		h.mu.Unlock()
		if h.armed.CompareAndSwap(true, false) {
			close(h.held)
			<-h.release
		}
		return next(ctx, cmd)
	}
}

func (h *holdHook) counts() (int, []int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.alone, slices.Clone(h.pipelines)
}

// TestScriptCallsShareRoundTrips: script calls made while one is under way
// wait, and go together in one pipeline; each gets its own reply (a
// contact id, or its own error), whatever Redis lost meanwhile (its
// scripts), and a call whose context ended while it waited is not sent.
func TestScriptCallsShareRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		name      string
		flush     bool  // SCRIPT FLUSH just before the pipeline goes
		wantAlone int   // script calls sent alone once the first is held
		wantPipes []int // pipelines of scripts
	}{
		{"scripts loaded", false, 1, []int{5}},
		// Each call of the pipeline is sent again: the first loads the
		// script (NOSCRIPT, then EVAL), the others find it.
		{"scripts lost meanwhile", true, 1 + 2 + 4, []int{5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := storetest.New(t)
			rdb := srv.Client()
			hook := newHoldHook()
			rdb.AddHook(hook)
			s := New(rdb, 5*time.Second)
			ctx := context.Background()
			now := testclock.Now()
			for _, name := range []string{"County Health Dept", "Eastside Clinic"} {
				if err := s.AddPartner(ctx, "T0HOME", domain.Partner{Slug: domain.Slugify(name), Name: name, Stage: "active", Owner: "U1"}, "U1", now); err != nil {
					t.Fatal(err)
				}
			}
			log := func(ctx context.Context, partner string) (int64, error) {
				c, _, _, err := s.LogContact(ctx, "T0HOME", PartnerRef{Text: partner}, domain.Contact{Method: "call", Direction: "out", When: now, Summary: "s"}, nil, "U1", now)
				return c.ID, err
			}
			// The script is loaded, and each name has named its partner once,
			// so that each call below takes one round (runResolving's guess).
			for _, p := range []string{"county", "eastside"} {
				if _, err := log(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			if tc.flush {
				hook.beforePipeline = func() {
					if err := rdb.ScriptFlush(ctx).Err(); err != nil {
						t.Error(err)
					}
				}
			}
			alone0, _ := hook.counts()

			hook.armed.Store(true)
			first := make(chan error, 1)
			go func() { _, err := log(ctx, "county"); first <- err }()
			<-hook.held // the first call is under way, alone

			type result struct {
				id  int64
				err error
			}
			partners := []string{"county", "eastside", "nobody", "county", "eastside"}
			results := make([]result, len(partners))
			gone, cancel := context.WithCancel(ctx)
			cancel()
			var wg sync.WaitGroup
			for i, p := range partners {
				wg.Go(func() { results[i].id, results[i].err = log(ctx, p) })
			}
			var goneErr error
			wg.Go(func() { _, goneErr = log(gone, "county") })
			waitQueued(t, s, len(partners)+1)
			close(hook.release)
			if err := <-first; err != nil {
				t.Fatalf("the first call: %v", err)
			}
			wg.Wait()

			alone, pipes := hook.counts()
			if alone-alone0 != tc.wantAlone || !slices.Equal(pipes, tc.wantPipes) {
				t.Errorf("%d script calls alone and pipelines of %v; want %d alone and %v", alone-alone0, pipes, tc.wantAlone, tc.wantPipes)
			}
			ids := map[int64]bool{1: true, 2: true, 3: true} // the warm-up's and the first call's contacts
			for i, r := range results {
				switch {
				case partners[i] == "nobody":
					if !errors.Is(r.err, ErrNotFound) {
						t.Errorf("log to nobody: %v; want ErrNotFound", r.err)
					}
				case r.err != nil:
					t.Errorf("log to %s: %v", partners[i], r.err)
				case ids[r.id]:
					t.Errorf("log to %s: id %d given twice", partners[i], r.id)
				default:
					ids[r.id] = true
				}
			}
			if !errors.Is(goneErr, ErrUnavailable) {
				t.Errorf("a call whose context ended while it waited: %v; want ErrUnavailable", goneErr)
			}
			stored := map[int64]bool{}
			for _, slug := range []string{"county-health-dept", "eastside-clinic"} {
				h, err := s.History(ctx, "T0HOME", slug, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range h {
					stored[c.ID] = true
				}
			}
			if diff := cmp.Diff(ids, stored); diff != "" {
				t.Errorf("contacts stored (-acknowledged +stored):\n%s", diff)
			}
		})
	}
}

// TestScriptCallsWhenRedisIsGone: the waiting calls fail with the first,
// each with ErrUnavailable, within their own deadline.
func TestScriptCallsWhenRedisIsGone(t *testing.T) {
	srv := storetest.New(t)
	rdb := srv.Client()
	hook := newHoldHook()
	rdb.AddHook(hook)
	s := New(rdb, 500*time.Millisecond)
	ctx := context.Background()
	now := testclock.Now()
	if err := s.AddPartner(ctx, "T0HOME", domain.Partner{Slug: "county", Name: "County", Stage: "active", Owner: "U1"}, "U1", now); err != nil {
		t.Fatal(err)
	}
	log := func() error {
		_, _, _, err := s.LogContact(ctx, "T0HOME", PartnerRef{Text: "county"}, domain.Contact{Method: "call", Direction: "out", When: now, Summary: "s"}, nil, "U1", now)
		return err
	}
	hook.armed.Store(true)
	first := make(chan error, 1)
	go func() { first <- log() }()
	<-hook.held
	errs := make([]error, 5)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = log() })
	}
	waitQueued(t, s, len(errs))
	srv.Stop()
	close(hook.release)
	<-first
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("call %d with Redis gone: %v; want ErrUnavailable", i, err)
		}
	}
}

// waitQueued waits until n calls wait for the next pipeline.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	for i := 0; ; i++ {
		s.scripts.mu.Lock()
		q := len(s.scripts.queue)
		s.scripts.mu.Unlock()
		if q == n {
			return
		}
		if i == 1000 {
			t.Fatalf("%d calls queued; want %d", q, n)
		}
		time.Sleep(5 * time.Millisecond) // the goroutines reaching the queue, not time passing
	}
}
