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

	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
)

// downStore is the store with claims and leases failing while down is
// set, as while Redis is away, and renewals not happening while stalled
// is set, as while the replica's process is paused (a long GC, a stopped
// VM) though Redis is fine.
type downStore struct {
	*store.Store
	mu            sync.Mutex
	down, stalled bool
}

func (d *downStore) setStalled(v bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stalled = v
}

func (d *downStore) setDown(v bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.down = v
}

func (d *downStore) ExtendLeases(ctx context.Context, team, token string, until time.Time, jobs ...string) ([]string, error) {
	d.mu.Lock()
	down, stalled := d.down, d.stalled
	d.mu.Unlock()
	switch {
	case down:
		return nil, errors.New("storage unavailable")
	case stalled:
		return nil, nil
	}
	return d.Store.ExtendLeases(ctx, team, token, until, jobs...)
}

func (d *downStore) ClaimDue(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token string) (store.Claim, error) {
	d.mu.Lock()
	down := d.down
	d.mu.Unlock()
	if down {
		return store.Claim{}, errors.New("storage unavailable")
	}
	return d.Store.ClaimDue(ctx, team, now, leaseUntil, limit, token)
}

func (d *downStore) ClaimQueued(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token string) (store.Claim, error) {
	d.mu.Lock()
	down := d.down
	d.mu.Unlock()
	if down {
		return store.Claim{}, errors.New("storage unavailable")
	}
	return d.Store.ClaimQueued(ctx, team, now, leaseUntil, limit, token)
}

// queuePoster holds each post, as the outbox's queue does, until release
// is closed; then it asks the post's fence, as the outbox does right
// before a post leaves, and posts unless the fence says the lease moved.
type queuePoster struct {
	*fakePoster
	mu      sync.Mutex
	entered int
	fenced  int
	started chan string
	release chan struct{}
}

func (p *queuePoster) Post(ctx context.Context, post scheduler.Post) (scheduler.Posted, error) {
	p.mu.Lock()
	p.entered++
	p.mu.Unlock()
	p.started <- post.Key
	select {
	case <-p.release:
	case <-ctx.Done():
		return scheduler.Posted{}, ctx.Err()
	}
	for post.Fence != nil {
		held, err := post.Fence(ctx)
		if err == nil && !held {
			p.mu.Lock()
			p.fenced++
			p.mu.Unlock()
			return scheduler.Posted{}, scheduler.ErrFenced
		}
		if err == nil {
			break
		}
		select {
		case <-time.After(5 * time.Millisecond): // another goroutine's renewal, not time passing
		case <-ctx.Done():
			return scheduler.Posted{}, ctx.Err()
		}
	}
	return p.fakePoster.Post(ctx, post)
}

func (p *queuePoster) counts() (entered, fenced int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.entered, p.fenced
}

// runScheduler runs s until the test ends; then it stops it, moving the
// clock through the drain.
func (e *env) runScheduler(s *scheduler.Scheduler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = s.Run(ctx)
		close(done)
	}()
	e.t.Cleanup(func() {
		cancel()
		// Its stop drains on the fake clock: move it until Run returns.
		testwait.Drive(e.t, "the scheduler to stop", done, func() { e.clock.Advance(time.Second) })
	})
}

// eventually waits, in real time, for another goroutine to make cond
// true, moving the fake clock by step meanwhile (0: not at all).
func (e *env) eventually(what string, step time.Duration, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		if step > 0 {
			e.clock.Advance(step)
		}
		time.Sleep(5 * time.Millisecond) // the scheduler's goroutines, not time passing
	}
}

func leaseToken(e *env, job string) string {
	v, _ := e.srv.Client().HGet(context.Background(), "outreach:{"+team+"}:claims", job).Result()
	return v[strings.LastIndex(v, ":")+1:]
}

// TestOwnJobStillUnderWayIsNotRunTwice: a reminder waits in the post
// queue while its replica's renewals stall past the lease (a paused
// process); the replica's next claim takes back its own job. It must not
// start a second run of it: the run under way goes on, its token holding
// the new lease, and posts once.
func TestOwnJobStillUnderWayIsNotRunTwice(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	id := e.followUp("county", "U0MARIA", t0, "Send the flyer")
	job := fmt.Sprintf("fu:%d:1", id)
	lease := 3 * time.Second
	qp := &queuePoster{fakePoster: e.poster, started: make(chan string, 4), release: make(chan struct{})}
	ds := &downStore{Store: store.New(e.srv.Client(), 0)}
	reg := prometheus.NewRegistry()
	s, err := scheduler.New(scheduler.Config{Team: team, Loc: ny, Lease: lease, TeamChannel: "C0TEAM"}, ds, qp, e.clock, reg,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.runScheduler(s)
	<-qp.started
	first := leaseToken(e, job)
	ds.setStalled(true)
	for range 20 { // five seconds without renewals: the lease runs out
		e.clock.Advance(250 * time.Millisecond)
		time.Sleep(time.Millisecond) // the scheduler's loop, not time passing
	}
	ds.setStalled(false)
	// The next claim takes the job back: the run under way holds it
	// again, or (wrongly) a second run starts.
	e.eventually("the replica's claim to take back its job", 250*time.Millisecond, func() bool {
		entered, _ := qp.counts()
		return counter(t, reg, "outreach_reclaims_total") == 1 && (leaseToken(e, job) == first || entered > 1)
	})
	if entered, _ := qp.counts(); entered != 1 {
		t.Fatalf("%d runs of the job reached the post queue; want the one under way alone", entered)
	}
	close(qp.release)
	e.eventually("the reminder to be recorded", 100*time.Millisecond, func() bool {
		f, _ := e.st.FollowUp(context.Background(), team, id)
		return f.Reminders == 1
	})
	if entered, fenced := qp.counts(); entered != 1 || fenced != 0 {
		t.Errorf("%d runs reached the post queue, %d fenced; want the one under way, posting", entered, fenced)
	}
	if n := e.poster.byKey()[job]; n != 1 {
		t.Errorf("posted %d times; want once", n)
	}
}

// TestFencedPostIsNotSent: a reminder waits in the post queue while its
// lease runs out (Redis away) and another replica claims it. As the post
// is about to leave its fence finds the lease moved, or the renewal that
// comes first does: the post is not sent, the run ends quietly (neither
// failed nor handed back: the other replica owns the job), and
// outreach_posts_fenced_total counts it.
func TestFencedPostIsNotSent(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	id := e.followUp("county", "U0MARIA", t0, "Send the flyer")
	job := fmt.Sprintf("fu:%d:1", id)
	lease := 3 * time.Second
	qp := &queuePoster{fakePoster: e.poster, started: make(chan string, 4), release: make(chan struct{})}
	ds := &downStore{Store: store.New(e.srv.Client(), 0)}
	reg := prometheus.NewRegistry()
	s, err := scheduler.New(scheduler.Config{Team: team, Loc: ny, Lease: lease, TeamChannel: "C0TEAM", Poll: time.Hour}, ds, qp, e.clock, reg,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.runScheduler(s)
	<-qp.started
	ds.setDown(true) // renewals fail: the lease runs out
	e.clock.Advance(lease + time.Second)
	c, err := e.st.ClaimDue(context.Background(), team, e.clock.Now(), e.clock.Now().Add(time.Hour), 10, "other-replica")
	if err != nil || len(c.Jobs) != 1 {
		t.Fatalf("the other replica's claim: %+v, %v", c, err)
	}
	ds.setDown(false)
	close(qp.release)
	// The post's fence, or the renewal before it, finds the lease moved.
	e.eventually("the fenced count", 250*time.Millisecond, func() bool {
		return counter(t, reg, "outreach_posts_fenced_total") == 1
	})
	if n := len(e.poster.all()); n != 0 {
		t.Errorf("%d posts; want none: the other replica owns the job", n)
	}
	if got := leaseToken(e, job); got != "other-replica" {
		t.Errorf("the job's lease is held by %q; want the other replica's, untouched", got)
	}
	if failures, _ := e.st.JobFailures(context.Background(), team, job); len(failures) != 0 {
		t.Errorf("the fenced job was recorded as failed: %v", failures)
	}
}

// counter adds up a counter's series in reg.
func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

// TestBackFromAnOutageLeavesLeasesToTheirHolders: when Redis comes back
// after an outage longer than the lease, every lease has run out, the
// live replicas' too. The replica renews its own at once, and for a
// moment takes back no one else's, so that the other replica renews its
// own rather than have them taken; a lease nobody renews (its replica
// died meanwhile) is taken back after that moment. Meanwhile its loop
// waits on the clock: the lease it leaves is not looked at again and
// again.
func TestBackFromAnOutageLeavesLeasesToTheirHolders(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	mine := fmt.Sprintf("fu:%d:1", e.followUp("county", "U0MARIA", t0, "Send the flyer"))
	lease := 3 * time.Second
	// Another replica's job, claimed before the outage, and a dead one's.
	theirs := fmt.Sprintf("fu:%d:1", e.followUp("county", "U0DEVON", t0.Add(-time.Minute), "Call back"))
	dead := fmt.Sprintf("fu:%d:1", e.followUp("county", "U0PRIYA", t0.Add(-time.Minute), "Book the room"))
	if c, err := e.st.ClaimDue(context.Background(), team, t0, t0.Add(lease), 2, "other"); err != nil || len(c.Jobs) != 2 {
		t.Fatalf("the other replica's claim: %+v, %v", c, err)
	}
	if _, err := e.st.AdoptLeases(context.Background(), team, "other", "dead", dead); err != nil {
		t.Fatal(err)
	}
	qp := &queuePoster{fakePoster: e.poster, started: make(chan string, 4), release: make(chan struct{})}
	ds := &downStore{Store: store.New(e.srv.Client(), 0)}
	reg := prometheus.NewRegistry()
	s, err := scheduler.New(scheduler.Config{Team: team, Loc: ny, Lease: lease, TeamChannel: "C0TEAM"}, ds, qp, e.clock, reg,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.runScheduler(s)
	if got := <-qp.started; got != mine {
		t.Fatalf("started %s; want %s", got, mine)
	}
	// The clock moves only while the scheduler's loop waits on it (its
	// timer and its renewal ticker), so that each step is seen before the
	// next, however slow the machine: what is tested is the order of
	// fake time, not a race with it.
	idle := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.clock.BlockUntilContext(ctx, 2); err != nil {
			t.Fatalf("the scheduler's loop never waited on the clock: %v", err)
		}
	}
	ds.setDown(true)
	for range 20 { // Redis away five seconds: every lease runs out
		idle()
		e.clock.Advance(250 * time.Millisecond)
	}
	ds.setDown(false)
	// Back: the next claim renews this replica's lease; the other replica
	// renews its own in the moment left to it.
	renewed := func() bool {
		lost, _ := e.st.ExtendLeases(context.Background(), team, "other", e.clock.Now().Add(lease), theirs)
		until, _ := e.srv.Client().ZScore(context.Background(), "outreach:{"+team+"}:leases", mine).Result()
		return len(lost) == 0 && int64(until) > e.clock.Now().UnixMilli()
	}
	for i := 0; ; i++ {
		idle()
		if renewed() {
			break
		}
		if i == 40 {
			t.Fatalf("this replica's lease not renewed within 2 s of fake time after the outage")
		}
		e.clock.Advance(50 * time.Millisecond)
	}
	if n := counter(t, reg, "outreach_reclaims_total"); n != 0 {
		t.Fatalf("%v leases taken back at once; want none while their holders may renew them", n)
	}
	// The dead replica's lease is taken back once the moment is over.
	e.eventually("the dead replica's work taken back", 250*time.Millisecond, func() bool {
		e.st.ExtendLeases(context.Background(), team, "other", e.clock.Now().Add(lease), theirs) // still alive
		return len(qp.started) > 0
	})
	if got := <-qp.started; got != dead {
		t.Errorf("took back %s; want the dead replica's %s", got, dead)
	}
	if got := leaseToken(e, theirs); got != "other" {
		t.Errorf("the live replica's job is held by %q; want it still its own", got)
	}
	close(qp.release)
}
