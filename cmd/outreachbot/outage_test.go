package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// The outage scenario of TestOnceThroughRedisOutage and of the bench's
// outage row: two `outreachbot run` processes on one redis-server (AOF)
// and the fake Slack, a short lease, a burst of reminders waiting in the
// replicas' post queues when Redis stops for longer than the lease, then
// one replica killed.
const (
	outageUsers  = 10
	outagePerDM  = 20 // 20 s of queue per DM at 1 message a second
	outageLease  = 3 * time.Second
	outageRedis  = 5 * time.Second // Redis stopped: longer than the lease
	outageSpread = 2 * time.Second // the reminders' due times span this
)

// outageOptions vary the scenario.
type outageOptions struct {
	// rateLimit: the fake answers every third chat.postMessage with a
	// 429 for this long from the first due time (0: never).
	rateLimit time.Duration
}

// outageResult is what the fake received.
type outageResult struct {
	n, once, twice, never int
	lateP50, lateP99      time.Duration // due → first post of each reminder
	rateLimited           int
	fenced                float64 // outreach_posts_fenced_total of the surviving replica
	killed                string
	logs                  map[string]string
}

// runOutage runs the scenario: 200 reminders due within two seconds to
// 10 DMs, Redis stopped for 5 s two seconds after the first falls due
// (while most wait in the post queues), and, a second after Redis is
// back, the replica that has sent the most killed with SIGKILL. It
// returns once every reminder is posted, or 90 s after they fell due.
func runOutage(t *testing.T, bin string, opt outageOptions) outageResult {
	t.Helper()
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	fs := slacktest.New(slacktest.Options{HomeTeam: home, ChannelRate: 1})
	t.Cleanup(fs.Close)
	for i := range outageUsers {
		fs.AddUser(slacktest.User{ID: outageUser(i), TeamID: home, Name: fmt.Sprintf("out%02d", i), TZ: "America/New_York"})
	}
	st := store.New(rs.Client(), 5*time.Second)
	ctx := context.Background()
	if err := st.AddPartner(ctx, home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: outageUser(0)}, outageUser(0), time.Now()); err != nil {
		t.Fatal(err)
	}
	env := func() []string {
		vars := []string{"SLACK_APP_TOKEN=" + fs.AppToken(), "SLACK_BOT_TOKEN=" + fs.BotToken(), "SLACK_API_URL=" + fs.APIURL(),
			"HTTP_ADDR=127.0.0.1:" + freePort(t), "OUTREACH_TZ=America/New_York", "OUTREACH_QUIET_HOURS=off",
			"OUTREACH_LEASE=" + outageLease.String(), "LOG_LEVEL=info", "OUTREACH_POST_RATE=100"}
		for k, v := range rs.Env() {
			vars = append(vars, k+"="+v)
		}
		return vars
	}
	reps := map[string]*replica{}
	for i, name := range []string{"A", "B"} {
		reps[name] = startReplica(t, bin, name, env())
		waitConns(t, fs, 2*(i+1), reps[name]) // two Socket Mode connections a replica
	}

	n := outageUsers * outagePerDM
	first := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
	due := map[string]time.Time{}
	for i := range n {
		d := first.Add(time.Duration(i) * outageSpread / time.Duration(n))
		id, _, err := st.AddFollowUp(ctx, home, store.PartnerRef{Text: "county"},
			domain.FollowUp{Assignee: outageUser(i % outageUsers), Due: d, Text: fmt.Sprintf("Outage test %03d", i)}, outageUser(0), time.Now())
		if err != nil {
			t.Fatalf("add follow-up: %v", err)
		}
		due[fmt.Sprintf("fu:%d:1", id)] = time.UnixMilli(d.UnixMilli())
	}
	if opt.rateLimit > 0 {
		time.Sleep(time.Until(first))
		fs.RateLimitEvery("chat.postMessage", 3, 1, opt.rateLimit)
	}

	time.Sleep(time.Until(first.Add(2 * time.Second)))
	rs.Stop()
	time.Sleep(outageRedis) // the outage itself, not waiting for something
	rs.Start()
	time.Sleep(time.Second)
	res := outageResult{n: n, logs: map[string]string{}}
	res.killed = busiest(t, reps)
	reps[res.killed].kill()

	got := map[string][]slacktest.Post{}
	waitUntil(first.Add(90*time.Second), func() bool {
		got = reminderPosts(fs)
		return len(got) >= n
	})
	time.Sleep(2 * time.Second) // a second post of a reminder would show up
	got = reminderPosts(fs)
	var late []time.Duration
	for job, d := range due {
		switch k := len(got[job]); {
		case k == 0:
			res.never++
			continue
		case k == 1:
			res.once++
		default:
			res.twice++
		}
		late = append(late, got[job][0].At.Sub(d))
	}
	late = durations(late)
	res.lateP50, res.lateP99 = pct(late, 0.5), pct(late, 0.99)
	res.rateLimited = fs.RateLimited()
	for name, r := range reps {
		if name != res.killed {
			res.fenced = metricSum(t, r, "outreach_posts_fenced_total")
			r.stop(t)
		}
		res.logs[name] = r.logs.String()
	}
	return res
}

func outageUser(i int) string { return fmt.Sprintf("U0OUT%03d", i) }

// TestOnceThroughRedisOutage: with two replicas and a 3 s lease, Redis
// stops for 5 s while 200 reminders wait in the replicas' post queues,
// then one replica is killed. Each reminder reaches its DM exactly once.
func TestOnceThroughRedisOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two processes for about a minute")
	}
	res := runOutage(t, buildBinary(t), outageOptions{})
	report(t, "OUTAGE (2 replicas, lease %s, Redis stopped %s, %s killed): %d reminders: %d once, %d twice, %d never; late p50 %s, p99 %s; fenced %.0f\n",
		outageLease, outageRedis, res.killed, res.n, res.once, res.twice, res.never, ms(res.lateP50), ms(res.lateP99), res.fenced)
	if res.twice > 0 || res.never > 0 {
		for name, logs := range res.logs {
			t.Logf("replica %s logs:\n%s", name, clipString(logs, 6000))
		}
		t.Errorf("%d of %d reminders posted twice, %d never; want each exactly once", res.twice, res.n, res.never)
	}
}

// metricSum adds up every series of a counter on a replica's /metrics.
func metricSum(t *testing.T, r *replica, name string) float64 {
	t.Helper()
	addr := ""
	for _, kv := range r.cmd.Env {
		if v, ok := strings.CutPrefix(kv, "HTTP_ADDR="); ok {
			addr = v
		}
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Errorf("replica %s metrics: %v", r.name, err)
		return 0
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			sum += v
		}
	}
	return sum
}
