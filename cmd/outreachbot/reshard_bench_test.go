//go:build bench

package main

// Resharding under load lives behind the bench tag for now: about one run
// in five, redis-cli --cluster reshard stops with BUSYKEY, because some
// scripts build key names in Lua instead of receiving them as KEYS, and
// during a migration the source node runs such a script and recreates a
// key already moved to the target. Run it with
//
//	OUTREACH_TEST_REDIS=cluster go test -tags bench -run TestClusterReshard -v ./cmd/outreachbot/

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestClusterReshard moves every slot of the master that holds the
// workspace (its keys among them) to another master with
// `redis-cli --cluster reshard` while commands stream in at 40 a second
// and 300 reminders fall due. go-redis follows MOVED and ASK by itself;
// the test prints how many commands still failed ("try again", which
// TRYAGAIN during a multi-key migration causes) and asserts that none
// went unanswered and no reminder was posted twice or lost.
func TestClusterReshard(t *testing.T) {
	if testing.Short() {
		t.Skip("reshards a Redis Cluster")
	}
	if top := storetest.Topology(); top != storetest.Cluster {
		t.Skipf("runs on a Redis Cluster: %s=%s (make test-cluster)", storetest.EnvTopology, storetest.Cluster)
	}
	rs := storetest.NewWith(t, storetest.Options{Topology: storetest.Cluster})
	s := newStreamSystem(t, rs)
	ctx := context.Background()
	from, to, slots := reshardPlan(t, rs, "outreach:{"+home+"}:due")

	start := time.Now()
	s.queueReminders(time.Second, 6*time.Second)
	var reshard struct {
		took time.Duration
		out  []byte
		err  error
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(time.Second)
		t0 := time.Now()
		rctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		reshard.out, reshard.err = exec.CommandContext(rctx, "redis-cli", "--cluster", "reshard", rs.Addr(),
			"--cluster-from", from, "--cluster-to", to, "--cluster-slots", strconv.Itoa(slots), "--cluster-yes").CombinedOutput()
		reshard.took = time.Since(t0)
	}()
	var cmds []streamed
	for {
		cmds = append(cmds, s.stream(time.Now().Add(time.Second))...)
		select {
		case <-done:
		default:
			continue
		}
		break
	}
	cmds = append(cmds, s.stream(time.Now().Add(2*time.Second))...)
	if reshard.err != nil {
		out := string(reshard.out)
		t.Fatalf("redis-cli --cluster reshard: %v\n…%s", reshard.err, out[max(0, len(out)-1500):])
	}
	f := s.figures(cmds, start)
	lost, dups := s.reminders(time.Now().Add(30 * time.Second))
	now, _, _ := reshardPlan(t, rs, "outreach:{"+home+"}:due")
	report(t, "RESHARD (Cluster, %d slots moved by redis-cli --cluster reshard in %.1f s, the workspace's among them; %d commands at %d/s, %d reminders):\n"+
		"  commands: %d confirmed, %d failed beyond go-redis's MOVED/ASK handling (answered \"try again in a moment\"), %d failed silently\n"+
		"  confirmed writes lost: %d; reminders: %d posted twice, %d never posted\n",
		slots, reshard.took.Seconds(), f.sent, int(time.Second/streamEvery), streamPosts,
		f.confirmed, f.tryAgain, f.silent, f.lostWrites, dups, lost)
	if now != to {
		t.Errorf("after the reshard the workspace's slot is on %s; want %s", now, to)
	}
	if f.silent > 0 {
		t.Errorf("%d commands failed silently; first: %s\nlogs:\n%s", f.silent, f.firstSilent, clipString(s.e.logs.String(), 3000))
	}
	if f.lostWrites > 0 || dups > 0 || lost > 0 {
		t.Errorf("%d confirmed writes lost, %d reminders posted twice, %d never posted; want none", f.lostWrites, dups, lost)
	}
}

// reshardPlan returns the node id holding key's slot, another master's id,
// and how many slots the first holds.
func reshardPlan(t *testing.T, rs *storetest.Server, key string) (from, to string, slots int) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer c.Close()
	shards, err := c.ClusterShards(ctx).Result()
	if err != nil {
		t.Fatalf("CLUSTER SHARDS: %v", err)
	}
	slot := storetest.Slot(key)
	count := map[string]int{}
	for _, sh := range shards {
		id := ""
		for _, n := range sh.Nodes {
			if n.Role == "master" {
				id = n.ID
			}
		}
		for _, r := range sh.Slots {
			count[id] += int(r.End - r.Start + 1)
			if int64(slot) >= r.Start && int64(slot) <= r.End {
				from = id
			}
		}
	}
	for id := range count {
		if id != from {
			to = id
			break
		}
	}
	if from == "" || to == "" {
		t.Fatalf("no owner or no other master in %+v", shards)
	}
	return from, to, count[from]
}
