//go:build bench

package main

// Resharding under load takes a minute or two, so it lives behind the
// bench tag. Run it with
//
//	OUTREACH_TEST_REDIS=cluster go test -tags bench -run TestClusterReshard -v ./cmd/outreachbot/

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestClusterReshard moves every slot of the master that holds the
// workspace (its keys among them) to another master and back with
// `redis-cli --cluster reshard`, while commands stream in at 200 a second
// (a fifth of them creating a follow-up) and 300 reminders fall due. Every script declares the keys it touches,
// so Redis migrates a slot under them key by key without a script
// recreating on the old node a key already moved (which stops redis-cli
// with BUSYKEY). go-redis follows MOVED and ASK by itself; a script
// whose keys are half moved gets TRYAGAIN, which the user sees as "try
// again in a moment". The test prints how many commands got that, and
// asserts that redis-cli never stopped, none went unanswered, no
// confirmed write was lost and no reminder was posted twice or lost.
func TestClusterReshard(t *testing.T) {
	if testing.Short() {
		t.Skip("reshards a Redis Cluster")
	}
	if top := storetest.Topology(); top != storetest.Cluster {
		t.Skipf("runs on a Redis Cluster: %s=%s (make test-cluster)", storetest.EnvTopology, storetest.Cluster)
	}
	rs := storetest.NewWith(t, storetest.Options{Topology: storetest.Cluster})
	s := newStreamSystem(t, rs)
	s.every = 5 * time.Millisecond // 200 commands a second
	s.nextEvery = 5                // a fifth of them with a follow-up: keys made by the script
	ctx := context.Background()
	key := "outreach:{" + home + "}:due"
	moves, holder := reshardMoves(t, rs, key)

	start := time.Now()
	s.queueReminders(time.Second, 30*time.Second)
	var reshard struct {
		took  []time.Duration
		slots int
		out   []byte
		err   error
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(time.Second)
		for _, m := range moves {
			t0 := time.Now()
			rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			args := append(rs.CLIArgs(), "--cluster", "reshard", rs.Addr(),
				"--cluster-from", m.from, "--cluster-to", m.to, "--cluster-slots", strconv.Itoa(m.slots), "--cluster-yes")
			reshard.out, reshard.err = exec.CommandContext(rctx, "redis-cli", args...).CombinedOutput()
			cancel()
			reshard.took = append(reshard.took, time.Since(t0))
			reshard.slots += m.slots
			if reshard.err != nil {
				return
			}
		}
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
		t.Fatalf("redis-cli --cluster reshard stopped: %v\n…%s", reshard.err, out[max(0, len(out)-1500):])
	}
	took := make([]string, len(reshard.took))
	for i, d := range reshard.took {
		took[i] = fmt.Sprintf("%.1f s", d.Seconds())
	}
	f := s.figures(cmds, start)
	lost, dups := s.reminders(time.Now().Add(60 * time.Second))
	_, now := reshardMoves(t, rs, key)
	report(t, "RESHARD (Cluster, %d runs of redis-cli --cluster reshard moving %d slots in all, the workspace's there and back, in %s; %d commands at %d/s, %d reminders):\n"+
		"  reshard stops: 0; commands: %d confirmed, %d answered \"try again in a moment\" (TRYAGAIN while a slot's keys were half moved), %d failed silently\n"+
		"  confirmed writes lost: %d; reminders: %d posted twice, %d never posted\n",
		len(moves), reshard.slots, strings.Join(took, " + "), f.sent, int(time.Second/s.every), s.posts,
		f.confirmed, f.tryAgain, f.silent, f.lostWrites, dups, lost)
	if now != holder {
		t.Errorf("after the reshards the workspace's slot is on %s; want it back on %s", now, holder)
	}
	if f.silent > 0 {
		t.Errorf("%d commands failed silently; first: %s\nlogs:\n%s", f.silent, f.firstSilent, clipString(s.e.logs.String(), 3000))
	}
	if f.lostWrites > 0 || dups > 0 || lost > 0 {
		t.Errorf("%d confirmed writes lost, %d reminders posted twice, %d never posted; want none", f.lostWrites, dups, lost)
	}
}

// reshardMove is one run of redis-cli --cluster reshard.
type reshardMove struct {
	from, to string
	slots    int
}

// reshardMoves plans the runs that move every slot of the master holding
// key's slot (the holder, returned too) to its neighbour and back.
// redis-cli takes the lowest-numbered slots of the source, so the
// neighbour is the master whose slots follow the holder's: its own are
// then above those it received, which go back first. The master holding
// the last slots moves them to the one before it, takes all of that one's
// back, and returns that one's own.
func reshardMoves(t *testing.T, rs *storetest.Server, key string) ([]reshardMove, string) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(rs.NodeOptions(rs.Addr()))
	defer c.Close()
	shards, err := c.ClusterShards(ctx).Result()
	if err != nil {
		t.Fatalf("CLUSTER SHARDS: %v", err)
	}
	type master struct {
		id           string
		first, count int
	}
	var ms []master
	slot, holder := storetest.Slot(key), -1
	for _, sh := range shards {
		m := master{first: 1 << 20}
		for _, n := range sh.Nodes {
			if n.Role == "master" {
				m.id = n.ID
			}
		}
		for _, r := range sh.Slots {
			m.count += int(r.End - r.Start + 1)
			m.first = min(m.first, int(r.Start))
			if int64(slot) >= r.Start && int64(slot) <= r.End {
				holder = len(ms)
			}
		}
		if m.count > 0 {
			ms = append(ms, m)
		}
	}
	if holder < 0 || len(ms) < 2 {
		t.Fatalf("no holder of slot %d or no other master in %+v", slot, shards)
	}
	a := ms[holder]
	slices.SortFunc(ms, func(x, y master) int { return x.first - y.first })
	i := slices.IndexFunc(ms, func(m master) bool { return m.id == a.id })
	if i+1 < len(ms) {
		b := ms[i+1]
		return []reshardMove{{a.id, b.id, a.count}, {b.id, a.id, a.count}}, a.id
	}
	b := ms[i-1]
	return []reshardMove{{a.id, b.id, a.count}, {b.id, a.id, a.count + b.count}, {a.id, b.id, b.count}}, a.id
}
