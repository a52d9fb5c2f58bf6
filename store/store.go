// Package store keeps Outreach Bot's state in Redis: partners, the people
// at them, the contact log, and the bookkeeping around them. It speaks the
// domain (AddPartner, LogContact, History) and never hands out Redis.
//
// Every call is bounded by the store's deadline so that a slow or absent
// Redis cannot make the bot miss Slack's 3-second acknowledgement; such
// failures come back as ErrUnavailable. Writes that touch several keys run
// as one Lua script (see scripts.go), so a failed command stores nothing.
package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/redis/go-redis/v9"
)

// Errors callers branch on.
var (
	// ErrNotFound: the thing named does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable: Redis could not be reached in time; nothing was stored.
	ErrUnavailable = errors.New("storage unavailable")
	// ErrExists: a partner with that slug or name exists already.
	ErrExists = errors.New("already exists")
	// ErrChannelTaken: the channel is linked to another partner.
	ErrChannelTaken = errors.New("channel linked to another partner")
	// ErrDenied: the caller may not touch that partner (a liaison naming a
	// partner other than the channel's own). It says nothing more on purpose.
	ErrDenied = errors.New("denied")
	// ErrNoPartner: no partner was named and the channel is not linked to one.
	ErrNoPartner = errors.New("no partner named")
	// ErrChanged: what a write depended on changed while it was being
	// made (the partner named was renamed or erased, say); nothing was
	// stored, and the same command again sees the change.
	ErrChanged = errors.New("changed while saving")
)

// PartnerError carries the partner a conflict is about, or the candidates
// of an ambiguous prefix. It wraps ErrExists, ErrChannelTaken or ErrNotFound.
type PartnerError struct {
	Err        error
	Slug       string   // the partner holding the name or channel
	Candidates []string // slugs sharing an ambiguous prefix
}

func (e *PartnerError) Error() string { return fmt.Sprintf("partner %q: %v", e.Slug, e.Err) }
func (e *PartnerError) Unwrap() error { return e.Err }

// DefaultTimeout bounds each Redis call; with the bot's own work it stays
// well inside Slack's 3-second acknowledgement.
const DefaultTimeout = 800 * time.Millisecond

// auditMaxLen caps the audit stream (approximately, as XADD MAXLEN ~ does).
const auditMaxLen = 100000

// Store is the domain store over one Redis deployment. It is safe for
// concurrent use. The caller owns the client and closes it after the store
// is no longer used.
type Store struct {
	rdb        redis.UniversalClient
	timeout    time.Duration
	roundTrips atomic.Int64
	// checkKeys, under the store's tests, swaps each script for one that
	// fails on a key it did not declare.
	checkKeys func(*redis.Script) *redis.Script
	// resolved remembers which partner words named last (runResolving's
	// guess): a command naming a partner by a prefix then takes one
	// round trip, as one naming it by its id does.
	resolved *lru.Cache[string, string]
	scripts  batcher  // the commands' scripts, which share round trips when they come together
	next     NextFunc // a series' next occurrence (WithNext)
}

// keyCheck is nil, unless the package's tests set it: then every store
// runs its scripts under it (Script) and its client reports to it what
// the scripts did (the Hook).
var keyCheck interface {
	redis.Hook
	Script(*redis.Script) *redis.Script
}

// New returns a store over rdb. timeout bounds every call; 0 means
// DefaultTimeout.
func New(rdb redis.UniversalClient, timeout time.Duration) *Store {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	resolved, _ := lru.New[string, string](4096) // fails only for a size ≤ 0
	s := &Store{rdb: rdb, timeout: timeout, resolved: resolved}
	rdb.AddHook(countHook{&s.roundTrips})
	if keyCheck != nil {
		s.checkKeys = keyCheck.Script
		rdb.AddHook(keyCheck)
	}
	return s
}

// RoundTrips reports how many network round trips to Redis the store has
// made (a pipeline counts once). Benchmarks divide it by commands served.
func (s *Store) RoundTrips() int64 { return s.roundTrips.Load() }

// Ping checks that Redis answers; the readiness probe uses it.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("ping", s.rdb.Ping(ctx).Err())
}

func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// wrap adds context to err and classifies it: redis.Nil becomes
// ErrNotFound, anything that is not a reply from a healthy Redis becomes
// ErrUnavailable.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if unavailable(err) {
		return fmt.Errorf("%s: %w: %v", op, ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unavailable reports whether err means Redis could not serve the call
// (network, timeout, failover, a Cluster slot still moving when the
// client's redirects ran out) rather than rejecting it.
func unavailable(err error) bool {
	var rerr redis.Error
	if errors.As(err, &rerr) {
		msg := rerr.Error()
		for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK"} {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		return false
	}
	return true
}

// countHook counts round trips.
type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS reads unix milliseconds as Go and the scripts write them; "" or
// anything else is the zero time.
func fromMS(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// redisRange is a score range with an optional limit.
type redisRange struct {
	min, max string
	limit    int
}

func (r *redisRange) by() *redis.ZRangeBy {
	z := &redis.ZRangeBy{Min: r.min, Max: r.max}
	if r.limit > 0 {
		z.Count = int64(r.limit)
	}
	return z
}

// record loads one hash-stored record; ErrNotFound (wrapped with what)
// when it does not exist.
func (s *Store) record(ctx context.Context, op, key, what string) (map[string]string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, s.wrap(op, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return m, nil
}

// hashes reads many hash-stored records in one pipeline; a record that
// does not exist comes back as an empty map. also, when not nil, adds
// more commands to the same round trip.
func (s *Store) hashes(ctx context.Context, op string, keys []string, also func(redis.Pipeliner)) ([]map[string]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.HGetAll(ctx, k)
	}
	if also != nil {
		also(pipe)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.wrap(op, err)
	}
	out := make([]map[string]string, len(keys))
	for i, c := range cmds {
		out[i] = c.Val()
	}
	return out, nil
}
