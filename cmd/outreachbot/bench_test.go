//go:build bench

package main

// The benchmark of SPEC §8, run by `make bench` (scripts/bench.sh):
//
//	go test -tags bench -run '^TestBench' -count=1 -v ./cmd/outreachbot/
//
// It drives `outreachbot run` itself, as the end-to-end tests do: the fake
// Slack (slacktest/) delivers slash commands over the Socket Mode
// WebSocket, the bot stores each contact in a real redis-server that keeps
// an append-only file (appendfsync everysec), and the fake times every ack.
// Each figure is printed beside the raw Redis round trip measured on the
// same server in the same run. Figures are reported, never asserted: the
// run fails only when the system is broken (an error reply, a lost ack, a
// contact acknowledged but not stored).
//
// The scheduler's rows (due → posted, due scan, memory, fan-out, crash
// recovery) are in bench_sched_test.go, each on a system of its own.
//
// Subtests can be run alone, e.g. to profile one phase:
//
//	go test -tags bench -run '^TestBench$/^throughput$' -cpuprofile cpu.out ./cmd/outreachbot/

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store/storetest"
)

const (
	benchChannel = "C0OUTREACH"
	benchUsers   = 50

	benchRate        = 1000             // commands/s in the latency phase (SPEC §8)
	benchLatencyRun  = 10 * time.Second // measured
	benchLatencyWarm = 2 * time.Second  // at the same rate, not measured

	benchWindowRamp = 500 * time.Millisecond // per window, not measured
	benchWindowRun  = 3 * time.Second        // per window, measured

	benchLadderRun = 3 * time.Second // per rung, at benchRate

	benchPings     = 10000
	benchRawWriter = 16
	benchRawRun    = 2 * time.Second
)

// benchWindows are the in-flight windows of the throughput phase;
// BENCH_WINDOWS=64,1024 picks others (to profile one, say).
func benchWindows(t *testing.T) []int {
	env := os.Getenv("BENCH_WINDOWS")
	if env == "" {
		return []int{64, 256, 1024}
	}
	var ws []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			t.Fatalf("BENCH_WINDOWS=%q: want comma-separated positive counts", env)
		}
		ws = append(ws, n)
	}
	return ws
}

// benchPartners are registered first; commands rotate over them, each named
// by a unique start of its name, so every `log` resolves a partner by prefix
// as people type it.
var benchPartners = []struct{ add, ref string }{
	{`partner add "County Health Dept" kind:public-health`, "county"},
	{`partner add "Eastside Community Clinic" kind:clinic`, "eastside"},
	{`partner add "St. Mary's Hospital" kind:hospital`, "st"},
	{`partner add "Healthy Futures Coalition" kind:nonprofit`, "healthy"},
	{`partner add "Lincoln Elementary School" kind:school`, "lincoln"},
	{`partner add "Main Street Pharmacy" kind:pharmacy`, "main"},
	{`partner add "Grace Community Church" kind:faith`, "grace"},
	{`partner add "Riverside Senior Center" kind:nonprofit`, "riverside"},
}

// bench is one running system: fake Slack, Redis with AOF, and the bot.
type bench struct {
	*e2e
	rdb         *redis.Client // the benchmark's own connection, for INFO and the raw anchors
	seq         atomic.Int64  // commands issued, for distinct summaries and rotation
	logged      atomic.Int64  // acks that said the contact was logged
	compactions atomic.Int64  // BGREWRITEAOF by compact
	replayed    atomic.Int64  // `log` calls replayed straight to Redis, each one more contact

	start struct { // for the whole run's CPU accounting
		at       time.Time
		self     time.Duration
		redisCPU float64
		machine  machineCPU
	}

	mu      sync.Mutex
	results benchResults
}

type benchResults struct {
	machine []string

	pingN              int
	pingP50, pingP99   time.Duration
	pingP999           time.Duration
	hsetPerSec         float64
	idleReadsPerSecond float64

	latency *latencyResult
	ladder  []rungResult
	windows []windowResult

	acked, stored, replayed int64 // contacts acknowledged as logged, found in Redis, replayed by the ladder
	aof                     aofStats
	redisStalls             []string // LATENCY LATEST: Redis's own events over 5 ms
	gcCount                 int64
	gcMaxPause              time.Duration // stop-the-world pauses of this process, whole run
	otherCPU                float64       // CPUs busy with other processes, whole run

	botCPU    []cpuRun        // bench_plain_test.go
	sched     schedResults    // bench_sched_test.go
	impact    []*impactResult // bench_impact_test.go, one a size
	imports   []*importResult // bench_import_test.go
	search    *searchResult   // bench_search_test.go
	recurring *recurResult    // bench_recur_test.go
}

// aofStats is what the append-only file did during the whole run.
type aofStats struct {
	bytes, forks, delayedFsyncs int64
}

type latencyResult struct {
	n                           int
	mean                        time.Duration
	p50, p99, p999, max         time.Duration
	lagP99, lagMax              time.Duration
	rate                        float64
	failures                    int
	firstFailure                string
	botMean                     time.Duration // dispatch → ack handed to the socket, from the bot's own histogram
	botUnderHalfMS, botUnder1MS float64
	redisUsecPerLog             float64
	forks                       int64 // AOF rewrites during the measured run
	redisCPUPerLog              time.Duration
	goCPUPerLog                 time.Duration
	otherCPU                    float64 // CPUs busy with neither Redis nor this process
}

type rungResult struct {
	name        string
	n, failures int
	p50, p99    time.Duration
}

type windowResult struct {
	window         int
	perSecond      float64
	p50, p99, max  time.Duration
	commands       int64
	failures       int
	firstFailure   string
	readsPerCmd    float64 // server read events (round trips) per command
	scriptsPerCmd  float64 // EVALSHA/EVAL calls per command
	commandsPerCmd float64 // every command Redis executed, inside scripts too
	redisUsecPer   float64 // Redis time inside the script per command
	redisCPUPer    time.Duration
	goCPUPer       time.Duration
	redisCPUShare  float64 // Redis CPU seconds per wall second
	goCPUShare     float64
	forks          int64 // AOF rewrites during the window
	machine        machineCPU
	otherCPU       float64       // CPUs busy with neither Redis nor this process
	longestSilence time.Duration // longest time without any ack while measuring
}

func TestBench(t *testing.T) {
	b := startBench(t)
	t.Run("raw", b.raw)
	b.setup(t)
	t.Run("latency", b.latency)
	t.Run("ladder", b.ladder)
	t.Run("throughput", b.throughput)
	b.verifyStored(t)
	// The bot's own CPU beside a plain slack-go bot's (bench_plain_test.go).
	t.Run("bot-cpu", b.botCPU)
	// The scheduler's rows (bench_sched_test.go), each on a system of its own.
	t.Run("due-posted", b.duePosted)
	t.Run("due-scan", b.dueScan)
	t.Run("memory", b.memory)
	t.Run("fan-out", b.fanOut)
	t.Run("fan-out-budget", b.fanOutBudget)
	t.Run("crash", b.crash)
	t.Run("outage", b.outage)
	t.Run("impact", b.impact)
	t.Run("import", b.importRow)
	t.Run("search", b.search)
	t.Run("recurring", b.recurring)
	b.print(os.Stdout)
}

// startBench starts the fake Slack with benchUsers home-team users, a
// redis-server with appendonly yes / appendfsync everysec, and the bot,
// and waits until the bot's socket is connected.
func startBench(t *testing.T) *bench {
	t.Helper()
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Logf: t.Logf})
	t.Cleanup(fs.Close)
	for i := range benchUsers {
		fs.AddUser(slacktest.User{ID: benchUser(i), TeamID: home, Name: fmt.Sprintf("bench%02d", i), TZ: "America/New_York"})
	}
	fs.AddChannel(slacktest.Channel{ID: benchChannel, Name: "outreach-team"})
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	e := launchBot(t, fs, rs, nil, clockwork.NewRealClock())
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr(), PoolSize: 2 * benchRawWriter})
	t.Cleanup(func() { _ = rdb.Close() })
	b := &bench{e2e: e, rdb: rdb}
	// Redis records its own stalls over 5 ms (AOF writes waiting for an
	// fsync, forks, slow commands); the report lists them.
	if err := rdb.ConfigSet(context.Background(), "latency-monitor-threshold", "5").Err(); err != nil {
		t.Fatalf("CONFIG SET latency-monitor-threshold: %v", err)
	}
	b.results.machine = b.machine(t)
	b.start.at, b.start.self, b.start.redisCPU, b.start.machine = time.Now(), cpuNow(), b.redisCPU(t), machineNow()
	return b
}

func benchUser(i int) string { return fmt.Sprintf("U0BENCH%02d", i) }

// next returns the next command's user and text.
func (b *bench) next() (user, text string) {
	n := b.seq.Add(1)
	p := benchPartners[int(n)%len(benchPartners)]
	return benchUser(int(n) % benchUsers), fmt.Sprintf(`log %s call "Benchmark contact %d"`, p.ref, n)
}

// checkAck classifies one ack: "" for a contact logged, else what went wrong.
func (b *bench) checkAck(a slacktest.Ack, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case !bytes.Contains(a.Payload, []byte("Logged call")):
		return "reply was not a logged contact: " + clipString(string(a.Payload), 300)
	}
	b.logged.Add(1)
	return ""
}

// setup registers the partners and warms every user's users.info cache
// entry: after this, a `log` costs what it costs in a team that has been
// using the bot for a while.
func (b *bench) setup(t *testing.T) {
	for _, p := range benchPartners {
		if r := b.slash("U0BENCH00", benchChannel, p.add); !strings.Contains(r.Text, "Added") {
			t.Fatalf("%s: %s", p.add, r.raw)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range benchUsers {
		_, text := b.next()
		a, err := b.slack.SlashCommand(ctx, benchUser(i), benchChannel, "/outreach", text)
		if why := b.checkAck(a, err); why != "" {
			t.Fatalf("warm-up /outreach %s: %s", text, why)
		}
	}
}

// raw measures the anchors: sequential PING over one connection, and
// parallel HSET from benchRawWriter goroutines, on the bench's Redis.
func (b *bench) raw(t *testing.T) {
	ctx := context.Background()
	conn := b.rdb.Conn() // one connection, as a single caller sees it
	defer conn.Close()
	for range 1000 {
		if err := conn.Ping(ctx).Err(); err != nil {
			t.Fatalf("PING: %v", err)
		}
	}
	lat := make([]time.Duration, benchPings)
	for i := range lat {
		start := time.Now()
		if err := conn.Ping(ctx).Err(); err != nil {
			t.Fatalf("PING: %v", err)
		}
		lat[i] = time.Since(start)
	}
	slices.Sort(lat)

	value := strings.Repeat("x", 200) // about a contact's JSON
	var writes atomic.Int64
	var failed atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range benchRawWriter {
		wg.Go(func() {
			key := fmt.Sprintf("bench:raw:%d", g)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := b.rdb.HSet(ctx, key, strconv.Itoa(i%1000), value).Err(); err != nil {
					failed.Store(err)
					return
				}
				writes.Add(1)
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // ramp
	w0, t0 := writes.Load(), time.Now()
	time.Sleep(benchRawRun)
	w1, t1 := writes.Load(), time.Now()
	close(stop)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		t.Fatalf("raw HSET: %v", err)
	}
	for g := range benchRawWriter {
		b.rdb.Del(ctx, fmt.Sprintf("bench:raw:%d", g))
	}

	// Background traffic, if any (a scheduler polling Redis), would be
	// counted in the per-command figures below; measure it.
	before := b.info(t)
	time.Sleep(500 * time.Millisecond)
	after := b.info(t)
	idle := float64(after.delta(before).reads) / 0.5

	b.mu.Lock()
	defer b.mu.Unlock()
	r := &b.results
	r.pingN = len(lat)
	r.pingP50, r.pingP99, r.pingP999 = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999)
	r.hsetPerSec = float64(w1-w0) / t1.Sub(t0).Seconds()
	r.idleReadsPerSecond = idle
}

// latency sends `log` at a steady benchRate per second, on a computed
// schedule (open loop: a slow ack does not delay the next command), and
// reads each ack's latency as the fake measured it: envelope frame
// written → ack frame read.
func (b *bench) latency(t *testing.T) {
	b.compact(t)
	if _, _, failures, first := b.paced(benchLatencyWarm); failures > 0 { // warm-up at the same rate
		t.Errorf("warm-up: %d commands failed; first: %s", failures, first)
	}
	m0, err := b.scrapeAckHistogram()
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	i0, c0, mc0, t0 := b.info(t), cpuNow(), machineNow(), time.Now()
	lat, lag, failures, first := b.paced(benchLatencyRun)
	i1, c1, mc1, t1 := b.info(t), cpuNow(), machineNow(), time.Now()
	m1, err := b.scrapeAckHistogram()
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	slices.Sort(lag)
	d := i1.delta(i0)
	n := len(lat) + failures
	res := &latencyResult{
		n: n, failures: failures, firstFailure: first, forks: d.forks,
		rate:   float64(n) / benchLatencyRun.Seconds(),
		lagP99: pct(lag, 0.99), lagMax: lag[len(lag)-1],
	}
	if len(lat) > 0 {
		res.p50, res.p99, res.p999, res.max = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999), lat[len(lat)-1]
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		res.mean = sum / time.Duration(len(lat))
	}
	if hd := m1.delta(m0); hd.count > 0 {
		res.botMean = time.Duration(hd.sum / hd.count * float64(time.Second))
		res.botUnderHalfMS = hd.le[0.0005] / hd.count
		res.botUnder1MS = hd.le[0.001] / hd.count
	}
	if d.scriptCalls > 0 {
		res.redisUsecPerLog = d.scriptUsec / float64(d.scriptCalls)
	}
	if n > 0 {
		res.redisCPUPerLog = time.Duration(d.redisCPU / float64(n) * float64(time.Second))
		res.goCPUPerLog = (c1 - c0) / time.Duration(n)
	}
	elapsed := t1.Sub(t0)
	res.otherCPU = mc1.delta(mc0, elapsed).busy - d.redisCPU/elapsed.Seconds() - (c1-c0).Seconds()/elapsed.Seconds()
	b.mu.Lock()
	b.results.latency = res
	b.mu.Unlock()
	if failures > 0 {
		t.Errorf("%d of %d commands failed; first: %s", failures, n, first)
	}
}

// paced runs `log` at benchRate for dur and returns the ack latencies of
// the successful commands, how late each command left against its
// schedule, and the failures.
func (b *bench) paced(dur time.Duration) (lat, lag []time.Duration, failures int, first string) {
	return b.pacedWith(dur, b.sendLog, b.checkAck)
}

// sendLog delivers the next `log` command without waiting for its ack.
func (b *bench) sendLog() (<-chan slacktest.AckResult, error) {
	user, text := b.next()
	return b.slack.SlashCommandAsync(user, benchChannel, "/outreach", text)
}

// pacedWith sends at benchRate for dur on a computed schedule (open loop:
// a slow ack does not delay the next envelope) and checks every ack.
func (b *bench) pacedWith(dur time.Duration, send func() (<-chan slacktest.AckResult, error),
	check func(slacktest.Ack, error) string) (lat, lag []time.Duration, failures int, first string) {
	n := int(dur.Seconds() * benchRate)
	interval := time.Second / benchRate
	chans := make([]<-chan slacktest.AckResult, n)
	lag = make([]time.Duration, n)
	fail := func(why string) {
		if failures == 0 {
			first = why
		}
		failures++
	}
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		lag[i] = max(0, time.Since(due))
		ch, err := send()
		if err != nil {
			fail(err.Error())
			continue
		}
		chans[i] = ch
	}
	lat = make([]time.Duration, 0, n)
	for _, ch := range chans {
		if ch == nil {
			continue
		}
		r := <-ch
		if why := check(r.Ack, r.Err); why != "" {
			fail(why)
			continue
		}
		lat = append(lat, r.Latency)
	}
	slices.Sort(lat)
	return lat, lag, failures, first
}

// ladder takes the ack latency apart at the same steady rate, one rung at a
// time. Redis alone, from a bare go-redis client: PING, a small HSET (a
// write, so it waits for the AOF write like every write), and the very
// EVALSHA the bot sends for a `log` (captured with MONITOR and replayed).
// Then the bot: an Events API envelope it acks before any work (the socket
// path: fake ⇄ WebSocket ⇄ the bot's reader and dispatch), a slash
// command it answers without Redis (plus the handler goroutine, users.info
// cache, parsing and the reply), and `log` itself (plus the store and Redis).
func (b *bench) ladder(t *testing.T) {
	ctx := context.Background()
	evalsha := b.captureLogCall(t)
	conn := b.rdb.Conn()
	defer conn.Close()
	value := strings.Repeat("x", 200)
	redisRung := func(call func() error) func() (<-chan slacktest.AckResult, error) {
		return func() (<-chan slacktest.AckResult, error) {
			ch := make(chan slacktest.AckResult, 1)
			start := time.Now()
			err := call()
			ch <- slacktest.AckResult{Ack: slacktest.Ack{Latency: time.Since(start)}, Err: err}
			return ch, nil
		}
	}
	errOnly := func(_ slacktest.Ack, err error) string {
		if err != nil {
			return err.Error()
		}
		return ""
	}
	rungs := []struct {
		name  string
		send  func() (<-chan slacktest.AckResult, error)
		check func(slacktest.Ack, error) string
	}{
		{"Redis alone: PING", redisRung(func() error { return conn.Ping(ctx).Err() }), errOnly},
		{"Redis alone: HSET of 200 B", redisRung(func() error { return conn.HSet(ctx, "bench:raw:hset", "f", value).Err() }), errOnly},
		{"Redis alone: the bot's `log` EVALSHA, replayed", redisRung(func() error {
			b.replayed.Add(1) // each replay logs one more contact
			return conn.Do(ctx, evalsha...).Err()
		}), errOnly},
		{"bot: events_api envelope, acked before any work", func() (<-chan slacktest.AckResult, error) {
			ch := make(chan slacktest.AckResult, 1)
			user := benchUser(int(b.seq.Add(1)) % benchUsers)
			// A Home tab event for the messages tab: the bot acks it in
			// its event loop, then ignores it.
			ev := map[string]any{"type": "app_home_opened", "user": user, "channel": "D0" + user[1:], "tab": "messages",
				"event_ts": strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', 6, 64)}
			go func() {
				_, a, err := b.slack.SendEvent(ctx, ev, false)
				ch <- slacktest.AckResult{Ack: a, Err: err}
			}()
			return ch, nil
		}, errOnly},
		{"bot: slash command answered without Redis", func() (<-chan slacktest.AckResult, error) {
			user := benchUser(int(b.seq.Add(1)) % benchUsers)
			return b.slack.SlashCommandAsync(user, benchChannel, "/outreach", `log county "Benchmark contact without a method"`)
		}, func(a slacktest.Ack, err error) string {
			switch {
			case err != nil:
				return err.Error()
			case !bytes.Contains(a.Payload, []byte("How did you reach them")):
				return "unexpected reply: " + clipString(string(a.Payload), 300)
			}
			return ""
		}},
		{"bot: slash command `log`", b.sendLog, b.checkAck},
	}
	for _, r := range rungs {
		lat, _, failures, first := b.pacedWith(benchLadderRun, r.send, r.check)
		res := rungResult{name: r.name, n: len(lat) + failures, failures: failures}
		if len(lat) > 0 {
			res.p50, res.p99 = pct(lat, 0.50), pct(lat, 0.99)
		}
		b.mu.Lock()
		b.results.ladder = append(b.results.ladder, res)
		b.mu.Unlock()
		if failures > 0 {
			t.Errorf("%s: %d of %d failed; first: %s", r.name, failures, res.n, first)
		}
	}
	conn.Del(ctx, "bench:raw:hset")
}

// captureLogCall returns the Redis command the bot sends for one `log`,
// watched with MONITOR on a connection of its own.
func (b *bench) captureLogCall(t *testing.T) []any {
	t.Helper()
	c, err := net.DialTimeout("tcp", b.redis.Addr(), time.Second)
	if err != nil {
		t.Fatalf("MONITOR: %v", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatalf("MONITOR: %v", err)
	}
	rd := bufio.NewReader(c)
	if line, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		t.Fatalf("MONITOR: %q %v", line, err)
	}
	done := make(chan string, 1)
	go func() {
		user, text := b.next()
		a, err := b.slack.SlashCommand(context.Background(), user, benchChannel, "/outreach", text)
		done <- b.checkAck(a, err)
	}()
	var args []any
	for args == nil {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("MONITOR: no EVALSHA/EVAL seen: %v", err)
		}
		_, rest, ok := strings.Cut(line, "] ")
		if !ok {
			continue
		}
		words, err := unquoteMonitor(strings.TrimRight(rest, "\r\n"))
		if err != nil {
			t.Fatalf("MONITOR line %q: %v", line, err)
		}
		if len(words) > 0 && (strings.EqualFold(words[0], "evalsha") || strings.EqualFold(words[0], "eval")) {
			for _, w := range words {
				args = append(args, w)
			}
		}
	}
	if why := <-done; why != "" {
		t.Fatalf("the captured `log`: %s", why)
	}
	return args
}

// unquoteMonitor splits a MONITOR line's arguments: each is in double
// quotes, with \\, \", \n, \r, \t, \a, \b and \xHH escapes (Redis's
// sdscatrepr).
func unquoteMonitor(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		if s[i] != '"' {
			return nil, fmt.Errorf("expected a quote at %d", i)
		}
		i++
		var w []byte
		for {
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated quote")
			}
			c := s[i]
			if c == '"' {
				i++
				break
			}
			if c != '\\' {
				w = append(w, c)
				i++
				continue
			}
			if i+1 >= len(s) {
				return nil, fmt.Errorf("dangling escape")
			}
			switch e := s[i+1]; e {
			case 'n':
				w = append(w, '\n')
			case 'r':
				w = append(w, '\r')
			case 't':
				w = append(w, '\t')
			case 'a':
				w = append(w, '\a')
			case 'b':
				w = append(w, '\b')
			case 'x':
				if i+3 >= len(s) {
					return nil, fmt.Errorf("short \\x escape")
				}
				v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
				if err != nil {
					return nil, err
				}
				w = append(w, byte(v))
				i += 2
			default:
				w = append(w, e)
			}
			i += 2
		}
		out = append(out, string(w))
	}
	return out, nil
}

// throughput saturates the bot over its one socket with a bounded number
// of commands in flight: window workers, each sending a command and
// waiting for its ack before the next.
func (b *bench) throughput(t *testing.T) {
	for _, w := range benchWindows(t) {
		res := b.window(t, w)
		b.mu.Lock()
		b.results.windows = append(b.results.windows, res)
		b.mu.Unlock()
		if res.failures > 0 {
			t.Errorf("window %d: %d of %d commands failed; first: %s", w, res.failures, res.commands, res.firstFailure)
		}
	}
}

func (b *bench) window(t *testing.T, window int) windowResult {
	ctx := context.Background()
	var done atomic.Int64
	var stop atomic.Bool
	type workerOut struct {
		lat      []time.Duration
		at       []time.Duration // when each ack came, since the window began
		failures int
		first    string
	}
	outs := make([]workerOut, window)
	var measuring atomic.Bool
	b.compact(t)
	i0 := b.info(t)
	began := time.Now()
	var wg sync.WaitGroup
	for w := range window {
		wg.Go(func() {
			o := &outs[w]
			for !stop.Load() {
				user, text := b.next()
				a, err := b.slack.SlashCommand(ctx, user, benchChannel, "/outreach", text)
				if why := b.checkAck(a, err); why != "" {
					if o.failures == 0 {
						o.first = why
					}
					o.failures++
				} else if measuring.Load() {
					o.lat = append(o.lat, a.Latency)
					o.at = append(o.at, time.Since(began))
				}
				done.Add(1)
			}
		})
	}
	time.Sleep(benchWindowRamp)
	measuring.Store(true)
	d0, t0, c0, m0 := done.Load(), time.Now(), cpuNow(), machineNow()
	r0 := b.redisCPU(t)
	time.Sleep(benchWindowRun)
	d1, t1, c1, m1 := done.Load(), time.Now(), cpuNow(), machineNow()
	r1 := b.redisCPU(t)
	measuring.Store(false)
	stop.Store(true)
	wg.Wait()
	i1 := b.info(t)

	res := windowResult{window: window, commands: done.Load(), forks: i1.delta(i0).forks}
	var lat, at []time.Duration
	for _, o := range outs {
		lat = append(lat, o.lat...)
		at = append(at, o.at...)
		if o.failures > 0 && res.failures == 0 {
			res.firstFailure = o.first
		}
		res.failures += o.failures
	}
	slices.Sort(lat)
	slices.Sort(at)
	for i := 1; i < len(at); i++ {
		res.longestSilence = max(res.longestSilence, at[i]-at[i-1])
	}
	elapsed := t1.Sub(t0)
	res.perSecond = float64(d1-d0) / elapsed.Seconds()
	if len(lat) > 0 {
		res.p50, res.p99, res.max = pct(lat, 0.50), pct(lat, 0.99), lat[len(lat)-1]
	}
	// Redis counters are taken idle before and after the window, so they
	// cover exactly res.commands commands (ramp and drain included).
	d := i1.delta(i0)
	if c := float64(res.commands); c > 0 {
		res.readsPerCmd = float64(d.reads) / c
		res.scriptsPerCmd = float64(d.scriptCalls) / c
		res.commandsPerCmd = float64(d.commands) / c
	}
	if d.scriptCalls > 0 {
		res.redisUsecPer = d.scriptUsec / float64(d.scriptCalls)
	}
	if n := d1 - d0; n > 0 {
		res.redisCPUPer = time.Duration((r1 - r0) / float64(n) * float64(time.Second))
		res.goCPUPer = (c1 - c0) / time.Duration(n)
	}
	res.redisCPUShare = (r1 - r0) / elapsed.Seconds()
	res.goCPUShare = (c1 - c0).Seconds() / elapsed.Seconds()
	res.machine = m1.delta(m0, elapsed)
	res.otherCPU = res.machine.busy - res.redisCPUShare - res.goCPUShare
	return res
}

// verifyStored checks that every acknowledged contact is in Redis: the
// contact counter the log script increments equals the acks that said
// "Logged call".
func (b *bench) verifyStored(t *testing.T) {
	got, err := b.rdb.Get(context.Background(), "outreach:{"+home+"}:seq:contact").Int64()
	if err != nil {
		t.Fatalf("contact counter: %v", err)
	}
	want := b.logged.Load() + b.replayed.Load()
	if got != want {
		t.Errorf("Redis holds %d contacts; %d were acknowledged as logged (and %d replayed)", got, b.logged.Load(), b.replayed.Load())
	}
	var stalls []string
	if latest, err := b.rdb.Do(context.Background(), "LATENCY", "LATEST").Slice(); err == nil {
		for _, ev := range latest {
			f, ok := ev.([]any)
			if !ok || len(f) < 4 {
				continue
			}
			stalls = append(stalls, fmt.Sprintf("%v (worst %v ms)", f[0], f[3]))
		}
	}
	elapsed := time.Since(b.start.at)
	other := machineNow().delta(b.start.machine, elapsed).busy - (b.redisCPU(t)-b.start.redisCPU)/elapsed.Seconds() - (cpuNow()-b.start.self).Seconds()/elapsed.Seconds()
	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&gc)
	kv := parseInfo(b.rdb.Info(context.Background(), "persistence", "stats").Val())
	num := func(k string) int64 { n, _ := strconv.ParseInt(kv[k], 10, 64); return n }
	b.mu.Lock()
	defer b.mu.Unlock()
	b.results.acked, b.results.stored, b.results.replayed = b.logged.Load(), got, b.replayed.Load()
	b.results.aof = aofStats{bytes: num("aof_current_size"), forks: num("total_forks"), delayedFsyncs: num("aof_delayed_fsync")}
	b.results.redisStalls = stalls
	b.results.otherCPU = other
	b.results.gcCount, b.results.gcMaxPause = gc.NumGC, gc.PauseQuantiles[4]
}

// redisInfo is what the benchmark reads from INFO.
type redisInfo struct {
	commands, reads, infoCalls, scriptCalls int64
	forks                                   int64 // AOF rewrites (no RDB snapshots here)
	scriptUsec                              float64
	redisCPU                                float64 // used_cpu_user + used_cpu_sys, seconds
}

func (a redisInfo) delta(b redisInfo) redisInfo {
	d := redisInfo{
		commands: a.commands - b.commands, reads: a.reads - b.reads, infoCalls: a.infoCalls - b.infoCalls,
		scriptCalls: a.scriptCalls - b.scriptCalls, scriptUsec: a.scriptUsec - b.scriptUsec, redisCPU: a.redisCPU - b.redisCPU,
		forks: a.forks - b.forks,
	}
	// One INFO per snapshot: the earlier one is counted as a command (after
	// it ran), the later one as a read (when it arrived). Neither is the bot's.
	d.commands -= d.infoCalls
	d.reads -= d.infoCalls
	return d
}

func (b *bench) info(t *testing.T) redisInfo {
	t.Helper()
	s, err := b.rdb.Info(context.Background(), "stats", "commandstats", "cpu").Result()
	if err != nil {
		t.Fatalf("INFO: %v", err)
	}
	kv := parseInfo(s)
	var r redisInfo
	r.commands, _ = strconv.ParseInt(kv["total_commands_processed"], 10, 64)
	r.reads, _ = strconv.ParseInt(kv["total_reads_processed"], 10, 64)
	r.forks, _ = strconv.ParseInt(kv["total_forks"], 10, 64)
	r.infoCalls, _ = cmdstat(kv, "info")
	for _, c := range []string{"evalsha", "eval"} {
		calls, usec := cmdstat(kv, c)
		r.scriptCalls += calls
		r.scriptUsec += usec
	}
	r.redisCPU = cpuSeconds(kv)
	return r
}

// compact rewrites the append-only file while the bot is idle and waits
// for the rewrite to finish, so that each measured phase starts from the
// same AOF and an automatic rewrite (a fork, and a child process taking CPU)
// lands inside a phase only when the phase itself writes enough for one.
// Such rewrites are counted and shown beside the phase's figures.
func (b *bench) compact(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for i := 0; ; i++ {
		kv := parseInfo(b.rdb.Info(ctx, "persistence").Val())
		if kv["aof_rewrite_in_progress"] == "0" && kv["aof_rewrite_scheduled"] == "0" {
			if i > 0 {
				return
			}
			if err := b.rdb.BgRewriteAOF(ctx).Err(); err != nil {
				t.Fatalf("BGREWRITEAOF: %v", err)
			}
			b.compactions.Add(1)
		}
		if i > 3000 {
			t.Fatalf("AOF rewrite did not finish in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b *bench) redisCPU(t *testing.T) float64 {
	t.Helper()
	s, err := b.rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		t.Fatalf("INFO cpu: %v", err)
	}
	return cpuSeconds(parseInfo(s))
}

func cpuSeconds(kv map[string]string) float64 {
	u, _ := strconv.ParseFloat(kv["used_cpu_user"], 64)
	s, _ := strconv.ParseFloat(kv["used_cpu_sys"], 64)
	return u + s
}

func parseInfo(s string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			kv[k] = v
		}
	}
	return kv
}

// cmdstat reads "calls=…,usec=…" of one command from INFO commandstats.
func cmdstat(kv map[string]string, name string) (calls int64, usec float64) {
	for _, f := range strings.Split(kv["cmdstat_"+name], ",") {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "calls":
			calls, _ = strconv.ParseInt(v, 10, 64)
		case "usec":
			usec, _ = strconv.ParseFloat(v, 64)
		}
	}
	return calls, usec
}

// cpuNow is this process's CPU time (user + system): the bot, the fake
// Slack and the load generator, everything but redis-server.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU is the whole machine's CPU time from /proc/stat (Linux), to
// show whether anything besides the benchmark ran, and what the
// hypervisor took (steal).
type machineCPU struct {
	busy, steal float64 // seconds, or CPUs busy after delta
	// Loopback TCP trouble, machine-wide: retransmitted segments, RTO
	// timeouts, and zero windows advertised by a receiver that fell behind
	// (the sender then waits for a window probe, 200 ms or more).
	retrans, timeouts, zeroWindows int64
}

func machineNow() machineCPU {
	var m machineCPU
	tcp := tcpCounters()
	m.retrans, m.timeouts, m.zeroWindows = tcp["Tcp:RetransSegs"], tcp["TcpExt:TCPTimeouts"], tcp["TcpExt:TCPToZeroWindowAdv"]
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return m
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return m
	}
	v := func(i int) float64 { n, _ := strconv.ParseFloat(f[i], 64); return n / 100 } // USER_HZ is 100 on Linux
	// user nice system idle iowait irq softirq steal
	m.busy, m.steal = v(1)+v(2)+v(3)+v(6)+v(7), v(8)
	return m
}

func (a machineCPU) delta(b machineCPU, d time.Duration) machineCPU {
	return machineCPU{busy: (a.busy - b.busy) / d.Seconds(), steal: (a.steal - b.steal) / d.Seconds(),
		retrans: a.retrans - b.retrans, timeouts: a.timeouts - b.timeouts, zeroWindows: a.zeroWindows - b.zeroWindows}
}

// tcpCounters reads the kernel's TCP counters (Linux), as "Tcp:RetransSegs".
func tcpCounters() map[string]int64 {
	out := map[string]int64{}
	for _, file := range []string{"/proc/net/snmp", "/proc/net/netstat"} {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i+1 < len(lines); i += 2 {
			names, values := strings.Fields(lines[i]), strings.Fields(lines[i+1])
			if len(names) != len(values) || len(names) == 0 || names[0] != values[0] {
				continue
			}
			for j := 1; j < len(names); j++ {
				n, _ := strconv.ParseInt(values[j], 10, 64)
				out[names[0]+names[j]] = n
			}
		}
	}
	return out
}

// ackHistogram is the bot's outreach_ack_latency_seconds for slash
// commands: envelope read and decoded → ack handed to the socket.
type ackHistogram struct {
	count, sum float64
	le         map[float64]float64
}

func (a ackHistogram) delta(b ackHistogram) ackHistogram {
	d := ackHistogram{count: a.count - b.count, sum: a.sum - b.sum, le: map[float64]float64{}}
	for k, v := range a.le {
		d.le[k] = v - b.le[k]
	}
	return d
}

func (b *bench) scrapeAckHistogram() (ackHistogram, error) {
	h := ackHistogram{le: map[float64]float64{}}
	resp, err := http.Get(b.httpURL + "/metrics")
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "outreach_ack_latency_seconds") || !strings.Contains(line, `type="slash_commands"`) {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "outreach_ack_latency_seconds_count"):
			h.count = v
		case strings.HasPrefix(line, "outreach_ack_latency_seconds_sum"):
			h.sum = v
		case strings.HasPrefix(line, "outreach_ack_latency_seconds_bucket"):
			_, rest, _ := strings.Cut(line, `le="`)
			le, _, _ := strings.Cut(rest, `"`)
			if f, err := strconv.ParseFloat(le, 64); err == nil {
				h.le[f] = v
			}
		}
	}
	return h, sc.Err()
}

// machine describes where the figures were measured.
func (b *bench) machine(t *testing.T) []string {
	ctx := context.Background()
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	server := parseInfo(b.rdb.Info(ctx, "server").Val())
	persist := parseInfo(b.rdb.Info(ctx, "persistence").Val())
	fsync, _ := b.rdb.ConfigGet(ctx, "appendfsync").Result()
	aof := "appendonly no"
	if persist["aof_enabled"] == "1" {
		aof = "appendonly yes, appendfsync " + fsync["appendfsync"]
	}
	if save, _ := b.rdb.ConfigGet(ctx, "save").Result(); save["save"] != "" {
		aof += ", RDB save " + save["save"]
	} else {
		aof += ", no RDB snapshots"
	}
	return []string{
		fmt.Sprintf("machine  %d CPUs (GOMAXPROCS %d), %s, %s/%s, %s", runtime.NumCPU(), runtime.GOMAXPROCS(0), cpu, runtime.GOOS, runtime.GOARCH, runtime.Version()),
		fmt.Sprintf("redis    redis-server %s, %s, loopback TCP (congestion control %s), sharing the CPUs", server["redis_version"], aof, tcpCongestionControl()),
		fmt.Sprintf("libs     go-redis %s, slack-go %s, gorilla/websocket %s", modVersion("github.com/redis/go-redis/v9"), modVersion("github.com/slack-go/slack"), modVersion("github.com/gorilla/websocket")),
		"setup    `outreachbot run` (LOG_LEVEL=warn) ⇄ fake Slack over one Socket Mode WebSocket, both in this process;",
		fmt.Sprintf("         %d partners, %d users (users.info cache warm), `/outreach log <partner> call \"…\"`", len(benchPartners), benchUsers),
	}
}

// tcpCongestionControl is the kernel's default for new TCP connections
// (Linux). With bbr, the loopback WebSocket of the throughput phase showed
// occasional stalls of about 210 ms (every ack late at once) that did not
// appear with cubic on both ends.
func tcpCongestionControl() string {
	data, err := os.ReadFile("/proc/sys/net/ipv4/tcp_congestion_control")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(data))
}

func modVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version + " (replaced)"
			}
			return d.Version
		}
	}
	return "unknown"
}

// print writes the report.
func (b *bench) print(w io.Writer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.results
	fmt.Fprintln(w, "BENCH-TABLE-BEGIN")
	fmt.Fprintf(w, "Outreach Bot: SPEC §8 performance, %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	for _, m := range r.machine {
		fmt.Fprintln(w, m)
	}
	fmt.Fprintln(w)

	tab := &table{}
	tab.row("figure", "measured", "target", "verdict", "beside the raw Redis round trip (same run)")
	tab.rule()
	if r.pingN > 0 {
		tab.row("raw Redis: PING p50, sequential, 1 conn", ms(r.pingP50), "", "", fmt.Sprintf("%s PINGs; p99.9 %s", count(float64(r.pingN)), ms(r.pingP999)))
		tab.row("raw Redis: PING p99", ms(r.pingP99), "", "", "")
		tab.row(fmt.Sprintf("raw Redis: HSET, %d goroutines", benchRawWriter), fmt.Sprintf("%s /s", count(r.hsetPerSec)), "", "", "writes/s; the throughput anchor")
		tab.rule()
	}
	if l := r.latency; l != nil {
		tab.row(fmt.Sprintf("ack latency of `log`, %s/s for %s", count(float64(benchRate)), strings.Replace(benchLatencyRun.String(), "s", " s", 1)), "", "", "",
			fmt.Sprintf("%s commands at %.1f/s%s%s", count(float64(l.n)), l.rate, rewrites(l.forks), shared(l.otherCPU)))
		tab.row("  p50", ms(l.p50), "≤ 0.5 ms (SPEC)", verdict(l.p50 <= 500*time.Microsecond), ratio(l.p50, r.pingP50, "PING p50"))
		tab.row("  p99", ms(l.p99), "≤ 2 ms (SPEC)", verdict(l.p99 <= 2*time.Millisecond), ratio(l.p99, r.pingP99, "PING p99"))
		tab.row("  p99.9", ms(l.p999), "≤ 10 ms (notes)", verdict(l.p999 <= 10*time.Millisecond), ratio(l.p999, r.pingP999, "PING p99.9"))
		tab.row("  max", ms(l.max), "", "", "")
	}
	if len(r.windows) > 0 {
		best, worstRT := r.windows[0], r.windows[0]
		for _, w := range r.windows {
			if w.perSecond > best.perSecond {
				best = w
			}
			if w.readsPerCmd > worstRT.readsPerCmd {
				worstRT = w
			}
		}
		tab.row("throughput of `log`, 1 socket, saturated", "", "", "", "")
		anchor := ""
		if r.hsetPerSec > 0 {
			anchor = fmt.Sprintf("%.2f× raw HSET/s", best.perSecond/r.hsetPerSec)
		}
		tab.row(fmt.Sprintf("  best: in-flight window %d", best.window), fmt.Sprintf("%s /s", count(best.perSecond)), "≥ 10,000/s (SPEC)", verdict(best.perSecond >= 10000), anchor)
		tab.row("  Redis round trips per `log`", fmt.Sprintf("%.2f", worstRT.readsPerCmd), "≤ 2 (SPEC)", verdict(worstRT.readsPerCmd <= 2),
			fmt.Sprintf("requests Redis read, worst window; %.2f EVALSHA", worstRT.scriptsPerCmd))
		for _, w := range r.windows {
			tab.row(fmt.Sprintf("  window %d", w.window), fmt.Sprintf("%s /s", count(w.perSecond)), "", "",
				fmt.Sprintf("ack p50 %s, p99 %s; %.2f round trips%s%s", ms(w.p50), ms(w.p99), w.readsPerCmd, rewrites(w.forks), shared(w.otherCPU)))
		}
	}
	failures, first := 0, ""
	if l := r.latency; l != nil {
		failures, first = l.failures, l.firstFailure
	}
	for _, x := range r.ladder {
		failures += x.failures
	}
	for _, w := range r.windows {
		if failures == 0 {
			first = w.firstFailure
		}
		failures += w.failures
	}
	tab.rule()
	tab.row("failed or lost acks, whole run", strconv.Itoa(failures), "0", verdict(failures == 0), clipString(first, 50))
	tab.row("acked contacts found in Redis", fmt.Sprintf("%s of %s", count(float64(r.stored-r.replayed)), count(float64(r.acked))), "all", verdict(r.stored-r.replayed == r.acked), "")
	r.cpuRows(tab)
	r.schedRows(tab)
	r.impactRows(tab)
	r.importRows(tab)
	r.searchRows(tab)
	r.recurRows(tab)
	tab.print(w)

	fmt.Fprintln(w)
	fmt.Fprintln(w, "where the time goes")
	if l := r.latency; l != nil {
		fmt.Fprintf(w, "  ack of `log` at %d/s, mean %s = socket path %s (fake ⇄ WebSocket ⇄ the bot's reader and decoder, handler hand-off, ack writer)\n",
			benchRate, ms(l.mean), ms(l.mean-l.botMean))
		fmt.Fprintf(w, "      + bot %s (event handed over → ack handed back, its own histogram: %.0f%% ≤ 0.5 ms, %.0f%% ≤ 1 ms); Redis spends %.0f µs in the script\n",
			ms(l.botMean), 100*l.botUnderHalfMS, 100*l.botUnder1MS, l.redisUsecPerLog)
		fmt.Fprintf(w, "  at %d/s: CPU per `log`: Redis %s, this process (bot + fake Slack + load) %s; load generator late p99 %s, max %s\n",
			benchRate, us(l.redisCPUPerLog), us(l.goCPUPerLog), ms(l.lagP99), ms(l.lagMax))
	}
	if len(r.ladder) > 0 {
		fmt.Fprintf(w, "  latency ladder, each rung paced at %d/s for %s (Redis rungs: round trip from a bare go-redis client; bot rungs: ack latency):\n",
			benchRate, strings.Replace(benchLadderRun.String(), "s", " s", 1))
		for _, x := range r.ladder {
			fmt.Fprintf(w, "    %-50s p50 %s  p99 %s\n", x.name, ms(x.p50), ms(x.p99))
		}
	}
	for _, x := range r.windows {
		fmt.Fprintf(w, "  window %4d: CPU per `log`: Redis %s + this process %s; CPUs busy: Redis %.2f + this process %.2f, machine %.2f of %d (steal %.2f);\n",
			x.window, us(x.redisCPUPer), us(x.goCPUPer), x.redisCPUShare, x.goCPUShare, x.machine.busy, runtime.NumCPU(), x.machine.steal)
		fmt.Fprintf(w, "               script %.0f µs, %.1f commands inside; longest time without an ack %s; loopback TCP: %d zero windows, %d retransmits, %d RTO timeouts\n",
			x.redisUsecPer, x.commandsPerCmd, ms(x.longestSilence), x.machine.zeroWindows, x.machine.retrans, x.machine.timeouts)
	}
	fmt.Fprintf(w, "  AOF: %.1f MB at the end, %d rewrites in the whole run (%d by the bench, idle, before each measured phase), %d delayed fsyncs\n",
		float64(r.aof.bytes)/1e6, r.aof.forks, b.compactions.Load(), r.aof.delayedFsyncs)
	stalls := "none"
	if len(r.redisStalls) > 0 {
		stalls = strings.Join(r.redisStalls, ", ")
	}
	fmt.Fprintf(w, "  stalls over 5 ms inside Redis (LATENCY LATEST): %s; Go GC in this process: %d cycles, longest pause %s\n",
		stalls, r.gcCount, ms(r.gcMaxPause))
	note := ""
	if r.otherCPU >= 0.15 {
		note = " (the figures above are from a shared machine)"
	}
	fmt.Fprintf(w, "  other processes on the machine used %.2f CPUs on average during the run%s\n", max(0, r.otherCPU), note)
	if r.idleReadsPerSecond > 0 {
		fmt.Fprintf(w, "  note: Redis saw %.0f requests/s from the idle bot; they count in the round trips per `log`\n", r.idleReadsPerSecond)
	}
	r.cpuNotes(w)
	r.schedNotes(w)
	fmt.Fprintln(w, "Figures are reported, not asserted. Rerun for the run-to-run range; phases marked NOT ALONE shared the CPUs with other work.")
	fmt.Fprintln(w, "BENCH-TABLE-END")
}

// shared flags a phase during which other processes on the machine were
// busy: its figures measure a smaller machine.
func shared(otherCPU float64) string {
	if otherCPU < 0.15 {
		return ""
	}
	return fmt.Sprintf("; NOT ALONE: other processes used %.1f CPUs", otherCPU)
}

func rewrites(n int64) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "; an AOF rewrite ran"
	}
	return fmt.Sprintf("; %d AOF rewrites ran", n)
}

func verdict(ok bool) string {
	if ok {
		return "meets"
	}
	return "misses"
}

func ratio(d, anchor time.Duration, what string) string {
	if anchor <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f× %s", float64(d)/float64(anchor), what)
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

// count formats n with thousands separators.
func count(n float64) string {
	s := strconv.FormatInt(int64(math.Round(n)), 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// table aligns columns by rune count (the text has µ, ≤, ×).
type table struct{ rows [][]string }

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }
func (t *table) rule()               { t.rows = append(t.rows, nil) }

func (t *table) print(w io.Writer) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	total := 0
	for _, wd := range widths {
		total += wd + 2
	}
	for _, r := range t.rows {
		if r == nil {
			fmt.Fprintln(w, strings.Repeat("─", total-2))
			continue
		}
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}
