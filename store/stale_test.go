package store

import (
	"context"
	"errors"
	"testing"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestStalePlanWritesNothing: a write whose index plan was made from text
// that has changed since is refused before it writes anything, and one
// that keeps meeting changes gives up with ErrChanged.
func TestStalePlanWritesNothing(t *testing.T) {
	srv := storetest.New(t)
	s := New(srv.Client(), 0)
	ctx := context.Background()
	const team = "T0STALE"
	now := testclock.Now()
	if err := s.AddPartner(ctx, team, domain.Partner{Slug: "county", Name: "County", Kind: "clinic", Stage: "active"}, "U1", now); err != nil {
		t.Fatal(err)
	}
	k := keysFor(team)
	before := srv.Snapshot(ctx)
	plan := changePlan("not what is stored", []string{"county"}, []string{"elsewhere"})
	r, err := s.run(ctx, "update partner", scriptUpdatePartner,
		append([]string{k.PartnerNames(), k.ChannelIndex(), k.Partner("county"), k.Audit(), k.PartnerLex()}, plan.keys(k)...),
		"county", ms(now), "U1", auditMaxLen, "partner.set", "", "-", "", k.Prefix(), plan.arg(), "services", "elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	if r.ok || r.code != "stale" {
		t.Fatalf("reply = %+v; want {'err', 'stale'}", r)
	}
	if after := srv.Snapshot(ctx); len(after) != len(before) {
		t.Errorf("a stale write changed the keys: %d before, %d after", len(before), len(after))
	}
	for key, v := range before {
		if srv.Snapshot(ctx)[key] != v {
			t.Errorf("a stale write changed %s", key)
		}
	}
	tries := 0
	_, err = retryStale("test", func() (reply, error) { tries++; return reply{code: "stale"}, nil })
	if !errors.Is(err, ErrChanged) || tries != 3 {
		t.Errorf("always stale: %v after %d tries; want ErrChanged after 3", err, tries)
	}
}
