package storetest

import (
	"errors"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestNodeOnATakenPort: a redis-server whose port was taken between our
// pick and its bind exits; the wait for it says so at once, with the
// server's own reason, instead of polling until readyWait runs out (and
// startDeployment then starts afresh on new ports).
func TestNodeOnATakenPort(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	n := &node{exe: "redis-server", addr: l.Addr().String(), dir: t.TempDir(), args: []string{"--save", "", "--appendonly", "no"}}
	if err := n.start(); err != nil {
		t.Fatal(err)
	}
	defer n.kill()
	begin := time.Now() // real time: the wait is for another process
	err = n.waitPing(&redis.Options{Addr: n.addr})
	if !errors.Is(err, errExited) {
		t.Fatalf("wait for a server on a taken port: %v; want errExited", err)
	}
	if took := time.Since(begin); took > readyWait/2 {
		t.Errorf("the wait took %v; want it to end when the server exits", took)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "failed listening") {
		t.Errorf("error %q lacks the server's reason", err)
	}
}
