package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

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
