package store

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestMigrationsRunOnce: each migration runs once, in order, however
// often Migrate is called; a workspace runs only those it has not had; a
// failed one leaves the version where it was and runs again next time;
// while another process holds the lock nothing runs; workspaces migrate
// each on their own.
func TestMigrationsRunOnce(t *testing.T) {
	srv := storetest.New(t)
	s := New(srv.Client(), 0)
	ctx := context.Background()
	var ran []string
	fail := true
	step := func(name string) Migration {
		return Migration{Name: name, Run: func(_ *Store, _ context.Context, team string) (int, error) {
			if name == "second" && fail {
				return 0, errors.New("broken")
			}
			ran = append(ran, team+" "+name)
			return 1, nil
		}}
	}
	list := []Migration{step("first"), step("second")}
	check := func(what string, team string, wantVersion int, wantRan ...string) {
		t.Helper()
		if v, err := s.SchemaVersion(ctx, team); err != nil || v != wantVersion {
			t.Errorf("%s: %s's version = %d, %v; want %d", what, team, v, err, wantVersion)
		}
		if diff := cmp.Diff(wantRan, ran); diff != "" {
			t.Errorf("%s: migrations run (-want +got):\n%s", what, diff)
		}
		ran = nil
	}

	done, err := s.migrate(ctx, "T1", list)
	if err == nil || len(done) != 1 {
		t.Errorf("a failing second migration: %v, %v; want the first done and an error", done, err)
	}
	check("the second fails", "T1", 1, "T1 first")

	fail = false
	done, err = s.migrate(ctx, "T1", list)
	if want := []Migrated{{Name: "second", Version: 2, Changed: 1}}; err != nil || !cmp.Equal(done, want) {
		t.Errorf("after the failure: %v, %v; want %v", done, err, want)
	}
	check("after the failure", "T1", 2, "T1 second")

	for i := range 3 {
		if done, err := s.migrate(ctx, "T1", list); err != nil || len(done) != 0 {
			t.Errorf("start %d again: %v, %v; want nothing run", i, done, err)
		}
	}
	check("started again", "T1", 2)

	// A third migration added later runs alone.
	list = append(list, step("third"))
	if _, err := s.migrate(ctx, "T1", list); err != nil {
		t.Fatal(err)
	}
	check("a migration added", "T1", 3, "T1 third")

	// Another process holds T2's lock: nothing runs, T1 is not affected.
	if err := s.rdb.Set(ctx, keysFor("T2").Migrating(), "someone", migrationLease).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.migrate(ctx, "T2", list); !errors.Is(err, ErrMigrating) {
		t.Errorf("lock held elsewhere: %v; want ErrMigrating", err)
	}
	check("lock held elsewhere", "T2", 0)
	if err := s.rdb.Del(ctx, keysFor("T2").Migrating()).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.migrate(ctx, "T2", list); err != nil {
		t.Fatal(err)
	}
	check("lock released", "T2", 3, "T2 first", "T2 second", "T2 third")
	if n, err := s.rdb.Exists(ctx, keysFor("T2").Migrating()).Result(); err != nil || n != 0 {
		t.Errorf("the lock is still held after the migrations: %d, %v", n, err)
	}

	// The project's own list: it runs once.
	for i, want := range []int{len(migrations), 0} {
		done, err := s.Migrate(ctx, "T3")
		if err != nil || len(done) != want {
			t.Errorf("Migrate #%d = %v, %v; want %d run", i+1, done, err, want)
		}
	}
}
