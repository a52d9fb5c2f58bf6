// Package storetest starts a real redis-server for tests, on a free
// loopback port, in the manner of net/http/httptest.
package storetest

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process owned by one test.
type Server struct {
	t    testing.TB
	addr string
	dir  string
	cmd  *exec.Cmd
	opts Options
}

// Options configures a server started by NewWith. The zero value is what
// New starts: no persistence at all.
type Options struct {
	// AppendOnly turns the append-only file on (appendonly yes), as the
	// README asks of production.
	AppendOnly bool
	// AppendFsync is the appendfsync policy when AppendOnly is set:
	// "always", "everysec" or "no". Empty means "everysec", Redis's default.
	AppendFsync string
}

// New starts redis-server on a free loopback port and stops it when the
// test ends. It fails the test when redis-server is not installed: the
// project's test script installs it (see the README).
func New(t testing.TB) *Server {
	t.Helper()
	return NewWith(t, Options{})
}

// NewWith is New with options, for example a server that persists with
// an append-only file as production does (benchmarks use it).
func NewWith(t testing.TB, opts Options) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server not found on PATH; run the README's test command (scripts/test.sh), which installs it")
	}
	redis.SetLogger(silent{}) // a stopped server is part of some tests; go-redis would log each failed dial
	s := &Server{t: t, dir: t.TempDir(), opts: opts}
	s.addr = freeAddr(t)
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.addr }

// URL is a redis:// URL for the server.
func (s *Server) URL() string { return "redis://" + s.addr + "/0" }

// Client returns a new client for the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.addr, ContextTimeoutEnabled: true, MaxRetries: 1,
		DialTimeout: 300 * time.Millisecond})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Start (re)starts the server on the same port and waits until it answers.
func (s *Server) Start() {
	s.t.Helper()
	if s.cmd != nil {
		return
	}
	host, port, _ := net.SplitHostPort(s.addr)
	persistence := []string{"--appendonly", "no"}
	if s.opts.AppendOnly {
		fsync := s.opts.AppendFsync
		if fsync == "" {
			fsync = "everysec"
		}
		persistence = []string{"--appendonly", "yes", "--appendfsync", fsync}
	}
	args := append([]string{"--bind", host, "--port", port, "--save", ""}, persistence...)
	args = append(args, "--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"), "--daemonize", "no")
	cmd := exec.Command("redis-server", args...)
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	s.cmd = cmd
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	// Wait up to ~10 s for the child process to listen.
	var err error
	for range 1000 {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err = c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("redis-server on %s did not answer: %v", s.addr, err)
}

// Stop kills the server (the data is lost; tests that need persistence
// across restarts do not use Stop/Start).
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// Snapshot returns every key with its serialized value (DUMP), so a test
// can assert that a failed command stored nothing. It uses SCAN: test
// databases are small.
func (s *Server) Snapshot(ctx context.Context) map[string]string {
	s.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.addr})
	defer c.Close()
	out := map[string]string{}
	iter := c.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		v, err := c.Dump(ctx, k).Result()
		if err != nil {
			s.t.Fatalf("dump %s: %v", k, err)
		}
		out[k] = v
	}
	if err := iter.Err(); err != nil {
		s.t.Fatalf("scan: %v", err)
	}
	return out
}

type silent struct{}

func (silent) Printf(context.Context, string, ...any) {}
