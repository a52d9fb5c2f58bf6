package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// The bot's tests drive the real Socket Mode path: an unmodified slack-go
// client connects to slacktest/, which delivers envelopes and records
// every Web API write. The command layer behind the bot is fakeCommands,
// so these tests need no Redis.

const (
	homeTeam = "T0HOME"
	botUser  = "UBOT"
)

// fakeCommands answers with what a test sets and records what it was asked.
type fakeCommands struct {
	mu      sync.Mutex
	handled []commands.Request
	pressed []string // "<action> <value>"
	logs    []commands.LogInput
	comment []string // "<survey> <text>"
	moved   []string // "<team> <old>→<new>"
	shared  []string // channels ChannelShared was asked about

	onShared func(channel string) *message.Notice

	handle    func(commands.Request) message.Reply
	press     func(req commands.Request, action, value string) commands.Pressed
	submitLog func(commands.Request, commands.LogInput) (message.Reply, map[string]string)
	onComment func(req commands.Request, survey int64, text string) commands.Pressed
}

func (f *fakeCommands) Handle(_ context.Context, req commands.Request) message.Reply {
	f.mu.Lock()
	f.handled = append(f.handled, req)
	h := f.handle
	f.mu.Unlock()
	if h == nil {
		return message.Reply{Text: "ok: " + req.Text, Outcome: message.OutcomeOK}
	}
	return h(req)
}

func (f *fakeCommands) SubmitLog(_ context.Context, req commands.Request, in commands.LogInput) (message.Reply, map[string]string) {
	f.mu.Lock()
	f.logs = append(f.logs, in)
	h := f.submitLog
	f.mu.Unlock()
	if h == nil {
		return message.Reply{Text: "Logged " + in.Method, Outcome: message.OutcomeOK}, nil
	}
	return h(req, in)
}

func (f *fakeCommands) SubmitForm(_ context.Context, _ commands.Request, form commands.Form) message.Reply {
	return message.Reply{Text: "ok: " + form.Name, Outcome: message.OutcomeOK}
}

func (f *fakeCommands) Home(context.Context, commands.Request) message.Reply {
	return message.Reply{Text: "*Welcome*"}
}

func (f *fakeCommands) Press(_ context.Context, req commands.Request, action, value string) commands.Pressed {
	f.mu.Lock()
	f.pressed = append(f.pressed, action+" "+value)
	h := f.press
	f.mu.Unlock()
	if h == nil {
		return commands.Pressed{}
	}
	return h(req, action, value)
}

func (f *fakeCommands) ChannelMoved(_ context.Context, team, oldID, newID string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.moved = append(f.moved, team+" "+oldID+"→"+newID)
	return "county", nil
}

func (f *fakeCommands) ChannelShared(_ context.Context, team, channel string) (string, *message.Notice, error) {
	f.mu.Lock()
	f.shared = append(f.shared, channel)
	h := f.onShared
	f.mu.Unlock()
	if h == nil {
		return "", nil, nil
	}
	return "county", h(channel), nil
}

func (f *fakeCommands) SubmitComment(_ context.Context, req commands.Request, survey int64, text string) commands.Pressed {
	f.mu.Lock()
	f.comment = append(f.comment, strconv.FormatInt(survey, 10)+" "+text)
	h := f.onComment
	f.mu.Unlock()
	if h == nil {
		return commands.Pressed{}
	}
	return h(req, survey, text)
}

// texts returns the text of every command handled, in order.
func (f *fakeCommands) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.handled {
		out = append(out, r.Text)
	}
	return out
}

// memDeduper is an in-memory Deduper: the replica-wide memory the bot
// keeps in Redis.
type memDeduper struct {
	mu    sync.Mutex
	seen  map[string]bool
	calls int
	// runsDown makes FirstRun fail, as with Redis unreachable.
	runsDown bool
}

func (d *memDeduper) FirstDelivery(_ context.Context, team, eventID string, _ time.Duration) (bool, error) {
	return d.first(team + "/event/" + eventID), nil
}

func (d *memDeduper) FirstRun(_ context.Context, team, channel, ts string, _ time.Duration) (bool, error) {
	d.mu.Lock()
	down := d.runsDown
	d.mu.Unlock()
	if down {
		return false, errors.New("storage unavailable")
	}
	return d.first(team + "/message/" + channel + "/" + ts), nil
}

func (d *memDeduper) FirstNotice(_ context.Context, team, what string, _ time.Duration) (bool, error) {
	return d.first(team + "/notice/" + what), nil
}

func (d *memDeduper) first(k string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	first := !d.seen[k]
	d.seen[k] = true
	return first
}

// testBot is a running bot, its fake Slack and its fake commands.
type testBot struct {
	t     testing.TB
	b     *Bot
	slack *slacktest.Server
	cmds  *fakeCommands
	dedup *memDeduper
	clock clockwork.Clock
	api   *slack.Client
	// stopTime, held, stops a fake clock from moving.
	stopTime *sync.Mutex
	reg      *prometheus.Registry
}

// metric reads a counter or gauge of the bot's registry with the given
// label name/value pairs; 0 when absent.
func (tb *testBot) metric(name string, labels ...string) float64 {
	tb.t.Helper()
	fams, err := tb.reg.Gather()
	if err != nil {
		tb.t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue next
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

type botOptions struct {
	slack slacktest.Options
	cfg   Config
	// clock is the bot's clock; nil means one that runs with real time
	// from the test instant (testclock.Running). A fake clock is moved by
	// autoAdvance while the test runs.
	clock clockwork.Clock
	// noRun builds the bot without connecting it (outbox tests).
	noRun bool
	// manualClock: the test moves the fake clock itself.
	manualClock bool
	// logs, when set, receives the bot's log lines (JSON).
	logs *lockedBuffer
}

// lockedBuffer is a log destination tests read while the bot writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newTestBot starts a fake Slack with three users and two channels, and a
// bot connected to it; both stop when the test ends.
func newTestBot(t testing.TB, o botOptions) *testBot {
	t.Helper()
	var done atomic.Bool
	t.Cleanup(func() { done.Store(true) }) // runs last: after the fake closed
	o.slack.HomeTeam = homeTeam
	o.slack.Logf = func(format string, args ...any) {
		if !done.Load() {
			t.Logf(format, args...)
		}
	}
	if o.clock == nil {
		o.clock = testclock.Running()
	}
	if o.slack.Now == nil {
		o.slack.Now = o.clock.Now
	}
	fs := slacktest.New(o.slack)
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "UMARIA", TeamID: homeTeam, Name: "maria", TZ: "America/New_York"})
	fs.AddUser(slacktest.User{ID: "ULEAD", TeamID: homeTeam, Name: "lead", TZ: "UTC"})
	fs.AddUser(slacktest.User{ID: "UDANA", TeamID: "T0PARTNER", Name: "dana", TZ: "UTC"})
	fs.AddChannel(slacktest.Channel{ID: "C0TEAM", Name: "outreach-team"})
	fs.AddChannel(slacktest.Channel{ID: "C0SHARED", Name: "county-shared", IsShared: true, IsExtShared: true, SharedTeamIDs: []string{homeTeam, "T0PARTNER"}})

	api := slack.New(fs.BotToken(), slack.OptionAppLevelToken(fs.AppToken()), slack.OptionAPIURL(fs.APIURL()))
	cfg := o.cfg
	cfg.HomeTeam, cfg.BotUserID = homeTeam, botUser
	cmds, dedup := &fakeCommands{}, &memDeduper{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	switch {
	case o.logs != nil:
		log = slog.New(slog.NewJSONHandler(o.logs, nil))
	case testing.Verbose():
		log = slog.New(slog.NewTextHandler(testWriter{t, &done}, nil))
	}
	reg := prometheus.NewRegistry()
	b := New(cfg, api, cmds, dedup, o.clock, reg, log)
	tb := &testBot{t: t, b: b, slack: fs, cmds: cmds, dedup: dedup, clock: o.clock, api: api, reg: reg}
	if fc, ok := o.clock.(*clockwork.FakeClock); ok && !o.manualClock {
		tb.stopTime = autoAdvance(t, fc)
	}
	if o.noRun {
		return tb
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-runDone:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("the bot did not stop")
		}
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fs.WaitConnected(wctx); err != nil {
		t.Fatalf("the bot did not connect: %v", err)
	}
	return tb
}

type testWriter struct {
	t    testing.TB
	done *atomic.Bool
}

func (w testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// autoAdvance moves a fake clock forward whenever something waits on it,
// until the test ends: time the bot waits for (spacing, Retry-After,
// backoff) passes at once, and a test can check how much of it passed.
// Holding the returned mutex stops time.
func autoAdvance(t testing.TB, fc *clockwork.FakeClock) *sync.Mutex {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var hold sync.Mutex
	go func() {
		defer close(done)
		for {
			if err := fc.BlockUntilContext(ctx, 1); err != nil {
				return
			}
			hold.Lock()
			fc.Advance(10 * time.Millisecond)
			hold.Unlock()
			time.Sleep(50 * time.Microsecond) // let woken goroutines run before the next step
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return &hold
}

func (tb *testBot) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.t.Cleanup(cancel)
	return ctx
}

// idle waits until the bot has no envelope in hand: every Web API call
// the envelopes received so far cause has been made. Events are counted
// as in hand before they are acknowledged, so after an ack this covers
// the work the envelope causes.
func (tb *testBot) idle() {
	tb.t.Helper()
	testwait.Until(tb.t, "the bot to have no envelope in hand", func() bool { return tb.b.busy.Load() == 0 })
}

// posts returns the recorded writes of one kind.
func (tb *testBot) posts(kind string) []slacktest.Post {
	var out []slacktest.Post
	for _, p := range tb.slack.Posts() {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	return out
}

// waitPost waits for a recorded write matching f.
func (tb *testBot) waitPost(f func(slacktest.Post) bool) slacktest.Post {
	tb.t.Helper()
	var found slacktest.Post
	if !testwait.Within(testwait.Deadline, func() bool {
		for _, p := range tb.slack.Posts() {
			if f(p) {
				found = p
				return true
			}
		}
		return false
	}) {
		tb.t.Fatalf("waited %v for a matching post; posts: %+v", testwait.Deadline, tb.slack.Posts())
	}
	return found
}

// ackText decodes a slash command's acknowledgement payload.
func ackText(t *testing.T, a slacktest.Ack) (responseType, text string, blocks string) {
	t.Helper()
	if len(a.Payload) == 0 {
		return "", "", ""
	}
	var m struct {
		ResponseType string          `json:"response_type"`
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(a.Payload, &m); err != nil {
		t.Fatalf("ack payload %s: %v", a.Payload, err)
	}
	return m.ResponseType, m.Text, string(m.Blocks)
}
