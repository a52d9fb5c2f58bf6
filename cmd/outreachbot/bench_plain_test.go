//go:build bench

package main

// The bot-cpu row: what the bot itself spends per command, beside a plain
// slack-go bot (plainbot/) on the same fake Slack and redis-server, in the
// same run. Each bot is a process of its own, so its CPU (user + system,
// from /proc/<pid>/stat) is its own and nothing of the fake Slack's or the
// load generator's. Each run of a bot: start it, wait until its sockets
// are up and it has been idle a second (RSS idle), warm its users.info
// cache (one command from each user), send benchCPUCommands `log`
// commands at saturation (benchCPUWindow in flight: CPU per command,
// commands/s, then RSS), then benchRate/s for benchCPUPaced (ack latency,
// CPU per command at that rate), then SIGTERM. The bots take turns,
// benchCPURounds times (BENCH_CPU_ROUNDS), each round begun by the next
// one, and the report gives each figure's median (and min) and the median
// of the rounds' ratios: pairing keeps the ratio honest on a machine
// whose speed drifts.
//
// With BENCH_PROFILE_DIR set, each run also saves a CPU profile of the bot
// under saturation (pprof on the running process, 4 s), as
// <dir>/<bot>-<round>.pprof, and its allocation profile before and after
// (<bot>-<round>.allocs-before.pprof, …-after; go tool pprof -base); the
// profiler's own cost then counts too.
//
//	BENCH_ROWS=bot-cpu BENCH_PROFILE_DIR=/tmp/prof ./scripts/bench.sh
//
// With BENCH_BASELINE_BIN naming an earlier build of outreachbot (go build
// -o at the commit to compare with), that build takes its turn in every
// round too, and the report adds the median of the rounds' ratios of this
// build to it: a before and after measured side by side, which two runs
// on a machine whose speed drifts are not.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
)

const (
	benchCPUCommands = 40000
	benchCPUWindow   = 64
	benchCPUPaced    = 5 * time.Second
	benchCPUIdle     = time.Second
)

// cpuSubject is one of the two bots of the row.
type cpuSubject struct {
	name  string // as printed
	short string // in file names
	bin   string
	conns int // Socket Mode connections it keeps
	env   []string
}

// cpuRun is one run of one bot.
type cpuRun struct {
	subject          string
	round            int
	cpuPer           time.Duration // saturated
	perSecond        float64
	pacedCPUPer      time.Duration // at benchRate
	p50, p99         time.Duration // ack latency at benchRate
	rssIdle, rssLoad int64         // bytes
	failures         int
	first            string
	otherCPU         float64       // CPUs busy with neither this bot nor this process nor Redis, saturated phase
	fakeCPUPer       time.Duration // this process (fake Slack and load), saturated
	redisCPUPer      time.Duration // redis-server, saturated
	readsPer         float64       // the bot's read and write system calls per `log`, saturated
	writesPer        float64
	bytesPer         float64 // the bot's heap allocations per `log`, saturated: bytes, objects
	objectsPer       float64
	gcs              int64 // the bot's GC cycles in the saturated phase
}

func benchCPURounds(t *testing.T) int {
	env := os.Getenv("BENCH_CPU_ROUNDS")
	if env == "" {
		return 3
	}
	n, err := strconv.Atoi(env)
	if err != nil || n < 1 {
		t.Fatalf("BENCH_CPU_ROUNDS=%q: want a positive count", env)
	}
	return n
}

func (b *bench) botCPU(t *testing.T) {
	ours, err := buildReplicaBinary(t)
	if err != nil {
		t.Skip(err)
	}
	plain := filepath.Join(t.TempDir(), "plainbot")
	if out, err := exec.Command("go", "build", "-tags", "bench", "-o", plain, "./plainbot").CombinedOutput(); err != nil {
		t.Fatalf("go build plainbot: %v\n%s", err, out)
	}
	sys := newSchedSystem(t, slacktest.Options{}, benchUsers)
	sys.slack.AddChannel(slacktest.Channel{ID: benchChannel, Name: "outreach-team"})
	sys.addPartners(t)
	base := []string{
		"SLACK_APP_TOKEN=" + sys.slack.AppToken(), "SLACK_BOT_TOKEN=" + sys.slack.BotToken(), "SLACK_API_URL=" + sys.slack.APIURL(),
		"REDIS_URL=" + sys.redis.URL(),
	}
	subjects := []cpuSubject{
		{name: "Outreach Bot", short: "outreachbot", bin: ours, conns: 2,
			env: append(slices.Clone(base), "OUTREACH_TZ=America/New_York", "LOG_LEVEL=warn", "OUTREACH_POST_RATE="+benchPostRate, "OUTREACH_PPROF=on")},
		{name: "plain slack-go bot", short: "plainbot", bin: plain, conns: 1, env: base},
	}
	// BENCH_BOT_ENV adds variables to Outreach Bot's environment, to try
	// a setting (GOGC=200, say) beside the same plain bot, and beside the
	// baseline build without it (the same binary as BENCH_BASELINE_BIN
	// measures the setting alone).
	ours0 := subjects[0]
	subjects[0].env = append(slices.Clone(subjects[0].env), strings.Fields(os.Getenv("BENCH_BOT_ENV"))...)
	if bin := os.Getenv("BENCH_BASELINE_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("BENCH_BASELINE_BIN: %v", err)
		}
		s := ours0
		s.name, s.short, s.bin = baselineName, "baseline", bin
		subjects = append(subjects, s)
	}
	profDir := os.Getenv("BENCH_PROFILE_DIR")
	if profDir != "" {
		if err := os.MkdirAll(profDir, 0o755); err != nil {
			t.Fatalf("BENCH_PROFILE_DIR: %v", err)
		}
	}
	for round := range benchCPURounds(t) {
		// Each round starts with the next bot: Redis holds more with every
		// run, so a fixed order would favour whichever goes first.
		order := append(slices.Clone(subjects[round%len(subjects):]), subjects[:round%len(subjects)]...)
		for _, s := range order {
			res := b.cpuOnce(t, sys, s, round, profDir)
			b.mu.Lock()
			b.results.botCPU = append(b.results.botCPU, res)
			b.mu.Unlock()
			if res.failures > 0 {
				t.Errorf("%s, round %d: %d commands failed; first: %s", s.name, round+1, res.failures, res.first)
			}
		}
	}
}

func (b *bench) cpuOnce(t *testing.T, sys *schedSystem, s cpuSubject, round int, profDir string) cpuRun {
	t.Helper()
	res := cpuRun{subject: s.name, round: round}
	if !waitUntil(time.Now().Add(15*time.Second), func() bool { return sys.slack.Connections() == 0 }) {
		t.Fatalf("the previous bot's sockets are still open")
	}
	httpAddr := "127.0.0.1:" + freePort(t)
	r := startReplica(t, s.bin, s.short, append(slices.Clone(s.env), "HTTP_ADDR="+httpAddr))
	defer r.stop(t)
	waitConns(t, sys.slack, s.conns, r)
	pid := r.cmd.Process.Pid
	time.Sleep(benchCPUIdle) // idle, as after a start
	res.rssIdle = procRSS(pid)

	check := func(a slacktest.Ack, err error) string {
		switch {
		case err != nil:
			return err.Error()
		case !strings.Contains(string(a.Payload), "Logged call"):
			return "reply was not a logged contact: " + clipString(string(a.Payload), 300)
		}
		return ""
	}
	fail := func(why string) {
		if res.failures == 0 {
			res.first = why
		}
		res.failures++
	}
	ctx := context.Background()
	for i := range benchUsers { // warm the users.info cache, as in a team that uses the bot
		_, text := b.next()
		a, err := sys.slack.SlashCommand(ctx, benchUser(i), benchChannel, "/outreach", text)
		if why := check(a, err); why != "" {
			t.Fatalf("%s: warm-up: %s\nlogs:\n%s", s.name, why, clipString(r.logs.String(), 4000))
		}
	}
	waitRewrite(t, sys.rdb, true)

	// Saturated: benchCPUWindow workers, each sending a command and
	// waiting for its ack, until benchCPUCommands are sent.
	var sent atomic.Int64
	var mu sync.Mutex
	profile := func(name string) string {
		return filepath.Join(profDir, fmt.Sprintf("%s-%d%s.pprof", s.short, round+1, name))
	}
	if profDir != "" {
		saveProfile(t, httpAddr, "allocs", profile(".allocs-before"))
	}
	profDone := make(chan struct{})
	go func() {
		defer close(profDone)
		if profDir != "" {
			time.Sleep(500 * time.Millisecond) // past the ramp
			saveProfile(t, httpAddr, "profile?seconds=4", profile(""))
		}
	}()
	c0, m0, r0, s0, t0 := procCPU(pid), machineNow(), redisCPUOf(t, sys.rdb), cpuNow(), time.Now()
	io0, m0s := procSyscalls(pid), heapStats(t, httpAddr)
	var wg sync.WaitGroup
	for range benchCPUWindow {
		wg.Go(func() {
			for sent.Add(1) <= benchCPUCommands {
				user, text := b.next()
				a, err := sys.slack.SlashCommand(ctx, user, benchChannel, "/outreach", text)
				if why := check(a, err); why != "" {
					mu.Lock()
					fail(why)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	c1, m1, r1, s1, t1 := procCPU(pid), machineNow(), redisCPUOf(t, sys.rdb), cpuNow(), time.Now()
	io1, m1s := procSyscalls(pid), heapStats(t, httpAddr)
	res.bytesPer = float64(m1s.bytes-m0s.bytes) / benchCPUCommands
	res.objectsPer = float64(m1s.objects-m0s.objects) / benchCPUCommands
	res.gcs = m1s.gcs - m0s.gcs
	res.readsPer = float64(io1.reads-io0.reads) / benchCPUCommands
	res.writesPer = float64(io1.writes-io0.writes) / benchCPUCommands
	<-profDone
	res.rssLoad = procRSS(pid)
	if profDir != "" {
		saveProfile(t, httpAddr, "allocs", profile(".allocs-after"))
	}
	elapsed := t1.Sub(t0)
	res.cpuPer = (c1 - c0) / benchCPUCommands
	res.perSecond = benchCPUCommands / elapsed.Seconds()
	res.fakeCPUPer, res.redisCPUPer = (s1-s0)/benchCPUCommands, time.Duration((r1-r0)/benchCPUCommands*float64(time.Second))
	res.otherCPU = m1.delta(m0, elapsed).busy - (c1-c0).Seconds()/elapsed.Seconds() - (s1-s0).Seconds()/elapsed.Seconds() - (r1-r0)/elapsed.Seconds()

	// Paced at benchRate: the ack latency, and what a command costs when
	// the bot is not saturated.
	waitRewrite(t, sys.rdb, true)
	send := func() (<-chan slacktest.AckResult, error) {
		user, text := b.next()
		return sys.slack.SlashCommandAsync(user, benchChannel, "/outreach", text)
	}
	p0 := procCPU(pid)
	lat, _, failures, first := b.pacedWith(benchCPUPaced, send, check)
	p1 := procCPU(pid)
	if failures > 0 {
		fail(first)
		res.failures += failures - 1
	}
	if n := len(lat) + failures; n > 0 {
		res.pacedCPUPer = (p1 - p0) / time.Duration(n)
	}
	res.p50, res.p99 = pct(lat, 0.50), pct(lat, 0.99)
	return res
}

// saveProfile fetches a profile from a bot's /debug/pprof/.
func saveProfile(t *testing.T, addr, which, file string) {
	resp, err := http.Get("http://" + addr + "/debug/pprof/" + which)
	if err != nil {
		t.Errorf("profile: %v", err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("profile: %s", resp.Status)
		return
	}
	f, err := os.Create(file)
	if err != nil {
		t.Errorf("profile: %v", err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Errorf("profile: %v", err)
	}
}

// procCPU is a process's CPU time so far, user + system, all its threads
// (Linux: /proc/<pid>/stat, in clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // the name may hold spaces
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// heap is what a bot has allocated so far, and its GC cycles.
type heap struct{ bytes, objects, gcs int64 }

// heapStats reads a bot's runtime.MemStats from the footer of its
// /debug/pprof/heap?debug=1 (both bots serve pprof in the bench).
func heapStats(t *testing.T, addr string) heap {
	var out heap
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Errorf("heap stats: %v", err)
		return out
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("heap stats: %v", err)
		return out
	}
	text := string(body)
	return heap{bytes: lineValue(text, "# TotalAlloc ="), objects: lineValue(text, "# Mallocs ="), gcs: lineValue(text, "# NumGC =")}
}

// syscalls counts a process's read and write system calls (Linux:
// /proc/<pid>/io, syscr and syscw; recv and send count too).
type syscalls struct{ reads, writes int64 }

func procSyscalls(pid int) syscalls {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return syscalls{}
	}
	return syscalls{reads: lineValue(string(data), "syscr:"), writes: lineValue(string(data), "syscw:")}
}

// procRSS is a process's resident set size (Linux: VmRSS).
func procRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	return lineValue(string(data), "VmRSS:") * 1024 // in kB
}

// lineValue is the number after prefix on the line of text that starts
// with it ("VmRSS:   1234 kB", "# Mallocs = 56"), or 0.
func lineValue(text, prefix string) int64 {
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			if f := strings.Fields(v); len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// cpuSummary is one bot's figures over the rounds: medians, and mins.
type cpuSummary struct {
	runs                    int
	cpuPer, cpuMin          time.Duration
	perSecond, perSecondMax float64
	pacedCPUPer             time.Duration
	p50, p99                time.Duration
	rssIdle, rssLoad        int64
	otherCPU                float64
	perRound                []string
}

func summarize(runs []cpuRun, subject string) cpuSummary {
	var s cpuSummary
	var cpu, paced, p50, p99 []time.Duration
	var rate, other []float64
	var idle, load []int64
	for _, r := range runs {
		if r.subject != subject {
			continue
		}
		s.runs++
		cpu, paced, p50, p99 = append(cpu, r.cpuPer), append(paced, r.pacedCPUPer), append(p50, r.p50), append(p99, r.p99)
		rate, other = append(rate, r.perSecond), append(other, r.otherCPU)
		idle, load = append(idle, r.rssIdle), append(load, r.rssLoad)
		s.perRound = append(s.perRound, us(r.cpuPer))
	}
	if s.runs == 0 {
		return s
	}
	s.cpuPer, s.cpuMin = median(cpu), slices.Min(cpu)
	s.pacedCPUPer, s.p50, s.p99 = median(paced), median(p50), median(p99)
	s.perSecond, s.perSecondMax = median(rate), slices.Max(rate)
	s.rssIdle, s.rssLoad = median(idle), median(load)
	s.otherCPU = median(other)
	return s
}

// pairRatios is the median over rounds of ours/plain for CPU per command
// and throughput.
func pairRatios(runs []cpuRun, ours, plain string) (cpu, rate float64) {
	byRound := map[int]map[string]cpuRun{}
	for _, r := range runs {
		if byRound[r.round] == nil {
			byRound[r.round] = map[string]cpuRun{}
		}
		byRound[r.round][r.subject] = r
	}
	var cs, rs []float64
	for _, m := range byRound {
		o, okO := m[ours]
		p, okP := m[plain]
		if !okO || !okP || p.cpuPer == 0 || p.perSecond == 0 {
			continue
		}
		cs = append(cs, float64(o.cpuPer)/float64(p.cpuPer))
		rs = append(rs, o.perSecond/p.perSecond)
	}
	if len(cs) == 0 {
		return 0, 0
	}
	return median(cs), median(rs)
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", mb(uint64(n))) }

// baselineName names the BENCH_BASELINE_BIN build in the report.
const baselineName = "baseline build"

// cpuRows adds the bot-cpu row to the table.
func (r benchResults) cpuRows(tab *table) {
	if len(r.botCPU) == 0 {
		return
	}
	const ours, plain = "Outreach Bot", "plain slack-go bot"
	o, p := summarize(r.botCPU, ours), summarize(r.botCPU, plain)
	cpuRatio, rateRatio := pairRatios(r.botCPU, ours, plain)
	tab.rule()
	tab.row(fmt.Sprintf("bot CPU per `log`, own process, %s at saturation (window %d)", count(benchCPUCommands), benchCPUWindow), "", "", "",
		fmt.Sprintf("median of %d runs each, the bots in turn%s", o.runs, shared(max(o.otherCPU, p.otherCPU))))
	tab.row("  Outreach Bot", us(o.cpuPer), "≤ ½ the plain bot's", verdict(cpuRatio > 0 && cpuRatio <= 0.5),
		fmt.Sprintf("min %s; runs %s", us(o.cpuMin), strings.Join(o.perRound, ", ")))
	tab.row("  plain slack-go + go-redis bot", us(p.cpuPer), "", "", fmt.Sprintf("min %s; runs %s", us(p.cpuMin), strings.Join(p.perRound, ", ")))
	tab.row("  ratio, Outreach Bot / plain", fmt.Sprintf("%.2f", cpuRatio), "≤ 0.5", verdict(cpuRatio > 0 && cpuRatio <= 0.5), "median of the rounds' ratios")
	tab.row("  throughput, Outreach Bot", fmt.Sprintf("%s /s", count(o.perSecond)), "≥ 1.5× the plain bot's", verdict(rateRatio >= 1.5),
		fmt.Sprintf("%.2f× plain's %s /s (median of the rounds' ratios); best %s /s", rateRatio, count(p.perSecond), count(o.perSecondMax)))
	tab.row(fmt.Sprintf("  at %s/s: CPU per `log`", count(benchRate)), us(o.pacedCPUPer), "", "", fmt.Sprintf("plain %s", us(p.pacedCPUPer)))
	tab.row(fmt.Sprintf("  at %s/s: ack p50, p99", count(benchRate)), ms(o.p50)+", "+ms(o.p99), "", "", fmt.Sprintf("plain %s, %s", ms(p.p50), ms(p.p99)))
	tab.row("  RSS idle → after the saturated run", mib(o.rssIdle)+" → "+mib(o.rssLoad), "", "", fmt.Sprintf("plain %s → %s", mib(p.rssIdle), mib(p.rssLoad)))
	if b := summarize(r.botCPU, baselineName); b.runs > 0 {
		bCPU, bRate := pairRatios(r.botCPU, ours, baselineName)
		tab.row("  this build / the baseline build", fmt.Sprintf("%.2f", bCPU), "", "",
			fmt.Sprintf("CPU per `log` (baseline %s), throughput %.2f× (baseline %s /s); medians of the rounds' ratios", us(b.cpuPer), bRate, count(b.perSecond)))
	}
}

// cpuNotes lists each run of the bot-cpu row, with what the fake Slack
// and Redis spent beside the bot.
func (r benchResults) cpuNotes(w io.Writer) {
	if len(r.botCPU) == 0 {
		return
	}
	fmt.Fprintf(w, "  bot-cpu runs (CPU per `log` at saturation: the bot's own process, its read and write system calls and heap allocations, and its GC cycles in the run; beside it, this process's fake Slack and load, and Redis):\n")
	for _, x := range r.botCPU {
		fmt.Fprintf(w, "    round %d  %-20s %s  %6s /s; syscalls %.2f r %.2f w; heap %.1f kB %.0f objects, %d GCs; fake+load %s, Redis %s; RSS %s → %s; at %d/s %s, p99 %s%s\n",
			x.round+1, x.subject, us(x.cpuPer), count(x.perSecond), x.readsPer, x.writesPer, x.bytesPer/1000, x.objectsPer, x.gcs, us(x.fakeCPUPer), us(x.redisCPUPer), mib(x.rssIdle), mib(x.rssLoad),
			benchRate, us(x.pacedCPUPer), ms(x.p99), shared(x.otherCPU))
	}
}
