package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// The failover and resharding tests run `outreachbot run` against a
// deployment of their own while a stream of slash commands and scheduled
// posts goes on, and break the deployment in the middle: Sentinel loses
// its master (SIGKILL), a Cluster moves slots (reshard_bench_test.go). Each prints its figures;
// what must hold is asserted: no command goes unanswered (Slack's 3 s, as
// the fake enforces), no reminder is posted twice or lost.

const (
	streamEvery  = 25 * time.Millisecond // 40 commands a second
	streamUsers  = 50
	streamPosts  = 300 // reminders, due over 6 s around the break
	streamRepair = "@every 2s"
)

// report logs figures, and appends them to the file OUTREACH_FIGURES
// names, if any: scripts/test-cluster.sh prints that file at the end, as
// go test shows nothing of a passing package.
func report(t *testing.T, format string, args ...any) {
	t.Helper()
	text := fmt.Sprintf(format, args...)
	t.Log("\n" + text)
	path := os.Getenv("OUTREACH_FIGURES")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Errorf("figures file: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Errorf("figures file: %v", err)
	}
}

// streamed is one command of the stream and how it was answered.
type streamed struct {
	summary string
	sent    time.Time
	latency time.Duration
	text    string
	err     error
}

func (c streamed) confirmed() bool { return c.err == nil && strings.Contains(c.text, "Logged call") }
func (c streamed) tryAgain() bool {
	return c.err == nil && strings.Contains(c.text, "try again in a moment")
}

// streamSystem is the fake Slack, users with reminders falling due, and a
// bot on rs.
type streamSystem struct {
	t     *testing.T
	slack *slacktest.Server
	rs    *storetest.Server
	st    *store.Store
	e     *e2e
	due   map[string]time.Time
	every time.Duration // between two commands of the stream
	posts int           // reminders queueReminders queues
	// nextEvery: every nth command of the stream also creates a
	// follow-up (`next:`); 0 for none.
	nextEvery int
	sent      int // commands streamed so far, which number the next one
}

func newStreamSystem(t *testing.T, rs *storetest.Server) *streamSystem {
	t.Helper()
	// Real time passes (Redis fails over in it), from the test instant.
	clock := testclock.Running()
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Now: clock.Now})
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0MARIA", TeamID: home, Name: "maria", TZ: "America/New_York"})
	fs.AddChannel(slacktest.Channel{ID: "C0OUTREACH", Name: "outreach-team"})
	for i := range streamUsers {
		fs.AddUser(slacktest.User{ID: replicaUser(i), TeamID: home, Name: fmt.Sprintf("r%03d", i), TZ: "America/New_York"})
	}
	s := &streamSystem{t: t, slack: fs, rs: rs, st: store.New(rs.Client(), 5*time.Second), due: map[string]time.Time{},
		every: streamEvery, posts: streamPosts}
	if err := s.st.AddPartner(context.Background(), home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: "U0MARIA"}, "U0MARIA", clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.e = launchBot(t, fs, rs, map[string]string{"OUTREACH_QUIET_HOURS": "off", "OUTREACH_LEASE": "3s",
		"OUTREACH_SCHEDULE_FOLLOWUPS": streamRepair, "LOG_LEVEL": "info", "OUTREACH_POST_RATE": "100"}, clock)
	return s
}

// queueReminders queues s.posts reminders due evenly over span from
// after (on the bot's clock), to streamUsers DMs.
func (s *streamSystem) queueReminders(after, span time.Duration) {
	s.t.Helper()
	now := s.e.clock.Now()
	first := now.Add(after)
	jobs := make([]string, s.posts)
	dues := make([]time.Time, s.posts)
	if err := parallel(s.posts, 8, func(i int) error {
		dues[i] = time.UnixMilli(first.Add(span * time.Duration(i) / time.Duration(s.posts)).UnixMilli())
		id, _, err := s.st.AddFollowUp(context.Background(), home, store.PartnerRef{Text: "county"},
			domain.FollowUp{Assignee: replicaUser(i % streamUsers), Due: dues[i], Text: fmt.Sprintf("Stream reminder %03d", i)}, "U0MARIA", now)
		jobs[i] = fmt.Sprintf("fu:%d:1", id)
		return err
	}); err != nil {
		s.t.Fatalf("queue reminders: %v", err)
	}
	for i, j := range jobs {
		s.due[j] = dues[i]
	}
}

// stream sends `log county call "<n>"` every s.every until until (with a
// follow-up every s.nextEvery), each without waiting for the one before,
// and returns every answer.
func (s *streamSystem) stream(until time.Time) []streamed {
	var mu sync.Mutex
	var out []streamed
	var wg sync.WaitGroup
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	for ; time.Now().Before(until); s.sent++ {
		c := streamed{summary: fmt.Sprintf("stream %05d", s.sent), sent: time.Now()}
		text := fmt.Sprintf(`log county call "%s"`, c.summary)
		if s.nextEvery > 0 && s.sent%s.nextEvery == 0 {
			text += ` next:"in 3 days send the notes"`
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ack, err := s.slack.SlashCommand(ctx, "U0MARIA", "C0OUTREACH", "/outreach", text)
			c.latency, c.text, c.err = time.Since(c.sent), string(ack.Payload), err
			mu.Lock()
			out = append(out, c)
			mu.Unlock()
		})
		<-tick.C
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b streamed) int { return a.sent.Compare(b.sent) })
	return out
}

// streamFigures sums a stream up around the moment of the break.
type streamFigures struct {
	sent, confirmed, tryAgain, silent int
	firstSilent                       string
	maxTryAgain                       time.Duration // slowest "try again" answer
	firstFail, recovered              time.Time     // first command not confirmed after the break; first confirmed after that
	lostWrites                        int           // confirmed, but not in the history afterwards
}

func (s *streamSystem) figures(cmds []streamed, broke time.Time) streamFigures {
	s.t.Helper()
	var f streamFigures
	f.sent = len(cmds)
	for _, c := range cmds {
		switch {
		case c.confirmed():
			f.confirmed++
			if !f.firstFail.IsZero() && f.recovered.IsZero() {
				f.recovered = c.sent
			}
			continue
		case c.tryAgain():
			f.tryAgain++
			f.maxTryAgain = max(f.maxTryAgain, c.latency)
		default:
			f.silent++
			if f.firstSilent == "" {
				f.firstSilent = fmt.Sprintf("%s: %v %.200s", c.summary, c.err, c.text)
			}
		}
		if f.firstFail.IsZero() && !c.sent.Before(broke.Add(-time.Second)) {
			f.firstFail = c.sent
		}
	}
	// Every confirmed write must be in the history, read from whichever
	// node is the master now.
	var hist []domain.Contact
	var err error
	waitUntil(time.Now().Add(20*time.Second), func() bool {
		hist, err = s.st.History(context.Background(), home, "county-health-dept", 1_000_000)
		return err == nil
	})
	if err != nil {
		s.t.Fatalf("history 20 s after the stream: %v\nlogs:\n%s", err, clipString(s.e.logs.String(), 3000))
	}
	have := map[string]bool{}
	for _, c := range hist {
		have[c.Summary] = true
	}
	for _, c := range cmds {
		if c.confirmed() && !have[c.summary] {
			f.lostWrites++
		}
	}
	return f
}

// reminders waits until every queued reminder was posted or deadline
// passes, then a second more for a duplicate to show, and counts.
func (s *streamSystem) reminders(deadline time.Time) (lost, dups int) {
	waitUntil(deadline, func() bool {
		got := reminderPosts(s.slack)
		for job := range s.due {
			if len(got[job]) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(time.Second) // a duplicate would show up
	lost, dups, _ = deliveries(s.due, reminderPosts(s.slack))
	return lost, dups
}

// TestSentinelFailover kills Sentinel's master (SIGKILL) while commands
// stream in at 40 a second and 300 reminders fall due. Every command must
// be answered within Slack's 3 s, confirmed or "try again in a moment",
// never silently dropped; the scheduler must resume on the promoted
// replica, with no reminder posted twice, and the repair sweep must
// re-queue any reminder whose write was lost. Replication is asynchronous,
// so a confirmed write can be lost in the instant before the kill: the
// test counts and prints such losses rather than asserting none.
func TestSentinelFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("fails a Redis master over")
	}
	if top := storetest.Topology(); top != storetest.Sentinel {
		t.Skipf("runs with Sentinel: %s=%s (make test-cluster)", storetest.EnvTopology, storetest.Sentinel)
	}
	rs := storetest.NewWith(t, storetest.Options{Topology: storetest.Sentinel})
	s := newStreamSystem(t, rs)
	ctx := context.Background()
	master, err := rs.MasterAddr(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plain, waited := waitCost(t, rs, master)

	start := time.Now()
	killAt := start.Add(3 * time.Second)
	s.queueReminders(2*time.Second, 6*time.Second)
	go func() {
		time.Sleep(time.Until(killAt))
		rs.Kill(master)
	}()
	cmds := s.stream(killAt.Add(7 * time.Second))
	f := s.figures(cmds, killAt)
	lost, dups := s.reminders(killAt.Add(45 * time.Second))
	promoted, _ := rs.MasterAddr(ctx)

	unavailable := 0.0
	if !f.recovered.IsZero() {
		unavailable = f.recovered.Sub(f.firstFail).Seconds()
	}
	report(t, "FAILOVER (Sentinel, SIGKILL of the master %s, promoted %s; %d commands at %d/s, %d reminders):\n"+
		"  writes unavailable %.2f s (first command not confirmed %.2f s after the kill, first confirmed again %.2f s after it)\n"+
		"  commands: %d confirmed, %d answered \"try again in a moment\" (slowest answer %d ms), %d failed silently\n"+
		"  confirmed writes lost: %d of %d\n"+
		"  reminders: %d posted twice, %d never posted\n"+
		"  WAIT 1 on a write, before the kill: p50 %s → %s, p99 %s → %s\n",
		master, promoted, f.sent, int(time.Second/streamEvery), streamPosts,
		unavailable, f.firstFail.Sub(killAt).Seconds(), f.recovered.Sub(killAt).Seconds(),
		f.confirmed, f.tryAgain, f.maxTryAgain.Milliseconds(), f.silent,
		f.lostWrites, f.confirmed, dups, lost,
		ms(pct(plain, 0.5)), ms(pct(waited, 0.5)), ms(pct(plain, 0.99)), ms(pct(waited, 0.99)))
	if f.silent > 0 {
		t.Errorf("%d commands failed silently (no ack within 3 s, or an unexpected reply); first: %s\nlogs:\n%s", f.silent, f.firstSilent, clipString(s.e.logs.String(), 3000))
	}
	if f.recovered.IsZero() {
		t.Errorf("no command was confirmed after the failover\nlogs:\n%s", clipString(s.e.logs.String(), 3000))
	}
	if dups > 0 || lost > 0 {
		t.Errorf("reminders: %d posted twice, %d never posted; want each exactly once\nlogs:\n%s", dups, lost, clipString(s.e.logs.String(), 3000))
	}
}

// waitCost times a one-field write alone and followed by WAIT 1 100 on
// the same connection, 300 of each, on the master while its replica is
// online: what waiting for the replica would add to a write.
func waitCost(t *testing.T, rs *storetest.Server, master string) (plain, waited []time.Duration) {
	t.Helper()
	o := rs.NodeOptions(master)
	o.PoolSize = 1
	c := redis.NewClient(o)
	defer c.Close()
	ctx := context.Background()
	for i := range 600 {
		start := time.Now()
		var err error
		if i%2 == 0 {
			err = c.HSet(ctx, "outreach:{T0WAIT}:probe", "n", i).Err()
		} else {
			_, err = c.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, "outreach:{T0WAIT}:probe", "n", i)
				p.Do(ctx, "WAIT", 1, 100)
				return nil
			})
		}
		if err != nil {
			t.Fatalf("WAIT probe: %v", err)
		}
		if i%2 == 0 {
			plain = append(plain, time.Since(start))
		} else {
			waited = append(waited, time.Since(start))
		}
	}
	return durations(plain), durations(waited)
}
