package storetest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// A Cluster takes a second or two to form: under Main, New starts one per
// topology for the whole test binary and empties it before each test.
var (
	mainRunning atomic.Bool
	sharedMu    sync.Mutex
	sharedDeps  = map[string]*deployment{}
	sharedRoot  string
)

// Main runs a package's tests and then stops the deployments New shared
// among them. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
//
// Without it New starts a deployment per test: correct, only slower.
// Tests sharing one must not run in parallel (they FLUSHALL it).
func Main(m *testing.M) int {
	mainRunning.Store(true)
	code := m.Run()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for _, d := range sharedDeps {
		d.stopAll()
	}
	if sharedRoot != "" {
		_ = os.RemoveAll(sharedRoot)
	}
	return code
}

func sharedDeployment(top string) (*deployment, error) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if d := sharedDeps[top]; d != nil {
		return d, nil
	}
	if sharedRoot == "" {
		root, err := os.MkdirTemp("", "storetest-")
		if err != nil {
			return nil, fmt.Errorf("shared directory: %w", err)
		}
		sharedRoot = root
	}
	d, err := startDeployment(filepath.Join(sharedRoot, top), Options{Topology: top})
	if err != nil {
		return nil, err
	}
	sharedDeps[top] = d
	return d, nil
}
