package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/bot"
	"github.com/outreachbot/outreachbot/store"
)

// requiredScopes are the bot scopes manifest.yaml asks for
// (TestDoctorScopesAreTheManifests keeps the two the same): doctor checks
// the token carries each.
var requiredScopes = []string{
	"commands", "chat:write", "chat:write.public", "im:write", "im:history", "app_mentions:read", "users:read",
	"channels:history", "groups:history", "channels:read", "channels:join", "groups:read", "files:write",
}

// maxSkew is how far this host's clock may be from Redis's before doctor
// calls it a problem: leases (OUTREACH_LEASE) and Slack's spacing are
// measured on the replicas' clocks, so replicas that disagree by more
// shorten or stretch them.
const maxSkew = time.Second

// doctorReport collects doctor's findings.
type doctorReport struct {
	w        io.Writer
	problems int
}

func (r *doctorReport) section(name string) { fmt.Fprintf(r.w, "\n%s\n", name) }
func (r *doctorReport) ok(format string, args ...any) {
	fmt.Fprintf(r.w, "  ok    %s\n", fmt.Sprintf(format, args...))
}
func (r *doctorReport) note(format string, args ...any) {
	fmt.Fprintf(r.w, "  --    %s\n", fmt.Sprintf(format, args...))
}

// fail reports a problem and how to fix it.
func (r *doctorReport) fail(problem, fix string) {
	r.problems++
	fmt.Fprintf(r.w, "  FAIL  %s\n        fix: %s\n", problem, fix)
}

// doctor checks what `outreachbot run` needs, as configured by the
// environment: Slack's tokens and scopes, Redis (reachable, eviction,
// persistence, clock), and the workspace's memory in Redis. It prints
// what is wrong and how to fix it, and returns 1 if anything is, 2 if the
// configuration itself is wrong. Passwords are never printed.
func doctor(ctx context.Context, clock clockwork.Clock, getenv func(string) string, stdout io.Writer) int {
	r := &doctorReport{w: stdout}
	fmt.Fprintln(stdout, "outreachbot doctor")
	cfg, err := loadConfig(getenv, "run")
	if err != nil {
		r.section("Configuration")
		for _, line := range strings.Split(strings.TrimPrefix(err.Error(), "configuration: "), "\n") {
			r.fail(line, "set it as it says (see the README's Configuration table), then run doctor again")
		}
		fmt.Fprintf(stdout, "\n%d problems found.\n", r.problems)
		return 2
	}

	r.section("Slack")
	api := slack.New(cfg.BotToken, slack.OptionAppLevelToken(cfg.AppToken), slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second}))
	team := ""
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		_, code := bot.Classify(err)
		r.fail(fmt.Sprintf("bot token: Slack refuses SLACK_BOT_TOKEN (%s)", orText(code, err)),
			"set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) on the app's OAuth & Permissions page; if the app was uninstalled or the token revoked, reinstall it to the workspace for a new one")
		r.note("scopes: not checked without a working bot token")
	} else {
		team = auth.TeamID
		r.ok("bot token: workspace %s (%s), bot user %s", auth.Team, auth.TeamID, auth.UserID)
		granted := strings.Split(auth.Header.Get("X-OAuth-Scopes"), ",")
		var missing []string
		for _, s := range requiredScopes {
			if !slices.Contains(granted, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			r.fail("scopes: the bot token lacks "+strings.Join(missing, ", "),
				"add them under the app's OAuth & Permissions → Bot Token Scopes (or paste manifest.yaml into the app's manifest again), then reinstall the app to the workspace")
		} else {
			r.ok("scopes: the %d of manifest.yaml are granted", len(requiredScopes))
		}
	}
	if _, _, err := api.StartSocketModeContext(ctx); err != nil {
		_, code := bot.Classify(err)
		r.fail(fmt.Sprintf("app token: Slack refuses SLACK_APP_TOKEN for Socket Mode (%s)", orText(code, err)),
			"set SLACK_APP_TOKEN to an app-level token (xapp-…) with connections:write, from the app's Basic Information → App-Level Tokens, and turn Socket Mode on")
	} else {
		r.ok("app token: Socket Mode connections open")
	}

	r.section("Redis")
	rdb, closeRedis, err := openRedis(cfg, false)
	if err != nil {
		r.fail("cannot build the Redis client: "+err.Error(), "check REDIS_URL or REDIS_ADDRS")
		return r.done()
	}
	defer closeRedis()
	st := store.New(rdb, 5*time.Second)
	if err := st.Ping(ctx); err != nil {
		r.fail("unreachable: "+err.Error(),
			"check REDIS_URL or REDIS_ADDRS (and REDIS_MASTER_NAME for Sentinel), REDIS_USERNAME and REDIS_PASSWORD, and REDIS_TLS with REDIS_TLS_CA_FILE for a TLS-only Redis; and that this host can reach it")
		return r.done()
	}
	r.ok("reachable (%s)", topologyName(cfg))
	d, err := st.Durability(ctx)
	switch {
	case err != nil:
		r.fail("eviction and persistence: could not be read: "+err.Error(), "run doctor again; if it goes on, check Redis's logs")
	case !d.Known:
		r.note("eviction and persistence: Redis refuses CONFIG, so they cannot be checked; make sure your provider sets maxmemory-policy noeviction and persistence (AOF) on")
	default:
		risks := redisRisks(d)
		if !d.Evicting() {
			r.ok("eviction: maxmemory-policy %s", d.Policy)
		}
		if !d.Volatile() {
			r.ok("persistence: %s", persistenceName(d))
		}
		for _, risk := range risks {
			r.fail(risk.problem+": "+risk.loses, risk.fix)
		}
	}
	before := clock.Now()
	rt, err := st.ServerTime(ctx)
	after := clock.Now()
	if err != nil {
		r.fail("clock: Redis's TIME could not be read: "+err.Error(), "run doctor again")
	} else {
		mid := before.Add(after.Sub(before) / 2)
		skew := mid.Sub(rt)
		if skew.Abs() > maxSkew+after.Sub(before)/2 {
			side := "ahead of"
			if skew < 0 {
				side = "behind"
			}
			r.fail(fmt.Sprintf("clock: this host is %.1f s %s Redis's TIME; leases and Slack's pacing across replicas are measured on the hosts' clocks", skew.Abs().Seconds(), side),
				"keep every host's clock on NTP (chrony, systemd-timesyncd), Redis's and each replica's")
		} else {
			r.ok("clock: this host and Redis's TIME agree within %.0f s", maxSkew.Seconds())
		}
	}
	if team == "" {
		r.note("memory: not measured without the workspace (a working bot token)")
		return r.done()
	}
	mem, err := st.Memory(ctx, team)
	if err != nil {
		r.fail("memory: could not be measured: "+err.Error(), "run doctor again")
		return r.done()
	}
	var parts []string
	var total int64
	for _, kind := range store.MemoryKinds {
		parts = append(parts, kind+" "+bytesText(mem[kind]))
		total += mem[kind]
	}
	r.ok("memory of workspace %s: %s in all (%s)", team, bytesText(total), strings.Join(parts, ", "))
	return r.done()
}

// done prints the verdict and returns the exit code.
func (r *doctorReport) done() int {
	if r.problems == 0 {
		fmt.Fprintln(r.w, "\nNo problems found.")
		return 0
	}
	fmt.Fprintf(r.w, "\n%d problem%s found.\n", r.problems, map[bool]string{true: "", false: "s"}[r.problems == 1])
	return 1
}

func orText(code string, err error) string {
	if code != "" {
		return code
	}
	return err.Error()
}

func topologyName(c config) string {
	switch {
	case c.RedisMasterName != "":
		return "Sentinel, master " + c.RedisMasterName
	case len(c.RedisAddrs) > 0:
		return "Cluster"
	}
	return "one node"
}

func persistenceName(d store.Durability) string {
	switch {
	case d.AppendOnly && d.Save != "":
		return "appendonly yes, and snapshots (save " + d.Save + ")"
	case d.AppendOnly:
		return "appendonly yes"
	}
	return "snapshots only (save " + d.Save + "): a crash loses what came after the last one; appendonly yes keeps it"
}

// bytesText is n bytes for a person: 512 B, 3.4 KiB, 12.0 MiB.
func bytesText(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
