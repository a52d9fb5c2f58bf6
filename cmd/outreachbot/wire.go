package main

import (
	"log/slog"
	"maps"
	"slices"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/commands"
	impact "github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// parts is the program wired once for every mode: config → Redis → store
// → commands, and the scheduler over them. `run` adds the Slack bot in
// front, `console` a terminal; both get the same parts, so what the
// console shows is what Slack runs.
type parts struct {
	cfg   config
	log   *slog.Logger
	clock clockwork.Clock // the one clock of commands, scheduler and store writes
	reg   *prometheus.Registry
	store *store.Store
	cmds  *commands.Handler
}

// wire builds the parts over rdb (owned and closed by the caller); dir
// answers who is in which Slack team (Slack itself, or the console's cast),
// and when it can, what people, channels and teams are called.
func wire(cfg config, rdb redis.UniversalClient, clock clockwork.Clock, log *slog.Logger, dir commands.Directory) *parts {
	st := store.New(rdb, 0)
	names, _ := dir.(impact.Names)
	return &parts{
		cfg: cfg, log: log, clock: clock, reg: prometheus.NewRegistry(), store: st,
		cmds: commands.New(st, clock, commands.Config{Command: cfg.Command, Loc: cfg.Loc, SurveyDelays: cfg.surveyDelays(), Topics: cfg.Topics, Directory: dir, Names: names, Paper: cfg.Paper}, log),
	}
}

// scheduler builds the scheduler of team's workspace, posting through
// post: the bot's outbox in Slack, the terminal in the console.
func (p *parts) scheduler(team, teamChannel, feedChannel string, quiet when.QuietHours, post scheduler.Poster) (*scheduler.Scheduler, error) {
	return scheduler.New(scheduler.Config{
		Team: team, Loc: p.cfg.Loc, Quiet: quiet, Lease: p.cfg.Lease, TeamChannel: teamChannel, FeedChannel: feedChannel, Schedules: p.cfg.Schedules,
		Command: p.cfg.Command, SurveyDelays: p.cfg.surveyDelays(), Admins: slices.Sorted(maps.Keys(p.cfg.Admins)),
	}, p.store, post, p.clock, p.reg, p.log)
}
