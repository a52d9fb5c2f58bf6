package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestReservePost: Slack's limits kept in Redis, for two replicas at
// once (two stores on one Redis): a channel's posts spaced, scheduled
// posts within the workspace's budget, answers counted but never held.
func TestReservePost(t *testing.T) {
	srv := storetest.New(t)
	a, b := store.New(srv.Client(), 0), store.New(srv.Client(), 0)
	ctx := context.Background()
	const spacing = 1050 * time.Millisecond
	const rate = 2 // posts a second across the workspace, bursts of 2
	type step struct {
		replica   *store.Store
		at        time.Duration // after t0
		channel   string
		scheduled bool
	}
	var got []time.Duration
	for _, s := range []step{
		{a, 0, "D1", true},                       // 0: the first
		{b, 100 * time.Millisecond, "D1", true},  // the channel's spacing, from the other replica: 950 ms
		{b, 100 * time.Millisecond, "D2", true},  // 0: the burst's second
		{a, 200 * time.Millisecond, "D3", true},  // the budget: 300 ms until the next of 2 a second
		{a, 200 * time.Millisecond, "D3", false}, // an answer: 0, but it counts
		{b, 300 * time.Millisecond, "D4", true},  // the budget, the answer counted: 700 ms
		{a, 1050 * time.Millisecond, "D1", true}, // spacing over, the budget too
	} {
		w, err := s.replica.ReservePost(ctx, team, s.channel, t0.Add(s.at), spacing, rate, s.scheduled)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, w)
	}
	want := []time.Duration{0, 950 * time.Millisecond, 0, 300 * time.Millisecond, 0, 700 * time.Millisecond, 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}
