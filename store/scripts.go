package store

import (
	"context"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Each multi-key write is one Lua script in lua/, with a header naming its
// KEYS, ARGV and reply. Time always comes from Go (ARGV), never from Redis
// TIME, so the injected clock rules.
//
// A script builds keys and job ids only through the K and J functions
// generated from keys.go and jobkinds.go (TestLuaBuildsNoNames), and calls
// the shared libraries in libs. load puts before its body what it needs,
// found by what it calls, so nothing can be left out: the libraries it
// calls (and those they call), in libs order, and before them the K and J
// functions they all call. Only what is called is defined because Redis
// runs the whole source on every call.

//go:embed lua/*.lua
var luaFiles embed.FS

// libs are the shared Lua libraries, in dependency order: each may call
// only those before it (load panics otherwise). Every other file in lua/
// is a script.
var libs = []string{"declare", "audit", "partner_lib", "jobs_lib", "followup_lib", "resolve", "contacts_lib", "figures", "search_lib"}

// scripts are the loaded scripts by file name, for the tests to check
// that each one runs.
var scripts = map[string]*redis.Script{}

// load builds the script lua/<name>.lua (see source).
func load(name string) *redis.Script {
	sc := redis.NewScript(source(name))
	scripts[name] = sc
	return sc
}

// source is the script lua/<name>.lua with what it needs before it: the K
// and J functions, then the libraries it calls, in libs order. It panics
// on a call of a K or J function the tables lack: the scripts are fixed
// at build time, and every test of the package loads them all.
func source(name string) string {
	body := luaFile(name)
	code := luaCode(body)
	var used []string
	for i := len(luaLibs) - 1; i >= 0; i-- {
		// Libraries call only earlier ones, so by now code holds every
		// caller of this one.
		if lib := luaLibs[i]; lib.calls.MatchString(code) {
			used = append([]string{lib.src}, used...)
			code += lib.code
		}
	}
	pre, err := prelude(code)
	if err != nil {
		panic(fmt.Sprintf("lua/%s.lua: %v", name, err))
	}
	var out strings.Builder
	out.WriteString(pre)
	for _, lib := range used {
		out.WriteString(lib)
		out.WriteByte('\n')
	}
	out.WriteString(body)
	return out.String()
}

// luaLib is one library of libs.
type luaLib struct {
	name, src, code string
	calls           *regexp.Regexp // a call of one of its functions
}

// luaLibs are libs, read.
var luaLibs = func() []luaLib {
	out, err := readLibs(libs)
	if err != nil {
		panic(err) // fixed at build time; every test of the package loads them
	}
	return out
}()

// readLibs reads the named libraries, checking that each calls only those
// before it.
func readLibs(names []string) ([]luaLib, error) {
	out := make([]luaLib, len(names))
	for i, name := range names {
		src := luaFile(name)
		var funcs []string
		for _, m := range luaFuncDef.FindAllStringSubmatch(src, -1) {
			funcs = append(funcs, m[1])
		}
		out[i] = luaLib{name: name, src: src, code: luaCode(src),
			calls: regexp.MustCompile(`\b(?:` + strings.Join(funcs, "|") + `)\s*\(`)}
	}
	for i, lib := range out {
		for _, later := range out[i+1:] {
			if later.calls.MatchString(lib.code) {
				return nil, fmt.Errorf("lua/%s.lua calls lua/%s.lua, which comes after it in libs", lib.name, later.name)
			}
		}
	}
	return out, nil
}

var (
	luaFuncDef = regexp.MustCompile(`(?m)^local function (\w+)`)
	luaComment = regexp.MustCompile(`--[^\n]*`)
	// luaCall finds calls of the generated functions: K.Partner(, J.Reminder(.
	luaCall = regexp.MustCompile(`\b([KJ])\.(\w+)\s*\(`)
)

// luaCode is src without its comments, to look for calls in.
func luaCode(src string) string { return luaComment.ReplaceAllString(src, "") }

func luaFile(name string) string {
	b, err := luaFiles.ReadFile("lua/" + name + ".lua")
	if err != nil {
		panic(err) // embedded at build time: cannot happen in a built binary
	}
	return string(b)
}

// prelude defines the K and J functions that code calls: K.<Name>(prefix,
// params…) builds the key of that name in keys.go, J.<Name>(params…) the
// job id of that name in jobShapes.
func prelude(code string) (string, error) {
	calls := map[string][]*shape{}
	for _, m := range luaCall.FindAllStringSubmatch(code, -1) {
		table, name := m[1], m[2]
		shapes := keyShapes
		if table == "J" {
			shapes = jobShapes
		}
		i := slices.IndexFunc(shapes, func(s *shape) bool { return s.name == name })
		if i < 0 {
			return "", fmt.Errorf("%s.%s is not in keys.go or jobkinds.go", table, name)
		}
		if !slices.Contains(calls[table], shapes[i]) {
			calls[table] = append(calls[table], shapes[i])
		}
	}
	var out strings.Builder
	for _, table := range []string{"K", "J"} {
		if len(calls[table]) == 0 {
			continue
		}
		out.WriteString("local " + table + " = {\n")
		for _, s := range calls[table] {
			out.WriteString("  " + s.lua(table == "K") + ",\n")
		}
		out.WriteString("}\n")
	}
	return out.String(), nil
}

var (
	scriptResolvePartner  = load("resolve_partner")
	scriptAddPartner      = load("add_partner")
	scriptUpdatePartner   = load("update_partner")
	scriptUpsertPerson    = load("upsert_person")
	scriptErasePartner    = load("erase_partner")
	scriptLogContact      = load("log_contact")
	scriptAddFollowUp     = load("add_followup")
	scriptChangeFollowUp  = load("change_followup")
	scriptReminderSent    = load("reminder_sent")
	scriptClaimDue        = load("claim_due")
	scriptFinishJob       = load("finish_job")
	scriptReleaseJobs     = load("release_jobs")
	scriptExtendLeases    = load("extend_leases")
	scriptAdoptLeases     = load("adopt_leases")
	scriptEnqueueJobs     = load("enqueue_jobs")
	scriptAdvanceSchedule = load("advance_schedule")
	scriptAddEvent        = load("add_event")
	scriptEventEnded      = load("event_ended")
	scriptSetAttended     = load("set_attended")
	scriptCreateSurvey    = load("create_survey")
	scriptRespondSurvey   = load("respond_survey")
	scriptFoldIndex       = load("fold_partner_index")
	scriptFindContact     = load("find_contact")
	scriptChangeContact   = load("change_contact")
	scriptCancelEvent     = load("cancel_event")
	scriptEditEvent       = load("edit_event")
	scriptFailJob         = load("fail_job")
	scriptRelinkChannel   = load("relink_channel")
	scriptQueueFollowUpSv = load("queue_followup_survey")
)

// reply is a script's {'ok', …} / {'err', code, …} answer.
type reply struct {
	ok   bool
	code string
	rest []any
}

// roundsFollow bounds the rounds a script may take to learn the keys it
// touches (see exec): scripts follow what they read to the next keys (an
// event to its surveys, a survey to its partner, …), a level a round. A
// script that resolves a partner from what a user typed has its own
// round for that (Store.runResolving).
const roundsFollow = 5

// run runs sc (see exec) and reads its {'ok', …} / {'err', …} reply.
func (s *Store) run(ctx context.Context, op string, sc *redis.Script, keys []string, args ...any) (reply, error) {
	return s.runRounds(ctx, op, sc, roundsFollow, keys, args...)
}

// runRounds is run with at most rounds rounds.
func (s *Store) runRounds(ctx context.Context, op string, sc *redis.Script, rounds int, keys []string, args ...any) (reply, error) {
	v, err := s.exec(ctx, op, sc, rounds, keys, args...)
	if err != nil {
		return reply{}, err
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

// exec runs sc with keys declared, and again with more when it asks for
// them. Redis routes a script, and a Cluster migrates a slot under it, by
// the keys it declares: a script that touched a key it did not declare
// could recreate, on a slot's old node, a key already moved to the new
// one. So a script touches only KEYS; one that finds, in what it read, a
// key it needs (a partner resolved from a name, the next follow-up's id,
// an event's surveys) replies {'err', 'keys', key…} having written
// nothing (lua/declare.lua), and runs again with those keys too. A script
// still asking after rounds rounds met data that changed between them:
// ErrChanged, and nothing was written.
func (s *Store) exec(ctx context.Context, op string, sc *redis.Script, rounds int, keys []string, args ...any) (any, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	for round := 1; ; round++ {
		v, err := s.scripts.eval(ctx, s.rdb, s.checked(sc), keys, args)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		more := askedKeys(v)
		if more == nil {
			return v, nil
		}
		if round >= rounds {
			return nil, fmt.Errorf("%s: %w", op, ErrChanged)
		}
		keys = append(slices.Clip(keys), more...)
	}
}

// eval runs sc once, under the tests' key check when it is on. Scripts
// whose keys are all fixed (the due-work keys) run through it directly.
func (s *Store) eval(ctx context.Context, sc *redis.Script, keys []string, args ...any) *redis.Cmd {
	return s.checked(sc).Run(ctx, s.rdb, keys, args...)
}

// checked is sc, or under the store's tests the script that also fails
// on a key sc did not declare.
func (s *Store) checked(sc *redis.Script) *redis.Script {
	if s.checkKeys != nil {
		return s.checkKeys(sc)
	}
	return sc
}

// askedKeys is the keys a script asks to have declared, nil when it did
// not ask.
func askedKeys(v any) []string {
	arr, ok := v.([]any)
	if !ok || len(arr) < 3 || arr[0] != "err" || arr[1] != "keys" {
		return nil
	}
	return strs(arr[2:])
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
