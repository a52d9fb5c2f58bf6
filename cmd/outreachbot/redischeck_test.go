package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/store"
)

type fixedDurability struct {
	d   store.Durability
	err error
}

func (f fixedDurability) Durability(context.Context) (store.Durability, error) { return f.d, f.err }

// TestReadyNotes: what /readyz adds to "ready" about Redis.
func TestReadyNotes(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    fixedDurability
		want []string
	}{
		{"durable", fixedDurability{d: store.Durability{Known: true, Policy: "noeviction", AppendOnly: true}}, nil},
		{"snapshots only", fixedDurability{d: store.Durability{Known: true, Policy: "noeviction", Save: "3600 1"}}, nil},
		{"nothing on disk", fixedDurability{d: store.Durability{Known: true, Policy: "noeviction"}}, []string{
			"warning: Redis keeps nothing on disk: appendonly is no and save is empty. It loses: a restart of Redis loses everything since it started: every partner, contact and follow-up. Fix: set appendonly yes (appendfsync everysec), as docker-compose.yml does."}},
		{"evicting", fixedDurability{d: store.Durability{Known: true, Policy: "volatile-lru", AppendOnly: true}}, []string{
			"warning: Redis's maxmemory-policy is volatile-lru: it evicts keys. It loses: Redis deletes keys to make room once it reaches maxmemory, without an error: partners, contacts, follow-ups and the reminders and digests due can vanish. Fix: set maxmemory-policy noeviction (redis.conf, CONFIG SET, or your provider's parameter group) and give Redis memory to spare."}},
		{"CONFIG refused", fixedDurability{}, []string{"note: Redis refuses CONFIG; its eviction policy and persistence are unknown"}},
		{"Redis away", fixedDurability{err: errors.New("down")}, []string{"warning: could not check Redis's eviction policy and persistence"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, readyNotes(context.Background(), tc.d)); diff != "" {
				t.Errorf("readyNotes (-want +got):\n%s", diff)
			}
		})
	}
}
