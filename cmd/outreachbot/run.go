package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/bot"
	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/scheduler"
)

const usage = `Outreach Bot: partners, contacts and follow-ups for outreach teams, in Slack.

Usage:
  outreachbot run                 serve Slack over Socket Mode (needs SLACK_APP_TOKEN, SLACK_BOT_TOKEN, Redis)
  outreachbot console [--demo]    the same commands at a terminal; --demo loads sample partners
  outreachbot doctor              check tokens, scopes and Redis as configured; say what is wrong and how to fix it

Configuration is read from environment variables; see the README.
`

// run is the whole program; main only supplies the process's signals,
// clock, environment and streams. It returns the exit code. Tests pass a
// fake clock to move the bot's time instead of waiting for it.
func run(ctx context.Context, clock clockwork.Clock, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return start(ctx, "run", &slackDoor{}, clock, getenv, stderr)
	case "console":
		return console(ctx, clock, args[1:], getenv, stdin, stdout, stderr)
	case "doctor":
		redis.SetLogger(quietRedisLogger{})
		return doctor(ctx, clock, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return 2
}

// openRedis connects to the configured deployment: one node from
// REDIS_URL, or Sentinel / Cluster from REDIS_ADDRS; with neither set and
// embedded allowed (the console), an in-memory store that is gone on
// exit. close releases the client (and the embedded store).
func openRedis(c config, embedded bool) (rdb redis.UniversalClient, close func(), err error) {
	if embedded && c.RedisURL == "" && len(c.RedisAddrs) == 0 {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, nil, fmt.Errorf("embedded store: %w", err)
		}
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		return rdb, func() { rdb.Close(); mr.Close() }, nil
	}
	rdb, err = newRedis(c)
	if err != nil {
		return nil, nil, err
	}
	return rdb, func() { rdb.Close() }, nil
}

// newRedis builds the client for the configured deployment. Timeouts are
// short so that a dead Redis fails a command fast instead of missing
// Slack's ack.
func newRedis(c config) (redis.UniversalClient, error) {
	const io = 500 * time.Millisecond
	dial := 300 * time.Millisecond
	if c.RedisTLS || strings.HasPrefix(c.RedisURL, "rediss://") {
		// A TLS handshake is a round trip or two more than the connection:
		// a new connection gets longer, and the store's 800 ms deadline
		// still bounds each call (connections are pooled, so it is rare).
		dial = 800 * time.Millisecond
	}
	if len(c.RedisAddrs) > 0 {
		uo := &redis.UniversalOptions{
			Addrs: c.RedisAddrs, MasterName: c.RedisMasterName,
			Username: c.RedisUsername, Password: string(c.RedisPassword), SentinelPassword: string(c.RedisSentinelPassword),
			DialTimeout: dial, ReadTimeout: io, WriteTimeout: io, ContextTimeoutEnabled: true, MaxRetries: 1,
			// While a Cluster moves a slot, a script may be sent on
			// (ASK), asked to wait (TRYAGAIN) and sent on again (MOVED)
			// before it runs; the store's deadline still bounds them all.
			MaxRedirects: 8,
		}
		if c.RedisTLS {
			// The server name is each node's host, as tls.Dial sets it.
			uo.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: c.RedisCAs}
		}
		if c.RedisMasterName != "" {
			return redis.NewFailoverClient(uo.Failover()), nil
		}
		// Without a master name the addresses are a Cluster's, even one
		// alone (a seed node). Routing policies look up COMMAND info under
		// a lock with their own 5 s deadline, not the caller's: a process
		// that starts while the Cluster is down would hold every command
		// past Slack's 3 s ack. Every command of ours names its keys, so
		// plain slot routing is all we need.
		co := uo.Cluster()
		co.DisableRoutingPolicies = true
		return redis.NewClusterClient(co), nil
	}
	opt, err := redis.ParseURL(c.RedisURL)
	if err != nil {
		// url.Parse's errors quote the whole URL, password and all, and
		// what they point at may be part of the password: say no more.
		// go-redis's own errors name the scheme, path or options only.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = errors.New("not a URL")
		}
		return nil, fmt.Errorf("REDIS_URL %s: %w", redactRedis(c.RedisURL), err)
	}
	if c.RedisUsername != "" {
		opt.Username = c.RedisUsername
	}
	if c.RedisPassword != "" {
		opt.Password = string(c.RedisPassword)
	}
	if c.RedisTLS && opt.TLSConfig == nil {
		host, _, _ := net.SplitHostPort(opt.Addr)
		opt.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	}
	if opt.TLSConfig != nil && c.RedisCAs != nil {
		opt.TLSConfig.RootCAs = c.RedisCAs
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = dial, io, io
	opt.ContextTimeoutEnabled, opt.MaxRetries = true, 1
	return redis.NewClient(opt), nil
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// slackDoor is Slack over Socket Mode: `outreachbot run`.
type slackDoor struct {
	api  *slack.Client
	auth *slack.AuthTestResponse
	dir  *bot.Directory
	bot  *bot.Bot
}

func (d *slackDoor) prepare(_ *config, clock clockwork.Clock) clockwork.Clock { return clock }

// connect asks Slack which workspace the token is of.
func (d *slackDoor) connect(ctx context.Context, p *parts) (string, commands.Directory, error) {
	// A hung Slack call must not hold a reminder (and its lease) forever.
	httpClient := &http.Client{Timeout: slackCallTimeout}
	cfg := p.cfg
	d.api = slack.New(cfg.BotToken, slack.OptionAppLevelToken(cfg.AppToken), slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(httpClient))
	authCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	auth, err := d.api.AuthTestContext(authCtx)
	cancel()
	if err != nil {
		return "", nil, &startError{"Slack auth.test failed: check SLACK_BOT_TOKEN and SLACK_API_URL", 1, err}
	}
	p.log.Info("authenticated", "team", auth.TeamID, "bot_user", auth.UserID)
	d.auth = auth
	d.dir = bot.NewDirectory(d.api, cfg.Loc)
	d.dir.SetWorkspace(auth.TeamID, auth.Team)
	return auth.TeamID, d.dir, nil
}

// open builds the bot in front of the commands; the scheduler posts
// through its outbox.
func (d *slackDoor) open(_ context.Context, p *parts) (scheduler.Poster, error) {
	cfg := p.cfg
	p.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The bot paces itself on real time whatever the domain clock says:
	// Slack measures its 3 s ack deadline and its rate limits on its own
	// wall clock, so a test that moves the domain clock must not move them.
	d.bot = bot.New(bot.Config{
		HomeTeam: d.auth.TeamID, BotUserID: d.auth.UserID, Admins: cfg.Admins, Command: cfg.Command,
		FeedChannel: cfg.FeedChannel, Loc: cfg.Loc, Directory: d.dir, PostRate: cfg.PostRate, Now: p.clock.Now,
	}, d.api, p.cmds, p.store, clockwork.NewRealClock(), p.reg, p.log)
	return slackPoster{d.bot}, nil
}

// serve runs the Slack bot and the scheduler until ctx is cancelled.
func (d *slackDoor) serve(ctx context.Context, p *parts) int {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	log, b := p.log, d.bot
	go checkRedis(ctx, p.store, d.auth.TeamID, slices.Sorted(maps.Keys(p.cfg.Admins)), log,
		func(ctx context.Context, to string, msg message.Reply) error {
			_, _, err := b.PostScheduledFenced(ctx, to, "redis-check", msg, p.clock.Now(), nil)
			return err
		})
	// Measured on real time, like the bot's pacing: an operator's figure.
	go measureMemory(ctx, p.store, d.auth.TeamID, p.reg, clockwork.NewRealClock(), log)
	ln, err := net.Listen("tcp", p.cfg.HTTPAddr)
	if err != nil {
		log.Error("HTTP_ADDR: cannot listen", "addr", p.cfg.HTTPAddr, "err", err)
		return 1
	}
	srv := &http.Server{Handler: opsHandler(p.reg, p.store, b, p.cfg.Pprof), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	log.Info("serving", "http", ln.Addr().String())

	// On a stop the scheduler finishes its posts and hands back the rest,
	// the bot lets in-flight commands acknowledge, then queued messages go.
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		if err := p.sched.Run(ctx); err != nil {
			log.Error("scheduler stopped", "err", err)
		}
	}()
	code := 0
	if err := b.Run(ctx); err != nil {
		log.Error("socket mode stopped", "err", err)
		code = 1
		stop()
	}
	<-schedDone
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.WaitOutbox(shutCtx); err != nil {
		log.Warn("stop: messages still queued", "err", err)
	}
	_ = srv.Shutdown(shutCtx)
	log.Info("stopped")
	return code
}

// report logs why the bot cannot start.
func (d *slackDoor) report(p *parts, e *startError) int {
	p.log.Error(e.what, "err", e.err)
	return e.code
}

// slackCallTimeout bounds every Slack Web API call.
const slackCallTimeout = 20 * time.Second

// quietRedisLogger drops go-redis's own log lines; failures reach our
// logs through the errors the store returns.
type quietRedisLogger struct{}

func (quietRedisLogger) Printf(context.Context, string, ...any) {}
