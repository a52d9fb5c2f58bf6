package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/jonboulle/clockwork"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/store"
)

// The console's workspace and people. Ids look like Slack's so replies
// render the same way; names stand in for Slack's user directory.
const (
	consoleTeam = "T0CONSOLE"
	consoleUser = "U0YOU"
)

var consoleNames = map[string]string{
	"U0YOU": "you", "U0MARIA": "maria", "U0DEVON": "devon", "U0PRIYA": "priya", "U0LIAISON": "dana (County Health)",
}

var consoleChannels = map[string]string{
	"C0COUNTY": "county-health-shared", "C0CLINIC": "eastside-clinic-shared", "C0OUTREACH": "outreach-team", "D0YOU": "direct message",
}

const consoleHelp = `Type commands as in Slack, with or without /outreach: help, partner list, log county call "Talked about the flu clinic"…
Console commands:
  :advance 3d      move the clock (90m, 2h, 3d, 2w)
  :now             show the console's clock
  :as maria        act as another person (you, maria, devon, priya); ':as liaison' is a partner's liaison
  :in #county-health-shared   type in a channel (a channel linked to a partner lets you leave the partner out)
  :quit            leave (or end the input)
`

// console runs the command language at a terminal or over a pipe.
func console(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	demo := false
	for _, a := range args {
		switch a {
		case "--demo", "-demo":
			demo = true
		default:
			fmt.Fprintf(stderr, "console: unknown flag %q (only --demo)\n", a)
			return 2
		}
	}
	cfg, err := loadConfig(getenv, "console")
	if err != nil {
		fmt.Fprintf(stderr, "outreachbot: %v\n", err)
		return 2
	}
	log := newLogger(stderr, slog.LevelWarn)
	redis.SetLogger(quietRedisLogger{})

	var rdb redis.UniversalClient
	if cfg.RedisURL != "" || len(cfg.RedisAddrs) > 0 {
		if rdb, err = newRedis(cfg); err != nil {
			fmt.Fprintf(stderr, "outreachbot: %v\n", err)
			return 2
		}
	} else {
		// The embedded store: nothing to install, nothing kept after exit.
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			fmt.Fprintf(stderr, "outreachbot: embedded store: %v\n", err)
			return 1
		}
		defer mr.Close()
		rdb = redis.NewClient(&redis.Options{Addr: mr.Addr()})
	}
	defer rdb.Close()
	st := store.New(rdb, 0)

	// The console's clock starts at the real time and then moves only when
	// told (:advance), so reminders can be seen firing.
	clock := clockwork.NewFakeClockAt(clockwork.NewRealClock().Now())
	h := commands.New(st, clock, commands.Config{Command: cfg.Command, Loc: cfg.Loc}, log)
	if demo {
		if err := loadDemo(ctx, st, consoleTeam, clock.Now()); err != nil {
			fmt.Fprintf(stderr, "outreachbot: demo data: %v\n", err)
			return 1
		}
	}
	c := &consoleSession{h: h, clock: clock, out: stdout, user: consoleUser, role: commands.RoleAdmin, channel: "D0YOU", loc: cfg.Loc}
	interactive := isTerminal(stdin)
	if interactive {
		fmt.Fprintf(stdout, "Outreach Bot console. Type help for commands, :help for console commands.\n")
		if demo {
			fmt.Fprintf(stdout, "Demo data loaded: try partner list, or history county.\n")
		}
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if interactive {
			fmt.Fprint(stdout, "outreach> ")
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !interactive {
			fmt.Fprintf(stdout, "> %s\n", line)
		}
		if !c.do(ctx, line) {
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	return 0
}

type consoleSession struct {
	h       *commands.Handler
	clock   *clockwork.FakeClock
	out     io.Writer
	user    string
	role    commands.Role
	channel string
	loc     *time.Location
}

// do runs one line; it returns false to quit.
func (c *consoleSession) do(ctx context.Context, line string) bool {
	if strings.HasPrefix(line, ":") {
		return c.meta(line)
	}
	r := c.h.Handle(ctx, commands.Request{
		Team: consoleTeam, User: c.user, Role: c.role, Channel: c.channel, Door: commands.DoorConsole, Text: line, Loc: c.loc,
	})
	if r.Form == commands.FormLog {
		fmt.Fprintln(c.out, "(In Slack this opens a form.) Type it in one line: log <partner> <method> <what happened> [in] [when:]")
		return true
	}
	c.print(r)
	return true
}

func (c *consoleSession) meta(line string) bool {
	f := strings.Fields(line)
	switch f[0] {
	case ":quit", ":q", ":exit":
		return false
	case ":help":
		fmt.Fprint(c.out, consoleHelp)
	case ":now":
		fmt.Fprintf(c.out, "It is %s.\n", c.clock.Now().Format("Mon Jan 2 2006, 15:04 MST"))
	case ":advance":
		sp, used, err := commands.ParseSpan(f[1:])
		if err != nil || used == 0 || used != len(f)-1 {
			fmt.Fprintln(c.out, "Usage: :advance 3d (or 90m, 2h, 2w)")
			return true
		}
		next := sp.AddTo(c.clock.Now())
		c.clock.Advance(next.Sub(c.clock.Now()))
		fmt.Fprintf(c.out, "It is now %s.\n", c.clock.Now().Format("Mon Jan 2 2006, 15:04 MST"))
	case ":as":
		if len(f) != 2 {
			fmt.Fprintln(c.out, "Usage: :as maria (you, maria, devon, priya, liaison)")
			return true
		}
		name := strings.TrimPrefix(strings.ToLower(f[1]), "@")
		if name == "liaison" {
			c.user, c.role = "U0LIAISON", commands.RoleLiaison
			fmt.Fprintln(c.out, "You are now dana, a liaison from County Health (another organization). Use :in #county-health-shared to type in the shared channel.")
			return true
		}
		for id, n := range consoleNames {
			if n == name {
				c.user, c.role = id, commands.RoleMember
				if id == consoleUser {
					c.role = commands.RoleAdmin
				}
				fmt.Fprintf(c.out, "You are now @%s.\n", name)
				return true
			}
		}
		fmt.Fprintln(c.out, "I know you, maria, devon, priya and liaison.")
	case ":in":
		if len(f) != 2 {
			fmt.Fprintln(c.out, "Usage: :in #county-health-shared (or :in dm)")
			return true
		}
		want := strings.TrimPrefix(strings.ToLower(f[1]), "#")
		if want == "dm" {
			c.channel = "D0YOU"
			fmt.Fprintln(c.out, "You are in your DM with the bot.")
			return true
		}
		for id, n := range consoleChannels {
			if n == want {
				c.channel = id
				fmt.Fprintf(c.out, "You are in #%s.\n", n)
				return true
			}
		}
		fmt.Fprintln(c.out, "Channels: #county-health-shared, #eastside-clinic-shared, #outreach-team, or dm.")
	default:
		fmt.Fprint(c.out, consoleHelp)
	}
	return true
}

var (
	userMention    = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)
	channelMention = regexp.MustCompile(`<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>`)
	emoji          = strings.NewReplacer(
		":white_check_mark:", "✅", ":warning:", "⚠️ ", ":large_green_circle:", "🟢", ":large_yellow_circle:", "🟡",
		":red_circle:", "🔴", ":white_circle:", "⚪", ":left_right_arrow:", "↔", ":wastebasket:", "🗑", ":wave:", "👋", ":bell:", "🔔",
		":calendar:", "📅", ":memo:", "📝", ":bar_chart:", "📊",
	)
	entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// print renders a reply for a terminal: mentions as @names, entities
// decoded, buttons as numbered choices.
func (c *consoleSession) print(r commands.Reply) {
	text := userMention.ReplaceAllStringFunc(r.Text, func(m string) string {
		id := userMention.FindStringSubmatch(m)[1]
		if n, ok := consoleNames[id]; ok {
			return "@" + n
		}
		return "@" + id
	})
	text = channelMention.ReplaceAllStringFunc(text, func(m string) string {
		id := channelMention.FindStringSubmatch(m)[1]
		if n, ok := consoleChannels[id]; ok {
			return "#" + n
		}
		return "#" + id
	})
	text = entities.Replace(emoji.Replace(text))
	fmt.Fprintln(c.out, strings.TrimRight(text, "\n"))
	if len(r.Choices) > 0 {
		var parts []string
		for i, ch := range r.Choices {
			parts = append(parts, fmt.Sprintf("[%d] %s", i+1, ch.Label))
		}
		fmt.Fprintf(c.out, "   %s\n", strings.Join(parts, "  "))
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
