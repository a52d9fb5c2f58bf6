// Package storetest starts real Redis deployments for tests, on free
// loopback ports, in the manner of net/http/httptest: one redis-server, a
// 3-master Redis Cluster, or Sentinel (a master, a replica and one
// sentinel). The environment variable OUTREACH_TEST_REDIS (single,
// cluster or sentinel) picks what New starts, so that the store,
// scheduler and end-to-end suites run unchanged against each.
package storetest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Topologies, the values of EnvTopology.
const (
	Single   = "single"
	Cluster  = "cluster"
	Sentinel = "sentinel"
	// Embedded is the console's in-memory store (miniredis), in this
	// process: the store's suite runs on it too, so that what a newcomer
	// first tries behaves as Redis does (Lua's JSON of an empty table, for
	// one, differs between the two).
	Embedded = "embedded"
)

// EnvTopology names the environment variable that picks New's topology;
// unset means Single.
const EnvTopology = "OUTREACH_TEST_REDIS"

// MasterName is the name Sentinel monitors the master under.
const MasterName = "outreach"

// Server is a Redis deployment used by one test: started for it, or, for
// Cluster and Sentinel under Main, shared by the package's tests and
// emptied (FLUSHALL on every master) before each.
type Server struct {
	t      testing.TB
	d      *deployment
	shared bool
}

// Options configures a deployment started by NewWith. The zero value is
// one redis-server without persistence.
type Options struct {
	// Topology is Single (""), Cluster or Sentinel. NewWith ignores
	// EnvTopology: a test asking for options gets what it asked for.
	Topology string
	// AppendOnly turns the append-only file on (appendonly yes), as the
	// README asks of production.
	AppendOnly bool
	// AppendFsync is the appendfsync policy when AppendOnly is set:
	// "always", "everysec" or "no". Empty means "everysec", Redis's default.
	AppendFsync string
	// MaxMemoryPolicy is the server's maxmemory-policy (with a maxmemory
	// of 1 GB): "allkeys-lru", say, as some managed services set it.
	// Empty leaves Redis's default, noeviction, and no limit.
	MaxMemoryPolicy string
	// NoConfig renames CONFIG away, as managed services that forbid it do.
	NoConfig bool
}

// Topology returns EnvTopology's value, Single when unset. An unknown
// value panics: a typo must not quietly test the single node.
func Topology() string {
	switch v := strings.TrimSpace(os.Getenv(EnvTopology)); v {
	case "", Single:
		return Single
	case Cluster, Sentinel, Embedded:
		return v
	default:
		panic(fmt.Sprintf("%s=%q: expects %s, %s, %s or %s", EnvTopology, v, Single, Cluster, Sentinel, Embedded))
	}
}

// New returns the deployment EnvTopology asks for, empty, and stops it
// when the test ends (a shared one is left running for the next test).
// It fails the test when redis-server is not installed: the project's
// test script installs it (see the README).
func New(t testing.TB) *Server {
	t.Helper()
	top := Topology()
	if top == Single || top == Embedded || !mainRunning.Load() {
		return NewWith(t, Options{Topology: top})
	}
	d, err := sharedDeployment(top)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	s := &Server{t: t, d: d, shared: true}
	if err := d.flush(); err != nil {
		t.Fatalf("storetest: empty the shared %s: %v", top, err)
	}
	// A test that stopped the deployment leaves it running for the next.
	t.Cleanup(func() {
		if err := d.start(); err != nil {
			t.Errorf("storetest: restart the shared %s: %v", top, err)
		}
	})
	return s
}

// NewWith starts a deployment of its own for the test, as opts say, and
// stops it when the test ends.
func NewWith(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Topology == "" {
		opts.Topology = Single
	}
	d, err := startDeployment(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(d.stopAll)
	return &Server{t: t, d: d}
}

// Topology is what the server is: Single, Cluster or Sentinel.
func (s *Server) Topology() string { return s.d.opts.Topology }

// Addr is host:port of the single node, of Cluster's first master, or of
// the master Sentinel started with.
func (s *Server) Addr() string { return s.d.data[0].addr }

// Addrs are the data nodes' host:port: Cluster's masters, or Sentinel's
// master and replica (as started; a failover swaps their roles).
func (s *Server) Addrs() []string {
	var out []string
	for _, n := range s.d.data {
		out = append(out, n.addr)
	}
	return out
}

// SentinelAddrs are the sentinels' host:port (none unless Sentinel).
func (s *Server) SentinelAddrs() []string {
	var out []string
	for _, n := range s.d.sentinels {
		out = append(out, n.addr)
	}
	return out
}

// URL is a redis:// URL for a single node. Other topologies have none:
// use Env.
func (s *Server) URL() string {
	s.t.Helper()
	if s.Topology() != Single {
		s.t.Fatalf("storetest: a %s has no REDIS_URL; use Env", s.Topology())
	}
	return "redis://" + s.Addr() + "/0"
}

// Env is what `outreachbot run` needs to reach the deployment: REDIS_URL
// for a single node, REDIS_ADDRS for Cluster, REDIS_ADDRS (the sentinels)
// and REDIS_MASTER_NAME for Sentinel; for Cluster, REDIS_PASSWORD,
// REDIS_TLS and REDIS_TLS_CA_FILE too (its nodes ask for a password and
// speak TLS only), for Sentinel REDIS_PASSWORD and
// REDIS_SENTINEL_PASSWORD.
func (s *Server) Env() map[string]string {
	sec := s.d.sec
	switch s.Topology() {
	case Cluster:
		return map[string]string{"REDIS_ADDRS": strings.Join(s.Addrs(), ","),
			"REDIS_PASSWORD": sec.password, "REDIS_TLS": "on", "REDIS_TLS_CA_FILE": sec.caFile}
	case Sentinel:
		return map[string]string{"REDIS_ADDRS": strings.Join(s.SentinelAddrs(), ","), "REDIS_MASTER_NAME": MasterName,
			"REDIS_PASSWORD": sec.password, "REDIS_SENTINEL_PASSWORD": sec.sentinelPassword}
	default:
		return map[string]string{"REDIS_URL": "redis://" + s.Addr() + "/0"}
	}
}

// Secrets are the passwords the deployment asks for, for a test to check
// that none shows up where it should not.
func (s *Server) Secrets() []string {
	var out []string
	for _, p := range []string{s.d.sec.password, s.d.sec.sentinelPassword} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NodeOptions are a client's options for the data node at addr alone,
// with the deployment's password and TLS.
func (s *Server) NodeOptions(addr string) *redis.Options { return s.d.sec.nodeOptions(addr) }

// CLIArgs are redis-cli's flags to reach the data nodes (TLS and the
// password), to put before its other arguments.
func (s *Server) CLIArgs() []string { return s.d.sec.cliArgs() }

// Client returns a new client for the deployment, closed when the test
// ends. It fails the test when a command or a pipeline names keys of two
// hash slots, or a key of the bot's without its {team} hash tag (see
// CheckSlots), on every topology: a single node would let such a command
// through, a Cluster would refuse it.
func (s *Server) Client() redis.UniversalClient {
	c := s.d.client()
	c.AddHook(CheckSlots(s.t))
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Start (re)starts the data nodes that Stop stopped, on the same ports,
// and waits until the deployment serves again.
func (s *Server) Start() {
	s.t.Helper()
	if err := s.d.start(); err != nil {
		s.t.Fatalf("storetest: %v", err)
	}
}

// Stop kills every data node. Their data is lost, unless the deployment
// keeps an append-only file (Options.AppendOnly): Start then brings the
// nodes back with it, as a restarted redis-server would. Sentinels keep
// running.
func (s *Server) Stop() { s.d.stopData() }

// Kill kills the data node at addr with SIGKILL, as a crash would; Start
// brings it back (empty, with the arguments it first had).
func (s *Server) Kill(addr string) {
	s.t.Helper()
	for _, n := range s.d.data {
		if n.addr == addr {
			n.kill()
			return
		}
	}
	s.t.Fatalf("storetest: no data node at %s", addr)
}

// MasterAddr asks the sentinel which node is the master now.
func (s *Server) MasterAddr(ctx context.Context) (string, error) {
	if s.Topology() != Sentinel {
		return s.Addr(), nil
	}
	return s.d.sentinelMaster(ctx)
}

// Snapshot returns every key with its serialized value (DUMP), from every
// master, so a test can assert that a failed command stored nothing. It
// uses SCAN: test databases are small.
func (s *Server) Snapshot(ctx context.Context) map[string]string {
	s.t.Helper()
	c := s.d.client()
	defer c.Close()
	var mu sync.Mutex // masters are scanned concurrently
	out := map[string]string{}
	err := eachMaster(ctx, c, func(ctx context.Context, m redis.Cmdable) error {
		iter := m.Scan(ctx, 0, "*", 1000).Iterator()
		for iter.Next(ctx) {
			k := iter.Val()
			v, err := m.Dump(ctx, k).Result()
			if err != nil && strings.Contains(err.Error(), "WRONGTYPE") {
				// The embedded store DUMPs strings only: read the others.
				v, err = readValue(ctx, m, k)
			}
			if err != nil {
				return fmt.Errorf("dump %s: %w", k, err)
			}
			mu.Lock()
			out[k] = v
			mu.Unlock()
		}
		return iter.Err()
	})
	if err != nil {
		s.t.Fatalf("storetest: snapshot: %v", err)
	}
	return out
}

// Keys returns every key on every master (SCAN).
func (s *Server) Keys(ctx context.Context) []string {
	s.t.Helper()
	var out []string
	for k := range s.Snapshot(ctx) {
		out = append(out, k)
	}
	return out
}

// eachMaster runs f on every master: Cluster's, concurrently (as
// go-redis's ForEachMaster does), or the one node otherwise.
func eachMaster(ctx context.Context, c redis.UniversalClient, f func(context.Context, redis.Cmdable) error) error {
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return f(ctx, m) })
	}
	return f(ctx, c)
}

type silent struct{}

func (silent) Printf(context.Context, string, ...any) {}

// readValue reads a key whole, as text that changes when the value does.
func readValue(ctx context.Context, m redis.Cmdable, k string) (string, error) {
	typ, err := m.Type(ctx, k).Result()
	if err != nil {
		return "", err
	}
	var v any
	switch typ {
	case "hash":
		v, err = m.HGetAll(ctx, k).Result()
	case "set":
		var ms []string
		ms, err = m.SMembers(ctx, k).Result()
		sort.Strings(ms)
		v = ms
	case "zset":
		v, err = m.ZRangeWithScores(ctx, k, 0, -1).Result()
	case "list":
		v, err = m.LRange(ctx, k, 0, -1).Result()
	case "stream":
		v, err = m.XRange(ctx, k, "-", "+").Result()
	default:
		v, err = m.Get(ctx, k).Result()
	}
	return typ + ":" + fmt.Sprint(v), err
}

// AfterReplyOnce makes rdb call f once, right after the first script
// reply of the form {'err', code, …} (a script's round that stopped
// before writing: "resolved", "keys"), before the caller sees it: a test
// changes the data between a command's rounds with it.
func AfterReplyOnce(rdb redis.UniversalClient, code string, f func(context.Context)) {
	rdb.AddHook(&afterReply{code: code, f: f})
}

type afterReply struct {
	code string
	f    func(context.Context)
	once sync.Once
}

func (h *afterReply) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *afterReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if c, ok := cmd.(*redis.Cmd); ok {
			if arr, ok := c.Val().([]any); ok && len(arr) > 1 && arr[0] == "err" && arr[1] == h.code {
				h.once.Do(func() { h.f(ctx) })
			}
		}
		return err
	}
}

func (h *afterReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
