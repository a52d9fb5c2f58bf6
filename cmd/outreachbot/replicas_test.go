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

const (
	replicaUsers   = 100
	replicaPerUser = 10 // the outbox spaces a DM's posts 1.05 s apart: ~10 s of posting
	replicaLease   = 3 * time.Second
)

// TestReplicasOnCluster runs three `outreachbot run` processes on one
// Redis Cluster, each with its own Socket Mode connection to the fake
// Slack. 1,000 follow-ups fall due at once, 10 to each of 100 DMs; each
// must be posted exactly once, counted by the job id every scheduled post
// carries as metadata. In "kill and roll", mid-run the replica that has
// posted most is killed (SIGKILL) and another is rolled (SIGTERM, then
// started again), as a rolling deploy does.
func TestReplicasOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes")
	}
	if top := storetest.Topology(); top != storetest.Cluster {
		t.Skipf("runs on a Redis Cluster: %s=%s (make test-cluster)", storetest.EnvTopology, storetest.Cluster)
	}
	bin := buildBinary(t)
	for _, tc := range []struct {
		name    string
		disrupt bool
	}{
		{"steady", false},
		{"kill and roll", true},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "-"), func(t *testing.T) {
			name := tc.name
			rs := storetest.New(t)
			fs := slacktest.New(slacktest.Options{HomeTeam: home})
			t.Cleanup(fs.Close)
			for i := range replicaUsers {
				fs.AddUser(slacktest.User{ID: replicaUser(i), TeamID: home, Name: fmt.Sprintf("r%03d", i), TZ: "America/New_York"})
			}
			st := store.New(rs.Client(), 5*time.Second)
			ctx := context.Background()
			if err := st.AddPartner(ctx, home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: replicaUser(0)}, replicaUser(0), time.Now()); err != nil {
				t.Fatal(err)
			}
			env := func() []string {
				vars := []string{"SLACK_APP_TOKEN=" + fs.AppToken(), "SLACK_BOT_TOKEN=" + fs.BotToken(), "SLACK_API_URL=" + fs.APIURL(),
					"HTTP_ADDR=127.0.0.1:" + freePort(t), "OUTREACH_TZ=America/New_York", "OUTREACH_QUIET_HOURS=off",
					"OUTREACH_LEASE=" + replicaLease.String(), "LOG_LEVEL=info",
					// The fake has no workspace limit: the budget at its highest,
					// so the figure is the replicas', not the budget's.
					"OUTREACH_POST_RATE=100"}
				// The processes run on the wall clock (a real binary's clock
				// cannot be moved), so the test's domain times are the wall
				// clock's too; with the automatic jobs off, the hour it runs
				// at changes nothing.
				for _, name := range automaticJobs {
					vars = append(vars, scheduleEnv(t, name)+"=off")
				}
				for k, v := range rs.Env() {
					vars = append(vars, k+"="+v)
				}
				return vars
			}
			reps := map[string]*replica{}
			for i, name := range []string{"A", "B", "C"} {
				reps[name] = startReplica(t, bin, name, env())
				waitConns(t, fs, i+1, reps[name])
			}

			n := replicaUsers * replicaPerUser
			at := time.UnixMilli(time.Now().Add(2 * time.Second).UnixMilli())
			jobs := make([]string, n)
			if err := parallel(n, 8, func(i int) error {
				id, _, err := st.AddFollowUp(ctx, home, store.PartnerRef{Text: "county"},
					domain.FollowUp{Assignee: replicaUser(i % replicaUsers), Due: at, Text: fmt.Sprintf("Replica test %04d", i)}, replicaUser(0), time.Now())
				jobs[i] = fmt.Sprintf("fu:%d:1", id)
				return err
			}); err != nil {
				t.Fatalf("add follow-ups: %v", err)
			}
			due := map[string]time.Time{}
			for _, j := range jobs {
				due[j] = at
			}
			posted := func() int { return len(reminderPosts(fs)) }

			if tc.disrupt {
				if !waitUntil(at.Add(30*time.Second), func() bool { return posted() >= n/5 }) {
					t.Fatalf("%d of %d posted 30 s after the due time", posted(), n)
				}
				victim := busiest(t, reps)
				reps[victim].kill()
				disruption := fmt.Sprintf("%s killed (SIGKILL) at %d posted", victim, posted())
				delete(reps, victim)
				var rolled string
				for name := range reps {
					rolled = name
				}
				reps[rolled].stop(t)
				disruption += fmt.Sprintf(", %s rolled (SIGTERM, restarted) at %d", rolled, posted())
				name = tc.name + ": " + disruption
				reps[rolled] = startReplica(t, bin, rolled+"2", env())
				waitConns(t, fs, 2, reps[rolled])
			}

			waitUntil(at.Add(90*time.Second), func() bool { return posted() >= n })
			time.Sleep(time.Second) // a duplicate would show up
			lost, dups, last := deliveries(due, reminderPosts(fs))
			report(t, "REPLICAS (Cluster, 3 processes, %s): %d follow-ups due at once: %d posted once, %d never, %d twice; last post %.1f s after the due time\n",
				name, n, n-lost, lost, dups, last.Sub(at).Seconds())
			if lost > 0 || dups > 0 {
				for name, r := range reps {
					t.Logf("replica %s logs:\n%s", name, clipString(r.logs.String(), 3000))
				}
				t.Errorf("%d of %d reminders never posted, %d posted twice; want each exactly once", lost, n, dups)
			}
			for _, r := range reps {
				r.stop(t)
			}
		})
	}
}

func replicaUser(i int) string { return fmt.Sprintf("U0REP%03d", i) }

// reminderPosts are the fake's reminder posts (a job id "fu:…" as
// metadata) by job id.
func reminderPosts(fs *slacktest.Server) map[string][]slacktest.Post {
	out := map[string][]slacktest.Post{}
	for _, p := range fs.Posts() {
		if job := postJob(p); p.Kind == "postMessage" && strings.HasPrefix(job, "fu:") {
			out[job] = append(out[job], p)
		}
	}
	return out
}

// busiest is the running replica that has sent the most scheduled posts,
// by its outreach_posts_sent_total: killing it loses claimed work.
func busiest(t *testing.T, reps map[string]*replica) string {
	t.Helper()
	best, most := "", -1.0
	for name, r := range reps {
		if n := postsSent(t, r); n > most {
			best, most = name, n
		}
	}
	return best
}

func postsSent(t *testing.T, r *replica) float64 {
	t.Helper()
	addr := ""
	for _, kv := range r.cmd.Env {
		if v, ok := strings.CutPrefix(kv, "HTTP_ADDR="); ok {
			addr = v
		}
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("replica %s metrics: %v", r.name, err)
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "outreach_posts_sent_total") {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			sum += v
		}
	}
	return sum
}
