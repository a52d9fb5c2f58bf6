//go:build bench

package main

// The scheduler's figures of SPEC §8, run by TestBench after the ack
// phases (bench_test.go) and printed in the same table. Each row starts
// its own fake Slack and redis-server (appendonly yes, appendfsync
// everysec), so that rows share no queue, rate-limit bucket or message
// history:
//
//	due-posted  follow-ups falling due one at a time on an idle bot: due → the fake records the DM
//	due-scan    store.ClaimDue taking 1,000 due jobs among N queued, N = 10⁴, 10⁵, 10⁶
//	memory      Redis used_memory per follow-up and per contact
//	fan-out     1,000 reminders to 50 DMs due in one second, the fake at 1 msg/s/channel
//	fan-out-budget  the same with the fake also limiting the workspace, the bot's budget under
//	            and above it; button presses answered while it runs
//	crash       kill -9 of a replica (a separate `outreachbot run` process) holding claimed reminders
//	outage      two replicas, Redis stopped for longer than the lease while reminders queue, then a
//	            replica killed, the fake answering every third post 429 for a minute (outage_test.go)
//
// Follow-ups are created straight in Redis (store.AddFollowUp), as in
// e2e_scheduler_test.go: the bench cannot wait a minute of real time for
// one typed "in 1 minute". Like the ack figures these are reported, not
// asserted: a row fails only when a reminder is lost or posted twice, or
// a claim returns the wrong jobs. One row alone:
//
//	go test -tags bench -run '^TestBench$/^crash$' -count=1 -v ./cmd/outreachbot/

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

const (
	duePostedN       = 200
	duePostedSpacing = 50 * time.Millisecond // each next one falls due 50–100 ms later

	scanDue  = 1000 // due jobs claimed per measurement
	scanReps = 5    // measurements per N and per limit; the median is reported

	memFollowUps = 20000
	memContacts  = 20000

	fanOutUsers = 50
	fanOutPer   = 20 // reminders per DM: 20 s at 1 msg/s

	crashLease = 6 * time.Second // OUTREACH_LEASE of the crash replicas

	// outboxGather is bot/outbox.go's gather: a DM's first scheduled post
	// waits this long for others due with it, so that they go in due order.
	outboxGather = 100 * time.Millisecond
)

// scanSizes are the queue sizes of the due scan; BENCH_SCAN_SIZES is not
// offered: 10⁶ is the figure SPEC §8 asks for and fills in seconds.
var scanSizes = []int{10000, 100000, 1000000}

// schedResults are the scheduler rows' figures; nil or empty when the row
// did not run.
type schedResults struct {
	duePosted *duePostedResult
	scans     []scanResult
	memory    *memoryResult
	fanOut    *fanOutResult
	budgets   []budgetResult
	crashes   []crashResult
	outage    *outageBench
}

// outageBench is the outage row: runOutage's figures, or why it did not run.
type outageBench struct {
	outageResult
	skipped string
}

// budgetResult is one run of the fan-out with the fake enforcing a
// workspace limit.
type budgetResult struct {
	postRate         string // OUTREACH_POST_RATE
	n, delivered     int
	dups, outOfOrder int
	rateLimited      int           // 429s from the fake, all of chat.postMessage
	total            time.Duration // first due → last post
	floor            time.Duration // what the tighter of the two limits needs
	presses          []time.Duration
	pressesAnswered  int
}

type duePostedResult struct {
	n, lost, dups      int
	p50, p99, max      time.Duration // due → the fake recorded the chat.postMessage
	startP50, startP99 time.Duration // due → the job read its follow-up (HGETALL, as Redis saw it)
	postP50, postP99   time.Duration // that read → the post recorded
}

type scanResult struct {
	n             int
	fill          time.Duration // queuing the N jobs (setup, not measured)
	by100, by1000 time.Duration // median time to claim the 1,000
	by100Range    [2]time.Duration
	by1000Range   [2]time.Duration
	script100     time.Duration // Redis's own time inside the scripts, median
	script1000    time.Duration
	calls100      int
	usedMemory    int64 // Redis used_memory with the N queued
	wrongClaims   int
	firstWrong    string
	otherCPU      float64 // CPUs busy with neither Redis nor this process while claiming
}

type memPart struct {
	name  string
	bytes float64 // per item
}

type memoryResult struct {
	followUps, contacts     int
	perFollowUp, perContact float64
	fuParts, ctParts        []memPart
	fuText, ctText          int                     // average text length
	hash                    float64                 // the sampled follow-up hashes, mean bytes
	byEncoding              map[string]encodingCost // the follow-up hashes, "listpack" or "hashtable"
}

// encodingCost is what the sampled follow-up hashes of one encoding cost.
type encodingCost struct {
	share, hash float64 // of the sample; bytes per hash
}

type fanOutResult struct {
	n, delivered, dups, outOfOrder, channels, channelsInOrder int
	rateLimited                                               int
	firstPost, total                                          time.Duration // from the first due time
	floor                                                     time.Duration
	spanP50                                                   time.Duration // per DM: its first post → its last
}

type crashResult struct {
	name, setup                   string
	n, byA, byB, found, reclaimed int
	lost, dups, outOfOrder        int
	rateLimited                   int
	lease                         time.Duration
	raw                           time.Duration // kill → last post
	leaseOut, leaseLast           time.Duration // kill → A's first and last lease ran out (A renewed them every lease/3)
	floor                         time.Duration // what the rate limit alone needs for the posts left at the kill
	remaining                     int           // the busiest DM's reminders left at the kill
	skipped                       string        // why the row could not run
}

// schedSystem is one row's fake Slack and redis-server, with a store over
// the latter for queuing follow-ups straight in Redis.
type schedSystem struct {
	slack *slacktest.Server
	redis *storetest.Server
	rdb   redis.UniversalClient
	st    *store.Store
}

func newSchedSystem(t *testing.T, opts slacktest.Options, users int) *schedSystem {
	t.Helper()
	opts.HomeTeam, opts.Logf = home, t.Logf
	fs := slacktest.New(opts)
	t.Cleanup(fs.Close)
	for i := range users {
		fs.AddUser(slacktest.User{ID: benchUser(i), TeamID: home, Name: fmt.Sprintf("bench%02d", i), TZ: "America/New_York"})
	}
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	rdb := rs.Client()
	return &schedSystem{slack: fs, redis: rs, rdb: rdb, st: store.New(rdb, 5*time.Second)}
}

// addPartners registers benchPartners straight in Redis.
func (s *schedSystem) addPartners(t *testing.T) {
	t.Helper()
	now := time.Now()
	for i, p := range benchPartners {
		_, rest, _ := strings.Cut(p.add, `"`)
		name, rest, _ := strings.Cut(rest, `"`)
		_, kind, _ := strings.Cut(rest, "kind:")
		err := s.st.AddPartner(context.Background(), home, domain.Partner{
			Slug: domain.Slugify(name), Name: name, Kind: strings.TrimSpace(kind), Stage: "active",
			Owner: benchUser(i), Cadence: domain.DefaultCadenceDays,
		}, benchUser(0), now)
		if err != nil {
			t.Fatalf("add partner %s: %v", name, err)
		}
	}
}

// addFollowUp creates a follow-up due at due, with its reminder queued.
func (s *schedSystem) addFollowUp(partner, assignee string, due time.Time, text string) (string, error) {
	id, _, err := s.st.AddFollowUp(context.Background(), home, store.PartnerRef{Text: partner},
		domain.FollowUp{Assignee: assignee, Due: due, Text: text}, assignee, time.Now())
	return fmt.Sprintf("fu:%d:1", id), err
}

// startBot runs `outreachbot run` in this process against the row's fake
// and Redis, stopped when the test ends. Unless env says otherwise, the
// workspace budget for scheduled posts is set to its highest: these fakes
// have no workspace limit, and the rows measure other things.
func (s *schedSystem) startBot(t *testing.T, env map[string]string) *e2e {
	t.Helper()
	vars := map[string]string{"OUTREACH_POST_RATE": benchPostRate}
	for k, v := range env {
		vars[k] = v
	}
	return launchBot(t, s.slack, s.redis, vars, clockwork.NewRealClock())
}

// benchPostRate is OUTREACH_POST_RATE where the fake has no workspace
// limit.
const benchPostRate = "100"

// reminders returns the reminder posts (chat.postMessage carrying a job
// id "fu:…" as metadata) by job id, in the order the fake recorded them.
func (s *schedSystem) reminders() map[string][]slacktest.Post {
	out := map[string][]slacktest.Post{}
	for _, p := range s.slack.Posts() {
		if job := postJob(p); p.Kind == "postMessage" && strings.HasPrefix(job, "fu:") {
			out[job] = append(out[job], p)
		}
	}
	return out
}

// waitReminders waits until every job of due was posted, or until
// deadline, then a further grace period in which a duplicate would show
// up, and returns the reminder posts.
func (s *schedSystem) waitReminders(due map[string]time.Time, deadline time.Time, grace time.Duration) map[string][]slacktest.Post {
	for time.Now().Before(deadline) {
		got := s.reminders()
		all := true
		for job := range due {
			if len(got[job]) == 0 {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(20 * time.Millisecond) // waiting for the bot's HTTP calls, not for time to pass
	}
	time.Sleep(grace)
	return s.reminders()
}

// dueOrder checks each DM's reminders came in due order: it returns the
// DMs, those in order, and the posts that came after a later-due one.
func dueOrder(due map[string]time.Time, posts []slacktest.Post) (channels, inOrder, outOfOrder int) {
	last := map[string]time.Time{}
	bad := map[string]bool{}
	for _, p := range posts {
		d, ok := due[postJob(p)]
		if p.Kind != "postMessage" || !ok {
			continue
		}
		if prev, seen := last[p.Channel]; seen && d.Before(prev) {
			outOfOrder++
			bad[p.Channel] = true
		}
		if d.After(last[p.Channel]) {
			last[p.Channel] = d
		}
	}
	return len(last), len(last) - len(bad), outOfOrder
}

// --- due → posted ---

// duePosted queues follow-ups falling due one at a time, 50–100 ms apart,
// each to one of 50 DMs (so no DM's rate limit is involved), and measures
// from each due time to the fake recording its chat.postMessage. Redis's
// MONITOR stamps the moment each reminder job reads its follow-up, which
// splits the latency into the scheduler's part and the post's part.
func (b *bench) duePosted(t *testing.T) {
	sys := newSchedSystem(t, slacktest.Options{}, benchUsers)
	sys.addPartners(t)
	sys.startBot(t, map[string]string{"OUTREACH_QUIET_HOURS": "off"})
	rng := rand.New(rand.NewPCG(1, 2))
	at := time.Now().Add(time.Second)
	var first time.Time
	due := map[string]time.Time{}
	for i := range duePostedN {
		at = at.Add(duePostedSpacing + time.Duration(rng.Int64N(int64(duePostedSpacing))))
		d := time.UnixMilli(at.UnixMilli()) // stored to the millisecond
		p := benchPartners[i%len(benchPartners)]
		job, err := sys.addFollowUp(p.ref, benchUser(i%benchUsers), d, fmt.Sprintf("Send the sign-up sheet for the health fair (bench %03d)", i))
		if err != nil {
			t.Fatalf("add follow-up: %v", err)
		}
		due[job] = d
		if i == 0 {
			first = d
		}
	}
	if late := time.Since(first); late > 0 {
		t.Logf("queuing took until %v after the first due time; its latency includes that", late)
	}
	mon := startMonitor(t, sys.redis.Addr(), func(words []string) string {
		if len(words) == 2 && strings.EqualFold(words[0], "hgetall") && strings.Contains(words[1], ":followup:") {
			return words[1]
		}
		return ""
	})
	got := sys.waitReminders(due, at.Add(15*time.Second), time.Second)
	started := mon.stop()

	res := &duePostedResult{n: len(due)}
	res.lost, res.dups, _ = deliveries(due, got)
	var lat, start, post []time.Duration
	for job, d := range due {
		if len(got[job]) == 0 {
			continue
		}
		p := got[job][0]
		lat = append(lat, p.At.Sub(d))
		id, _, _ := strings.Cut(strings.TrimPrefix(job, "fu:"), ":")
		// The job's read is the first at or after the due time: the
		// recurring sweeps read every open follow-up now and then.
		reads := started["outreach:{"+home+"}:followup:"+id]
		if i := slices.IndexFunc(reads, func(r time.Time) bool { return !r.Before(d) }); i >= 0 {
			s := reads[i]
			start = append(start, s.Sub(d))
			post = append(post, p.At.Sub(s))
		}
	}
	lat, start, post = durations(lat), durations(start), durations(post)
	if len(lat) > 0 {
		res.p50, res.p99, res.max = pct(lat, 0.50), pct(lat, 0.99), lat[len(lat)-1]
	}
	res.startP50, res.startP99 = pct(start, 0.50), pct(start, 0.99)
	res.postP50, res.postP99 = pct(post, 0.50), pct(post, 0.99)
	b.mu.Lock()
	b.results.sched.duePosted = res
	b.mu.Unlock()
	if res.lost > 0 || res.dups > 0 {
		t.Errorf("%d of %d reminders never posted, %d posted twice", res.lost, res.n, res.dups)
	}
}

// monitor records, from Redis's MONITOR stream, when Redis saw the
// commands match names (by the key it returns, "" for others).
type monitor struct {
	conn net.Conn
	done chan struct{}
	mu   sync.Mutex
	seen map[string][]time.Time
}

func startMonitor(t *testing.T, addr string, match func(words []string) string) *monitor {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("MONITOR: %v", err)
	}
	if _, err := c.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatalf("MONITOR: %v", err)
	}
	rd := bufio.NewReader(c)
	if line, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		t.Fatalf("MONITOR: %q %v", line, err)
	}
	m := &monitor{conn: c, done: make(chan struct{}), seen: map[string][]time.Time{}}
	go func() {
		defer close(m.done)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return // closed by stop
			}
			// 1732700000.123456 [0 127.0.0.1:54321] "hgetall" "key"
			stamp, rest, ok := strings.Cut(line, " [")
			_, rest, ok2 := strings.Cut(rest, "] ")
			secs, micros, ok3 := strings.Cut(stamp, ".")
			if !ok || !ok2 || !ok3 {
				continue
			}
			words, err := unquoteMonitor(strings.TrimRight(rest, "\r\n"))
			if err != nil {
				continue
			}
			key := match(words)
			if key == "" {
				continue
			}
			s, _ := strconv.ParseInt(secs, 10, 64)
			us, _ := strconv.ParseInt(micros, 10, 64)
			m.mu.Lock()
			m.seen[key] = append(m.seen[key], time.Unix(s, us*1000))
			m.mu.Unlock()
		}
	}()
	t.Cleanup(func() { m.stop() })
	return m
}

// stop ends the stream and returns what it recorded, oldest first.
func (m *monitor) stop() map[string][]time.Time {
	_ = m.conn.Close()
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen
}

// --- due scan ---

// dueScan measures store.ClaimDue against a real redis-server: 1,000 due
// jobs among N queued (the rest due later), claimed as the scheduler
// claims (scheduler.ClaimBatch, repeated until the 1,000 are taken) and in one call
// of limit 1,000. Each measurement is repeated; between them the 1,000
// are handed back (ReleaseJobs) to their own due times.
func (b *bench) dueScan(t *testing.T) {
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	rdb := rs.Client()
	st := store.New(rdb, 10*time.Second) // generous: setup enqueues thousands of jobs per call
	ctx := context.Background()
	for _, n := range scanSizes {
		if err := rdb.FlushAll(ctx).Err(); err != nil {
			t.Fatalf("FLUSHALL: %v", err)
		}
		res := scanResult{n: n}
		now := time.Now()
		t0 := time.Now()
		// Straight ZADD and HSET on the store's keys, in pipelines: what
		// EnqueueJobs writes, without its per-job checks, so that 10⁶ jobs
		// are queued in seconds. QueuedJobs below checks the keys are the
		// store's.
		const batch = 1000
		err := parallel((n+batch-1)/batch, 4, func(k int) error {
			var zs []redis.Z
			for i := k * batch; i < min(n, (k+1)*batch); i++ {
				d := now.Add(time.Hour + time.Duration(float64(i)/float64(n)*float64(30*24*time.Hour))) // spread over 30 days
				if i < scanDue {
					d = now.Add(-time.Minute + time.Duration(i)*time.Millisecond)
				}
				job := fmt.Sprintf("fu:%d:1", i+1)
				zs = append(zs, redis.Z{Score: float64(d.UnixMilli()), Member: job})
			}
			_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.ZAdd(ctx, "outreach:{"+home+"}:due", zs...)
				return nil
			})
			return err
		})
		if err != nil {
			t.Fatalf("N=%d: queue: %v", n, err)
		}
		res.fill = time.Since(t0)
		if q, _, err := st.QueuedJobs(ctx, home); err != nil || q != int64(n) {
			t.Fatalf("N=%d: %d queued (%v)", n, q, err)
		}
		waitRewrite(t, rdb, true) // the fill's AOF is compacted idle, not during the claims
		res.usedMemory = usedMemory(t, rdb)

		var d100, d1000, s100, s1000 []time.Duration
		m0, c0, r0, t1 := machineNow(), cpuNow(), redisCPUOf(t, rdb), time.Now()
		for rep := range scanReps {
			for _, limit := range []int{scheduler.ClaimBatch, 1000} {
				d, script, calls, why := claimThousand(ctx, t, st, rdb, limit, fmt.Sprintf("bench-%d-%d-%d", n, rep, limit))
				if why != "" {
					if res.wrongClaims == 0 {
						res.firstWrong = why
					}
					res.wrongClaims++
				}
				if limit == scheduler.ClaimBatch {
					d100, s100, res.calls100 = append(d100, d), append(s100, script), calls
				} else {
					d1000, s1000 = append(d1000, d), append(s1000, script)
				}
			}
		}
		elapsed := time.Since(t1)
		res.otherCPU = machineNow().delta(m0, elapsed).busy - (redisCPUOf(t, rdb)-r0)/elapsed.Seconds() - (cpuNow()-c0).Seconds()/elapsed.Seconds()
		d100, d1000, s100, s1000 = durations(d100), durations(d1000), durations(s100), durations(s1000)
		res.by100, res.by1000 = pct(d100, 0.5), pct(d1000, 0.5)
		res.by100Range = [2]time.Duration{d100[0], d100[len(d100)-1]}
		res.by1000Range = [2]time.Duration{d1000[0], d1000[len(d1000)-1]}
		res.script100, res.script1000 = pct(s100, 0.5), pct(s1000, 0.5)
		t.Logf("N=%d: queued in %v; claim 1,000 by 100: %v, by 1,000: %v", n, res.fill.Round(time.Millisecond), res.by100, res.by1000)
		b.mu.Lock()
		b.results.sched.scans = append(b.results.sched.scans, res)
		b.mu.Unlock()
		if res.wrongClaims > 0 {
			t.Errorf("N=%d: %d claims took the wrong jobs; first: %s", n, res.wrongClaims, res.firstWrong)
		}
	}
	_ = rdb.FlushAll(ctx).Err()
}

// claimThousand claims the scanDue due jobs with the given limit, as the
// scheduler does (one `now` for the whole round, claiming again while a
// call comes back full), hands them back, and returns the time the claims
// took, Redis's own time inside them, the calls made, and what was wrong
// with the claimed set ("" when it was exactly the due jobs).
func claimThousand(ctx context.Context, t *testing.T, st *store.Store, rdb redis.UniversalClient, limit int, token string) (elapsed, script time.Duration, calls int, wrong string) {
	t.Helper()
	u0 := scriptUsec(t, rdb)
	now := time.Now()
	var jobs []string
	start := time.Now()
	for len(jobs) < scanDue {
		c, err := st.ClaimDue(ctx, home, now, now.Add(30*time.Second), limit, token)
		if err != nil {
			t.Fatalf("claim due: %v", err)
		}
		calls++
		for _, j := range c.Jobs {
			jobs = append(jobs, j.ID)
		}
		if len(c.Jobs) < limit {
			break
		}
	}
	elapsed = time.Since(start)
	script = time.Duration((scriptUsec(t, rdb) - u0) * float64(time.Microsecond))
	seen := map[string]bool{}
	for _, j := range jobs {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(j, "fu:"), ":1"))
		if seen[j] || n < 1 || n > scanDue {
			wrong = fmt.Sprintf("claimed %s, not one of the due jobs (or twice)", j)
		}
		seen[j] = true
	}
	if len(seen) != scanDue && wrong == "" {
		wrong = fmt.Sprintf("claimed %d distinct jobs, want %d", len(seen), scanDue)
	}
	if n, err := st.ReleaseJobs(ctx, home, token, time.Time{}, store.Defer, jobs...); err != nil || n != len(jobs) {
		t.Fatalf("hand back %d jobs: %d (%v)", len(jobs), n, err)
	}
	return elapsed, script, calls, wrong
}

// scriptUsec is Redis's cumulative time inside EVALSHA and EVAL, in µs.
func scriptUsec(t *testing.T, rdb redis.UniversalClient) float64 {
	t.Helper()
	s, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatalf("INFO commandstats: %v", err)
	}
	kv := parseInfo(s)
	_, a := cmdstat(kv, "evalsha")
	_, b := cmdstat(kv, "eval")
	return a + b
}

// waitRewrite waits for any AOF rewrite to finish; with start it first
// starts one, so that the append-only file is compact before a measurement.
func waitRewrite(t *testing.T, rdb redis.UniversalClient, start bool) {
	t.Helper()
	ctx := context.Background()
	for i := 0; ; i++ {
		kv := parseInfo(rdb.Info(ctx, "persistence").Val())
		if kv["aof_rewrite_in_progress"] == "0" && kv["aof_rewrite_scheduled"] == "0" {
			if !start {
				return
			}
			if err := rdb.BgRewriteAOF(ctx).Err(); err != nil {
				t.Fatalf("BGREWRITEAOF: %v", err)
			}
			start = false
		}
		if i > 6000 {
			t.Fatalf("AOF rewrite did not finish in 60 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func redisCPUOf(t *testing.T, rdb redis.UniversalClient) float64 {
	t.Helper()
	s, err := rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		t.Fatalf("INFO cpu: %v", err)
	}
	return cpuSeconds(parseInfo(s))
}

func usedMemory(t *testing.T, rdb redis.UniversalClient) int64 {
	t.Helper()
	s, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatalf("INFO memory: %v", err)
	}
	n, _ := strconv.ParseInt(parseInfo(s)["used_memory"], 10, 64)
	return n
}

// --- memory ---

var (
	// Follow-up texts as people type them, 35 to 96 bytes: Redis keeps a
	// hash compact (a listpack) only while every value is at most
	// hash-max-listpack-value (64) bytes, so half of these make the
	// follow-up's hash a hashtable.
	benchFollowUpTexts = []string{
		"Send the flyer for the health fair",
		"Call back about flu clinic volunteers",
		"Confirm the room for the diabetes workshop",
		"Share the translated intake forms (Spanish, Vietnamese)",
		"Email the sign-up sheet to the school nurse and copy the principal",
		"Ask whether they would co-host the senior wellness day in May at their hall",
		"Follow up on the MOU draft with their legal team and send our insurance certificate",
		"Drop off 200 brochures and the new referral cards at the front desk before the open house",
	}
	benchSummaries = []string{
		"Talked with the outreach coordinator about the flu clinic; they can host us in March",
		"Met the new principal, who wants a nutrition talk for parents at the fall open house",
		"Pharmacist agreed to put our screening flyers at the counter and refer walk-ins to us",
		"Pastor will announce the health fair on two Sundays and lend the hall for the day",
		"Left a voicemail for the volunteer lead about the transport program for seniors",
		"Clinic manager asked for referral cards in Spanish; sending 300 by the end of month",
		"Coalition meeting: agreed to share one calendar and to meet every other Thursday",
		"Senior center wants blood pressure checks monthly; needs two nurses each time",
	}
)

// memory measures Redis's used_memory per follow-up (its hash, its
// reminder job, the indexes it is in, its audit entry) and per contact,
// created through the store as the bot creates them.
func (b *bench) memory(t *testing.T) {
	sys := newSchedSystem(t, slacktest.Options{}, benchUsers)
	sys.addPartners(t)
	ctx := context.Background()
	now := time.Now()
	fuText := func(i int) string { return benchFollowUpTexts[i%len(benchFollowUpTexts)] }
	ctText := func(i int) string { return benchSummaries[i%len(benchSummaries)] }
	addFU := func(i int) error {
		p := benchPartners[i%len(benchPartners)]
		due := now.Add(time.Hour + time.Duration(i*7919%(60*24*60))*time.Minute) // spread over 60 days
		_, err := sys.addFollowUp(p.ref, benchUser(i%benchUsers), due, fuText(i))
		return err
	}
	addContact := func(i int) error {
		p := benchPartners[i%len(benchPartners)]
		c := domain.Contact{Method: domain.Methods[i%4], Direction: []string{"out", "out", "in"}[i%3], Who: benchUser(i % benchUsers),
			When: now.Add(-time.Duration(i) * time.Minute), Summary: ctText(i)}
		_, _, _, err := sys.st.LogContact(ctx, home, store.PartnerRef{Text: p.ref}, c, nil, benchUser(i%benchUsers), now)
		return err
	}
	// One of each first: loads the scripts and creates the per-user and
	// per-partner keys, so the deltas are what each further item costs.
	for i := range benchUsers {
		if err := addFU(i); err != nil {
			t.Fatalf("add follow-up: %v", err)
		}
	}
	if err := addContact(0); err != nil {
		t.Fatalf("log contact: %v", err)
	}
	prefix := "outreach:{" + home + "}:"
	var indexKeys []string
	indexKeys = append(indexKeys, prefix+"followups:open", prefix+"followup-texts")
	for i := range benchUsers {
		indexKeys = append(indexKeys, prefix+"followups:user:"+benchUser(i))
	}
	var contactLogs, contactIdx []string
	for _, p := range benchPartners {
		slug := domain.Slugify(strings.Split(p.add, `"`)[1])
		indexKeys = append(indexKeys, prefix+"partner:"+slug+":followups")
		contactLogs = append(contactLogs, prefix+"partner:"+slug+":contact-log")
		contactIdx = append(contactIdx, prefix+"partner:"+slug+":contacts")
	}
	jobKeys := []string{prefix + "due", prefix + "claims"}
	auditKey := []string{prefix + "audit"}
	usage := func(keys []string) float64 {
		var sum int64
		for _, k := range keys {
			n, err := sys.rdb.MemoryUsage(ctx, k, 0).Result()
			if err != nil && err != redis.Nil {
				t.Fatalf("MEMORY USAGE %s: %v", k, err)
			}
			sum += n
		}
		return float64(sum)
	}
	groups := [][]string{indexKeys, jobKeys, auditKey, contactLogs, contactIdx}
	snapshot := func() (used float64, parts []float64) {
		waitRewrite(t, sys.rdb, false)
		used = float64(usedMemory(t, sys.rdb))
		for _, g := range groups {
			parts = append(parts, usage(g))
		}
		// The search index's sets, however many words there are.
		return used, append(parts, usage(searchSets(t, sys)))
	}

	res := &memoryResult{followUps: memFollowUps, contacts: memContacts}
	u0, p0 := snapshot()
	firstNew := int64(benchUsers) + 1
	if err := parallel(memFollowUps, 8, func(i int) error { return addFU(benchUsers + i) }); err != nil {
		t.Fatalf("add follow-ups: %v", err)
	}
	u1, p1 := snapshot()
	if err := parallel(memContacts, 8, func(i int) error { return addContact(1 + i) }); err != nil {
		t.Fatalf("log contacts: %v", err)
	}
	u2, p2 := snapshot()

	// The follow-up hashes themselves: MEMORY USAGE of a sample, by
	// encoding (a listpack while every value fits in 64 bytes).
	var hashes float64
	enc := map[string][]float64{}
	const sample = 400
	for i := range sample {
		key := prefix + "followup:" + strconv.FormatInt(firstNew+int64(i)*(memFollowUps/sample-1), 10) // a stride prime to the 8 texts
		n, err := sys.rdb.MemoryUsage(ctx, key, 0).Result()
		if err != nil {
			t.Fatalf("MEMORY USAGE %s: %v", key, err)
		}
		e, err := sys.rdb.ObjectEncoding(ctx, key).Result()
		if err != nil {
			t.Fatalf("OBJECT ENCODING %s: %v", key, err)
		}
		hashes += float64(n) / sample
		enc[e] = append(enc[e], float64(n))
	}
	res.byEncoding = map[string]encodingCost{}
	for e, ns := range enc {
		var sum float64
		for _, n := range ns {
			sum += n
		}
		res.byEncoding[e] = encodingCost{share: float64(len(ns)) / sample, hash: sum / float64(len(ns))}
	}
	per := func(a, b []float64, i int, n int) float64 { return (b[i] - a[i]) / float64(n) }
	res.perFollowUp, res.hash = (u1-u0)/memFollowUps, hashes
	res.perContact = (u2 - u1) / memContacts
	fu := []memPart{
		{"its hash (MEMORY USAGE, sampled)", hashes},
		{"its text and indexes (texts, open, per assignee, per partner)", per(p0, p1, 0, memFollowUps)},
		{"reminder job (due)", per(p0, p1, 1, memFollowUps)},
		{"audit entry (stream capped at 100,000)", per(p0, p1, 2, memFollowUps)},
	}
	ct := []memPart{
		{"contact JSON (per-partner contact-log hash)", per(p1, p2, 3, memContacts)},
		{"time index (per-partner contacts zset)", per(p1, p2, 4, memContacts)},
		{"search index (a set per word)", per(p1, p2, 5, memContacts)},
		{"audit entry", per(p1, p2, 2, memContacts)},
	}
	res.fuParts = append(fu, memPart{"the rest (keyspace entry, allocator rounding)", res.perFollowUp - sumParts(fu)})
	res.ctParts = append(ct, memPart{"the rest", res.perContact - sumParts(ct)})
	for i := range memFollowUps {
		res.fuText += len(fuText(benchUsers + i))
	}
	for i := range memContacts {
		res.ctText += len(ctText(1 + i))
	}
	res.fuText /= memFollowUps
	res.ctText /= memContacts
	b.mu.Lock()
	b.results.sched.memory = res
	b.mu.Unlock()
}

func sumParts(ps []memPart) float64 {
	var s float64
	for _, p := range ps {
		s += p.bytes
	}
	return s
}

// --- fan-out under rate limits ---

// queueFanOut queues the fan-out rows' follow-ups, fanOutPer to each of
// fanOutUsers DMs, due a millisecond apart from two seconds on; it
// returns the first due time and each job's due time.
func (sys *schedSystem) queueFanOut(t *testing.T, label string) (time.Time, map[string]time.Time) {
	t.Helper()
	n := fanOutUsers * fanOutPer
	first := time.Now().Add(2 * time.Second).Truncate(time.Second)
	jobs := make([]string, n)
	if err := parallel(n, 8, func(i int) error {
		p := benchPartners[i%len(benchPartners)]
		var err error
		jobs[i], err = sys.addFollowUp(p.ref, benchUser(i%fanOutUsers), first.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("%s %04d", label, i))
		return err
	}); err != nil {
		t.Fatalf("add follow-ups: %v", err)
	}
	if late := time.Since(first); late > 0 {
		t.Logf("queuing took until %v after the first due time", late)
	}
	due := map[string]time.Time{}
	for i, job := range jobs {
		due[job] = first.Add(time.Duration(i) * time.Millisecond)
	}
	return first, due
}

// fanOut queues 1,000 reminders to 50 users, 20 each, every one due at a
// distinct millisecond of the same second, with the fake allowing one
// message per second per channel (HTTP 429 with Retry-After beyond it):
// all must arrive, once each, in due order per DM, in about the 20 s the
// rate limit itself needs.
func (b *bench) fanOut(t *testing.T) {
	sys := newSchedSystem(t, slacktest.Options{ChannelRate: 1}, fanOutUsers)
	sys.addPartners(t)
	sys.startBot(t, map[string]string{"OUTREACH_QUIET_HOURS": "off"})
	n := fanOutUsers * fanOutPer
	first, due := sys.queueFanOut(t, "Fan-out task")
	got := sys.waitReminders(due, first.Add(90*time.Second), 1500*time.Millisecond)
	res := &fanOutResult{n: n, floor: time.Duration(fanOutPer) * time.Second, rateLimited: sys.slack.RateLimited()}
	lost, dups, last := deliveries(due, got)
	res.delivered, res.dups, res.total = n-lost, dups, last.Sub(first)
	posts := sys.slack.Posts()
	res.channels, res.channelsInOrder, res.outOfOrder = dueOrder(due, posts)
	firstAt, lastAt := map[string]time.Time{}, map[string]time.Time{}
	for _, p := range posts {
		if _, ok := due[postJob(p)]; !ok || p.Kind != "postMessage" {
			continue
		}
		if _, ok := firstAt[p.Channel]; !ok {
			firstAt[p.Channel] = p.At
		}
		lastAt[p.Channel] = p.At
	}
	var spans []time.Duration
	earliest := last
	for ch, f := range firstAt {
		spans = append(spans, lastAt[ch].Sub(f))
		if f.Before(earliest) {
			earliest = f
		}
	}
	res.spanP50 = pct(durations(spans), 0.5)
	res.firstPost = earliest.Sub(first)
	b.mu.Lock()
	b.results.sched.fanOut = res
	b.mu.Unlock()
	if lost > 0 || dups > 0 {
		t.Errorf("%d of %d reminders never posted, %d posted twice", lost, n, dups)
	}
}

// --- fan-out under a workspace limit ---

// Slack's workspace-wide chat.postMessage limit in the budget rows, and
// the bot's budget under it.
const (
	budgetWorkspaceRate = 40
	budgetPostRate      = "36"
	budgetPresses       = 6
)

// fanOutBudget is the fan-out again, 1,000 reminders to 50 DMs, with the
// fake also enforcing a workspace-wide limit across channels: once with
// the bot's budget under it, once with the budget above it, to show what
// the budget spares. While it runs, someone presses Done on a reminder
// already posted, every couple of seconds: the edit must not wait behind
// the fan-out (from the press to the fake recording chat.update).
func (b *bench) fanOutBudget(t *testing.T) {
	for _, rate := range []string{budgetPostRate, benchPostRate} {
		res := b.fanOutBudgetOnce(t, rate)
		b.mu.Lock()
		b.results.sched.budgets = append(b.results.sched.budgets, res)
		b.mu.Unlock()
	}
}

func (b *bench) fanOutBudgetOnce(t *testing.T, postRate string) budgetResult {
	sys := newSchedSystem(t, slacktest.Options{ChannelRate: 1, WorkspaceRate: budgetWorkspaceRate}, fanOutUsers)
	sys.addPartners(t)
	sys.startBot(t, map[string]string{"OUTREACH_QUIET_HOURS": "off", "OUTREACH_POST_RATE": postRate})
	n := fanOutUsers * fanOutPer
	first, due := sys.queueFanOut(t, "Budget task")
	rate, _ := strconv.ParseFloat(postRate, 64)
	res := budgetResult{postRate: postRate, n: n,
		floor: max(time.Duration(fanOutPer)*time.Second, time.Duration(float64(n)/min(rate, budgetWorkspaceRate)*float64(time.Second)))}

	// Presses while the fan-out runs: Done on a reminder posted a moment ago.
	pressed := map[string]bool{}
	for i := 0; i < budgetPresses; i++ {
		time.Sleep(2 * time.Second) // spacing the presses over the fan-out, not waiting for it
		var target slacktest.Post
		for _, p := range sys.slack.Posts() {
			if p.Kind == "postMessage" && strings.HasPrefix(postJob(p), "fu:") && !pressed[p.TS] {
				target = p
			}
		}
		if target.TS == "" {
			continue
		}
		pressed[target.TS] = true
		bs := buttons(t, target.Blocks)
		blockID, value, _ := strings.Cut(bs["fu_done"], "|")
		at := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := sys.slack.BlockAction(ctx, strings.TrimPrefix(target.Channel, "D"), target.Channel, target.TS, "fu_done", blockID, value)
		cancel()
		if err != nil {
			t.Errorf("press during the fan-out: %v", err)
			continue
		}
		if waitUntil(at.Add(10*time.Second), func() bool {
			for _, p := range sys.slack.Posts() {
				if p.Kind == "update" && p.TS == target.TS {
					res.presses = append(res.presses, p.At.Sub(at))
					return true
				}
			}
			return false
		}) {
			res.pressesAnswered++
		}
	}
	got := sys.waitReminders(due, first.Add(3*time.Minute), 1500*time.Millisecond)
	lost, dups, last := deliveries(due, got)
	res.delivered, res.dups, res.total = n-lost, dups, last.Sub(first)
	_, _, res.outOfOrder = dueOrder(due, sys.slack.Posts())
	res.rateLimited = sys.slack.RateLimited()
	if lost > 0 || dups > 0 {
		t.Errorf("OUTREACH_POST_RATE=%s: %d of %d reminders never posted, %d posted twice", postRate, lost, n, dups)
	}
	return res
}

// --- crash recovery ---

// crashVariant is one way of holding claimed reminders when the replica
// dies.
type crashVariant struct {
	name, setup string
	users, per  int
	rate        float64 // the fake's ChannelRate
	// killAfter: kill replica A this long after the first due time (the
	// rate-limited variant, A posting as fast as the limit lets it).
	killAfter time.Duration
	// stall: Slack stops answering A's chat.postMessage calls; the first
	// delivered of them still reach the fake (posted, A never hears back),
	// the others never do.
	stall     bool
	delivered int
}

var crashVariants = []crashVariant{
	{
		name: "rate-limited", setup: "20 DMs × 10 at 1 msg/s/channel; A posts ~3 per DM, killed 2.7 s after due",
		users: 20, per: 10, rate: 1, killAfter: 2700 * time.Millisecond,
	},
	{
		name: "Slack stalled for A", setup: "200 DMs × 1, no rate limit; 20 posted but never answered, 180 hanging",
		users: 200, per: 1, stall: true, delivered: 20,
	},
}

// crash runs two replicas of the real binary as separate processes on one
// fake Slack and one Redis. Replica A alone claims every reminder; B
// starts and waits beside it; A is killed with SIGKILL while it holds the
// claims. The figure is from the kill to the last reminder posted, every
// one of which must be posted exactly once: B must find, through
// conversations.history and the job id in each post's metadata, the ones
// A posted without living to record them.
func (b *bench) crash(t *testing.T) {
	bin, err := buildReplicaBinary(t)
	for _, v := range crashVariants {
		res := crashResult{name: v.name, setup: v.setup, skipped: "failed: see the go test output"}
		if err != nil {
			res.skipped = err.Error()
		} else {
			t.Run(strings.ReplaceAll(v.name, " ", "-"), func(t *testing.T) { b.crashOnce(t, bin, v, &res) })
		}
		b.mu.Lock()
		b.results.sched.crashes = append(b.results.sched.crashes, res)
		b.mu.Unlock()
	}
}

// buildReplicaBinary builds outreachbot into a temporary directory. An error
// (no Go toolchain on PATH) skips the crash rows rather than failing.
func buildReplicaBinary(t *testing.T) (string, error) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("not run: no go on PATH to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "outreachbot")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// crashOnce runs one variant and fills res; res.skipped stays set when
// the run stopped early.
func (b *bench) crashOnce(t *testing.T, bin string, v crashVariant, res *crashResult) {
	res.lease = crashLease
	sys := newSchedSystem(t, slacktest.Options{ChannelRate: v.rate}, v.users)
	sys.addPartners(t)
	proxy := newStallProxy(t, strings.TrimSuffix(sys.slack.APIURL(), "/api/"), v.stall, v.delivered)
	env := func(apiURL string) []string {
		return []string{
			"SLACK_APP_TOKEN=" + sys.slack.AppToken(), "SLACK_BOT_TOKEN=" + sys.slack.BotToken(), "SLACK_API_URL=" + apiURL,
			"REDIS_URL=" + sys.redis.URL(), "HTTP_ADDR=127.0.0.1:" + freePort(t),
			"OUTREACH_TZ=America/New_York", "OUTREACH_QUIET_HOURS=off", "OUTREACH_LEASE=" + crashLease.String(), "LOG_LEVEL=info",
			"OUTREACH_POST_RATE=" + benchPostRate,
		}
	}
	a := startReplica(t, bin, "A", env(proxy.url+"/api/"))
	waitConns(t, sys.slack, 2, a) // two Socket Mode connections a replica

	res.n = v.users * v.per
	first := time.Now().Add(time.Second)
	due := map[string]time.Time{}
	for i := range res.n {
		d := first.Add(time.Duration(i) * time.Millisecond)
		p := benchPartners[i%len(benchPartners)]
		job, err := sys.addFollowUp(p.ref, benchUser(i%v.users), d, fmt.Sprintf("Crash test reminder %03d", i))
		if err != nil {
			t.Fatalf("add follow-up: %v", err)
		}
		due[job] = time.UnixMilli(d.UnixMilli())
	}
	// A alone claims them all (nothing is left due in the queue; the
	// reminders A posts queue their next one a day later), then B joins.
	lastDue := strconv.FormatInt(first.Add(time.Duration(res.n)*time.Millisecond).UnixMilli(), 10)
	if !waitUntil(first.Add(10*time.Second), func() bool {
		n, err := sys.rdb.ZCount(context.Background(), "outreach:{"+home+"}:due", "-inf", lastDue).Result()
		return err == nil && n == 0 && time.Now().After(first.Add(time.Duration(res.n)*time.Millisecond))
	}) {
		t.Fatalf("replica A did not claim the %d reminders\nA's logs:\n%s", res.n, a.logs.String())
	}
	rb := startReplica(t, bin, "B", env(sys.slack.APIURL()))
	waitConns(t, sys.slack, 4, rb)

	if v.stall {
		if !waitUntil(time.Now().Add(10*time.Second), func() bool {
			fwd, held := proxy.counts()
			return fwd == v.delivered && held == res.n-v.delivered
		}) {
			fwd, held := proxy.counts()
			t.Fatalf("A's posts did not reach the proxy: %d delivered, %d held", fwd, held)
		}
	} else {
		time.Sleep(time.Until(first.Add(v.killAfter)))
	}
	// A's leases: B can take a reminder back once its lease ran out.
	leases, err := sys.rdb.ZRangeWithScores(context.Background(), "outreach:{"+home+"}:leases", 0, -1).Result()
	if err != nil || len(leases) == 0 {
		t.Fatalf("reading A's leases: %v", err)
	}
	leaseOut, leaseLast := time.UnixMilli(int64(leases[0].Score)), time.UnixMilli(int64(leases[len(leases)-1].Score))
	killAt := time.Now()
	a.kill()
	res.leaseOut, res.leaseLast = leaseOut.Sub(killAt), leaseLast.Sub(killAt)

	got := sys.waitReminders(due, killAt.Add(60*time.Second), 1500*time.Millisecond)
	rb.stop(t)
	lost, dups, last := deliveries(due, got)
	res.lost, res.dups, res.raw = lost, dups, last.Sub(killAt)
	res.rateLimited = sys.slack.RateLimited()
	posts := sys.slack.Posts()
	_, _, res.outOfOrder = dueOrder(due, posts)
	// A cannot post after it died and B cannot take a reminder before
	// A's first lease ran out, so that expiry tells whose post it is.
	left := map[string]int{}
	for _, p := range posts {
		if _, ok := due[postJob(p)]; !ok || p.Kind != "postMessage" {
			continue
		}
		if p.At.Before(leaseOut) {
			res.byA++
		} else {
			res.byB++
			left[p.Channel]++
		}
	}
	for _, n := range left {
		res.remaining = max(res.remaining, n)
	}
	if v.rate > 0 && res.remaining > 0 {
		res.floor = time.Duration(float64(res.remaining-1) / v.rate * float64(time.Second))
	}
	logs := rb.logs.String()
	res.found = strings.Count(logs, `"msg":"reclaimed work was already posted"`)
	res.reclaimed = sumLogField(logs, "took back work whose lease expired", "jobs")
	res.skipped = ""
	if lost > 0 || dups > 0 {
		t.Errorf("%d of %d reminders never posted, %d posted twice\nB's logs:\n%s", lost, res.n, dups, clipString(logs, 4000))
	}
}

// --- Redis outage ---

// outage runs the scenario of TestOnceThroughRedisOutage (outage_test.go)
// with the fake also answering every third chat.postMessage 429 for the
// first minute: two replicas, a 3 s lease, 200 reminders due within two
// seconds to 10 DMs, Redis stopped for 5 s while they wait in the post
// queues, then the busiest replica killed. Every reminder must be posted
// exactly once; the figures are how late.
func (b *bench) outage(t *testing.T) {
	res := &outageBench{skipped: "failed: see the go test output"}
	defer func() {
		b.mu.Lock()
		b.results.sched.outage = res
		b.mu.Unlock()
	}()
	bin, err := buildReplicaBinary(t)
	if err != nil {
		res.skipped = err.Error()
		return
	}
	res.outageResult = runOutage(t, bin, outageOptions{rateLimit: time.Minute})
	res.skipped = ""
	if res.twice > 0 || res.never > 0 {
		t.Errorf("%d of %d reminders posted twice, %d never", res.twice, res.n, res.never)
	}
}

// sumLogField adds up a numeric field of the JSON log lines with message msg.
func sumLogField(logs, msg, field string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		var m map[string]any
		if !strings.Contains(line, msg) || json.Unmarshal([]byte(line), &m) != nil || m["msg"] != msg {
			continue
		}
		if f, ok := m[field].(float64); ok {
			n += int(f)
		}
	}
	return n
}

// stallProxy stands between replica A and the fake Slack and relays every
// call. With stall set, chat.postMessage calls hang as they would if
// Slack stopped answering: the first deliver of them still reach the fake
// (Slack posted the message; A never hears back), the rest never do. A
// hanging call ends when A dies.
type stallProxy struct {
	url, upstream string
	stall         bool
	deliver       int
	client        *http.Client
	closing       chan struct{}

	mu              sync.Mutex
	forwarded, held int
}

func newStallProxy(t *testing.T, upstream string, stall bool, deliver int) *stallProxy {
	t.Helper()
	p := &stallProxy{upstream: upstream, stall: stall, deliver: deliver, client: &http.Client{}, closing: make(chan struct{})}
	srv := httptest.NewServer(p)
	p.url = srv.URL
	t.Cleanup(func() {
		close(p.closing)
		srv.Close()
	})
	return p
}

func (p *stallProxy) counts() (forwarded, held int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.forwarded, p.held
}

func (p *stallProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if p.stall && strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
		p.mu.Lock()
		forward := p.forwarded < p.deliver
		if forward {
			p.forwarded++
		} else {
			p.held++
		}
		p.mu.Unlock()
		if forward {
			// Slack takes the message whatever happens to the caller.
			if resp, err := p.relay(context.Background(), r, body); err == nil {
				resp.Body.Close()
			}
		}
		select {
		case <-r.Context().Done(): // A died
		case <-p.closing:
		}
		return
	}
	resp, err := p.relay(r.Context(), r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *stallProxy) relay(ctx context.Context, r *http.Request, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return p.client.Do(req)
}

// --- the report ---

// joinNotes joins the non-empty notes with "; " (shared's start with it).
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n = strings.TrimPrefix(n, "; "); n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

// leaseSpan is when A's leases ran out, after the kill.
func (c crashResult) leaseSpan() string {
	if c.leaseLast-c.leaseOut < 10*time.Millisecond {
		return fmt.Sprintf("%.2f s", c.leaseOut.Seconds())
	}
	return fmt.Sprintf("%.2f–%.2f s", c.leaseOut.Seconds(), c.leaseLast.Seconds())
}

// schedRows adds the scheduler rows to the table.
func (r benchResults) schedRows(tab *table) {
	s := r.sched
	anchor := func(d time.Duration) string {
		if r.pingP50 <= 0 {
			return ""
		}
		return fmt.Sprintf("%s round trips of PING p50", count(float64(d)/float64(r.pingP50)))
	}
	if s.duePosted == nil && len(s.scans) == 0 && s.memory == nil && s.fanOut == nil && len(s.budgets) == 0 && len(s.crashes) == 0 && s.outage == nil {
		return
	}
	tab.rule()
	tab.row("scheduler: each row on its own fake Slack and redis-server (AOF everysec)", "", "", "", "")
	if d := s.duePosted; d != nil {
		tab.row(fmt.Sprintf("due → posted, idle: %d follow-ups 50–100 ms apart, 50 DMs", d.n), "", "", "",
			"due time → the fake records chat.postMessage; `outreachbot run` in this process")
		tab.row("  p50", ms(d.p50), "", "", fmt.Sprintf("the outbox's %s gather, then %s ≈ %s", ms(outboxGather), ms(d.p50-outboxGather), anchor(d.p50-outboxGather)))
		tab.row("  p99", ms(d.p99), "≤ 1 s (SPEC)", verdict(d.p99 <= time.Second), "vs 5 s polling of the usual Redis job queues")
		tab.row("  max", ms(d.max), "", "", "")
		tab.row("  posted once", fmt.Sprintf("%d of %d", d.n-d.lost, d.n), "all, once", verdict(d.lost == 0 && d.dups == 0), fmt.Sprintf("%d twice", d.dups))
	}
	if len(s.scans) > 0 {
		tab.row("due scan: claim 1,000 due among N queued", "", "", "", "store.ClaimDue straight to Redis; median of 5")
		lo, hi := s.scans[0].by100, s.scans[0].by100
		for _, x := range s.scans {
			lo, hi = min(lo, x.by100), max(hi, x.by100)
			tab.row(fmt.Sprintf("  N = %s, limit %d × %d", count(float64(x.n)), scheduler.ClaimBatch, x.calls100), ms(x.by100), "≤ 5 ms (SPEC)", verdict(x.by100 <= 5*time.Millisecond),
				joinNotes(anchor(x.by100), fmt.Sprintf("range %s–%s", ms(x.by100Range[0]), ms(x.by100Range[1])), shared(x.otherCPU)))
			tab.row(fmt.Sprintf("  N = %s, one call of 1,000", count(float64(x.n))), ms(x.by1000), "≤ 5 ms (SPEC)", verdict(x.by1000 <= 5*time.Millisecond),
				joinNotes(anchor(x.by1000), fmt.Sprintf("range %s–%s", ms(x.by1000Range[0]), ms(x.by1000Range[1]))))
		}
		if len(s.scans) > 1 && lo > 0 {
			ratio := float64(hi) / float64(lo)
			tab.row(fmt.Sprintf("  flat across N (limit %d)", scheduler.ClaimBatch), fmt.Sprintf("%.2f×", ratio), "flat (≤ 1.5× here)", verdict(ratio <= 1.5), "slowest / fastest N")
		}
	}
	if m := s.memory; m != nil {
		tab.row("Redis memory: used_memory growth", "", "", "", "")
		tab.row(fmt.Sprintf("  per follow-up (%s, ~%d-char text)", count(float64(m.followUps)), m.fuText), fmt.Sprintf("%.0f B", m.perFollowUp), "≤ 1 KiB (SPEC)",
			verdict(m.perFollowUp <= 1024), "with its queued reminder, indexes, audit entry")
		for _, e := range []struct{ enc, what string }{{"listpack", "≤ 64"}, {"hashtable", "> 64"}} {
			if c, ok := m.byEncoding[e.enc]; ok {
				per := m.perFollowUp - m.hash + c.hash
				tab.row(fmt.Sprintf("    one whose text is %s bytes (%s hash)", e.what, e.enc), fmt.Sprintf("%.0f B", per), "≤ 1 KiB (SPEC)", verdict(per <= 1024),
					fmt.Sprintf("%.0f%% of these; its hash %.0f B", 100*c.share, c.hash))
			}
		}
		tab.row(fmt.Sprintf("  per contact (%s, ~%d-char summary)", count(float64(m.contacts)), m.ctText), fmt.Sprintf("%.0f B", m.perContact), "≤ 2 KiB (SPEC)",
			verdict(m.perContact <= 2048), "with its index and audit entry")
	}
	if f := s.fanOut; f != nil {
		tab.row(fmt.Sprintf("fan-out: %s reminders to %d DMs due in 1 s, fake at 1 msg/s/channel", count(float64(f.n)), fanOutUsers), "", "", "",
			fmt.Sprintf("%d HTTP 429s from the fake", f.rateLimited))
		tab.row("  delivered once", fmt.Sprintf("%s of %s", count(float64(f.delivered)), count(float64(f.n))), "all, once", verdict(f.delivered == f.n && f.dups == 0),
			fmt.Sprintf("%d twice", f.dups))
		tab.row("  in due order per DM", fmt.Sprintf("%d of %d DMs", f.channelsInOrder, f.channels), "all", verdict(f.outOfOrder == 0 && f.channels == fanOutUsers),
			fmt.Sprintf("%d posts after a later-due one", f.outOfOrder))
		tab.row("  first due → last post", fmt.Sprintf("%.2f s", f.total.Seconds()), fmt.Sprintf("≤ %.0f s (floor %.0f s + 10 %%)", 1.1*f.floor.Seconds(), f.floor.Seconds()),
			verdict(f.total <= f.floor*11/10), fmt.Sprintf("%.3f× the %.0f s floor", float64(f.total)/float64(f.floor), f.floor.Seconds()))
	}
	for _, g := range s.budgets {
		within := g.postRate == budgetPostRate
		tab.row(fmt.Sprintf("fan-out under a workspace limit: %s reminders to %d DMs, fake at 1 msg/s/channel and %d/s across the workspace; OUTREACH_POST_RATE=%s",
			count(float64(g.n)), fanOutUsers, budgetWorkspaceRate, g.postRate), "", "", "", map[bool]string{true: "the budget under the limit", false: "the budget above the limit: what it spares"}[within])
		tab.row("  HTTP 429s", strconv.Itoa(g.rateLimited), map[bool]string{true: "no storm (≤ 10)", false: ""}[within],
			map[bool]string{true: verdict(g.rateLimited <= 10), false: ""}[within], "all of them chat.postMessage")
		tab.row("  delivered once, in due order", fmt.Sprintf("%s of %s", count(float64(g.delivered)), count(float64(g.n))), "all, once", verdict(g.delivered == g.n && g.dups == 0 && g.outOfOrder == 0),
			fmt.Sprintf("%d twice, %d after a later-due one", g.dups, g.outOfOrder))
		tab.row("  first due → last post", fmt.Sprintf("%.2f s", g.total.Seconds()), "", "", fmt.Sprintf("floor %.1f s: the tighter of 20 per DM at 1/s and the budget", g.floor.Seconds()))
		if len(g.presses) > 0 {
			d := durations(g.presses)
			tab.row(fmt.Sprintf("  button press → message updated, %d presses during it", len(d)), ms(d[len(d)-1]), "≤ 1 s (max)", verdict(d[len(d)-1] <= time.Second && g.pressesAnswered == budgetPresses),
				fmt.Sprintf("p50 %s; %d of %d answered", ms(d[len(d)/2]), g.pressesAnswered, budgetPresses))
		}
	}
	for _, c := range s.crashes {
		tab.row(fmt.Sprintf("crash recovery, %s: kill -9 A holding %d claimed reminders", c.name, c.n), "", "", "", c.setup)
		if c.skipped != "" {
			tab.row("  "+c.skipped, "", "", "", "")
			continue
		}
		target := c.lease + c.lease/3
		if c.floor > 0 {
			tab.row("  kill → last post, raw", fmt.Sprintf("%.2f s", c.raw.Seconds()), fmt.Sprintf("≤ %.0f s + floor %.0f s", target.Seconds(), c.floor.Seconds()),
				verdict(c.raw <= target+c.floor), fmt.Sprintf("floor: %d left in the busiest DM need %.0f s at 1 msg/s", c.remaining, c.floor.Seconds()))
			tab.row("  beyond the rate-limit floor", fmt.Sprintf("%.2f s", (c.raw-c.floor).Seconds()), fmt.Sprintf("≤ %.0f s (lease + ⅓)", target.Seconds()),
				verdict(c.raw-c.floor <= target), fmt.Sprintf("leases ran out %s after the kill", c.leaseSpan()))
		} else {
			tab.row("  kill → last post", fmt.Sprintf("%.2f s", c.raw.Seconds()), fmt.Sprintf("≤ %.0f s (lease + ⅓)", target.Seconds()), verdict(c.raw <= target),
				fmt.Sprintf("leases ran out %s after the kill; B's last post %.2f s after the first ran out", c.leaseSpan(), (c.raw-c.leaseOut).Seconds()))
		}
		tab.row("  posted once", fmt.Sprintf("%d of %d", c.n-c.lost, c.n), "all, once", verdict(c.lost == 0 && c.dups == 0),
			fmt.Sprintf("%d twice; A %d, B %d; B found %d in history, not reposted", c.dups, c.byA, c.byB, c.found))
	}
	if o := s.outage; o != nil {
		tab.row(fmt.Sprintf("Redis outage: 2 replicas, lease %s, %d reminders to %d DMs due within %s, Redis stopped %s while they queue, then a replica killed",
			outageLease, outageUsers*outagePerDM, outageUsers, outageSpread, outageRedis), "", "", "",
			"the fake at 1 msg/s/channel, answering every third post 429 for the first minute")
		if o.skipped != "" {
			tab.row("  "+o.skipped, "", "", "", "")
		} else {
			tab.row("  posted once / twice / never", fmt.Sprintf("%d / %d / %d", o.once, o.twice, o.never), "all once", verdict(o.once == o.n),
				fmt.Sprintf("%d HTTP 429s; %.0f posts fenced on the surviving replica (%s killed)", o.rateLimited, o.fenced, o.killed))
			tab.row("  lateness (due → first post) p50", fmt.Sprintf("%.1f s", o.lateP50.Seconds()), "", "", "20 per DM at 1/s, with 5 s of outage in the middle")
			tab.row("  lateness p99", fmt.Sprintf("%.1f s", o.lateP99.Seconds()), "", "", "")
		}
	}
}

// schedNotes adds the scheduler rows' lines to "where the time goes".
func (r benchResults) schedNotes(w io.Writer) {
	s := r.sched
	if d := s.duePosted; d != nil {
		fmt.Fprintf(w, "  due → posted: due → the job reads its follow-up (as Redis's MONITOR stamps it) p50 %s, p99 %s; that read → post recorded p50 %s, p99 %s,\n",
			ms(d.startP50), ms(d.startP99), ms(d.postP50), ms(d.postP99))
		fmt.Fprintf(w, "      of which %s is the outbox gathering a DM's posts due together before its first (bot/outbox.go `gather`)\n", ms(outboxGather))
	}
	for _, x := range s.scans {
		fmt.Fprintf(w, "  due scan N = %9s: Redis inside the claim scripts %s of %s (the scheduler's batches), %s of %s (one call); the rest is round trips, the AOF write\n",
			count(float64(x.n)), ms(x.script100), ms(x.by100), ms(x.script1000), ms(x.by1000))
		fmt.Fprintf(w, "      and go-redis reading 3,000 reply elements; %s queued in %.1f s (setup), used_memory %.0f MB\n",
			count(float64(x.n)), x.fill.Seconds(), float64(x.usedMemory)/1e6)
	}
	if m := s.memory; m != nil {
		parts := func(ps []memPart) string {
			var out []string
			for _, p := range ps {
				out = append(out, fmt.Sprintf("%s %.0f B", p.name, p.bytes))
			}
			return strings.Join(out, " + ")
		}
		fmt.Fprintf(w, "  memory per follow-up %.0f B = %s\n", m.perFollowUp, parts(m.fuParts))
		fmt.Fprintf(w, "  memory per contact %.0f B = %s\n", m.perContact, parts(m.ctParts))
	}
	if f := s.fanOut; f != nil {
		fmt.Fprintf(w, "  fan-out: first post %s after the first due time; each DM's 20 posts span p50 %.2f s: the outbox spaces a DM's posts 1.05 s apart,\n",
			ms(f.firstPost), f.spanP50.Seconds())
		fmt.Fprintln(w, "      so 0.1 s gather + 19 × 1.05 s + 49 ms (the last DM's first due time) ≈ 20.1 s is the design's own floor; 1.05 s keeps clear of 429s")
	}
	for _, c := range s.crashes {
		if c.skipped != "" {
			continue
		}
		fmt.Fprintf(w, "  crash, %s: A's leases (claimed, then renewed every lease/3) ran out %s after the kill (⅔ to 1 lease, by where in the renewal cycle it died);\n", c.name, c.leaseSpan())
		fmt.Fprintf(w, "      B took back %d, posted %d (%d HTTP 429s in all), found %d already posted by A; %d posts after a later-due one\n",
			c.reclaimed, c.byB, c.rateLimited, c.found, c.outOfOrder)
	}
}
