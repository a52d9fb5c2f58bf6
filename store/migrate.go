package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A Migration changes a workspace's stored data once, at start, for code
// that reads it differently from the code that wrote it.
type Migration struct {
	Name string
	// Run migrates team's data and reports how many records it changed.
	// It must be idempotent: a process that stops in the middle of one
	// leaves the version as it was, and the next start runs it again. And
	// the data it leaves must stay readable by the code before it, which
	// other replicas may still run while it works.
	Run func(s *Store, ctx context.Context, team string) (int, error)
}

// migrations are the changes stored data has needed, in order: a
// workspace's schema version (keys.go's SchemaVersion) is how many of
// them its data has had. Add a migration at the end; never reorder or
// remove one.
var migrations = []Migration{
	// Partners added before names were folded get their folded index
	// entries; until then only their exact names resolve.
	{Name: "fold partner names", Run: (*Store).FoldPartnerIndex},
	// Records written before the search index existed are filed in it;
	// until then `search` finds only what was written since.
	{Name: "index for search", Run: (*Store).IndexSearch},
}

// Migrated is a migration that ran.
type Migrated struct {
	Name    string
	Version int // the schema version it brought the data to
	Changed int // records it changed
}

// migrationLease bounds how long a process holds the migration lock
// without finishing a migration: one that dies holding it delays the next
// start's migrations by as much.
const migrationLease = 10 * time.Minute

var scriptMigrated = load("migrated")

// Migrate runs, in order, the migrations team's data has not had, each
// once however many processes start. One process takes the workspace's
// migration lock and runs them; another that finds it taken runs none
// and goes on (ErrMigrating), its data being readable before and after.
// It returns the migrations that ran, those too when an error stopped
// the rest.
func (s *Store) Migrate(ctx context.Context, team string) ([]Migrated, error) {
	return s.migrate(ctx, team, migrations)
}

// ErrMigrating: another process is running the migrations.
var ErrMigrating = errors.New("another process is migrating the data")

// SchemaVersion is how many migrations team's data has had.
func (s *Store) SchemaVersion(ctx context.Context, team string) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := s.rdb.Get(ctx, keysFor(team).SchemaVersion()).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, s.wrap("schema version", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("schema version %q: %w", v, err)
	}
	return n, nil
}

func (s *Store) migrate(ctx context.Context, team string, list []Migration) ([]Migrated, error) {
	version, err := s.SchemaVersion(ctx, team)
	if err != nil || version >= len(list) {
		return nil, err
	}
	k := keysFor(team)
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	bctx, cancel := s.bound(ctx)
	got, err := s.rdb.SetNX(bctx, k.Migrating(), token, migrationLease).Result()
	cancel()
	if err != nil {
		return nil, s.wrap("migration lock", err)
	}
	if !got {
		return nil, ErrMigrating
	}
	record := func(from string, release bool) error {
		r, err := s.run(ctx, "record migration", scriptMigrated, []string{k.SchemaVersion(), k.Migrating()}, token, from, boolField(release))
		if err == nil && !r.ok {
			err = fmt.Errorf("record migration: %s", r.code)
		}
		return err
	}
	// The version may have moved between the read and the lock.
	if version, err = s.SchemaVersion(ctx, team); err != nil {
		_ = record("", true)
		return nil, err
	}
	if version >= len(list) {
		return nil, record("", true)
	}
	var ran []Migrated
	for v := version; v < len(list); v++ {
		m := list[v]
		n, err := m.Run(s, ctx, team)
		if err != nil {
			// Released, so that the next start tries again at once.
			_ = record("", true)
			return ran, fmt.Errorf("migration %d (%s): %w", v+1, m.Name, err)
		}
		if err := record(strconv.Itoa(v), v == len(list)-1); err != nil {
			return ran, fmt.Errorf("migration %d (%s): %w", v+1, m.Name, err)
		}
		ran = append(ran, Migrated{Name: m.Name, Version: v + 1, Changed: n})
	}
	return ran, nil
}
