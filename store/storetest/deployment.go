package storetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// readyWait bounds how long a deployment may take to serve after a start:
// a Cluster forms in about a second, Sentinel's replica syncs in less.
const readyWait = 30 * time.Second

// deployment is the processes of one topology.
type deployment struct {
	opts      Options
	sec       security
	data      []*node // the single node; Cluster's masters; Sentinel's master and replica, as started
	sentinels []*node
}

// node is one redis-server or redis-sentinel process, restartable on its
// port with the arguments it first had.
type node struct {
	exe  string
	addr string
	dir  string
	pre  []string // before the common flags: a sentinel's config file
	args []string // after them

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}        // closed when cmd has exited
	mini *miniredis.Miniredis // the embedded store, when exe is embeddedExe
}

// errExited: a node's process ended while we waited for it to serve,
// most often because its port, free when picked, was taken before the
// server bound it (another test's connection got it as its own port).
var errExited = errors.New("exited")

// startAttempts is how many times a deployment is started afresh, on new
// ports, when one of its processes exits at start.
const startAttempts = 3

// embeddedExe marks a node that is the embedded store in this process.
const embeddedExe = "(embedded)"

func startDeployment(root string, opts Options) (*deployment, error) {
	for attempt := 1; ; attempt++ {
		dir := root
		if attempt > 1 {
			dir = filepath.Join(root, "attempt"+strconv.Itoa(attempt))
		}
		d, err := startOnce(dir, opts)
		if err == nil || !errors.Is(err, errExited) || attempt == startAttempts {
			return d, err
		}
	}
}

func startOnce(root string, opts Options) (*deployment, error) {
	if opts.Topology == Embedded {
		d := &deployment{opts: opts}
		n, err := d.newNode(embeddedExe, root)
		if err != nil {
			return nil, err
		}
		d.data = []*node{n}
		return d, d.start()
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("redis-server not found on PATH; run the README's test command (scripts/test.sh), which installs it")
	}
	redis.SetLogger(silent{}) // a stopped server is part of some tests; go-redis would log each failed dial
	d := &deployment{opts: opts}
	var err error
	if d.sec, err = secure(opts.Topology, filepath.Join(root, "tls")); err != nil {
		return nil, err
	}
	switch opts.Topology {
	case Single:
		err = d.startSingle(root)
	case Cluster:
		err = d.startCluster(root)
	case Sentinel:
		err = d.startSentinel(root)
	default:
		err = fmt.Errorf("unknown topology %q", opts.Topology)
	}
	if err != nil {
		d.stopAll()
		return nil, fmt.Errorf("start %s: %w", opts.Topology, err)
	}
	return d, nil
}

// persistence is a data node's persistence and memory flags.
func (d *deployment) persistence() []string {
	var mem []string
	if d.opts.MaxMemoryPolicy != "" {
		mem = append(mem, "--maxmemory", "1gb", "--maxmemory-policy", d.opts.MaxMemoryPolicy)
	}
	if d.opts.NoConfig {
		mem = append(mem, "--rename-command", "CONFIG", "")
	}
	if !d.opts.AppendOnly {
		return append(mem, "--save", "", "--appendonly", "no")
	}
	fsync := d.opts.AppendFsync
	if fsync == "" {
		fsync = "everysec"
	}
	return append(mem, "--save", "", "--appendonly", "yes", "--appendfsync", fsync)
}

// newNode makes a node of exe in dir; a redis-server gets the
// deployment's security flags after args.
func (d *deployment) newNode(exe, dir string, args ...string) (*node, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("node directory: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if exe == "redis-server" {
		_, port, _ := net.SplitHostPort(addr)
		args = append(args, d.sec.serverArgs(port)...)
	}
	return &node{exe: exe, addr: addr, dir: dir, args: args}, nil
}

func (d *deployment) startSingle(root string) error {
	n, err := d.newNode("redis-server", root, d.persistence()...)
	if err != nil {
		return err
	}
	d.data = []*node{n}
	return d.start()
}

// startCluster starts three masters with no replicas and joins them with
// redis-cli --cluster create, as the README's operations notes describe.
func (d *deployment) startCluster(root string) error {
	for i := range 3 {
		bus, err := freeAddr()
		if err != nil {
			return err
		}
		_, busPort, _ := net.SplitHostPort(bus)
		// cluster-port: the bus would otherwise be port+10000, which may
		// be taken or beyond 65535.
		n, err := d.newNode("redis-server", filepath.Join(root, "node"+strconv.Itoa(i)),
			append(d.persistence(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-node-timeout", "2000", "--cluster-port", busPort,
				// redis-cli --cluster reshard compares a key found on both
				// sides with DEBUG DIGEST-VALUE.
				"--enable-debug-command", "local",
				// A master whose slots all moved away stays a master (to
				// take them back), rather than become the replica of the
				// one that took its last slot.
				"--cluster-allow-replica-migration", "no")...)
		if err != nil {
			return err
		}
		d.data = append(d.data, n)
	}
	for _, n := range d.data {
		if err := n.start(); err != nil {
			return err
		}
	}
	for _, n := range d.data {
		if err := d.waitPing(n); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyWait)
	defer cancel()
	args := append(d.sec.cliArgs(), "--cluster", "create")
	args = append(args, d.addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-cli --cluster create: %w\n%s", err, out)
	}
	return d.waitCluster()
}

// startSentinel starts a master, a replica of it and one sentinel that
// fails over after a second without the master (quorum 1).
func (d *deployment) startSentinel(root string) error {
	if _, err := exec.LookPath("redis-sentinel"); err != nil {
		return errors.New("redis-sentinel not found on PATH; run scripts/ensure-redis.sh, which installs it")
	}
	// Either node may be the master after a failover: neither waits the
	// default 5 s before a full sync to a replica.
	args := append(d.persistence(), "--repl-diskless-sync-delay", "0")
	master, err := d.newNode("redis-server", filepath.Join(root, "master"), args...)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(master.addr)
	replica, err := d.newNode("redis-server", filepath.Join(root, "replica"), append(args, "--replicaof", host, port)...)
	if err != nil {
		return err
	}
	d.data = []*node{master, replica}
	sdir := filepath.Join(root, "sentinel")
	s, err := d.newNode("redis-sentinel", sdir)
	if err != nil {
		return err
	}
	// Sentinel rewrites its configuration file, so it gets one of its own.
	conf := filepath.Join(sdir, "sentinel.conf")
	body := fmt.Sprintf("sentinel monitor %[1]s %[2]s %[3]s 1\nsentinel down-after-milliseconds %[1]s 1000\n"+
		"sentinel failover-timeout %[1]s 3000\nsentinel parallel-syncs %[1]s 1\n"+
		"sentinel auth-pass %[1]s %[4]s\nrequirepass %[5]s\n", MasterName, host, port, d.sec.password, d.sec.sentinelPassword)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		return fmt.Errorf("sentinel.conf: %w", err)
	}
	s.pre = []string{conf}
	d.sentinels = []*node{s}
	if err := d.start(); err != nil {
		return err
	}
	if err := s.start(); err != nil {
		return err
	}
	if err := s.waitPing(&redis.Options{Addr: s.addr, Password: d.sec.sentinelPassword}); err != nil {
		return err
	}
	return d.waitSentinel()
}

// start starts every data node that is not running and waits until the
// deployment serves.
func (d *deployment) start() error {
	for _, n := range d.data {
		if err := n.start(); err != nil {
			return err
		}
	}
	for _, n := range d.data {
		if err := d.waitPing(n); err != nil {
			return err
		}
	}
	switch d.opts.Topology {
	case Cluster:
		return d.waitCluster()
	case Sentinel:
		if len(d.sentinels) > 0 && d.sentinels[0].running() {
			return d.waitSentinel()
		}
	}
	return nil
}

func (d *deployment) stopData() {
	for _, n := range d.data {
		n.kill()
	}
}

func (d *deployment) stopAll() {
	for _, n := range d.sentinels {
		n.kill()
	}
	d.stopData()
}

func (d *deployment) addrs() []string {
	var out []string
	for _, n := range d.data {
		out = append(out, n.addr)
	}
	return out
}

// client is a client for the deployment with the store's test settings:
// a short dial, one retry, deadlines from the context.
func (d *deployment) client() redis.UniversalClient {
	dial := 300 * time.Millisecond
	if d.sec.tls != nil {
		// A TLS handshake on a busy test machine takes longer than a
		// connection alone; the store's deadline still bounds each call.
		dial = 2 * time.Second
	}
	switch d.opts.Topology {
	case Cluster:
		// As the bot's (cmd/outreachbot/run.go): without routing policies,
		// whose COMMAND lookup ignores the caller's deadline.
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: d.addrs(), ContextTimeoutEnabled: true, MaxRetries: 1, DialTimeout: dial,
			DisableRoutingPolicies: true, Password: d.sec.password, TLSConfig: d.sec.tlsConfig()})
	case Sentinel:
		var sentinels []string
		for _, n := range d.sentinels {
			sentinels = append(sentinels, n.addr)
		}
		return redis.NewFailoverClient(&redis.FailoverOptions{MasterName: MasterName, SentinelAddrs: sentinels,
			ContextTimeoutEnabled: true, MaxRetries: 1, DialTimeout: dial,
			Password: d.sec.password, SentinelPassword: d.sec.sentinelPassword, TLSConfig: d.sec.tlsConfig()})
	default:
		return redis.NewClient(&redis.Options{Addr: d.data[0].addr, ContextTimeoutEnabled: true, MaxRetries: 1, DialTimeout: dial})
	}
}

// flush empties every master.
func (d *deployment) flush() error {
	c := d.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return eachMaster(ctx, c, func(ctx context.Context, m redis.Cmdable) error { return m.FlushAll(ctx).Err() })
}

// waitCluster waits until every master says the cluster is ok, with all
// slots assigned and every node known.
func (d *deployment) waitCluster() error {
	return poll(func(ctx context.Context) error {
		for _, n := range d.data {
			c := redis.NewClient(d.nodeOptions(n.addr))
			info, err := c.ClusterInfo(ctx).Result()
			c.Close()
			if err != nil {
				return err
			}
			for _, want := range []string{"cluster_state:ok", "cluster_slots_ok:16384", "cluster_known_nodes:" + strconv.Itoa(len(d.data))} {
				if !strings.Contains(info, want+"\r\n") {
					return fmt.Errorf("%s: CLUSTER INFO lacks %s", n.addr, want)
				}
			}
		}
		return nil
	})
}

// waitSentinel waits until the sentinel names a master that answers and
// has its replica online, so that a failover has somewhere to go.
func (d *deployment) waitSentinel() error {
	return poll(func(ctx context.Context) error {
		addr, err := d.sentinelMaster(ctx)
		if err != nil {
			return err
		}
		c := redis.NewClient(d.nodeOptions(addr))
		defer c.Close()
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "role:master") || !strings.Contains(info, "state=online") {
			return fmt.Errorf("master %s has no replica online yet", addr)
		}
		return nil
	})
}

func (d *deployment) sentinelMaster(ctx context.Context) (string, error) {
	if len(d.sentinels) == 0 {
		return "", errors.New("no sentinel")
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: d.sentinels[0].addr, MaxRetries: -1, Password: d.sec.sentinelPassword})
	defer sc.Close()
	hp, err := sc.GetMasterAddrByName(ctx, MasterName).Result()
	if err != nil {
		return "", fmt.Errorf("sentinel: master address: %w", err)
	}
	if len(hp) != 2 {
		return "", fmt.Errorf("sentinel: master address %v", hp)
	}
	return net.JoinHostPort(hp[0], hp[1]), nil
}

// poll runs f every 50 ms until it succeeds or readyWait passes. It
// waits for other processes, on real time: readyWait is the context's
// deadline, not a clock the tests move.
func poll(f func(ctx context.Context) error) error {
	all, cancelAll := context.WithTimeout(context.Background(), readyWait)
	defer cancelAll()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(all, time.Second)
		err := f(ctx)
		cancel()
		if err == nil || errors.Is(err, errExited) {
			return err
		}
		select {
		case <-all.Done():
			return fmt.Errorf("not ready after %v: %w", readyWait, err)
		case <-tick.C:
		}
	}
}

// nodeOptions are a client's options for the data node at addr: no
// retries, the deployment's password and TLS.
func (d *deployment) nodeOptions(addr string) *redis.Options {
	o := d.sec.nodeOptions(addr)
	o.MaxRetries = -1
	return o
}

func (d *deployment) waitPing(n *node) error { return n.waitPing(d.nodeOptions(n.addr)) }

// waitPing waits until the node answers PING, giving up at once, with the
// last line of its log, when its process has exited.
func (n *node) waitPing(o *redis.Options) error {
	o.MaxRetries = -1
	c := redis.NewClient(o)
	defer c.Close()
	return poll(func(ctx context.Context) error {
		if n.exited() {
			return fmt.Errorf("%s on %s: %w: %s", n.exe, n.addr, errExited, n.lastLog())
		}
		return c.Ping(ctx).Err()
	})
}

func (n *node) start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.exe == embeddedExe {
		if n.mini != nil {
			return nil
		}
		// A fresh store on the same port: like a killed redis-server
		// without persistence, it comes back empty.
		n.mini = miniredis.NewMiniRedis()
		if err := n.mini.StartAddr(n.addr); err != nil {
			n.mini = nil
			return fmt.Errorf("start the embedded store on %s: %w", n.addr, err)
		}
		return nil
	}
	if n.cmd != nil {
		return nil
	}
	host, port, _ := net.SplitHostPort(n.addr)
	args := append(append([]string(nil), n.pre...), "--bind", host, "--port", port, "--dir", n.dir,
		"--logfile", filepath.Join(n.dir, "redis.log"), "--daemonize", "no")
	cmd := exec.Command(n.exe, append(args, n.args...)...)
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s on %s: %w", n.exe, n.addr, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	n.cmd, n.done = cmd, done
	return nil
}

// exited reports whether the node's process has ended on its own.
func (n *node) exited() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.done == nil {
		return false
	}
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// lastLog is the last line of the node's log, which says why it exited.
func (n *node) lastLog() string {
	b, err := os.ReadFile(filepath.Join(n.dir, "redis.log"))
	if err != nil {
		return "no log"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

func (n *node) running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd != nil || n.mini != nil
}

// kill sends SIGKILL and waits for the process to end.
func (n *node) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.mini != nil {
		n.mini.Close()
		n.mini = nil
		return
	}
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Kill()
	<-n.done
	n.cmd, n.done = nil, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}
