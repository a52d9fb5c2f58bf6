package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

func jobIDs(c store.Claim) []string {
	var out []string
	for _, j := range c.Jobs {
		out = append(out, j.ID)
	}
	sort.Strings(out)
	return out
}

func TestClaimLeaseReclaimFinish(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	lease := 30 * time.Second
	if _, err := s.EnqueueJobs(ctx, team, map[string]time.Time{"a": t0, "b": t0.Add(time.Second), "later": t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimDue(ctx, team, t0.Add(time.Second), t0.Add(time.Second+lease), 10, "tok1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, jobIDs(c)); diff != "" {
		t.Fatalf("claimed (-want +got):\n%s", diff)
	}
	if !c.NextDue.Equal(t0.Add(time.Second + lease)) {
		t.Errorf("NextDue = %v; want the earliest lease expiry %v", c.NextDue, t0.Add(time.Second+lease))
	}
	// Claimed jobs are not claimed again while the lease holds.
	c2, _ := s.ClaimDue(ctx, team, t0.Add(2*time.Second), t0.Add(2*time.Second+lease), 10, "tok2")
	if len(c2.Jobs) != 0 {
		t.Fatalf("second claim during the lease got %v", jobIDs(c2))
	}
	// "a" is finished; "b"'s holder dies. After the lease, "b" is reclaimed.
	if ok, err := s.FinishJob(ctx, team, c.Jobs[0], "tok1", t0.Add(2*time.Second), "", time.Time{}); !ok || err != nil {
		t.Fatalf("FinishJob = %v, %v", ok, err)
	}
	after := t0.Add(time.Second + lease + time.Millisecond)
	c3, err := s.ClaimDue(ctx, team, after, after.Add(lease), 10, "tok3")
	if err != nil {
		t.Fatal(err)
	}
	if c3.Reclaimed != 1 || len(c3.Jobs) != 1 || c3.Jobs[0].ID != "b" || c3.Jobs[0].Tries != 2 || !c3.Jobs[0].Due.Equal(t0.Add(time.Second)) {
		t.Fatalf("after the lease: %+v; want b reclaimed, tries 2, its original due", c3)
	}
	// The dead holder's late finish is refused: the lease is someone else's.
	if ok, _ := s.FinishJob(ctx, team, store.Job{ID: "b"}, "tok1", after, "", time.Time{}); ok {
		t.Errorf("stale holder finished a reclaimed job")
	}
	// A finished job cannot be queued again.
	if n, _ := s.EnqueueJobs(ctx, team, map[string]time.Time{"a": t0}); n != 0 {
		t.Errorf("re-enqueue of a done job added %d", n)
	}
}

func TestReleaseAndDefer(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	s.EnqueueJobs(ctx, team, map[string]time.Time{"x": t0, "y": t0})
	c, _ := s.ClaimDue(ctx, team, t0, t0.Add(time.Minute), 10, "tok")
	if len(c.Jobs) != 2 {
		t.Fatalf("claimed %d", len(c.Jobs))
	}
	if n, err := s.ReleaseJobs(ctx, team, "tok", time.Time{}, store.Retry, "x"); n != 1 || err != nil {
		t.Fatalf("release = %d, %v", n, err)
	}
	if n, err := s.ReleaseJobs(ctx, team, "tok", t0.Add(10*time.Hour), store.Defer, "y"); n != 1 || err != nil {
		t.Fatalf("defer = %d, %v", n, err)
	}
	c2, _ := s.ClaimDue(ctx, team, t0.Add(time.Second), t0.Add(time.Minute), 10, "tok2")
	if diff := cmp.Diff([]string{"x"}, jobIDs(c2)); diff != "" {
		t.Errorf("after release (-want +got):\n%s", diff)
	}
	if at, ok, _ := s.JobQueued(ctx, team, "y"); !ok || !at.Equal(t0.Add(10*time.Hour)) {
		t.Errorf("deferred job at %v (%v); want %v", at, ok, t0.Add(10*time.Hour))
	}
	if n, _ := s.ReleaseJobs(ctx, team, "wrong-token", time.Time{}, store.Retry, "x"); n != 0 {
		t.Errorf("released a job held by another token")
	}
}

// TestClaimOnceAcrossClients: many clients claiming the same due jobs at
// once; every job is claimed exactly once.
func TestClaimOnceAcrossClients(t *testing.T) {
	s, srv := newStore(t)
	ctx := context.Background()
	jobs := map[string]time.Time{}
	for i := range 1000 {
		jobs[fmt.Sprintf("fu:%d:1", i)] = t0
	}
	if n, err := s.EnqueueJobs(ctx, team, jobs); n != 1000 || err != nil {
		t.Fatalf("enqueue = %d, %v", n, err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for r := range 3 {
		st := store.New(srv.Client(), 0)
		wg.Go(func() {
			for {
				c, err := st.ClaimDue(ctx, team, t0, t0.Add(time.Minute), 50, fmt.Sprint("replica", r))
				if err != nil {
					t.Error(err)
					return
				}
				if len(c.Jobs) == 0 {
					return
				}
				mu.Lock()
				for _, j := range c.Jobs {
					seen[j.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 1000 {
		t.Errorf("claimed %d distinct jobs; want 1000", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s claimed %d times", id, n)
		}
	}
}

func TestAdvanceScheduleOnce(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	last, err := s.ScheduleLast(ctx, team, "digest")
	if err != nil || !last.IsZero() {
		t.Fatalf("ScheduleLast of a new schedule = %v, %v", last, err)
	}
	occ := t0
	ok1, _ := s.AdvanceSchedule(ctx, team, "digest", last, occ, "digest:2026-11-02T09:00")
	ok2, _ := s.AdvanceSchedule(ctx, team, "digest", last, occ, "digest:2026-11-02T09:00")
	if !ok1 || ok2 {
		t.Errorf("two replicas advancing from the same last: %v, %v; want true, false", ok1, ok2)
	}
	if due, _, _ := s.QueuedJobs(ctx, team); due != 1 {
		t.Errorf("queued %d digests; want 1", due)
	}
}

func TestFollowUpLifecycle(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	id, p, err := s.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"}, domain.FollowUp{Assignee: "U2", Due: t0.Add(time.Hour), Text: "Send the flyer"}, "U1", t0)
	if err != nil || p.Slug != "county-health-dept" {
		t.Fatalf("AddFollowUp = %d, %q, %v", id, p.Slug, err)
	}
	mine, _ := s.OpenFollowUps(ctx, team, "U2")
	if len(mine) != 1 || mine[0].Job != fmt.Sprintf("fu:%d:1", id) {
		t.Fatalf("open follow-ups of U2 = %+v", mine)
	}
	if at, ok, _ := s.JobQueued(ctx, team, mine[0].Job); !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("reminder queued at %v (%v); want the due time", at, ok)
	}
	f, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeSnooze, t0.Add(25*time.Hour), "U2", t0)
	if err != nil || f.Snoozes != 1 || f.Job != fmt.Sprintf("fu:%d:2", id) {
		t.Fatalf("snooze = %+v, %v", f, err)
	}
	if _, ok, _ := s.JobQueued(ctx, team, fmt.Sprintf("fu:%d:1", id)); ok {
		t.Errorf("the old reminder is still queued after a snooze")
	}
	if _, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeDone, time.Time{}, "U3", t0); err != nil {
		t.Fatal(err)
	}
	_, err = s.ChangeFollowUp(ctx, team, id, domain.ChangeDone, time.Time{}, "U2", t0)
	var fe *store.FollowUpError
	if !errors.As(err, &fe) || !errors.Is(err, store.ErrNotOpen) || fe.FollowUp.DoneBy != "U3" {
		t.Errorf("second done = %v; want ErrNotOpen saying U3 did it", err)
	}
	if due, _, _ := s.QueuedJobs(ctx, team); due != 0 {
		t.Errorf("%d jobs queued after done; want 0", due)
	}
	if _, err := s.ChangeFollowUp(ctx, team, 999, domain.ChangeDone, time.Time{}, "U2", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown follow-up: %v; want ErrNotFound", err)
	}
	if n, _ := s.FollowUpsDoneSince(ctx, team, t0.Add(-time.Hour)); n != 1 {
		t.Errorf("done since = %d; want 1", n)
	}
}

// TestRetryKeepsTheTryCount: a job handed back as a retry is claimed next
// as a retry (so the post is looked for first); a deferred one is not.
func TestRetryKeepsTheTryCount(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	s.EnqueueJobs(ctx, team, map[string]time.Time{"r": t0, "d": t0})
	if c, _ := s.ClaimDue(ctx, team, t0, t0.Add(time.Minute), 10, "tok"); len(c.Jobs) != 2 {
		t.Fatalf("claimed %d", len(c.Jobs))
	}
	s.ReleaseJobs(ctx, team, "tok", time.Time{}, store.Retry, "r")
	s.ReleaseJobs(ctx, team, "tok", t0, store.Defer, "d")
	c, _ := s.ClaimDue(ctx, team, t0, t0.Add(time.Minute), 10, "tok2")
	tries := map[string]int{}
	for _, j := range c.Jobs {
		tries[j.ID] = j.Tries
	}
	if tries["r"] != 2 || tries["d"] != 1 {
		t.Errorf("tries after hand-back = %v; want r (retry) 2, d (deferred) 1", tries)
	}
}

// TestSnoozeOnlyMovesLater: a snooze to a time not after the due time is
// refused and changes nothing; a reschedule moves either way, re-queues the
// reminder under a new id and does not count as a snooze.
func TestSnoozeOnlyMovesLater(t *testing.T) {
	s, srv := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	due := t0.Add(48 * time.Hour)
	id, _, err := s.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"}, domain.FollowUp{Assignee: "U2", Due: due, Text: "Send the flyer"}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, earlier := range []time.Time{due.Add(-24 * time.Hour), due} {
		before := srv.Snapshot(ctx)
		_, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeSnooze, earlier, "U2", t0)
		var fe *store.FollowUpError
		if !errors.As(err, &fe) || !errors.Is(err, store.ErrNotLater) || !fe.FollowUp.Due.Equal(due) {
			t.Errorf("snooze to %v = %v; want ErrNotLater carrying the due time %v", earlier, err, due)
		}
		if diff := cmp.Diff(before, srv.Snapshot(ctx)); diff != "" {
			t.Errorf("a refused snooze changed Redis:\n%s", diff)
		}
	}
	f, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeReschedule, t0.Add(time.Hour), "U2", t0)
	if err != nil || !f.Due.Equal(t0.Add(time.Hour)) || f.Snoozes != 0 || f.Job != fmt.Sprintf("fu:%d:2", id) {
		t.Fatalf("reschedule earlier = %+v, %v; want due in an hour, no snooze counted, job fu:%d:2", f, err, id)
	}
	if at, ok, _ := s.JobQueued(ctx, team, f.Job); !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("rescheduled reminder queued at %v (%v); want the new due time", at, ok)
	}
	if _, ok, _ := s.JobQueued(ctx, team, fmt.Sprintf("fu:%d:1", id)); ok {
		t.Errorf("the old reminder is still queued after a reschedule")
	}
	if due, _, _ := s.QueuedJobs(ctx, team); due != 1 {
		t.Errorf("%d jobs queued after a reschedule; want 1", due)
	}
}

// TestHoldKeepsTheTryCount: a job held while Slack refuses every call is
// handed back as if this claim had not happened: a first try stays a
// first try (no earlier post to look for), a retry stays a retry.
func TestHoldKeepsTheTryCount(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	lease := time.Minute
	s.EnqueueJobs(ctx, team, map[string]time.Time{"first": t0, "retried": t0})
	c, _ := s.ClaimDue(ctx, team, t0, t0.Add(lease), 10, "tok1")
	// "retried" was posted maybe: handed back as a retry, then claimed again.
	s.ReleaseJobs(ctx, team, "tok1", t0, store.Retry, "retried")
	s.ReleaseJobs(ctx, team, "tok1", t0, store.Defer, "first")
	c, _ = s.ClaimDue(ctx, team, t0, t0.Add(lease), 10, "tok2")
	tries := map[string]int{}
	for _, j := range c.Jobs {
		tries[j.ID] = j.Tries
	}
	if diff := cmp.Diff(map[string]int{"first": 1, "retried": 2}, tries); diff != "" {
		t.Fatalf("tries before the hold (-want +got):\n%s", diff)
	}
	if n, err := s.HoldJobs(ctx, team, "tok2", t0.Add(time.Minute), "first", "retried"); n != 2 || err != nil {
		t.Fatalf("HoldJobs = %d, %v", n, err)
	}
	if c, _ := s.ClaimDue(ctx, team, t0.Add(30*time.Second), t0.Add(time.Hour), 10, "tok3"); len(c.Jobs) != 0 {
		t.Fatalf("held jobs claimed before their time: %v", jobIDs(c))
	}
	c, _ = s.ClaimDue(ctx, team, t0.Add(time.Minute), t0.Add(time.Hour), 10, "tok3")
	tries = map[string]int{}
	for _, j := range c.Jobs {
		tries[j.ID] = j.Tries
	}
	if diff := cmp.Diff(map[string]int{"first": 1, "retried": 2}, tries); diff != "" {
		t.Errorf("tries after the hold (-want +got):\n%s", diff)
	}
}

// TestFailJobRecordsWhy: a job Slack refused for good is done (never
// queued again) and its reason can be read by job and by time.
func TestFailJobRecordsWhy(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	s.EnqueueJobs(ctx, team, map[string]time.Time{"fu:1:1": t0, "fu:2:1": t0})
	c, _ := s.ClaimDue(ctx, team, t0, t0.Add(time.Minute), 10, "tok")
	if ok, err := s.FailJob(ctx, team, c.Jobs[0], "other", t0, domain.JobFailure{Reason: "user_not_found"}); ok || err != nil {
		t.Fatalf("FailJob without the lease = %v, %v; want refused", ok, err)
	}
	failed := domain.JobFailure{Reason: "user_not_found", To: "U0GONE"}
	for i, j := range c.Jobs {
		if j.ID == "fu:1:1" {
			if ok, err := s.FailJob(ctx, team, c.Jobs[i], "tok", t0.Add(time.Second), failed); !ok || err != nil {
				t.Fatalf("FailJob = %v, %v", ok, err)
			}
		}
	}
	if n, _ := s.EnqueueJobs(ctx, team, map[string]time.Time{"fu:1:1": t0}); n != 0 {
		t.Errorf("a failed job was queued again")
	}
	got, err := s.JobFailures(ctx, team, "fu:1:1", "fu:2:1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]domain.JobFailure{"fu:1:1": {Job: "fu:1:1", Reason: "user_not_found", To: "U0GONE", At: t0.Add(time.Second).UTC()}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JobFailures (-want +got):\n%s", diff)
	}
	since, err := s.JobFailuresSince(ctx, team, t0, 10)
	if err != nil || len(since) != 1 || since[0] != want["fu:1:1"] {
		t.Errorf("JobFailuresSince = %+v, %v", since, err)
	}
	if since, _ := s.JobFailuresSince(ctx, team, t0.Add(time.Minute), 10); len(since) != 0 {
		t.Errorf("JobFailuresSince after it = %+v; want none", since)
	}
}
