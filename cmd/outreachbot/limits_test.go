package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestSlackLimitsSharedByReplicas: three replicas post 300 reminders,
// due at once, into 3 DMs. Slack's limits are the workspace's, kept in
// Redis for all of them: no DM ever gets two posts within a second, and
// the workspace's posts keep to OUTREACH_POST_RATE (the fake counts them
// by when they arrived), each reminder posted once. Two minutes of
// posting, so it runs with the Cluster suite (make test-cluster).
func TestSlackLimitsSharedByReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("posts for two minutes")
	}
	if top := storetest.Topology(); top != storetest.Cluster {
		t.Skipf("runs on a Redis Cluster: %s=%s (make test-cluster)", storetest.EnvTopology, storetest.Cluster)
	}
	const (
		dms      = 3
		posts    = 300
		rate     = 2.5 // below what 3 DMs at one post a second would send: the budget binds
		burst    = 2   // the budget's, at this rate
		replicas = 3
	)
	clock := testclock.Running() // the fake stamps posts on real time, from the test instant
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Now: clock.Now})
	t.Cleanup(fs.Close)
	for i := range dms {
		fs.AddUser(slacktest.User{ID: replicaUser(i), TeamID: home, Name: fmt.Sprintf("r%03d", i), TZ: "America/New_York"})
	}
	rs := storetest.New(t)
	st := store.New(rs.Client(), 5*time.Second)
	ctx := context.Background()
	if err := st.AddPartner(ctx, home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: replicaUser(0)}, replicaUser(0), clock.Now()); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OUTREACH_QUIET_HOURS": "off", "OUTREACH_POST_RATE": fmt.Sprint(rate), "LOG_LEVEL": "warn"}
	for _, name := range automaticJobs {
		env[scheduleEnv(t, name)] = "off"
	}
	for range replicas {
		launchBot(t, fs, rs, env, clock)
	}
	at := time.UnixMilli(clock.Now().Add(2 * time.Second).UnixMilli())
	due := map[string]time.Time{}
	jobs := make([]string, posts)
	if err := parallel(posts, 8, func(i int) error {
		id, _, err := st.AddFollowUp(ctx, home, store.PartnerRef{Text: "county-health-dept"},
			domain.FollowUp{Assignee: replicaUser(i % dms), Due: at, Text: fmt.Sprintf("Limits test %03d", i)}, replicaUser(0), clock.Now())
		jobs[i] = fmt.Sprintf("fu:%d:1", id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		due[j] = at
	}
	floor := time.Duration(float64(posts-burst) / rate * float64(time.Second))
	waitUntil(time.Now().Add(floor+40*time.Second), func() bool { return len(reminderPosts(fs)) == posts })
	time.Sleep(2 * time.Second) // a duplicate would show up
	got := reminderPosts(fs)
	lost, dups, last := deliveries(due, got)

	var all []time.Time
	byDM := map[string][]time.Time{}
	for _, ps := range got {
		for _, p := range ps {
			all = append(all, p.At)
			byDM[p.Channel] = append(byDM[p.Channel], p.At)
		}
	}
	slices.SortFunc(all, func(a, b time.Time) int { return a.Compare(b) })
	closest := time.Hour
	for _, ts := range byDM {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		for i := 1; i < len(ts); i++ {
			closest = min(closest, ts[i].Sub(ts[i-1]))
		}
	}
	// Posts in any window of w: at most the budget's rate over w, plus
	// its burst.
	worst := func(w time.Duration) (n, allowed int) {
		for i := range all {
			j, _ := slices.BinarySearchFunc(all, all[i].Add(w), func(a, b time.Time) int { return a.Compare(b) })
			n = max(n, j-i)
		}
		return n, int(w.Seconds()*rate) + burst
	}
	w1, ok1 := worst(time.Second)
	w10, ok10 := worst(10 * time.Second)
	report(t, "LIMITS (%d replicas, %d reminders due at once into %d DMs, OUTREACH_POST_RATE=%g): %d posted once, %d twice, %d never, in %.1f s (floor %.1f s);\n"+
		"  closest two posts in one DM %.2f s; most posts in any 1 s %d (budget %d), in any 10 s %d (budget %d); 429s %d\n",
		replicas, posts, dms, rate, len(got)-lost, dups, lost, last.Sub(at).Seconds(), floor.Seconds(),
		closest.Seconds(), w1, ok1, w10, ok10, fs.RateLimited())
	if lost > 0 || dups > 0 {
		t.Errorf("%d never posted, %d posted twice; want each once", lost, dups)
	}
	if closest < time.Second {
		t.Errorf("a DM got two posts %v apart; want at least 1 s", closest)
	}
	if w1 > ok1 || w10 > ok10 {
		t.Errorf("the workspace got %d posts in 1 s and %d in 10 s; the budget allows %d and %d", w1, w10, ok1, ok10)
	}
}
