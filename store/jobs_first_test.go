package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/store"
)

// claimOne claims everything due at now under token and returns the job
// named id.
func claimOne(t *testing.T, s *store.Store, now time.Time, token, id string) store.Job {
	t.Helper()
	c, err := s.ClaimDue(context.Background(), team, now, now.Add(time.Minute), 10, token)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range c.Jobs {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("claim at %v: %s not among %v", now, id, jobIDs(c))
	return store.Job{}
}

// TestFirstClaimSurvivesRetriesAndHolds: the time of a job's first claim
// stays with it through every way of handing it back, while its due time
// moves; a retry looks for its earlier post from then on.
func TestFirstClaimSurvivesRetriesAndHolds(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	first := t0.Add(time.Second)
	s.EnqueueJobs(ctx, team, map[string]time.Time{"fu:1:1": t0})
	j := claimOne(t, s, first, "tok1", "fu:1:1")
	want := store.Job{ID: "fu:1:1", Due: t0, Tries: 1, First: first}
	if diff := cmp.Diff(want, j); diff != "" {
		t.Fatalf("first claim (-want +got):\n%s", diff)
	}
	steps := []struct {
		name string
		back func(token string, at time.Time) (int, error)
		at   time.Duration // after t0: when it is handed back to, and claimed again
		want int           // tries at the next claim
	}{
		{"retry", func(tok string, at time.Time) (int, error) {
			return s.ReleaseJobs(ctx, team, tok, at, store.Retry, "fu:1:1")
		}, 20 * time.Second, 2},
		{"retry again", func(tok string, at time.Time) (int, error) {
			return s.ReleaseJobs(ctx, team, tok, at, store.Retry, "fu:1:1")
		}, time.Minute, 3},
		{"hold", func(tok string, at time.Time) (int, error) { return s.HoldJobs(ctx, team, tok, at, "fu:1:1") }, 3 * time.Minute, 3},
		{"quiet hours", func(tok string, at time.Time) (int, error) {
			return s.ReleaseJobs(ctx, team, tok, at, store.Defer, "fu:1:1")
		}, 14 * time.Hour, 3},
	}
	tok := "tok1"
	for i, st := range steps {
		at := t0.Add(st.at)
		if n, err := st.back(tok, at); n != 1 || err != nil {
			t.Fatalf("%s: handed back %d, %v", st.name, n, err)
		}
		tok = fmt.Sprint("tok", i+2)
		j = claimOne(t, s, at, tok, "fu:1:1")
		want := store.Job{ID: "fu:1:1", Due: at, Tries: st.want, First: first}
		if diff := cmp.Diff(want, j); diff != "" {
			t.Errorf("after %s (-want +got):\n%s", st.name, diff)
		}
	}
	// Its lease runs out and another claim takes it back: still the same.
	later := t0.Add(15 * time.Hour)
	j = claimOne(t, s, later, "tok-next", "fu:1:1")
	if !j.First.Equal(first) || j.Tries != 4 {
		t.Errorf("reclaimed after the lease: %+v; want tries 4, first %v", j, first)
	}
}

// TestDeferredFirstTryStaysFirst: a job put off on its first claim had
// posted nothing; its next claim is a first try, from its own time.
func TestDeferredFirstTryStaysFirst(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	s.EnqueueJobs(ctx, team, map[string]time.Time{"fu:1:1": t0})
	claimOne(t, s, t0, "tok1", "fu:1:1")
	morning := t0.Add(14 * time.Hour)
	if n, err := s.ReleaseJobs(ctx, team, "tok1", morning, store.Defer, "fu:1:1"); n != 1 || err != nil {
		t.Fatalf("defer = %d, %v", n, err)
	}
	j := claimOne(t, s, morning, "tok2", "fu:1:1")
	if diff := cmp.Diff(store.Job{ID: "fu:1:1", Due: morning, Tries: 1, First: morning}, j); diff != "" {
		t.Errorf("after quiet hours (-want +got):\n%s", diff)
	}
}

// TestClaimOfAnEntryWithoutFirst: a claims entry written before the first
// claim's time was kept ('<tries>:<due>:', an upgrade) is claimed as a
// retry whose first claim is unknown (zero), and stays so.
func TestClaimOfAnEntryWithoutFirst(t *testing.T) {
	s, srv := newStore(t)
	ctx := context.Background()
	rdb := srv.Client()
	prefix := "outreach:{" + team + "}:"
	if err := rdb.HSet(ctx, prefix+"claims", "fu:7:1", fmt.Sprintf("2:%d:", t0.UnixMilli())).Err(); err != nil {
		t.Fatal(err)
	}
	s.EnqueueJobs(ctx, team, map[string]time.Time{"fu:7:1": t0})
	j := claimOne(t, s, t0, "tok1", "fu:7:1")
	if diff := cmp.Diff(store.Job{ID: "fu:7:1", Due: t0, Tries: 3}, j); diff != "" {
		t.Fatalf("old entry claimed (-want +got):\n%s", diff)
	}
	s.ReleaseJobs(ctx, team, "tok1", t0.Add(time.Minute), store.Retry, "fu:7:1")
	j = claimOne(t, s, t0.Add(time.Minute), "tok2", "fu:7:1")
	if j.Tries != 4 || !j.First.IsZero() {
		t.Errorf("retried: %+v; want tries 4, first still unknown", j)
	}
}
