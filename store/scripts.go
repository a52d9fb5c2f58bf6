package store

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Each multi-key write is one Lua script in lua/, with a header naming its
// KEYS, ARGV and reply. Scripts that name a partner start with the shared
// resolver in lua/resolve.lua. Time always comes from Go (ARGV), never from
// Redis TIME, so the injected clock rules.

//go:embed lua/*.lua
var luaFiles embed.FS

// load builds a script from lua/<name>.lua, after the shared libraries
// it uses (lua/<lib>.lua, in order).
func load(name string, libs ...string) *redis.Script {
	var src strings.Builder
	for _, f := range append(libs, name) {
		body, err := luaFiles.ReadFile("lua/" + f + ".lua")
		if err != nil {
			panic(err) // embedded at build time: cannot happen in a built binary
		}
		src.Write(body)
		src.WriteByte('\n')
	}
	return redis.NewScript(src.String())
}

var (
	scriptResolvePartner  = load("resolve_partner", "resolve")
	scriptAddPartner      = load("add_partner", "audit")
	scriptUpdatePartner   = load("update_partner", "audit")
	scriptUpsertPerson    = load("upsert_person", "audit")
	scriptErasePartner    = load("erase_partner", "audit", "jobs_lib")
	scriptLogContact      = load("log_contact", "resolve", "audit", "jobs_lib", "followup_lib")
	scriptAddFollowUp     = load("add_followup", "resolve", "audit", "jobs_lib", "followup_lib")
	scriptChangeFollowUp  = load("change_followup", "audit", "jobs_lib")
	scriptReminderSent    = load("reminder_sent", "jobs_lib")
	scriptClaimDue        = load("claim_due", "jobs_lib")
	scriptFinishJob       = load("finish_job", "jobs_lib")
	scriptReleaseJobs     = load("release_jobs", "jobs_lib")
	scriptExtendLeases    = load("extend_leases", "jobs_lib")
	scriptEnqueueJobs     = load("enqueue_jobs", "jobs_lib")
	scriptAdvanceSchedule = load("advance_schedule", "jobs_lib")
	scriptAddEvent        = load("add_event", "resolve", "audit", "jobs_lib")
	scriptEventEnded      = load("event_ended")
	scriptSetAttended     = load("set_attended", "audit")
	scriptCreateSurvey    = load("create_survey", "audit", "jobs_lib")
	scriptRespondSurvey   = load("respond_survey", "audit")
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
