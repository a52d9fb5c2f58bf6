package scheduler

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/store"
)

// TestHandlersCoverEveryJobKind: each kind of store/jobkinds.go has a
// handler, no handler waits for a kind that is not defined there, and
// every recurring job is named by a kind.
func TestHandlersCoverEveryJobKind(t *testing.T) {
	kinds := store.JobKinds()
	slices.Sort(kinds)
	var handled []string
	for kind := range handlers {
		handled = append(handled, kind)
	}
	slices.Sort(handled)
	if diff := cmp.Diff(kinds, handled); diff != "" {
		t.Errorf("job kinds (-) without a handler, handlers (+) of no kind:\n%s", diff)
	}
	for _, j := range Jobs {
		if !slices.Contains(kinds, j.Name) {
			t.Errorf("recurring job %q is not a job kind of store/jobkinds.go", j.Name)
		}
	}
}
