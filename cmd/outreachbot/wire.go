package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/commands"
	impact "github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// A door is how people reach the bot: Slack over Socket Mode (`run`) or a
// terminal (`console`). Everything behind it is wired once, by wire, the
// same for both, so what the console shows is what Slack runs.
type door interface {
	// prepare adjusts the configuration to the door before anything is
	// built from it, and returns the clock the program runs on.
	prepare(cfg *config, clock clockwork.Clock) clockwork.Clock
	// connect says which workspace the door serves and who is in it.
	connect(ctx context.Context, p *parts) (team string, dir commands.Directory, err error)
	// open builds what faces people over the commands, and the poster
	// that delivers the scheduler's posts through it.
	open(ctx context.Context, p *parts) (scheduler.Poster, error)
	// serve runs the door until ctx ends or it fails; it returns the exit
	// code.
	serve(ctx context.Context, p *parts) int
	// report says why the program cannot start, the door's way, and
	// returns the exit code.
	report(p *parts, err *startError) int
}

// parts is the program wired for a door.
type parts struct {
	cfg   config
	log   *slog.Logger
	clock clockwork.Clock // the one clock of commands, scheduler and store writes
	reg   *prometheus.Registry
	store *store.Store
	team  string
	cmds  *commands.Handler
	sched *scheduler.Scheduler
	// stderr is where the door reports what stops it.
	stderr io.Writer
}

// startError stops the program before it serves: what failed, and the
// exit code.
type startError struct {
	what string
	code int
	err  error
}

func (e *startError) Error() string { return e.what + ": " + e.err.Error() }

// failed is err as a startError, unless it is one already.
func failed(what string, code int, err error) error {
	if se := (*startError)(nil); errors.As(err, &se) {
		return err
	}
	return &startError{what, code, err}
}

// start wires the program for d and serves it: configuration → logger →
// Redis → store → the door's workspace → its data's migrations →
// commands → the door and its poster → scheduler. It returns the exit
// code.
func start(ctx context.Context, mode string, d door, clock clockwork.Clock, getenv func(string) string, stderr io.Writer) int {
	cfg, err := loadConfig(getenv, mode)
	if err != nil {
		fmt.Fprintf(stderr, "outreachbot: %v\n", err)
		return 2
	}
	p := &parts{cfg: cfg, stderr: stderr, reg: prometheus.NewRegistry()}
	p.clock = d.prepare(&p.cfg, clock)
	p.log = newLogger(stderr, p.cfg.LogLevel)
	closeRedis, err := wire(ctx, p, d)
	if closeRedis != nil {
		defer closeRedis()
	}
	if se := (*startError)(nil); errors.As(err, &se) {
		return d.report(p, se)
	}
	return d.serve(ctx, p)
}

// wire builds p's parts after the configuration, the clock and the
// logger. close releases Redis; it is set once Redis is open, also when
// a later part fails.
func wire(ctx context.Context, p *parts, d door) (close func(), err error) {
	redis.SetLogger(quietRedisLogger{})
	rdb, close, err := openRedis(p.cfg, p.cfg.embeddedRedis)
	if err != nil {
		return nil, &startError{"redis", 2, err}
	}
	p.store = store.New(rdb, 0).WithNext(when.NextOccurrence)
	team, dir, err := d.connect(ctx, p)
	if err != nil {
		return close, failed("connect", 1, err)
	}
	p.team = team
	migrate(ctx, p.store, team, p.log)
	names, _ := dir.(impact.Names)
	files, _ := dir.(commands.Files)
	cfg := p.cfg
	p.cmds = commands.New(p.store, p.clock, commands.Config{
		Command: cfg.Command, Loc: cfg.Loc, SurveyDelays: cfg.surveyDelays(), Topics: cfg.Topics, Directory: dir, Names: names, Paper: cfg.Paper,
		Files: files, Canvas: cfg.Canvas,
	}, p.log)
	post, err := d.open(ctx, p)
	if err != nil {
		return close, failed("open", 1, err)
	}
	p.sched, err = scheduler.New(scheduler.Config{
		Team: team, Loc: cfg.Loc, Quiet: cfg.Quiet, Lease: cfg.Lease, TeamChannel: cfg.TeamChannel, FeedChannel: cfg.FeedChannel,
		Schedules: cfg.Schedules, Command: cfg.Command, SurveyDelays: cfg.surveyDelays(), Admins: slices.Sorted(maps.Keys(cfg.Admins)),
		Canvas: cfg.Canvas,
	}, p.store, post, p.clock, p.reg, p.log)
	if err != nil {
		return close, &startError{"scheduler", 2, err}
	}
	return close, nil
}

// migrate brings the workspace's stored data up to this version's
// schema, each migration once (store.Migrate). A migration that fails
// (Redis slow or away: each call has the store's short deadline) is
// tried again a few times, a little later each time, as a start is
// no hurry; then the bot serves all the same, the migration logged to be
// tried at the next start.
func migrate(ctx context.Context, st *store.Store, team string, log *slog.Logger) {
	var err error
	for try, wait := 1, 200*time.Millisecond; ; try, wait = try+1, 2*wait {
		var ran []store.Migrated
		ran, err = st.Migrate(ctx, team)
		for _, m := range ran {
			log.Info("migrated stored data", "migration", m.Name, "schema_version", m.Version, "changed", m.Changed)
		}
		if err == nil || errors.Is(err, store.ErrMigrating) || try == 5 {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait): // real time: a start waits for Redis, whatever the domain clock says
		}
	}
	switch {
	case errors.Is(err, store.ErrMigrating):
		log.Info("another replica is migrating the stored data")
	case err != nil:
		log.Warn("migrating stored data; trying again at the next start", "err", err)
	}
}
