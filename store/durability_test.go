package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestDurability reads a real redis-server's eviction policy and
// persistence, and says nothing where CONFIG is refused.
func TestDurability(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		opts                      storetest.Options
		known, evicting, volatile bool
		policy                    string
	}{
		{"nothing on disk", storetest.Options{}, true, false, true, "noeviction"},
		{"append-only, noeviction", storetest.Options{AppendOnly: true}, true, false, false, "noeviction"},
		{"evicting", storetest.Options{AppendOnly: true, MaxMemoryPolicy: "allkeys-lru"}, true, true, false, "allkeys-lru"},
		{"CONFIG refused", storetest.Options{NoConfig: true}, false, false, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := storetest.NewWith(t, tc.opts)
			d, err := store.New(srv.Client(), 0).Durability(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := []any{d.Known, d.Evicting(), d.Volatile(), d.Policy}
			if diff := cmp.Diff([]any{tc.known, tc.evicting, tc.volatile, tc.policy}, got); diff != "" {
				t.Errorf("known, evicting, volatile, policy (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMemory: a workspace's memory in Redis, by what its keys hold, from
// a real redis-server; another workspace's keys are not counted.
func TestMemory(t *testing.T) {
	srv := storetest.New(t)
	s := store.New(srv.Client(), 0)
	ctx := context.Background()
	addPartner(t, s, "County Health Dept", "")
	if _, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county-health-dept"}, domain.Contact{Method: "call", Direction: "out", When: t0, Summary: "hi"},
		&store.NextStep{Due: t0.Add(time.Hour), Text: "call back"}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	empty, err := s.Memory(ctx, "T0OTHER")
	if err != nil {
		t.Fatal(err)
	}
	mem, err := s.Memory(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{store.MemPartners, store.MemContacts, store.MemFollowUps, store.MemAudit, store.MemScheduler} {
		if mem[kind] <= 0 {
			t.Errorf("%s: %d bytes; want some", kind, mem[kind])
		}
		if empty[kind] != 0 {
			t.Errorf("another workspace's %s: %d bytes; want none", kind, empty[kind])
		}
	}
}
