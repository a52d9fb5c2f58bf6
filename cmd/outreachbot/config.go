package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	impact "github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// config is every setting, read once from the environment and checked.
type config struct {
	AppToken, BotToken, APIURL string

	RedisURL        string
	RedisAddrs      []string
	RedisMasterName string
	// Credentials and TLS for any topology, from REDIS_USERNAME,
	// REDIS_PASSWORD (or REDIS_PASSWORD_FILE), REDIS_SENTINEL_PASSWORD (or
	// its _FILE), REDIS_TLS and REDIS_TLS_CA_FILE (or rediss:// in
	// REDIS_ADDRS).
	RedisUsername         string
	RedisPassword         secret
	RedisSentinelPassword secret
	RedisTLS              bool
	RedisCAs              *x509.CertPool // REDIS_TLS_CA_FILE's, nil for the system's

	Command     string
	Loc         *time.Location
	Admins      map[string]bool
	TeamChannel string
	FeedChannel string
	Quiet       when.QuietHours
	// embeddedRedis: with no Redis configured, an in-memory store that is
	// gone on exit (the console).
	embeddedRedis bool
	Schedules     map[string]string // job name → cron spec

	Topics domain.Topics // OUTREACH_NEED_TOPICS, or the built-in list
	// Paper is the board PDF's page: OUTREACH_PAPER, or the zone's.
	Paper impact.Paper

	SurveyDelay         time.Duration
	FollowupSurveyDelay time.Duration
	Lease               time.Duration
	// PostRate is the workspace-wide budget of scheduled posts a second.
	PostRate float64
	// Canvas (OUTREACH_PARTNER_CANVAS=on) keeps a canvas in each
	// partner's linked channel.
	Canvas bool

	HTTPAddr string
	// Pprof serves Go's profiles under /debug/pprof/ on HTTPAddr.
	Pprof    bool
	LogLevel slog.Level
}

var (
	slackUserID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	slackChannelID = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
)

// tokenKind names what a token is by its prefix, without printing it.
func tokenKind(v string) string {
	for _, k := range []struct{ prefix, kind string }{
		{"xoxb-", "a bot token (xoxb-…)"},
		{"xapp-", "an app-level token (xapp-…)"},
		{"xoxp-", "a user token (xoxp-…)"},
		{"xoxe", "a token of token rotation (xoxe…)"},
	} {
		if strings.HasPrefix(v, k.prefix) {
			return k.kind
		}
	}
	return "something that is not a Slack token"
}

// loadConfig reads the environment. mode is "run" or "console": only run
// needs Slack tokens, and the console defaults to its embedded store.
// The error lists every bad variable and what it expects.
func loadConfig(getenv func(string) string, mode string) (config, error) {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := config{Admins: map[string]bool{}, Schedules: map[string]string{}}

	c.AppToken, c.BotToken = get("SLACK_APP_TOKEN", ""), get("SLACK_BOT_TOKEN", "")
	if mode == "run" {
		swapped := strings.HasPrefix(c.AppToken, "xoxb-") && strings.HasPrefix(c.BotToken, "xapp-")
		for _, t := range []struct{ name, v, prefix, want string }{
			{"SLACK_APP_TOKEN", c.AppToken, "xapp-", "the app-level token (xapp-…) with connections:write, from the app's Basic Information page"},
			{"SLACK_BOT_TOKEN", c.BotToken, "xoxb-", "the bot token (xoxb-…), from the app's OAuth & Permissions page"},
		} {
			switch {
			case t.v == "":
				bad(t.name, "required: %s", t.want)
			case swapped:
				bad(t.name, "holds %s: SLACK_APP_TOKEN and SLACK_BOT_TOKEN look swapped; it needs %s", tokenKind(t.v), t.want)
			case !strings.HasPrefix(t.v, t.prefix):
				bad(t.name, "holds %s; it needs %s", tokenKind(t.v), t.want)
			}
		}
	}
	c.APIURL = get("SLACK_API_URL", "https://slack.com/api/")
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("SLACK_API_URL", "expects an http(s) URL such as https://slack.com/api/, got %q", c.APIURL)
	} else if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}

	c.RedisURL = get("REDIS_URL", "")
	if c.RedisURL == "" && mode == "run" {
		c.RedisURL = "redis://localhost:6379/0"
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("REDIS_URL", "expects redis://[user:password@]host:port/db, got %q", redactRedis(c.RedisURL))
		}
	}
	schemes := map[bool]bool{} // TLS or not, for each address
	if v := get("REDIS_ADDRS", ""); v != "" {
		for _, a := range strings.Split(v, ",") {
			a = strings.TrimSpace(a)
			scheme, hostport, found := strings.Cut(a, "://")
			if !found {
				scheme, hostport = "", a
			}
			// An address with credentials (user:password@host:port) would
			// reach go-redis's dial errors, and from there the logs: they
			// come from REDIS_USERNAME and REDIS_PASSWORD instead.
			if !strings.Contains(hostport, ":") || strings.ContainsAny(hostport, "@/") || (scheme != "" && scheme != "redis" && scheme != "rediss") {
				bad("REDIS_ADDRS", "expects comma-separated host:port pairs (or rediss://host:port for TLS), got %q; credentials go in REDIS_USERNAME and REDIS_PASSWORD", redactRedis(a))
				continue
			}
			schemes[scheme == "rediss"] = true
			c.RedisAddrs = append(c.RedisAddrs, hostport)
		}
	}
	if len(schemes) > 1 {
		bad("REDIS_ADDRS", "mixes rediss:// (TLS) and plain addresses; use one kind, or REDIS_TLS=on")
	}
	c.RedisMasterName = get("REDIS_MASTER_NAME", "")
	if c.RedisMasterName != "" && len(c.RedisAddrs) == 0 {
		bad("REDIS_MASTER_NAME", "needs REDIS_ADDRS, the Sentinel addresses")
	}
	c.RedisUsername = get("REDIS_USERNAME", "")
	for _, p := range []struct {
		name string
		dst  *secret
	}{{"REDIS_PASSWORD", &c.RedisPassword}, {"REDIS_SENTINEL_PASSWORD", &c.RedisSentinelPassword}} {
		v, err := secretVar(getenv, p.name)
		if err != nil {
			bad(p.name+"_FILE", "%v", err)
		}
		*p.dst = v
	}
	if c.RedisSentinelPassword != "" && c.RedisMasterName == "" {
		bad("REDIS_SENTINEL_PASSWORD", "is the sentinels' password: it needs REDIS_MASTER_NAME and REDIS_ADDRS (Sentinel)")
	}
	if c.RedisURL != "" && (c.RedisUsername != "" || c.RedisPassword != "") {
		if u, err := url.Parse(c.RedisURL); err == nil && u.User != nil {
			bad("REDIS_PASSWORD", "REDIS_URL carries credentials already; give them in one place")
		}
	}
	switch v := strings.ToLower(get("REDIS_TLS", "")); v {
	case "", "off":
		c.RedisTLS = schemes[true]
	case "on":
		c.RedisTLS = true
	default:
		bad("REDIS_TLS", "expects on or off, got %q", v)
	}
	if f := get("REDIS_TLS_CA_FILE", ""); f != "" {
		pem, err := os.ReadFile(f)
		pool := x509.NewCertPool()
		switch {
		case err != nil:
			bad("REDIS_TLS_CA_FILE", "cannot read %q: %v", f, errors.Unwrap(err))
		case !pool.AppendCertsFromPEM(pem):
			bad("REDIS_TLS_CA_FILE", "expects PEM certificates (the CA that signed Redis's), found none in %q", f)
		default:
			c.RedisCAs = pool
		}
	}

	c.Command = get("OUTREACH_COMMAND", "/outreach")
	if !regexp.MustCompile(`^/[a-z0-9_-]{1,31}$`).MatchString(c.Command) {
		bad("OUTREACH_COMMAND", "expects a slash command name such as /outreach, got %q", c.Command)
	}
	tz := get("OUTREACH_TZ", "UTC")
	if loc, err := time.LoadLocation(tz); err != nil {
		bad("OUTREACH_TZ", "expects an IANA time zone such as America/New_York, got %q", tz)
	} else {
		c.Loc = loc
	}
	switch paper := strings.ToLower(get("OUTREACH_PAPER", "")); paper {
	case "":
		c.Paper = impact.PaperFor(tz)
	case "a4":
		c.Paper = impact.A4
	case "letter":
		c.Paper = impact.Letter
	default:
		bad("OUTREACH_PAPER", "expects a4 or letter (the report's PDF page; by default the one of OUTREACH_TZ's country), got %q", paper)
	}
	if v := get("OUTREACH_ADMINS", ""); v != "" {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); !slackUserID.MatchString(id) {
				bad("OUTREACH_ADMINS", "expects comma-separated Slack user ids such as U012AB3CD, got %q", id)
			} else {
				c.Admins[id] = true
			}
		}
	}
	for _, v := range []struct {
		name string
		dst  *string
	}{{"OUTREACH_TEAM_CHANNEL", &c.TeamChannel}, {"OUTREACH_FEED_CHANNEL", &c.FeedChannel}} {
		*v.dst = get(v.name, "")
		if *v.dst != "" && !slackChannelID.MatchString(*v.dst) {
			bad(v.name, "expects a channel id such as C012AB3CD (not a #name), got %q", *v.dst)
		}
	}
	qh := get("OUTREACH_QUIET_HOURS", "18:00-08:00,sat,sun")
	if q, err := when.ParseQuietHours(qh); err != nil {
		bad("OUTREACH_QUIET_HOURS", "expects HH:MM-HH:MM with optional days, e.g. 18:00-08:00,sat,sun, or off; got %q: %v", qh, err)
	} else {
		c.Quiet = q
	}
	for _, j := range scheduler.Jobs {
		if !j.Recurring() {
			continue
		}
		spec := get(j.Env, j.Default)
		if _, err := when.ParseSchedule(spec, time.UTC); err != nil {
			bad(j.Env, "expects a cron spec (minute hour day month weekday) or @every <duration>, got %q: %v", spec, err)
		}
		c.Schedules[j.Kind] = spec
	}
	for _, d := range []struct {
		name, def string
		dst       *time.Duration
		min       time.Duration
	}{
		{"OUTREACH_SURVEY_DELAY", "2h", &c.SurveyDelay, 0},
		{"OUTREACH_FOLLOWUP_SURVEY_DELAY", "30d", &c.FollowupSurveyDelay, time.Hour},
		{"OUTREACH_LEASE", "30s", &c.Lease, time.Second},
	} {
		v := get(d.name, d.def)
		dur, err := parseDuration(v)
		if err != nil || dur < d.min {
			bad(d.name, "expects a duration such as 90s, 30m, 2h or 14d (at least %v), got %q", d.min, v)
		}
		*d.dst = dur
	}
	c.Topics = domain.NewTopics(domain.DefaultTopicSynonyms)
	if v := get("OUTREACH_NEED_TOPICS", ""); v != "" {
		if syn, err := parseTopics(v); err != nil {
			bad("OUTREACH_NEED_TOPICS", "expects topic=alias,alias;topic…, e.g. vaccines=vaccine,shots;mental-health=mental;housing; %v", err)
		} else {
			c.Topics = domain.NewTopics(syn)
		}
	}
	rate := get("OUTREACH_POST_RATE", "5")
	if r, err := strconv.ParseFloat(rate, 64); err != nil || r <= 0 || r > 100 {
		bad("OUTREACH_POST_RATE", "expects scheduled posts a second across the workspace, more than 0 and at most 100 (Slack allows several hundred a minute), got %q", rate)
	} else {
		c.PostRate = r
	}
	switch v := strings.ToLower(get("OUTREACH_PARTNER_CANVAS", "off")); v {
	case "on":
		c.Canvas = true
	case "off":
	default:
		bad("OUTREACH_PARTNER_CANVAS", "expects on or off (a canvas kept in each partner's linked channel), got %q", v)
	}
	c.HTTPAddr = get("HTTP_ADDR", ":8080")
	if !strings.Contains(c.HTTPAddr, ":") {
		bad("HTTP_ADDR", "expects host:port or :port, got %q", c.HTTPAddr)
	}
	switch v := strings.ToLower(get("OUTREACH_PPROF", "off")); v {
	case "on":
		c.Pprof = true
	case "off":
	default:
		bad("OUTREACH_PPROF", "expects on or off (Go's profiles under /debug/pprof/ on HTTP_ADDR), got %q", v)
	}
	lvl := get("LOG_LEVEL", "info")
	if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
		bad("LOG_LEVEL", "expects debug, info, warn or error, got %q", lvl)
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return c, nil
}

// parseDuration reads 90s, 30m, 2h (Go syntax) or 14d, 2w, 3mo.
func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	sp, used, err := when.ParseSpan(strings.Fields(s))
	if err != nil {
		return 0, err
	}
	if used != len(strings.Fields(s)) {
		return 0, fmt.Errorf("trailing words in %q", s)
	}
	return sp.Approx(), nil
}

// secret is a password: it prints as *** wherever it is formatted or
// logged by mistake.
type secret string

func (secret) String() string                 { return "***" }
func (secret) GoString() string               { return "***" }
func (secret) LogValue() slog.Value           { return slog.StringValue("***") }
func (s secret) MarshalText() ([]byte, error) { return []byte("***"), nil }

// secretVar reads the secret name, or from the file name_FILE names (the
// Docker and Kubernetes secrets convention), without its final line end.
func secretVar(getenv func(string) string, name string) (secret, error) {
	v, file := getenv(name), strings.TrimSpace(getenv(name+"_FILE"))
	if file == "" {
		return secret(v), nil
	}
	if v != "" {
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		// The path, never what the file holds.
		return "", fmt.Errorf("cannot read %q: %v", file, errors.Unwrap(err))
	}
	return secret(strings.TrimRight(string(b), "\r\n")), nil
}

// redactRedis is a Redis address fit to print: its user and password, if
// any, replaced by "***". It works on what does not parse as a URL too,
// since that is when an address gets printed, in a configuration error.
func redactRedis(addr string) string {
	scheme, rest, ok := strings.Cut(addr, "://")
	if !ok {
		scheme, rest = "", addr
	} else {
		scheme += "://"
	}
	// The host starts after the last @ of the authority (a password may
	// hold an @ or a /, typed unescaped).
	authority, path := rest, ""
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if i := strings.IndexAny(rest[at:], "/?#"); i >= 0 {
			authority, path = rest[:at+i], rest[at+i:]
		}
	} else if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = "***" + authority[at:]
	}
	return scheme + authority + path
}

func (c config) surveyDelays() store.EventDelays {
	return store.EventDelays{Feedback: c.SurveyDelay, FollowUp: c.FollowupSurveyDelay}
}

// parseTopics reads OUTREACH_NEED_TOPICS: entries separated by ';', each
// a canonical topic, then optionally '=' and its aliases separated by ','.
// An alias may name one topic only.
func parseTopics(v string) (map[string][]string, error) {
	out := map[string][]string{}
	owner := map[string]string{}
	for _, entry := range strings.Split(v, ";") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		canon, aliases, _ := strings.Cut(entry, "=")
		canon = strings.TrimSpace(canon)
		if canon == "" {
			return nil, fmt.Errorf("an entry without a topic: %q", entry)
		}
		out[canon] = nil
		for _, a := range strings.Split(aliases, ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			if prev, ok := owner[a]; ok && prev != canon {
				return nil, fmt.Errorf("%q is an alias of both %q and %q", a, prev, canon)
			}
			owner[a] = canon
			out[canon] = append(out[canon], a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no topics")
	}
	return out, nil
}
