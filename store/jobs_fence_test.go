package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/store"
)

// TestExtendLeasesFencesAndAdopts: ExtendLeases says which leases a token
// lost; AdoptLeases hands a new claim's lease to the run still under way.
func TestExtendLeasesFencesAndAdopts(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	lease := 3 * time.Second
	s.EnqueueJobs(ctx, team, map[string]time.Time{"a": t0, "b": t0, "c": t0})
	if c, err := s.ClaimDue(ctx, team, t0, t0.Add(lease), 10, "run"); err != nil || len(c.Jobs) != 3 {
		t.Fatalf("claim = %v, %v", jobIDs(c), err)
	}
	lost, err := s.ExtendLeases(ctx, team, "run", t0.Add(lease), "a", "b", "c")
	if err != nil || len(lost) != 0 {
		t.Fatalf("extend while held: lost %v, %v", lost, err)
	}
	// The leases run out (Redis was away) and a claim takes all three
	// back; "c" it finishes at once.
	after := t0.Add(lease + time.Second)
	c, err := s.ClaimDue(ctx, team, after, after.Add(lease), 10, "reclaim")
	if err != nil || c.Reclaimed != 3 || len(c.Jobs) != 3 {
		t.Fatalf("reclaim = %+v, %v", c, err)
	}
	for _, j := range c.Jobs {
		if j.ID == "c" {
			s.FinishJob(ctx, team, j, "reclaim", after, "", time.Time{})
		}
	}
	lost, err = s.ExtendLeases(ctx, team, "run", after.Add(lease), "a", "b", "c")
	if diff := cmp.Diff([]string{"a", "b", "c"}, lost); diff != "" || err != nil {
		t.Fatalf("fence of the first run after the reclaim (-want +got), %v:\n%s", err, diff)
	}
	// The reclaiming process was running "a" already: it hands the new
	// lease to that run; the old token holds "a" again, and only "a".
	if n, err := s.AdoptLeases(ctx, team, "reclaim", "run", "a", "c"); n != 1 || err != nil {
		t.Fatalf("AdoptLeases = %d, %v; want 1 (c is finished)", n, err)
	}
	lost, _ = s.ExtendLeases(ctx, team, "run", after.Add(lease), "a", "b")
	if diff := cmp.Diff([]string{"b"}, lost); diff != "" {
		t.Errorf("after the adoption, lost (-want +got):\n%s", diff)
	}
	if n, _ := s.AdoptLeases(ctx, team, "someone-else", "run", "b"); n != 0 {
		t.Errorf("adopted a lease the giving token does not hold")
	}
	if ok, err := s.FinishJob(ctx, team, store.Job{ID: "a"}, "run", after, "", time.Time{}); !ok || err != nil {
		t.Errorf("the adopting run finishes a: %v, %v", ok, err)
	}
	if ok, _ := s.FinishJob(ctx, team, store.Job{ID: "b"}, "run", after, "", time.Time{}); ok {
		t.Errorf("the first run finished b, which another claim holds")
	}
}
