package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// The end-to-end tests run `outreachbot run` itself: its config, its
// Redis client, the slack-go Socket Mode client, against the fake Slack
// and a real redis-server.

const (
	home     = "T0HOME"
	partnerT = "T0PARTNER"
)

type e2e struct {
	t       *testing.T
	slack   *slacktest.Server
	redis   *storetest.Server
	clock   clockwork.Clock // the bot's domain clock; a fake one in startE2E
	httpURL string
	cancel  context.CancelFunc
	done    chan int
	logs    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// startE2E starts the fake Slack, Redis and the bot, and waits until the
// bot's socket is connected.
func startE2E(t *testing.T, env map[string]string) *e2e {
	t.Helper()
	return startE2EOpts(t, e2eOptions{env: env})
}

// startE2EWith is startE2E with the fake Slack's options (rate limits).
func startE2EWith(t *testing.T, opts slacktest.Options, env map[string]string) *e2e {
	t.Helper()
	return startE2EOpts(t, e2eOptions{slack: opts, env: env})
}

// e2eOptions is what a test changes in its deployment.
type e2eOptions struct {
	slack slacktest.Options
	env   map[string]string
	// off switches automatic jobs off (scheduler.Jobs names: scheduler.JobNudges,
	// …), setting their OUTREACH_SCHEDULE_* to "off".
	off []string
	// may names the automatic jobs that may post while the test moves the
	// clock. Any other automatic job that posts fails the test
	// (checkWindow): at some instant a test's window takes in a Monday
	// morning or a first of the month, and a test says what it expects
	// there. At testclock's default instant none posts in a window
	// shorter than 70 hours.
	may []string
}

// startE2EOpts starts the fake Slack, Redis and the bot. The bot runs on a
// fake clock, started at the test instant (testclock) and shared with the
// fake Slack's message times: tests move it (tick) to see scheduled work
// instead of waiting.
func startE2EOpts(t *testing.T, o e2eOptions) *e2e {
	t.Helper()
	clock := testclock.New()
	opts := o.slack
	opts.HomeTeam, opts.Logf, opts.Now = home, t.Logf, clock.Now
	if opts.Scopes == nil {
		opts.Scopes = manifestScopes(t) // what an admin grants by pasting the manifest
	}
	fs := slacktest.New(opts)
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0MARIA", TeamID: home, Name: "maria", TZ: "America/New_York"})
	fs.AddUser(slacktest.User{ID: "U0LEAD", TeamID: home, Name: "lead", TZ: "America/Chicago"})
	fs.AddUser(slacktest.User{ID: "U0GUEST", TeamID: home, Name: "guest", TZ: "UTC", IsRestricted: true})
	fs.AddUser(slacktest.User{ID: "U0DANA", TeamID: partnerT, Name: "dana", TZ: "America/New_York"})
	fs.AddChannel(slacktest.Channel{ID: "C0OUTREACH", Name: "outreach-team"})
	fs.AddChannel(slacktest.Channel{ID: "C0COUNTY", Name: "county-health-shared", IsShared: true, IsExtShared: true, SharedTeamIDs: []string{home, partnerT}})
	rs := storetest.New(t)
	vars := map[string]string{"OUTREACH_ADMINS": "U0LEAD", "LOG_LEVEL": "debug"}
	for _, name := range o.off {
		vars[scheduleEnv(t, name)] = "off"
	}
	for k, v := range o.env {
		vars[k] = v
	}
	var e *e2e
	// Registered before launchBot's stop, so run after it: every post the
	// bot made is in.
	t.Cleanup(func() {
		if e != nil {
			e.checkWindow(o.may)
		}
	})
	e = launchBot(t, fs, rs, vars, clock)
	return e
}

// manifestScopes reads the bot scopes manifest.yaml asks for.
func manifestScopes(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var scopes []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "bot:":
			in = true
		case in && strings.HasPrefix(trimmed, "- "):
			scope, _, _ := strings.Cut(strings.TrimPrefix(trimmed, "- "), "#")
			scopes = append(scopes, strings.TrimSpace(scope))
		case in:
			in = false
		}
	}
	if len(scopes) == 0 {
		t.Fatal("no bot scopes in manifest.yaml")
	}
	return scopes
}

// launchBot runs `outreachbot run` in this process against fs and rs,
// with env over the defaults and clock as its clock, waits until its
// socket is connected, and stops it when the test ends (a non-zero exit
// fails the test).
func launchBot(t *testing.T, fs *slacktest.Server, rs *storetest.Server, env map[string]string, clock clockwork.Clock) *e2e {
	t.Helper()
	port := freePort(t)
	vars := map[string]string{
		"SLACK_APP_TOKEN": fs.AppToken(), "SLACK_BOT_TOKEN": fs.BotToken(), "SLACK_API_URL": fs.APIURL(),
		"HTTP_ADDR": "127.0.0.1:" + port, "OUTREACH_TZ": "America/New_York", "LOG_LEVEL": "warn",
	}
	for k, v := range rs.Env() {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &e2e{t: t, slack: fs, redis: rs, clock: clock, httpURL: "http://127.0.0.1:" + port, cancel: cancel, done: make(chan int, 1), logs: &syncBuffer{}}
	go func() {
		e.done <- run(ctx, clock, []string{"run"}, func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, e.logs)
	}()
	t.Cleanup(func() {
		if code := e.stop(); code != 0 {
			t.Errorf("bot exited with %d\nlogs:\n%s", code, e.logs.String())
		}
		// Redis's passwords (Cluster's and Sentinel's ask for one) are
		// never logged, whatever happened.
		for _, pw := range rs.Secrets() {
			if strings.Contains(e.logs.String(), pw) {
				t.Errorf("the logs hold a Redis password")
			}
		}
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fs.WaitConnected(wctx); err != nil {
		t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, e.logs.String())
	}
	if fake, ok := clock.(*clockwork.FakeClock); ok {
		// The scheduler has taken its first look at the queue and waits on
		// the clock (its next look, its lease renewal): what a test queues
		// from here on waits for the test to move time.
		if err := fake.BlockUntilContext(wctx, 2); err != nil {
			t.Fatalf("the scheduler did not settle: %v\nlogs:\n%s", err, e.logs.String())
		}
	}
	return e
}

// stop cancels the bot as SIGTERM does and returns its exit code.
func (e *e2e) stop() int {
	e.cancel()
	select {
	case code := <-e.done:
		e.done <- code
		return code
	case <-time.After(15 * time.Second):
		e.t.Fatalf("bot did not stop")
		return -1
	}
}

// tick moves the bot's fake clock by d, then waits until the scheduler
// has looked at the queue at the new time and every job it claimed is
// done (posted, or handed back to wait): what was due by then has
// happened. The waits are for the bot's goroutines and HTTP calls, not
// for time to pass.
func (e *e2e) tick(d time.Duration) {
	e.t.Helper()
	fake, ok := e.clock.(*clockwork.FakeClock)
	if !ok {
		e.t.Fatal("tick needs the fake clock of startE2E")
	}
	fake.Advance(d)
	// The scheduler's loop waits on two of the clock's timers (its next
	// look and the lease renewal); it makes a new one after each look.
	if err := fake.BlockUntilContext(e.ctx(), 2); err != nil {
		e.t.Fatalf("the scheduler did not come back to wait: %v", err)
	}
	st := store.New(e.redis.Client(), 0)
	for i := 0; ; i++ {
		_, leased, err := st.QueuedJobs(context.Background(), home)
		if err == nil && leased == 0 {
			return
		}
		if i == 1000 {
			// What held it: leases (a post under way), or Redis not
			// answering; and the bot's own account.
			e.t.Fatalf("scheduled work still held after 10 s of real time at %s: %d leased, err %v\nlogs:\n%s",
				fake.Now().Format(time.RFC3339), leased, err, e.logs.String())
		}
		time.Sleep(10 * time.Millisecond) // the bot's posts under way, not time passing
	}
}

func (e *e2e) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// slash runs a slash command and returns the text and blocks of the
// ephemeral reply carried in the ack.
func (e *e2e) slash(user, channel, text string) ackReply {
	e.t.Helper()
	// The fake, like Slack, gives up on an ack after 3 s (ErrAckTimeout):
	// a late ack fails here as the user would see it fail.
	ack, err := e.slack.SlashCommand(e.ctx(), user, channel, "/outreach", text)
	if err != nil {
		e.t.Fatalf("/outreach %s: %v", text, err)
	}
	var r ackReply
	if len(ack.Payload) > 0 {
		if err := json.Unmarshal(ack.Payload, &r); err != nil {
			e.t.Fatalf("ack payload %s: %v", ack.Payload, err)
		}
	}
	r.raw = string(ack.Payload)
	return r
}

type ackReply struct {
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
	raw          string
}

// waitPost waits for a recorded post matching f.
func (e *e2e) waitPost(f func(slacktest.Post) bool) slacktest.Post {
	e.t.Helper()
	return e.waitAfter(0, f)
}

func TestEndToEndPartnerThroughEveryDoor(t *testing.T) {
	e := startE2E(t, nil)
	r := e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" kind:public-health`)
	if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "Added *County Health Dept*") {
		t.Fatalf("partner add ack = %s", r.raw)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "partner list"); !strings.Contains(r.Text, "county-health-dept") {
		t.Errorf("partner list ack lacks the new partner: %s", r.Text)
	}
	if _, _, err := e.slack.Mention(e.ctx(), "U0MARIA", "C0OUTREACH", "<@UBOT> partner list"); err != nil {
		t.Fatal(err)
	}
	p := e.waitPost(ephemeralTo("U0MARIA", "C0OUTREACH"))
	if !strings.Contains(p.Text, "county-health-dept") {
		t.Errorf("mention reply = %+v; want an ephemeral list in the channel", p)
	}
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0MARIA", "partner list"); err != nil {
		t.Fatal(err)
	}
	p = e.waitPost(dmAnswer)
	if !strings.Contains(p.Text, "county-health-dept") {
		t.Errorf("DM reply = %q; want the partner list", p.Text)
	}
	// A DM may also start with the slash command's name.
	mark := e.mark()
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0MARIA", "/outreach history county"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, dmAnswer); !strings.Contains(p.Text, "No contacts with") {
		t.Errorf("DM reply to /outreach history = %q; want the (empty) history", p.Text)
	}
}

func TestEndToEndBadInputAndEscaping(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" kind:public-health`)
	before := domainKeys(t, e.redis.Snapshot(context.Background()))
	for _, tc := range []struct{ text, want string }{
		{"partner frobnicate", "partner commands are"},
		{`log contyhealth call "hi"`, "Did you mean `county-health-dept`?"},
		{`log county phonecall "hi"`, "How did you reach them?"},
		{`log county call "hi" when:2026-02-30`, "February"},
		{"log county call " + strings.Repeat("x", 10000), "under 2000"},
		{`partner add ""`, "needs a name"},
	} {
		r := e.slash("U0MARIA", "C0OUTREACH", tc.text)
		if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%.40q: reply %q; want an ephemeral one containing %q", tc.text, r.Text, tc.want)
		}
	}
	if after := domainKeys(t, e.redis.Snapshot(context.Background())); len(after) != len(before) || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("bad input changed Redis")
	}
	// Typed mentions come back inert, at every door.
	for _, typed := range []string{"<!channel>", "<!here>", "<!everyone>", "@channel", "@here"} {
		r := e.slash("U0MARIA", "C0OUTREACH", fmt.Sprintf(`log county call "ping %s please"`, typed))
		assertInert(t, r.raw)
	}
	if _, _, err := e.slack.Mention(e.ctx(), "U0MARIA", "C0OUTREACH", "<@UBOT> history county"); err != nil {
		t.Fatal(err)
	}
	p := e.waitPost(ephemeralTo("U0MARIA", "C0OUTREACH"))
	if !strings.Contains(p.Text, "ping") {
		t.Errorf("history by mention = %q; want the contacts just logged", p.Text)
	}
	assertInert(t, p.Text+string(p.Blocks))
}

// assertInert checks a Slack payload: no live broadcast mention, and every
// mrkdwn text object verbatim so plain @here stays plain.
func assertInert(t *testing.T, payload string) {
	t.Helper()
	// JSON encoders write <, > and & as \u003c, \u003e and \u0026: read
	// them as Slack does, or a live <!channel> would go unseen.
	payload = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(payload)
	for _, live := range []string{"<!channel", "<!here", "<!everyone"} {
		if strings.Contains(payload, live) {
			t.Errorf("payload has a live %s: %s", live, payload)
		}
	}
	if strings.Contains(payload, `"type":"mrkdwn"`) && strings.Count(payload, `"type":"mrkdwn"`) != strings.Count(payload, `"verbatim":true`) {
		t.Errorf("a mrkdwn text object is not verbatim: %s", payload)
	}
}

func TestEndToEndRedisDown(t *testing.T) {
	e := startE2E(t, nil)
	e.redis.Stop()
	// Acknowledged within Slack's 3 s, or e.slash fails (the fake's deadline).
	r := e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	if !strings.Contains(r.Text, "can't reach storage") {
		t.Fatalf("with Redis down: %q; want a can't-reach-storage reply", r.Text)
	}
	e.redis.Start()
	r = e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	if !strings.Contains(r.Text, "Added") {
		t.Fatalf("after Redis came back: %q; want the partner added without a restart", r.Text)
	}
}

func TestEndToEndEventRetryActedOnOnce(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	id, _, err := e.slack.Mention(e.ctx(), "U0MARIA", "C0COUNTY", `<@UBOT> log call "Confirmed the flyers"`)
	if err != nil {
		t.Fatal(err)
	}
	if p := e.waitPost(ephemeralTo("U0MARIA", "C0COUNTY")); !strings.Contains(p.Text, "Logged call") {
		t.Fatalf("answer to the mention = %q; want the call logged", p.Text)
	}
	if _, err := e.slack.RedeliverEvent(e.ctx(), id); err != nil {
		t.Fatal(err)
	}
	// A later, distinct event is a barrier: once it is answered, the
	// redelivery (sent before it) has been processed too.
	mark := e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0MARIA", "C0COUNTY", "<@UBOT> history"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, ephemeralTo("U0MARIA", "C0COUNTY")); !strings.Contains(p.Text, "newest first") {
		t.Errorf("answer to the history mention = %q; want the history", p.Text)
	}
	r := e.slash("U0MARIA", "C0OUTREACH", "history county")
	if n := strings.Count(r.Text, "Confirmed the flyers"); n != 1 {
		t.Errorf("contact logged %d times after a redelivered event; want 1\n%s", n, r.Text)
	}
}

// TestEndToEndEditedMentionLogsOnce: a liaison who fixes a typo in a
// mention that logged a contact gets the edit delivered again as a new
// event (new event_id, "edited" set); nothing new is logged, and they are
// told what to do instead.
func TestEndToEndEditedMentionLogsOnce(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	id, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", `<@UBOT> log meeting "Planing call for January"`)
	if err != nil {
		t.Fatal(err)
	}
	if p := e.waitPost(ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "Logged meeting") {
		t.Fatalf("answer to the liaison's mention = %q; want the meeting logged", p.Text)
	}
	mark := e.mark()
	if _, _, err := e.slack.EditMention(e.ctx(), id, `<@UBOT> log meeting "Planning call for January"`); err != nil {
		t.Fatal(err)
	}
	p := e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY"))
	if !strings.Contains(p.Text, "changed nothing") || !strings.Contains(p.Text, "Planning call for January") {
		t.Errorf("answer to the edit: %q; want that nothing changed and the command to send anew", p.Text)
	}
	r := e.slash("U0MARIA", "C0OUTREACH", "history county")
	if n := strings.Count(r.Text, "call for January"); n != 1 || strings.Contains(r.Text, "Planning") {
		t.Errorf("history after an edited mention:\n%s\nwant the contact once, as first sent", r.Text)
	}
}

// TestEndToEndRefreshLeavesNoGap: Slack refreshes a connection with
// disconnect "refresh_requested", and slack-go closes it before opening
// the next; slash commands sent in that gap reach the bot's second
// connection and are all acknowledged within Slack's 3 s, and /readyz
// stays ready, truthfully, since envelopes still have a way in.
func TestEndToEndRefreshLeavesNoGap(t *testing.T) {
	e := startE2E(t, nil)
	for i := 0; e.slack.Connections() < 2; i++ {
		if i == 500 {
			t.Fatalf("%d Socket Mode connections; want 2", e.slack.Connections())
		}
		time.Sleep(10 * time.Millisecond) // the bot's second dial
	}
	opens := e.slack.ConnectionOpens()
	e.slack.FailNext("apps.connections.open", 2, "internal_error") // a longer gap
	if !e.slack.DisconnectOne("refresh_requested") {
		t.Fatal("no connection to refresh")
	}
	var acks []<-chan slacktest.AckResult
	for i := range 10 {
		ch, err := e.slack.SlashCommandAsync("U0MARIA", "C0OUTREACH", "/outreach", fmt.Sprintf("help %d", i))
		if err != nil {
			t.Fatalf("slash command %d in the gap not delivered: %v", i, err)
		}
		acks = append(acks, ch)
	}
	if code := e.readyz(); code != http.StatusOK {
		t.Errorf("/readyz during the refresh = %d; want 200, a connection is up", code)
	}
	for i, ch := range acks {
		if r := <-ch; r.Err != nil {
			t.Errorf("slash command %d in the gap: %v", i, r.Err)
		}
	}
	for i := 0; e.slack.Connections() < 2 || e.slack.ConnectionOpens() == opens; i++ {
		if i == 1000 {
			t.Fatalf("the refreshed connection did not come back")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readyz returns /readyz's status code.
func (e *e2e) readyz() int {
	e.t.Helper()
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = http.Get(e.httpURL + "/readyz"); err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
		time.Sleep(20 * time.Millisecond) // the ops server starting
	}
	e.t.Fatalf("GET /readyz: %v", err)
	return 0
}

// TestEndToEndSharedChannelGetsANewID: a partner is linked to a private
// channel; sharing it with the partner's organization gives it a new id
// (channel_id_changed). The partner follows: the liaison's note in the
// channel under its new id is logged for that partner.
func TestEndToEndSharedChannelGetsANewID(t *testing.T) {
	e := startE2E(t, nil)
	e.slack.AddChannel(slacktest.Channel{ID: "G0COUNTY", Name: "county-private", IsPrivate: true})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#G0COUNTY|county-private>`)
	if _, err := e.slack.ChangeChannelID(e.ctx(), "G0COUNTY", "C0COUNTYX"); err != nil {
		t.Fatal(err)
	}
	e.slack.AddChannel(slacktest.Channel{ID: "C0COUNTYX", Name: "county-private", IsPrivate: true, IsShared: true, IsExtShared: true, SharedTeamIDs: []string{home, partnerT}})
	// The event is acknowledged before the bot acts on it: wait for the move.
	st := store.New(e.redis.Client(), 0)
	for i := 0; ; i++ {
		p, err := st.Partner(context.Background(), home, "county-health-dept")
		if err == nil && p.Channel == "C0COUNTYX" {
			break
		}
		if i == 500 {
			t.Fatalf("the partner after its channel moved: %+v, %v; want it linked to C0COUNTYX", p, err)
		}
		time.Sleep(10 * time.Millisecond) // the bot's handling of the event, not time passing
	}
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTYX", `<@UBOT> log meeting "Planning call"`); err != nil {
		t.Fatal(err)
	}
	p := e.waitPost(ephemeralTo("U0DANA", "C0COUNTYX"))
	if !strings.Contains(p.Text, "Logged meeting ← *County Health Dept*") {
		t.Errorf("liaison's note in the channel's new id: %q; want it logged for the partner", p.Text)
	}
}

func TestEndToEndUnknownEnvelopeAcked(t *testing.T) {
	e := startE2E(t, nil)
	// An envelope not acked within 3 s is redelivered and finally an error.
	if _, _, err := e.slack.SendEvent(e.ctx(), map[string]any{"type": "totally_unknown_event", "user": "U0MARIA"}, false); err != nil {
		t.Fatalf("unknown event type not acked: %v", err)
	}
	if _, err := e.slack.SendRaw(e.ctx(), map[string]any{"type": "some_future_type", "envelope_id": "env-future", "payload": map[string]any{}}); err != nil {
		t.Errorf("unknown envelope type not acked: %v", err)
	}
}

func TestEndToEndLiaisons(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "Eastside Clinic"`)
	// Slack never delivers our slash command to another organization's user.
	if _, err := e.slack.SlashCommand(e.ctx(), "U0DANA", "C0COUNTY", "/outreach", "partner list"); err == nil {
		t.Errorf("fake delivered a slash command from another team")
	}
	cases := []struct {
		user, text, want string
	}{
		{"U0DANA", `log meeting "Planning call for January"`, "Logged meeting ← *County Health Dept*"},
		{"U0DANA", "partner list", "isn't something I can do for you here"},
		{"U0DANA", `log eastside-clinic call "hi"`, "isn't something I can do for you here"},
		{"U0GUEST", "partner show county", "isn't something I can do for you here"},
	}
	for _, tc := range cases {
		mark := e.mark()
		if _, _, err := e.slack.Mention(e.ctx(), tc.user, "C0COUNTY", "<@UBOT> "+tc.text); err != nil {
			t.Fatal(err)
		}
		p := e.waitAfter(mark, ephemeralTo(tc.user, "C0COUNTY"))
		if !strings.Contains(p.Text, tc.want) {
			t.Errorf("%s %q: reply %q; want %q", tc.user, tc.text, p.Text, tc.want)
		}
		if strings.Contains(p.Text, "eastside") || strings.Contains(p.Text, "Eastside") {
			t.Errorf("%s %q: reply reveals another partner: %q", tc.user, tc.text, p.Text)
		}
	}
}

func TestEndToEndLogModalAndHome(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	r := e.slash("U0MARIA", "C0OUTREACH", "log")
	if r.Text != "" {
		t.Errorf("bare log acked with text %q; want an empty ack and a form", r.Text)
	}
	views := e.slack.OpenedViews()
	for i := 0; i < 500 && len(views) == 0; i++ { // views.open follows the ack
		time.Sleep(10 * time.Millisecond)
		views = e.slack.OpenedViews()
	}
	if len(views) != 1 {
		t.Fatalf("views opened = %d; want 1", len(views))
	}
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(views[0], &v)
	value := func(s string) map[string]any { return map[string]any{"type": "plain_text_input", "value": s} }
	sel := func(s string) map[string]any {
		return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": s}}
	}
	bad := map[string]map[string]any{
		"partner": {"value": value("contyhealth")}, "method": {"value": sel("call")},
		"direction": {"value": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "out"}}},
		"when":      {"value": value("")}, "summary": {"value": value("Talked about the flu clinic")},
	}
	ack, err := e.slack.SubmitView(e.ctx(), "U0MARIA", v.ID, nil, bad)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"response_action":"errors"`) || !strings.Contains(string(ack.Payload), "county-health-dept") {
		t.Errorf("misspelt partner in the form: ack %s; want field errors with a suggestion", ack.Payload)
	}
	good := bad
	good["partner"] = map[string]any{"value": value("county")}
	if ack, err = e.slack.SubmitView(e.ctx(), "U0MARIA", v.ID, nil, good); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("valid form: ack %s, %v; want an empty ack that closes it", ack.Payload, err)
	}
	// Through the command's response_url, which works wherever it was typed.
	if p := e.waitPost(responseTo("U0MARIA")); p.ResponseType != "ephemeral" || !strings.Contains(p.Text, "Logged call") {
		t.Errorf("the form's answer: %s %q; want an ephemeral \"Logged call\"", p.ResponseType, p.Text)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "history county"); !strings.Contains(r.Text, "Talked about the flu clinic") {
		t.Errorf("history after the form = %q", r.Text)
	}

	if _, err := e.slack.AppHomeOpened(e.ctx(), "U0MARIA"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500 && len(e.slack.PublishedViews("U0MARIA")) == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	home := e.slack.PublishedViews("U0MARIA")
	if len(home) == 0 || !strings.Contains(string(home[0]), "County Health Dept") || !strings.Contains(string(home[0]), "*Outreach Bot*") {
		t.Errorf("App Home = %s; want the Home with the user's partners", home)
	}
}

func TestEndToEndHealthAndShutdown(t *testing.T) {
	e := startE2E(t, nil)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		var resp *http.Response
		var err error
		var body []byte
		// Ready follows the bot's own view of the socket, a moment after
		// the fake Slack accepted it: it must get there, not be there first.
		for i := 0; i < 100; i++ {
			if resp, err = http.Get(e.httpURL + path); err == nil {
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			time.Sleep(20 * time.Millisecond) // waiting for the bot to see its socket, not for time to pass
		}
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, body)
		}
	}
	e.slash("U0MARIA", "C0OUTREACH", "partner list")
	resp, err := http.Get(e.httpURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `outreach_commands_total{command="partner list",outcome="ok"} 1`) {
		t.Errorf("metrics lack the command count")
	}
	e.redis.Stop()
	if resp, err := http.Get(e.httpURL + "/readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Redis down: %v %v; want 503", resp, err)
	}
	if code := e.stop(); code != 0 {
		t.Errorf("exit code after stop = %d; want 0", code)
	}
	if strings.Contains(e.logs.String(), "County") {
		t.Errorf("logs contain user text")
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "SLACK_APP_TOKEN"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_TZ": "Mars/Base"}, "OUTREACH_TZ"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_SCHEDULE_DIGEST": "TZ=UTC"}, "OUTREACH_SCHEDULE_DIGEST"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_LEASE": "soon"}, "OUTREACH_LEASE"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_QUIET_HOURS": "6pm-8am"}, "OUTREACH_QUIET_HOURS"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_ADMINS": "maria"}, "OUTREACH_ADMINS"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_TEAM_CHANNEL": "#outreach"}, "OUTREACH_TEAM_CHANNEL"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "OUTREACH_PARTNER_CANVAS": "yes"}, "OUTREACH_PARTNER_CANVAS"},
	} {
		var stderr strings.Builder
		code := run(context.Background(), clockwork.NewRealClock(), []string{"run"}, func(k string) string { return tc.env[k] }, strings.NewReader(""), io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("env %v: exit %d, %q; want exit 2 naming %s", tc.env, code, stderr.String(), tc.want)
		}
	}
}

// TestEndToEndLongReplyGoesByResponseURL: Slack drops Socket Mode acks of
// 20 KB or more, so a long answer is acknowledged empty and sent through
// the command's response URL.
func TestEndToEndLongReplyGoesByResponseURL(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	st := store.New(e.redis.Client(), 0)
	now := e.clock.Now()
	for i := range 80 {
		c := domain.Contact{Method: "call", Direction: "out", Who: "U0MARIA", When: now.Add(-time.Duration(i) * time.Hour),
			Summary: fmt.Sprintf("Call %02d: %s", i, strings.Repeat("a long note about the flu clinic ", 9))}
		if _, _, _, err := st.LogContact(context.Background(), home, store.PartnerRef{Text: "county"}, c, nil, "U0MARIA", now); err != nil {
			t.Fatal(err)
		}
	}
	r := e.slash("U0MARIA", "C0OUTREACH", "history county 80")
	if len(r.raw) >= 20*1024 {
		t.Fatalf("ack of %d bytes; Slack drops 20 KB and more", len(r.raw))
	}
	p := e.waitPost(responseTo("U0MARIA"))
	if p.ResponseType != "ephemeral" || !strings.Contains(string(p.Blocks), "Call 00") || !strings.Contains(string(p.Blocks), "Call 79") {
		t.Errorf("long history via response_url: %s, %d bytes of blocks", p.ResponseType, len(p.Blocks))
	}
}

// domainKeys drops the scheduler's bookkeeping (it runs alongside, on its
// own clock) from a Redis snapshot, leaving what commands store. Any key
// the store's key table cannot build fails the test.
func domainKeys(t *testing.T, snap map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range snap {
		shape, ok := store.ShapeOf(k)
		if !ok {
			t.Errorf("Redis holds %q, which store/keys.go does not build", k)
		}
		if !shape.Bookkeeping {
			out[k] = v
		}
	}
	return out
}
