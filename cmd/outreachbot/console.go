package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/when"
)

// The console's workspace and people. Ids look like Slack's so replies
// render the same way; names stand in for Slack's user directory.
const (
	consoleTeam = "T0CONSOLE"
	consoleUser = "U0YOU"
)

var consoleNames = map[string]string{
	"U0YOU": "you", "U0MARIA": "maria", "U0DEVON": "devon", "U0PRIYA": "priya", "U0LIAISON": "dana (County Health)",
	"U0DANA": "dana (County Health)", "U0LUIS": "luis (County Health)", "U0OKAFOR": "dr.okafor (Eastside Clinic)",
	"U0P1": "a participant", "U0P2": "a participant", "U0P3": "a participant", "U0P4": "a participant",
	"U0P5": "a participant", "U0P6": "a participant", "U0P7": "a participant",
}

var consoleChannels = map[string]string{
	"C0COUNTY": "county-health-shared", "C0CLINIC": "eastside-clinic-shared", "C0OUTREACH": "outreach-team", "D0YOU": "direct message",
}

const consoleHelp = `Type commands as in Slack, with or without /outreach: help, partner list, log county call "Talked about the flu clinic"…
Console commands:
  :advance 3d      move the clock (90m, 2h, 3d, 2w); reminders, nudges and digests print as they fall due
  :press 1         press a button of the last message with buttons shown to you, here (:press 9 <text> for Add a comment)
  :now             show the console's clock
  :as maria        act as another person (you, maria, devon, priya); ':as liaison' is a partner's liaison
  :in #county-health-shared   type in a channel (a channel linked to a partner lets you leave the partner out)
  :quit            leave (or end the input)
`

// console runs the command language at a terminal or over a pipe.
func console(ctx context.Context, clock clockwork.Clock, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	d := &consoleDoor{getenv: getenv, stdin: stdin, stdout: stdout}
	for _, a := range args {
		switch a {
		case "--demo", "-demo":
			d.demo = true
		default:
			fmt.Fprintf(stderr, "console: unknown flag %q (only --demo)\n", a)
			return 2
		}
	}
	return start(ctx, "console", d, clock, getenv, stderr)
}

// consoleDoor is the terminal: one workspace of made-up people, a clock
// that moves when told, scheduled posts printed as they fall due.
type consoleDoor struct {
	getenv  func(string) string
	stdin   io.Reader
	stdout  io.Writer
	demo    bool
	clock   *clockwork.FakeClock
	session *consoleSession
}

// prepare: the console's clock starts at the real time and then moves
// only when told (:advance), so reminders can be seen firing. Without a
// Redis configured the store is in memory; the team channel is the
// cast's, and at a terminal you are trying things out, at any hour: quiet
// hours apply only when OUTREACH_QUIET_HOURS asks for them.
func (d *consoleDoor) prepare(cfg *config, clock clockwork.Clock) clockwork.Clock {
	cfg.LogLevel = slog.LevelWarn
	cfg.embeddedRedis = true
	cfg.TeamChannel, cfg.FeedChannel = "C0OUTREACH", ""
	if d.getenv("OUTREACH_QUIET_HOURS") == "" {
		cfg.Quiet = when.QuietHours{Off: true}
	}
	d.clock = clockwork.NewFakeClockAt(clock.Now())
	return d.clock
}

func (d *consoleDoor) connect(context.Context, *parts) (string, commands.Directory, error) {
	return consoleTeam, consoleDirectory{}, nil
}

func (d *consoleDoor) open(_ context.Context, p *parts) (scheduler.Poster, error) {
	d.session = &consoleSession{h: p.cmds, clock: d.clock, out: d.stdout, user: consoleUser, role: commands.RoleAdmin, channel: "D0YOU", loc: p.cfg.Loc}
	return consolePoster{d.session}, nil
}

func (d *consoleDoor) report(p *parts, e *startError) int {
	fmt.Fprintf(p.stderr, "outreachbot: %v\n", e.err)
	if e.what == "redis" {
		return 1 // the store cannot be reached, as when it fails later
	}
	return e.code
}

// serve reads lines until the input ends or :quit.
func (d *consoleDoor) serve(ctx context.Context, p *parts) int {
	if d.demo {
		if err := loadDemo(ctx, p.store, consoleTeam, d.clock.Now(), p.cfg.Loc); err != nil {
			fmt.Fprintf(p.stderr, "outreachbot: demo data: %v\n", err)
			return 1
		}
	}
	c, stdout := d.session, d.stdout
	c.sched = p.sched
	c.sched.RunDue(ctx) // starts the schedules at the console's now
	interactive := isTerminal(d.stdin)
	if interactive {
		fmt.Fprintf(stdout, "Outreach Bot console. Type help for commands, :help for console commands.\n")
		if d.demo {
			fmt.Fprintf(stdout, "Demo data loaded: try partner list, or history county.\n")
		}
	}
	sc := bufio.NewScanner(d.stdin)
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
	h     *commands.Handler
	sched *scheduler.Scheduler
	// shown are the last messages with buttons, for :press: one for each
	// person and place (a channel, or their DM) they were shown in.
	shown   map[seenBy]*shown
	seq     int
	clock   *clockwork.FakeClock
	out     io.Writer
	user    string
	role    commands.Role
	channel string
	loc     *time.Location
	dir     string // where files (charts, exports) are written; made on first use
}

// do runs one line; it returns false to quit.
func (c *consoleSession) do(ctx context.Context, line string) bool {
	if strings.HasPrefix(line, ":") {
		return c.meta(line)
	}
	r := c.h.Handle(ctx, c.request(c.channel, commands.DoorConsole, line))
	if r.Form == message.FormLog {
		fmt.Fprintln(c.out, "(In Slack this opens a form.) Type it in one line: log <partner> <method> <what happened> [in] [when:]")
		return true
	}
	c.print(r)
	if r.Later != nil {
		c.print(r.Later(ctx))
	}
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
		fmt.Fprintf(c.out, "It is %s.\n", c.clock.Now().In(c.loc).Format("Mon Jan 2 2006, 15:04 MST"))
	case ":advance":
		sp, used, err := when.ParseSpan(f[1:])
		if err != nil || used == 0 || used != len(f)-1 {
			fmt.Fprintln(c.out, "Usage: :advance 3d (or 90m, 2h, 2w)")
			return true
		}
		c.advance(sp.AddTo(c.clock.Now()))
		fmt.Fprintf(c.out, "It is now %s.\n", c.clock.Now().In(c.loc).Format("Mon Jan 2 2006, 15:04 MST"))
	case ":press":
		c.press(f[1:])
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
		":calendar:", "📅", ":memo:", "📝", ":bar_chart:", "📊", ":pushpin:", "📌", ":zzz:", "💤",
		":heavy_multiplication_x:", "✖", ":tada:", "🎉", ":clipboard:", "📋", ":ear:", "👂", ":hourglass_flowing_sand:", "⏳",
		":outbox_tray:", "📤", ":speech_balloon:", "💬", ":spiral_calendar_pad:", "🗓", ":page_facing_up:", "📄", ":house:", "🏠",
	)
	entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// advance moves the clock to end, stopping at each moment something falls
// due and running it, so reminders print in order and at their time.
func (c *consoleSession) advance(end time.Time) {
	ctx := context.Background()
	for {
		next := c.sched.NextEvent(ctx)
		if next.IsZero() || next.After(end) {
			break
		}
		if next.After(c.clock.Now()) {
			c.clock.Advance(next.Sub(c.clock.Now()))
		}
		c.sched.RunDue(ctx)
	}
	if end.After(c.clock.Now()) {
		c.clock.Advance(end.Sub(c.clock.Now()))
	}
	c.sched.RunDue(ctx)
}

// shown is a printed message whose buttons can be pressed.
type shown struct {
	reply   message.Reply
	channel string
	seq     int // the order messages were shown in
}

// seenBy is who saw a message where: a person in their DM or a reply to
// them in a channel (user set), or everyone in a channel (user "").
type seenBy struct{ user, place string }

// place is where the current person is typing: a channel, or "dm".
func (c *consoleSession) place() string {
	if c.channel == "" || c.channel[0] == 'D' {
		return "dm"
	}
	return c.channel
}

// remember keeps r as the last message with buttons that by saw.
func (c *consoleSession) remember(by seenBy, r message.Reply, channel string) {
	if c.shown == nil {
		c.shown = map[seenBy]*shown{}
	}
	c.seq++
	c.shown[by] = &shown{reply: r, channel: channel, seq: c.seq}
}

// lastShown is the last message with buttons the current person saw
// where they are: their own replies and DMs there, or a post to the
// channel; someone else's is not theirs to press.
func (c *consoleSession) lastShown() (*shown, seenBy) {
	mine := seenBy{c.user, c.place()}
	last := c.shown[mine]
	if c.place() != "dm" {
		if ch := c.shown[seenBy{"", c.place()}]; ch != nil && (last == nil || ch.seq > last.seq) {
			return ch, seenBy{"", c.place()}
		}
	}
	return last, mine
}

// press presses a numbered button of the last message that had some.
func (c *consoleSession) press(args []string) {
	last, by := c.lastShown()
	if last == nil {
		fmt.Fprintln(c.out, "There is no message with buttons for you here to press yet.")
		return
	}
	choices := allChoices(last.reply)
	n := 0
	if len(args) >= 1 {
		fmt.Sscan(args[0], &n)
	}
	if n < 1 || n > len(choices) {
		fmt.Fprintf(c.out, "Usage: :press 1 to %d\n", len(choices))
		return
	}
	ch := choices[n-1]
	if len(args) > 1 && ch.Action != message.ActionComment {
		fmt.Fprintf(c.out, "[%d] %s takes no text; only an Add a comment button does. Type :press %d alone.\n", n, ch.Label, n)
		return
	}
	var res commands.Pressed
	switch ch.Action {
	case message.ActionLogContact:
		fmt.Fprintf(c.out, "(In Slack this opens the log form.) Type: log %s <method> <what happened>\n", ch.Value)
		return
	case message.ActionComment:
		if len(args) < 2 {
			fmt.Fprintf(c.out, "(In Slack this opens a comment form.) Type: :press %d <your comment>\n", n)
			return
		}
		id, _ := domain.ParseSurveyID(ch.Value)
		res = c.h.SubmitComment(context.Background(), c.request(last.channel, commands.DoorForm, ""), id, strings.Join(args[1:], " "))
	default:
		res = c.h.Press(context.Background(), c.request(last.channel, commands.DoorForm, ""), ch.Action, ch.Value)
	}
	if res.Update != nil {
		fmt.Fprintln(c.out, "(the message now reads)")
		c.render(*res.Update)
		delete(c.shown, by)
		if len(allChoices(*res.Update)) > 0 {
			c.remember(by, *res.Update, last.channel)
		}
	}
	if res.Ephemeral != nil {
		c.print(*res.Ephemeral)
		if res.Ephemeral.Later != nil {
			c.print(res.Ephemeral.Later(context.Background()))
		}
	}
}

func chartText(c *message.Chart) string {
	if c == nil {
		return ""
	}
	return c.Text
}

func tableText(t *message.Table) string {
	if t == nil {
		return ""
	}
	return t.Text
}

func allChoices(r message.Reply) []message.Choice {
	out := append([]message.Choice(nil), r.Choices...)
	for _, s := range r.Sections {
		out = append(out, s.Choices...)
	}
	return out
}

// request is what the console's current person types in channel.
func (c *consoleSession) request(channel string, door commands.Door, text string) commands.Request {
	team := consoleTeam
	if c.role == commands.RoleLiaison {
		team = "T0COUNTYHEALTH" // the liaison's own organization
	}
	return commands.Request{Team: consoleTeam, User: c.user, UserTeam: team, Role: c.role, Channel: channel, Door: door, Text: text, Loc: c.loc}
}

// consolePoster prints what the scheduler would post.
type consolePoster struct{ c *consoleSession }

func (p consolePoster) Post(_ context.Context, post scheduler.Post) (scheduler.Posted, error) {
	to := "#" + consoleChannels[post.To]
	if n, ok := consoleNames[post.To]; ok {
		to = "DM to @" + n
	} else if consoleChannels[post.To] == "" {
		to = post.To
	}
	fmt.Fprintf(p.c.out, "\n── %s · %s ──\n", to, p.c.clock.Now().In(p.c.loc).Format("Mon Jan 2, 15:04"))
	p.c.render(post.Message)
	if len(allChoices(post.Message)) > 0 {
		by := seenBy{"", post.To}
		if _, person := consoleNames[post.To]; person {
			by = seenBy{post.To, "dm"}
		}
		p.c.remember(by, post.Message, post.To)
	}
	return scheduler.Posted{Channel: post.To, TS: fmt.Sprint(p.c.clock.Now().Unix())}, nil
}

func (consolePoster) Find(context.Context, string, string, time.Time) (scheduler.Posted, bool, error) {
	return scheduler.Posted{}, false, nil // one process: nothing is ever taken over
}

func (p consolePoster) Zone(context.Context, string) (*time.Location, error) { return p.c.loc, nil }

// People, IsBot and Permalink make the console's poster a Roster: a
// survey's reminder reaches the cast of its channel.
func (consolePoster) People(ctx context.Context, channel string) ([]string, error) {
	return consoleDirectory{}.ChannelPeople(ctx, channel)
}

func (consolePoster) IsBot(context.Context, string) (bool, error) { return false, nil }

func (consolePoster) Permalink(_ context.Context, channel, ts string) (string, error) {
	return "https://riverside.slack.com/archives/" + channel + "/p" + ts, nil
}

// Shared answers from the console's cast, as its directory does.
func (consolePoster) Shared(ctx context.Context, channel string) (bool, error) {
	teams, err := consoleDirectory{}.ChannelTeams(ctx, channel)
	return len(teams) > 1, err
}

// print renders a reply for a terminal: mentions as @names, entities
// decoded, buttons as numbered choices (for :press).
func (c *consoleSession) print(r message.Reply) {
	if len(allChoices(r)) > 0 {
		c.remember(seenBy{c.user, c.place()}, r, c.channel)
	}
	c.render(r)
}

// render prints a reply for a terminal (see print).
func (c *consoleSession) render(r message.Reply) {
	fmt.Fprintln(c.out, c.renderText(r.Text))
	n := 0
	buttons := func(cs []message.Choice) {
		if len(cs) == 0 {
			return
		}
		var parts []string
		for _, ch := range cs {
			n++
			parts = append(parts, fmt.Sprintf("[%d] %s", n, ch.Label))
		}
		fmt.Fprintf(c.out, "   %s\n", strings.Join(parts, "  "))
	}
	buttons(r.Choices)
	for _, s := range r.Sections {
		// A terminal draws no charts nor tables: their numbers as text,
		// as Slack shows them where it cannot draw them.
		for _, t := range []string{s.Text, chartText(s.Chart), tableText(s.Table)} {
			if t != "" {
				fmt.Fprintln(c.out, c.renderText(t))
			}
		}
		buttons(s.Choices)
	}
	if n > 0 {
		fmt.Fprintln(c.out, "   (:press <number> presses a button)")
	}
	for _, f := range r.Files {
		path, err := c.save(f)
		if err != nil {
			fmt.Fprintf(c.out, "   (could not write %s: %v)\n", f.Name, err)
			continue
		}
		fmt.Fprintf(c.out, "   📎 %s: %s\n", f.Title, path)
	}
}

// save writes a file a reply carries (a chart, an export, a PDF) into
// the console's own directory, made on first use, and returns its path.
// Files are named by scope and period; asked again, a report gets new
// names (-2, -3…) rather than overwriting the files already printed.
func (c *consoleSession) save(f message.File) (string, error) {
	if c.dir == "" {
		dir, err := os.MkdirTemp("", "outreachbot-console-")
		if err != nil {
			return "", err
		}
		c.dir = dir
	}
	ext := filepath.Ext(f.Name)
	stem := strings.TrimSuffix(f.Name, ext)
	path := filepath.Join(c.dir, f.Name)
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	for n := 2; errors.Is(err, os.ErrExist); n++ {
		path = filepath.Join(c.dir, fmt.Sprintf("%s-%d%s", stem, n, ext))
		w, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}
	if err != nil {
		return "", err
	}
	if err := f.Write(w); err != nil {
		w.Close()
		return "", err
	}
	return path, w.Close()
}

// renderText shows mrkdwn as a terminal would: Slack mentions as the
// console's people and channels, emoji, entities decoded.
func (c *consoleSession) renderText(text string) string {
	text = userMention.ReplaceAllStringFunc(text, func(m string) string {
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
	text = consoleLink.ReplaceAllString(text, "$2 ($1)")
	return strings.TrimRight(entities.Replace(emoji.Replace(text)), "\n")
}

// consoleLink is a mrkdwn link, <https://…|label>, shown as "label (url)".
var consoleLink = regexp.MustCompile(`<(https://[^|>]+)\|([^>]+)>`)

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// consoleTeams are the console's organizations: its people's Slack teams
// and who shares each channel.
var (
	consoleUserTeams = map[string]string{
		"U0LIAISON": "T0COUNTYHEALTH", "U0DANA": "T0COUNTYHEALTH", "U0LUIS": "T0COUNTYHEALTH", "U0OKAFOR": "T0EASTSIDE",
	}
	consoleChannelTeams = map[string][]string{
		"C0COUNTY": {consoleTeam, "T0COUNTYHEALTH"}, "C0CLINIC": {consoleTeam, "T0EASTSIDE"},
	}
)

// consoleDirectory answers who belongs to which team from the console's cast.
type consoleDirectory struct{}

// consolePeople are the members of the console's channels, the bot left
// out: whom a survey's reminder reaches, and what its response rate counts.
var consolePeople = map[string][]string{
	"C0COUNTY":   {"U0YOU", "U0MARIA", "U0DANA", "U0LUIS", "U0LIAISON", "U0P1", "U0P2", "U0P3", "U0P4", "U0P5", "U0P6", "U0P7"},
	"C0CLINIC":   {"U0YOU", "U0DEVON", "U0OKAFOR", "U0P5", "U0P6", "U0P7"},
	"C0OUTREACH": {"U0YOU", "U0MARIA", "U0DEVON", "U0PRIYA"},
}

// ChannelPeople are a channel's members in the console's cast.
func (consoleDirectory) ChannelPeople(_ context.Context, channel string) ([]string, error) {
	return consolePeople[channel], nil
}

func (consoleDirectory) ChannelTeams(_ context.Context, channel string) ([]string, error) {
	if teams, ok := consoleChannelTeams[channel]; ok {
		return teams, nil
	}
	return []string{consoleTeam}, nil
}

func (consoleDirectory) UserTeam(_ context.Context, user string) (string, error) {
	if team, ok := consoleUserTeams[user]; ok {
		return team, nil
	}
	return consoleTeam, nil
}

// UserNamed finds one of the console's people by the name it shows them
// with (@maria), as Slack's autocomplete would.
func (consoleDirectory) UserNamed(_ context.Context, name string) (string, bool) {
	for id, n := range consoleNames {
		if n == name || strings.HasPrefix(n, name+" (") {
			return id, true
		}
	}
	return "", false
}

// PersonName, ChannelName and TeamName name the console's cast in
// exports, as Slack names people, channels and workspaces.
func (consoleDirectory) PersonName(_ context.Context, id string) string { return consoleNames[id] }

func (consoleDirectory) ChannelName(_ context.Context, id string) string {
	if n, ok := consoleChannels[id]; ok && id[0] == 'C' {
		return "#" + n
	}
	return ""
}

func (consoleDirectory) TeamName(_ context.Context, id string) string {
	if id == consoleTeam {
		return "Riverside Library"
	}
	return ""
}

// ChannelNamed finds one of the console's channels by name
// (#county-health-shared), as Slack's picker would give its id.
func (consoleDirectory) ChannelNamed(_ context.Context, name string) (string, bool) {
	name = strings.TrimPrefix(strings.ToLower(name), "#")
	for id, n := range consoleChannels {
		if n == name && id[0] == 'C' {
			return id, true
		}
	}
	return "", false
}

// Open reads a file on this machine for `import <path>`.
func (consoleDirectory) Open(_ context.Context, path string) (commands.ImportFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return commands.ImportFile{}, &commands.FileError{Msg: fmt.Sprintf("I can't open %s: %v.", message.Code(path), errors.Unwrap(err))}
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		f.Close()
		return commands.ImportFile{}, fmt.Errorf("import %s: %w", path, err)
	case st.IsDir():
		f.Close()
		return commands.ImportFile{}, &commands.FileError{Msg: fmt.Sprintf("%s is a directory: name a CSV or .xlsx file in it.", message.Code(path))}
	case st.Size() > commands.MaxImportBytes:
		f.Close()
		return commands.ImportFile{}, &commands.FileError{Msg: fmt.Sprintf("%s is %.1f MB; I import files up to %d MB. Split it and import the parts one by one.", message.Code(path), float64(st.Size())/(1<<20), commands.MaxImportBytes>>20)}
	}
	return commands.ImportFile{Name: filepath.Base(path), Body: f}, nil
}
