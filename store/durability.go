package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Durability is what Redis says about keeping what the bot stores: its
// eviction policy and its persistence (CONFIG GET), of the worst master
// on a Cluster.
type Durability struct {
	// Known is false where CONFIG is disabled (some managed services):
	// nothing below is known then.
	Known bool
	// Policy is maxmemory-policy; anything but noeviction drops keys when
	// Redis is full. MaxMemory is maxmemory in bytes (0: no limit).
	Policy    string
	MaxMemory int64
	// AppendOnly is appendonly; Save is the snapshot schedule ("" none).
	AppendOnly bool
	Save       string
}

// Evicting reports whether Redis may drop keys when full.
func (d Durability) Evicting() bool { return d.Known && d.Policy != "noeviction" }

// Volatile reports whether a restart of Redis loses everything: neither
// an append-only file nor snapshots.
func (d Durability) Volatile() bool { return d.Known && !d.AppendOnly && d.Save == "" }

// Durability reads the eviction policy and persistence of every master.
// Where CONFIG is refused, Known is false and the error nil; an error
// means Redis could not be asked (it wraps ErrUnavailable).
func (s *Store) Durability(ctx context.Context) (Durability, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var mu sync.Mutex
	out := Durability{Known: true, Policy: "noeviction", AppendOnly: true}
	first := true
	each := func(ctx context.Context, c redis.Cmdable) error {
		d, err := durabilityOf(ctx, c)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case !d.Known:
			out.Known = false
		case first:
			out, first = d, false
		default:
			// The worst of the masters.
			if d.Evicting() {
				out.Policy, out.MaxMemory = d.Policy, d.MaxMemory
			}
			if d.Volatile() {
				out.AppendOnly, out.Save = false, ""
			}
		}
		return nil
	}
	var err error
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return each(ctx, m) })
	} else {
		err = each(ctx, s.rdb)
	}
	if err != nil {
		return Durability{}, s.wrap("durability", err)
	}
	if !out.Known {
		return Durability{}, nil
	}
	return out, nil
}

func durabilityOf(ctx context.Context, c redis.Cmdable) (Durability, error) {
	pipe := c.Pipeline()
	var cmds []*redis.MapStringStringCmd
	for _, p := range []string{"maxmemory-policy", "maxmemory", "appendonly", "save"} {
		cmds = append(cmds, pipe.ConfigGet(ctx, p))
	}
	_, err := pipe.Exec(ctx)
	m := map[string]string{}
	for _, c := range cmds {
		for k, v := range c.Val() {
			m[k] = v
		}
	}
	var rerr redis.Error
	if errors.As(err, &rerr) {
		// Unknown command, NOPERM: CONFIG is not ours to read.
		return Durability{}, nil
	}
	if err != nil {
		return Durability{}, fmt.Errorf("config get: %w", err)
	}
	mem, _ := strconv.ParseInt(m["maxmemory"], 10, 64)
	return Durability{Known: true, Policy: m["maxmemory-policy"], MaxMemory: mem, AppendOnly: m["appendonly"] == "yes", Save: m["save"]}, nil
}
