package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// redisRisk is one way the Redis in use can lose what the bot stores.
type redisRisk struct {
	// notice, when set, is what the admins are told about by DM, once,
	// remembered in Redis (store.FirstNotice): an evicting Redis loses
	// data while the bot runs. A Redis without persistence loses it only
	// if it restarts, and the logs and /readyz say so.
	notice  string
	problem string
	loses   string
	fix     string
}

// redisRisks are the risks d shows: an evicting policy, no persistence.
func redisRisks(d store.Durability) []redisRisk {
	var out []redisRisk
	if d.Evicting() {
		limit := "once it reaches maxmemory"
		if d.MaxMemory > 0 {
			limit = fmt.Sprintf("once it holds %d MB (maxmemory)", d.MaxMemory>>20)
		}
		out = append(out, redisRisk{
			notice:  "redis:evicting",
			problem: fmt.Sprintf("Redis's maxmemory-policy is %s: it evicts keys", d.Policy),
			loses: "Redis deletes keys to make room " + limit + ", without an error: partners, contacts, follow-ups and " +
				"the reminders and digests due can vanish",
			fix: "set maxmemory-policy noeviction (redis.conf, CONFIG SET, or your provider's parameter group) and give Redis " +
				"memory to spare",
		})
	}
	if d.Volatile() {
		out = append(out, redisRisk{
			problem: "Redis keeps nothing on disk: appendonly is no and save is empty",
			loses:   "a restart of Redis loses everything since it started: every partner, contact and follow-up",
			fix:     "set appendonly yes (appendfsync everysec), as docker-compose.yml does",
		})
	}
	return out
}

func (r redisRisk) String() string {
	return r.problem + ". It loses: " + r.loses + ". Fix: " + r.fix + "."
}

// redisAdminNotice is the DM the admins get about risks.
func redisAdminNotice(risks []redisRisk) message.Reply {
	var b strings.Builder
	b.WriteString(":warning: *The Redis that Outreach Bot keeps everything in can lose it.*")
	for _, r := range risks {
		fmt.Fprintf(&b, "\n• %s.\n   What is lost: %s.\n   Fix: %s.", r.problem, r.loses, r.fix)
	}
	b.WriteString("\nThe bot goes on meanwhile; `/readyz` and its logs say the same until it is fixed. You get this once per problem, whichever replica starts.")
	return message.Reply{Text: b.String(), Outcome: message.OutcomeOK}
}

// checkRedis reads Redis's eviction policy and persistence at start and
// logs what is wrong, what it loses and the fix; where CONFIG is
// disabled it says so once and goes on. For an evicting Redis the admins
// get one DM across replicas and restarts (remembered in Redis until the
// problem is gone), through dm.
func checkRedis(ctx context.Context, st *store.Store, team string, admins []string, log *slog.Logger,
	dm func(ctx context.Context, to string, msg message.Reply) error) {
	d, err := st.Durability(ctx)
	if err != nil {
		log.Warn("could not check Redis's eviction policy and persistence", "err", err)
		return
	}
	if !d.Known {
		log.Warn("Redis refuses CONFIG, so its eviction policy and persistence cannot be checked: make sure they are maxmemory-policy noeviction and appendonly yes")
		return
	}
	risks := redisRisks(d)
	found := map[string]bool{}
	var tell []redisRisk
	for _, r := range risks {
		if r.notice == "" {
			log.Warn("Redis can lose data: "+r.problem, "loses", r.loses, "fix", r.fix)
			continue
		}
		found[r.notice] = true
		first, err := st.FirstNotice(ctx, team, r.notice, 0)
		if err != nil {
			log.Warn("could not tell whether the admins heard of it", "risk", r.notice, "err", err)
		}
		if first {
			tell = append(tell, r)
		}
		log.Error("Redis can lose data: "+r.problem, "loses", r.loses, "fix", r.fix, "admins_told_now", first)
	}
	// A problem fixed is forgotten: should it come back, the admins hear
	// of it again.
	for _, n := range []string{"redis:evicting"} {
		if !found[n] {
			if err := st.ForgetNotice(ctx, team, n); err != nil {
				log.Warn("could not forget a fixed Redis problem", "risk", n, "err", err)
			}
		}
	}
	if len(tell) == 0 {
		return
	}
	if len(admins) == 0 {
		log.Error("no OUTREACH_ADMINS to tell that Redis can lose data")
		return
	}
	msg := redisAdminNotice(tell)
	for _, a := range admins {
		actx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := dm(actx, a, msg); err != nil {
			log.Warn("could not DM an admin that Redis can lose data", "admin", a, "err", err)
		}
		cancel()
	}
}

// memoryEvery is how often the workspace's memory in Redis is measured
// for /metrics: it reads every key, so not at each scrape.
const memoryEvery = 5 * time.Minute

// measureMemory keeps outreach_redis_memory_bytes{kind} (see
// store.MemoryKinds) current for team, measured at start and every
// memoryEvery, until ctx ends.
func measureMemory(ctx context.Context, st *store.Store, team string, reg prometheus.Registerer, clock clockwork.Clock, log *slog.Logger) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "outreach_redis_memory_bytes", Help: "Bytes the workspace's keys take in Redis (MEMORY USAGE), by what they hold.",
	}, []string{"kind"})
	if err := reg.Register(g); err != nil {
		log.Warn("memory metric", "err", err)
		return
	}
	for {
		mem, err := st.Memory(ctx, team)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Warn("could not measure the workspace's memory in Redis", "err", err)
		}
		for kind, n := range mem {
			g.WithLabelValues(kind).Set(float64(n))
		}
		select {
		case <-ctx.Done():
			return
		case <-clock.After(memoryEvery):
		}
	}
}

// readyNotes are what /readyz adds to "ready" about Redis's durability.
func readyNotes(ctx context.Context, st durability) []string {
	d, err := st.Durability(ctx)
	switch {
	case err != nil:
		return []string{"warning: could not check Redis's eviction policy and persistence"}
	case !d.Known:
		return []string{"note: Redis refuses CONFIG; its eviction policy and persistence are unknown"}
	}
	var out []string
	for _, r := range redisRisks(d) {
		out = append(out, "warning: "+r.String())
	}
	return out
}
