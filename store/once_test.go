package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestFirstRunAndNotice: a message runs its command once, whichever of
// its deliveries asks first; a notice goes out once per its period; each
// is told apart from the others by what it names.
func TestFirstRunAndNotice(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	var got []bool
	for _, call := range []func() (bool, error){
		func() (bool, error) { return s.FirstRun(ctx, team, "C1", "1764000000.000100", time.Hour) },
		func() (bool, error) { return s.FirstRun(ctx, team, "C1", "1764000000.000100", time.Hour) },
		func() (bool, error) { return s.FirstRun(ctx, team, "C2", "1764000000.000100", time.Hour) },
		func() (bool, error) { return s.FirstNotice(ctx, team, "unnamed-org:county:U1", time.Hour) },
		func() (bool, error) { return s.FirstNotice(ctx, team, "unnamed-org:county:U1", time.Hour) },
		func() (bool, error) { return s.FirstNotice(ctx, team, "unnamed-org:county:U2", time.Hour) },
	} {
		first, err := call()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, first)
	}
	if diff := cmp.Diff([]bool{true, false, true, true, false, true}, got); diff != "" {
		t.Errorf("firsts (-want +got):\n%s", diff)
	}
}
