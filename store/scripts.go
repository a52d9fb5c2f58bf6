package store

import (
	"context"
	"embed"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Each multi-key write is one Lua script in lua/, with a header naming its
// KEYS, ARGV and reply. Scripts that name a partner start with the shared
// resolver in lua/resolve.lua. Time always comes from Go (ARGV), never from
// Redis TIME, so the injected clock rules.

//go:embed lua/*.lua
var luaFiles embed.FS

func load(name string, withResolver bool) *redis.Script {
	body, err := luaFiles.ReadFile("lua/" + name + ".lua")
	if err != nil {
		panic(err) // embedded at build time: cannot happen in a built binary
	}
	src := string(body)
	if withResolver {
		prelude, err := luaFiles.ReadFile("lua/resolve.lua")
		if err != nil {
			panic(err)
		}
		src = string(prelude) + "\n" + src
	}
	return redis.NewScript(src)
}

var (
	scriptResolvePartner = load("resolve_partner", true)
	scriptAddPartner     = load("add_partner", true)
	scriptUpdatePartner  = load("update_partner", true)
	scriptUpsertPerson   = load("upsert_person", true)
	scriptErasePartner   = load("erase_partner", true)
	scriptLogContact     = load("log_contact", true)
)

// reply is a script's {'ok', …} / {'err', code, …} answer.
type reply struct {
	ok   bool
	code string
	rest []any
}

func (s *Store) run(ctx context.Context, op string, sc *redis.Script, keys []string, args ...any) (reply, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := sc.Run(ctx, s.rdb, keys, args...).Result()
	if err != nil {
		return reply{}, s.wrap(op, err)
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return reply{}, fmt.Errorf("%s: unexpected script reply %T", op, v)
	}
	head, _ := arr[0].(string)
	if head == "ok" {
		return reply{ok: true, rest: arr[1:]}, nil
	}
	r := reply{rest: arr[1:]}
	if len(r.rest) > 0 {
		r.code, _ = r.rest[0].(string)
		r.rest = r.rest[1:]
	}
	return r, nil
}

func strs(vs []any) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case int64:
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

// hashFromFlat turns HGETALL's flat field/value list into a map.
func hashFromFlat(vs []any) map[string]string {
	ss := strs(vs)
	m := make(map[string]string, len(ss)/2)
	for i := 0; i+1 < len(ss); i += 2 {
		m[ss[i]] = ss[i+1]
	}
	return m
}
