package main

// Helpers for tests and benchmarks that run replicas of the real binary
// and count what the fake Slack received.

import (
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
)

// postJob is the job id a post carries as message metadata ("" for none).
func postJob(p slacktest.Post) string {
	var m struct {
		EventPayload struct {
			Job string `json:"job"`
		} `json:"event_payload"`
	}
	if len(p.Metadata) == 0 || json.Unmarshal(p.Metadata, &m) != nil {
		return ""
	}
	return m.EventPayload.Job
}

// deliveries counts what the fake received against what was queued: jobs
// never posted, and posts beyond the first of a job.
func deliveries(due map[string]time.Time, got map[string][]slacktest.Post) (lost, dups int, lastPost time.Time) {
	for job := range due {
		switch n := len(got[job]); {
		case n == 0:
			lost++
		case n > 1:
			dups += n - 1
		}
		for _, p := range got[job] {
			if p.At.After(lastPost) {
				lastPost = p.At
			}
		}
	}
	return lost, dups, lastPost
}

// parallel runs f(0) … f(n-1) on workers goroutines and returns the first
// error.
func parallel(n, workers int, f func(i int) error) error {
	var next sync.Mutex
	i := 0
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				if i >= n || first != nil {
					next.Unlock()
					return
				}
				j := i
				i++
				next.Unlock()
				if err := f(j); err != nil {
					next.Lock()
					if first == nil {
						first = err
					}
					next.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func waitUntil(deadline time.Time, cond func() bool) bool {
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond) // waiting for other processes, not for time to pass
	}
	return true
}

// waitConns waits until the fake has n Socket Mode connections.
func waitConns(t *testing.T, fs *slacktest.Server, n int, r *replica) {
	t.Helper()
	if !waitUntil(time.Now().Add(15*time.Second), func() bool { return fs.Connections() >= n }) {
		t.Fatalf("replica %s did not connect\nlogs:\n%s", r.name, r.logs.String())
	}
}

// replica is an `outreachbot run` process.
type replica struct {
	name   string
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{}
}

func startReplica(t *testing.T, bin, name string, env []string) *replica {
	t.Helper()
	r := &replica{name: name, cmd: exec.Command(bin, "run"), logs: &syncBuffer{}, exited: make(chan struct{})}
	r.cmd.Env = env
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start replica %s: %v", name, err)
	}
	go func() {
		_ = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-r.exited:
		default:
			r.kill()
		}
	})
	return r
}

// kill sends SIGKILL (kill -9) and waits for the process to end.
func (r *replica) kill() {
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
}

// stop sends SIGTERM, as an orchestrator does, and waits.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
		if code := r.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("replica %s exited with %d on SIGTERM\nlogs:\n%s", r.name, code, clipString(r.logs.String(), 4000))
		}
	case <-time.After(20 * time.Second):
		t.Errorf("replica %s did not stop within 20 s of SIGTERM", r.name)
		r.kill()
	}
}

func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// durations sorts ds and returns them.
func durations(ds []time.Duration) []time.Duration {
	slices.Sort(ds)
	return ds
}

// pct is the q-quantile of sorted (nearest rank).
func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 1:
		return fmt.Sprintf("%.3f ms", f)
	case f < 100:
		return fmt.Sprintf("%.2f ms", f)
	}
	return fmt.Sprintf("%.0f ms", f)
}
