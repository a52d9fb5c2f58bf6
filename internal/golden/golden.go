// Package golden compares what users read with reviewed files under
// testdata/. To rewrite them after an intended change, run
//
//	UPDATE_GOLDEN=1 go test ./...
//
// (or one package's tests with -update), then review the diff: a file is
// rewritten only when what it holds differs, and the test log names each
// one rewritten.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/ (UPDATE_GOLDEN=1 does it for every package)")

// updating reports whether golden files are to be rewritten.
func updating() bool { return *update || os.Getenv("UPDATE_GOLDEN") != "" }

// Check fails t when got differs from testdata/<name>; when updating, it
// rewrites the file instead, if it differs.
func Check(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	want, err := os.ReadFile(path)
	if updating() && (err != nil || !bytes.Equal(want, []byte(got))) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", path)
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test with UPDATE_GOLDEN=1 to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run go test with UPDATE_GOLDEN=1 and review the diff:\n%s", name, diff)
	}
}
