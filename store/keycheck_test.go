package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestMain runs every test of the package with the key check on: each
// script runs behind a prelude that fails any command on a key the script
// did not declare in KEYS (see exec), and the run fails if one did, even
// where a caller let the error pass. It shares one Cluster or Sentinel
// among the tests when OUTREACH_TEST_REDIS asks for one (storetest.Main).
func TestMain(m *testing.M) {
	checker := &declaredKeys{wrapped: map[*redis.Script]*redis.Script{}}
	keyCheck = checker
	code := storetest.Main(m)
	if v := checker.violations(); len(v) > 0 {
		fmt.Fprintf(os.Stderr, "scripts touched keys they did not declare:\n  %s\n", strings.Join(v, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// keyPositions says where each command our scripts run takes its keys:
// first and last argument (negative: from the end) and the step, as
// COMMAND INFO gives them (TestKeyPositions checks the two agree). A
// command missing here fails the check: add it.
var keyPositions = map[string][3]int{
	"get": {1, 1, 1}, "set": {1, 1, 1}, "incr": {1, 1, 1}, "del": {1, -1, 1}, "exists": {1, -1, 1},
	"pexpire": {1, 1, 1}, "type": {1, 1, 1},
	"hget": {1, 1, 1}, "hset": {1, 1, 1}, "hdel": {1, 1, 1}, "hgetall": {1, 1, 1}, "hexists": {1, 1, 1},
	"hincrby": {1, 1, 1}, "hmget": {1, 1, 1}, "hkeys": {1, 1, 1}, "hvals": {1, 1, 1}, "hlen": {1, 1, 1},
	"hsetnx": {1, 1, 1},
	"zadd":   {1, 1, 1}, "zrem": {1, 1, 1}, "zscore": {1, 1, 1}, "zrange": {1, 1, 1}, "zrangebyscore": {1, 1, 1},
	"zrevrange": {1, 1, 1}, "zrevrangebyscore": {1, 1, 1}, "zrangebylex": {1, 1, 1}, "zcount": {1, 1, 1},
	"zincrby": {1, 1, 1}, "zremrangebyrank": {1, 1, 1}, "zremrangebyscore": {1, 1, 1}, "zcard": {1, 1, 1},
	"smembers": {1, 1, 1}, "sadd": {1, 1, 1}, "srem": {1, 1, 1}, "scard": {1, 1, 1}, "sismember": {1, 1, 1},
	"xadd": {1, 1, 1},
}

// keyCheckPrelude shadows redis for the script after it: call and pcall
// first check that every key of the command is one of KEYS.
var keyCheckPrelude = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString("local redis = (function(r)\n  local declared, pos = {}, {\n")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range keyPositions {
			if !yield(n) {
				return
			}
		}
	}) {
		p := keyPositions[name]
		fmt.Fprintf(&b, "    %s = {%d, %d, %d},\n", name, p[0], p[1], p[2])
	}
	b.WriteString(`  }
  for _, k in ipairs(KEYS) do declared[k] = true end
  local function check(cmd, ...)
    local p = pos[string.lower(cmd)]
    if not p then error('key check: ' .. cmd .. ' is not in keyPositions (keycheck_test.go)') end
    local n = select('#', ...)
    local last = p[2]
    if last < 0 then last = n + last + 1 end
    for i = p[1], last, p[3] do
      local k = select(i, ...)
      if not declared[k] then error('undeclared key ' .. tostring(k) .. ' in ' .. cmd) end
    end
  end
  return setmetatable({
    call = function(cmd, ...) check(cmd, ...) return r.call(cmd, ...) end,
    pcall = function(cmd, ...) check(cmd, ...) return r.pcall(cmd, ...) end,
  }, {__index = r})
end)(redis)
`)
	return b.String()
})

// declaredKeys is keyCheck for the tests: it runs each script behind the
// prelude and collects what the prelude refused.
type declaredKeys struct {
	mu      sync.Mutex
	wrapped map[*redis.Script]*redis.Script
	refused []string
}

func (d *declaredKeys) Script(sc *redis.Script) *redis.Script {
	d.mu.Lock()
	defer d.mu.Unlock()
	if w, ok := d.wrapped[sc]; ok {
		return w
	}
	for name, s := range scripts {
		if s == sc {
			w := redis.NewScript(keyCheckPrelude() + source(name))
			d.wrapped[sc] = w
			return w
		}
	}
	panic("key check: a script that load did not make")
}

func (d *declaredKeys) note(cmd redis.Cmder) {
	if err := cmd.Err(); err != nil && (strings.Contains(err.Error(), "undeclared key") || strings.Contains(err.Error(), "key check:")) {
		d.mu.Lock()
		d.refused = append(d.refused, err.Error())
		d.mu.Unlock()
	}
}

func (d *declaredKeys) violations() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.refused)
}

func (d *declaredKeys) DialHook(next redis.DialHook) redis.DialHook { return next }

func (d *declaredKeys) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		d.note(cmd)
		return err
	}
}

func (d *declaredKeys) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			d.note(c)
		}
		return err
	}
}

// TestKeyPositions: the key check knows where each command takes its
// keys as Redis itself says (COMMAND INFO).
func TestKeyPositions(t *testing.T) {
	srv := storetest.NewWith(t, storetest.Options{})
	info, err := srv.Client().Command(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range keyPositions {
		ci, ok := info[name]
		if !ok {
			t.Errorf("%s: Redis does not know it", name)
			continue
		}
		if slices.Contains(ci.Flags, "movablekeys") {
			t.Errorf("%s: its keys move (movablekeys); the check cannot find them", name)
		}
		got := [3]int{int(ci.FirstKeyPos), int(ci.LastKeyPos), int(ci.StepCount)}
		if got != want {
			t.Errorf("%s: COMMAND INFO gives keys at %v; keyPositions says %v", name, got, want)
		}
	}
}

// TestKeyCheckRefuses: the check fails a script that touches a key it
// did not declare, and passes one that declares it.
func TestKeyCheckRefuses(t *testing.T) {
	srv := storetest.NewWith(t, storetest.Options{})
	rdb := srv.Client()
	ctx := context.Background()
	k := keysFor("T0CHECK")
	body := "redis.call('HSET', KEYS[1], 'a', 1)\nreturn redis.call('HGET', ARGV[1], 'a') or 0\n"
	sc := redis.NewScript(keyCheckPrelude() + body)
	err := sc.Run(ctx, rdb, []string{k.Partner("a")}, k.Partner("b")).Err()
	if err == nil || !strings.Contains(err.Error(), "undeclared key "+k.Partner("b")+" in HGET") {
		t.Errorf("a script reading an undeclared key: err = %v; want the check to refuse it", err)
	}
	if err := sc.Run(ctx, rdb, []string{k.Partner("a"), k.Partner("b")}, k.Partner("b")).Err(); err != nil {
		t.Errorf("a script touching declared keys only: %v", err)
	}
}
