package storetest_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func TestSlot(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want int
	}{
		{"123456789", 0x31C3 % 16384}, // CRC-16/XMODEM's check value
		{"foo", 12182},                // CLUSTER KEYSLOT foo
		{"{user1000}.following", storetest.Slot("user1000")},
		{"foo{}{bar}", storetest.Slot("foo{}{bar}")}, // an empty tag hashes the whole key
		{"outreach:{T0HOME}:due", storetest.Slot("T0HOME")},
	} {
		if got := storetest.Slot(tc.key); got != tc.want {
			t.Errorf("Slot(%q) = %d; want %d", tc.key, got, tc.want)
		}
	}
}

func TestSameSlot(t *testing.T) {
	ctx := context.Background()
	eval := func(keys ...string) redis.Cmder {
		args := []any{"evalsha", "sha", len(keys)}
		for _, k := range keys {
			args = append(args, k)
		}
		return redis.NewCmd(ctx, append(args, "outreach:{T1}:")...)
	}
	for _, tc := range []struct {
		name string
		cmds []redis.Cmder
		want string // in the error; "" for none
	}{
		{"one workspace's script", []redis.Cmder{eval("outreach:{T1}:due", "outreach:{T1}:leases")}, ""},
		{"two workspaces in one script", []redis.Cmder{eval("outreach:{T1}:due", "outreach:{T2}:due")}, "two hash slots"},
		{"untagged script key", []redis.Cmder{eval("outreach:T1:due")}, "lacks the outreach:{team}: hash tag"},
		{"foreign script key", []redis.Cmder{eval("due")}, "lacks"},
		{"one workspace's pipeline", []redis.Cmder{redis.NewCmd(ctx, "hgetall", "outreach:{T1}:partner:a"), redis.NewCmd(ctx, "hgetall", "outreach:{T1}:partner:b")}, ""},
		{"pipeline over two workspaces", []redis.Cmder{redis.NewCmd(ctx, "hgetall", "outreach:{T1}:partner:a"), redis.NewCmd(ctx, "hgetall", "outreach:{T3}:partner:a")}, "two hash slots"},
		{"command without keys", []redis.Cmder{redis.NewCmd(ctx, "ping")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := storetest.SameSlot(tc.cmds)
			if got := errString(err); tc.want == "" && err != nil || !strings.Contains(got, tc.want) {
				t.Errorf("SameSlot = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDeployment: whatever OUTREACH_TEST_REDIS picked serves a script, is
// empty for each test, and comes back after Stop.
func TestDeployment(t *testing.T) {
	for i := range 2 {
		srv := storetest.New(t)
		c := srv.Client()
		ctx := context.Background()
		if keys := srv.Keys(ctx); len(keys) != 0 {
			t.Fatalf("round %d: a new server holds %v", i, keys)
		}
		for _, team := range []string{"T1", "T2", "T3", "T4"} {
			err := c.Eval(ctx, "return redis.call('SET', KEYS[1], ARGV[1])", []string{"outreach:{" + team + "}:k"}, team).Err()
			if err != nil {
				t.Fatalf("round %d: EVAL on %s: %v", i, srv.Topology(), err)
			}
		}
		if n := len(srv.Keys(ctx)); n != 4 {
			t.Fatalf("round %d: %d keys; want 4", i, n)
		}
		srv.Stop()
		if err := c.Get(ctx, "outreach:{T1}:k").Err(); err == nil || errors.Is(err, redis.Nil) {
			t.Fatalf("with the servers stopped, GET = %v; want a connection error", err)
		}
		srv.Start()
	}
}

// TestClusterRefusesCrossSlot: on a Cluster, the server itself refuses a
// script over two workspaces; and Slot agrees with CLUSTER KEYSLOT.
func TestClusterRefusesCrossSlot(t *testing.T) {
	srv := storetest.New(t)
	if srv.Topology() != storetest.Cluster {
		t.Skipf("needs %s=%s", storetest.EnvTopology, storetest.Cluster)
	}
	c := srv.Client().(*redis.ClusterClient)
	ctx := context.Background()
	for _, key := range []string{"foo", "outreach:{T0HOME}:due", "outreach:{T024BE7LD}:partner:county", "{}x"} {
		want, err := c.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got := storetest.Slot(key); int64(got) != want {
			t.Errorf("Slot(%q) = %d; CLUSTER KEYSLOT says %d", key, got, want)
		}
	}
	// Straight to the node serving T1's slot: past the hook, which would
	// fail this test first.
	node, err := c.MasterForKey(ctx, "outreach:{T1}:a")
	if err != nil {
		t.Fatal(err)
	}
	err = node.Eval(ctx, "return 1", []string{"outreach:{T1}:a", "outreach:{T2}:a"}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("a script over two workspaces = %v; want CROSSSLOT", err)
	}
}
