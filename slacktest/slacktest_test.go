package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/outreachbot/outreachbot/internal/testclock"
)

// newServer starts a fake whose logs go to t until the test ends.
func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	var done atomic.Bool
	t.Cleanup(func() { done.Store(true) }) // runs last: after srv.Close
	opts.Logf = func(format string, args ...any) {
		if !done.Load() {
			t.Logf(format, args...)
		}
	}
	if opts.Now == nil {
		opts.Now = testclock.Running().Now // messages stamped from the test instant
	}
	srv := New(opts)
	t.Cleanup(srv.Close)
	return srv
}

func newAPI(srv *Server, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionAppLevelToken(srv.AppToken()), slack.OptionAPIURL(srv.APIURL())}, opts...)
	return slack.New(srv.BotToken(), opts...)
}

// startClient runs an unmodified slack-go socketmode client against srv and
// calls handle for every event, in order, from one goroutine.
func startClient(t *testing.T, srv *Server, handle func(*socketmode.Client, socketmode.Event), opts ...slack.Option) *socketmode.Client {
	t.Helper()
	client := socketmode.New(newAPI(srv, opts...))
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- client.RunContext(ctx) }()
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				if handle != nil {
					handle(client, evt)
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-runDone
		<-loopDone
	})
	return client
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func connect(t *testing.T, srv *Server, handle func(*socketmode.Client, socketmode.Event)) *socketmode.Client {
	t.Helper()
	c := startClient(t, srv, handle)
	if err := srv.WaitConnected(testCtx(t)); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	return c
}

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return "non-slack error: " + err.Error()
	}
	return ""
}

func TestConnectSendsHello(t *testing.T) {
	srv := newServer(t, Options{})
	hellos := make(chan socketmode.Event, 1)
	api := connect(t, srv, func(_ *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeHello {
			hellos <- evt
		}
	})
	select {
	case evt := <-hellos:
		if got, want := evt.Request.ConnectionInfo.AppID, AppID; got != want {
			t.Errorf("hello app_id = %q, want %q", got, want)
		}
		if got, want := evt.Request.NumConnections, 1; got != want {
			t.Errorf("hello num_connections = %d, want %d", got, want)
		}
		if got, want := evt.Request.DebugInfo.ApproximateConnectionTime, 18060; got != want {
			t.Errorf("hello approximate_connection_time = %d, want %d", got, want)
		}
	case <-testCtx(t).Done():
		t.Fatal("no hello event")
	}
	if got, want := srv.ConnectionOpens(), 1; got != want {
		t.Errorf("ConnectionOpens() = %d, want %d", got, want)
	}
	if got, want := srv.Connections(), 1; got != want {
		t.Errorf("Connections() = %d, want %d", got, want)
	}

	auth, err := api.AuthTestContext(testCtx(t))
	if err != nil {
		t.Fatalf("AuthTest: %v", err)
	}
	want := slack.AuthTestResponse{URL: "https://t0home.slack.com/", Team: "Fake T0HOME", User: BotName, TeamID: "T0HOME", UserID: "UBOT", BotID: BotID}
	if diff := cmp.Diff(want, *auth, cmpopts.IgnoreFields(slack.AuthTestResponse{}, "Header")); diff != "" {
		t.Errorf("auth.test (-want +got):\n%s", diff)
	}
}

func TestDebugReconnectsParameterIsTolerated(t *testing.T) {
	srv := newServer(t, Options{})
	// With OptionDebug slack-go appends debug_reconnects=true to the URL.
	startClient(t, srv, nil, slack.OptionDebug(true), slack.OptionLog(log.New(io.Discard, "", 0)))
	if err := srv.WaitConnected(testCtx(t)); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
}

func TestAuthFailures(t *testing.T) {
	srv := newServer(t, Options{})
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string
	}{
		{"wrong bot token", func(ctx context.Context) error {
			_, err := slack.New("xoxb-wrong", slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx)
			return err
		}, "invalid_auth"},
		{"missing bot token", func(ctx context.Context) error {
			_, err := slack.New("", slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx)
			return err
		}, "not_authed"},
		{"wrong app token", func(ctx context.Context) error {
			api := slack.New(srv.BotToken(), slack.OptionAppLevelToken("xapp-wrong"), slack.OptionAPIURL(srv.APIURL()))
			return socketmode.New(api).RunContext(ctx) // invalid_auth is fatal for slack-go
		}, "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call(testCtx(t))); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
	if got := srv.ConnectionOpens(); got != 0 {
		t.Errorf("ConnectionOpens() = %d, want 0", got)
	}
}

func TestUnknownMethodAndJSONBody(t *testing.T) {
	srv := newServer(t, Options{})
	post := func(method, contentType, body string, bearer bool) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+method, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if bearer {
			req.Header.Set("Authorization", "Bearer "+srv.BotToken())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d, want 200", method, resp.StatusCode)
		}
		out := map[string]any{}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := post("nope.nothing", "application/x-www-form-urlencoded", url.Values{"token": {srv.BotToken()}}.Encode(), false)
	if got["ok"] != false || got["error"] != "unknown_method" {
		t.Errorf("unknown method answered %v, want ok=false error=unknown_method", got)
	}
	got = post("chat.postMessage", "application/json", `{"channel":"C1","text":"hi","blocks":[{"type":"divider"}]}`, true)
	if got["ok"] != true {
		t.Fatalf("JSON chat.postMessage answered %v, want ok", got)
	}
	posts := srv.Posts()
	if len(posts) != 1 || posts[0].Text != "hi" || string(posts[0].Blocks) != `[{"type":"divider"}]` {
		t.Errorf("Posts() = %+v, want one post with text hi and a divider block", posts)
	}
	if got, want := srv.Calls("nope.nothing"), 1; got != want {
		t.Errorf("Calls(nope.nothing) = %d, want %d", got, want)
	}
}

func TestSlashCommand(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	srv.AddChannel(Channel{ID: "C0GENERAL", Name: "general"})
	cmds := make(chan slack.SlashCommand, 10)
	api := connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeSlashCommand {
			return
		}
		cmd := evt.Data.(slack.SlashCommand)
		cmds <- cmd
		_ = c.Ack(*evt.Request, map[string]any{"response_type": "ephemeral", "text": "got " + cmd.Text})
	})

	tests := []struct {
		name, channel, wantChannelName string
	}{
		{"public channel", "C0GENERAL", "general"},
		{"direct message", "DUALICE", "directmessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			ack, err := srv.SlashCommand(ctx, "UALICE", tt.channel, "/outreach", "partner list")
			if err != nil {
				t.Fatalf("SlashCommand: %v", err)
			}
			if got, want := string(ack.Payload), `{"response_type":"ephemeral","text":"got partner list"}`; got != want {
				t.Errorf("ack payload = %s, want %s", got, want)
			}
			if ack.EnvelopeID == "" || ack.Latency <= 0 {
				t.Errorf("ack = %+v, want an envelope id and a positive latency", ack)
			}
			cmd := <-cmds
			want := slack.SlashCommand{
				Token: verificationToken, TeamID: "T0HOME", TeamDomain: "t0home", ChannelID: tt.channel,
				ChannelName: tt.wantChannelName, UserID: "UALICE", UserName: "alice", Command: "/outreach",
				Text: "partner list", TriggerID: srv.TriggerID(), APIAppID: AppID,
			}
			if diff := cmp.Diff(want, cmd, cmpopts.IgnoreFields(slack.SlashCommand{}, "ResponseURL")); diff != "" {
				t.Errorf("slash command (-want +got):\n%s", diff)
			}

			// The response_url is a loopback endpoint that records the reply.
			before := len(srv.Posts())
			_, _, err = api.PostMessageContext(ctx, "", slack.MsgOptionText("later", false),
				slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral))
			if err != nil {
				t.Fatalf("response_url post: %v", err)
			}
			posts := srv.Posts()[before:]
			wantPosts := []Post{{Kind: "response_url", Channel: tt.channel, Target: tt.channel, User: "UALICE", Text: "later", ResponseType: "ephemeral"}}
			if diff := cmp.Diff(wantPosts, posts, cmpopts.IgnoreFields(Post{}, "At", "Blocks")); diff != "" {
				t.Errorf("response_url posts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSlashCommandFromOtherTeamIsNotDelivered(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	srv.AddUser(User{ID: "UPARTNER", Name: "pat", TeamID: "T0PARTNER"})
	var mu sync.Mutex
	var seen []string
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			mu.Lock()
			seen = append(seen, evt.Data.(slack.SlashCommand).UserID)
			mu.Unlock()
			_ = c.Ack(*evt.Request)
		}
	})
	ctx := testCtx(t)
	if _, err := srv.SlashCommand(ctx, "UPARTNER", "C0SHARED", "/outreach", "help"); !errors.Is(err, ErrNotValidCommand) {
		t.Errorf("SlashCommand from another team: err = %v, want ErrNotValidCommand", err)
	}
	if _, err := srv.SlashCommandAsync("UPARTNER", "C0SHARED", "/outreach", "help"); !errors.Is(err, ErrNotValidCommand) {
		t.Errorf("SlashCommandAsync from another team: err = %v, want ErrNotValidCommand", err)
	}
	// The connection is ordered, so once a later command is acked, an
	// earlier delivery would have been seen.
	if _, err := srv.SlashCommand(ctx, "UALICE", "C0SHARED", "/outreach", "help"); err != nil {
		t.Fatalf("SlashCommand from home team: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"UALICE"}, seen); diff != "" {
		t.Errorf("slash commands seen by the app (-want +got):\n%s", diff)
	}
}

func TestSlashCommandAckTimeout(t *testing.T) {
	srv := newServer(t, Options{AckTimeout: 150 * time.Millisecond})
	var got atomic.Int32
	connect(t, srv, func(_ *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			got.Add(1) // never acked
		}
	})
	_, err := srv.SlashCommand(testCtx(t), "UALICE", "C1", "/outreach", "slow")
	if !errors.Is(err, ErrAckTimeout) {
		t.Fatalf("err = %v, want ErrAckTimeout", err)
	}
	if n := srv.AckTimeouts(); n != 1 {
		t.Errorf("AckTimeouts() = %d, want 1", n)
	}
	if n := got.Load(); n != 1 {
		t.Errorf("app received the command %d times, want 1 (slash commands are not retried)", n)
	}
}

func TestSlashCommandAsync(t *testing.T) {
	srv := newServer(t, Options{})
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = c.Ack(*evt.Request)
		}
	})
	const n = 30
	var chans []<-chan AckResult
	for range n {
		ch, err := srv.SlashCommandAsync("UALICE", "C1", "/outreach", "x")
		if err != nil {
			t.Fatalf("SlashCommandAsync: %v", err)
		}
		chans = append(chans, ch)
	}
	ids := map[string]bool{}
	for _, ch := range chans {
		res := <-ch
		if res.Err != nil {
			t.Fatalf("async result: %v", res.Err)
		}
		ids[res.EnvelopeID] = true
	}
	if len(ids) != n {
		t.Errorf("got %d distinct envelope ids, want %d", len(ids), n)
	}
}

type delivery struct {
	envelopeID, eventID, innerType, reason string
	attempt                                int
	inner                                  any
	outer                                  *slackevents.EventsAPICallbackEvent
}

func TestEventRedelivery(t *testing.T) {
	srv := newServer(t, Options{EventAckTimeout: 150 * time.Millisecond, RetryDelays: []time.Duration{0, 30 * time.Millisecond, 30 * time.Millisecond}})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	srv.AddChannel(Channel{ID: "C0GENERAL", Name: "general"})
	var mu sync.Mutex
	var got []delivery
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeEventsAPI {
			return
		}
		ev := evt.Data.(slackevents.EventsAPIEvent)
		cb := ev.Data.(*slackevents.EventsAPICallbackEvent)
		d := delivery{
			envelopeID: evt.Request.EnvelopeID, eventID: cb.EventID, innerType: ev.InnerEvent.Type,
			reason: evt.Request.RetryReason, attempt: evt.Request.RetryAttempt, inner: ev.InnerEvent.Data, outer: cb,
		}
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
		// Simulate a slow app: mentions are acked from the second retry on,
		// Home tab events never.
		if d.innerType == "app_mention" && d.attempt >= 2 {
			_ = c.Ack(*evt.Request)
		}
	})
	ctx := testCtx(t)

	eventID, ack, err := srv.Mention(ctx, "UALICE", "C0GENERAL", "<@UBOT> partner list")
	if err != nil {
		t.Fatalf("Mention: %v", err)
	}
	mu.Lock()
	mentions := append([]delivery(nil), got...)
	mu.Unlock()
	var attempts []int
	var reasons []string
	envs := map[string]bool{}
	for _, d := range mentions {
		if d.eventID != eventID {
			t.Errorf("delivery event_id = %q, want %q", d.eventID, eventID)
		}
		attempts = append(attempts, d.attempt)
		reasons = append(reasons, d.reason)
		envs[d.envelopeID] = true
	}
	if diff := cmp.Diff([]int{0, 1, 2}, attempts); diff != "" {
		t.Errorf("retry_attempt per delivery (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"", "timeout", "timeout"}, reasons); diff != "" {
		t.Errorf("retry_reason per delivery (-want +got):\n%s", diff)
	}
	if len(envs) != 3 {
		t.Errorf("got %d distinct envelope ids, want 3", len(envs))
	}
	if last := mentions[len(mentions)-1]; ack.EnvelopeID != last.envelopeID {
		t.Errorf("ack envelope = %q, want the last delivery %q", ack.EnvelopeID, last.envelopeID)
	}

	first := mentions[0]
	mention, ok := first.inner.(*slackevents.AppMentionEvent)
	if !ok {
		t.Fatalf("inner event is %T, want *slackevents.AppMentionEvent", first.inner)
	}
	if mention.Text != "<@UBOT> partner list" || mention.User != "UALICE" || mention.Channel != "C0GENERAL" || mention.TimeStamp == "" {
		t.Errorf("app_mention = %+v", mention)
	}
	if first.outer.EventTime <= 0 || first.outer.TeamID != "T0HOME" || first.outer.APIAppID != AppID {
		t.Errorf("outer event = %+v, want event_time, team_id T0HOME, api_app_id %s", first.outer, AppID)
	}
	wantAuth := []slack.EventAuthorization{{TeamID: "T0HOME", UserID: "UBOT", IsBot: true}}
	if diff := cmp.Diff(wantAuth, first.outer.Authorizations); diff != "" {
		t.Errorf("authorizations (-want +got):\n%s", diff)
	}

	// A forced redelivery carries the next retry_attempt and the same event_id.
	if _, err := srv.RedeliverEvent(ctx, eventID); err != nil {
		t.Fatalf("RedeliverEvent: %v", err)
	}
	mu.Lock()
	last := got[len(got)-1]
	mu.Unlock()
	if last.eventID != eventID || last.attempt != 3 || last.reason != "timeout" {
		t.Errorf("redelivery = event %q attempt %d reason %q, want event %q attempt 3 reason timeout", last.eventID, last.attempt, last.reason, eventID)
	}
	if _, err := srv.RedeliverEvent(ctx, "EvNOPE"); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("RedeliverEvent(unknown) err = %v, want ErrUnknownEvent", err)
	}

	// An event that is never acked is delivered 1 + len(RetryDelays) times.
	mu.Lock()
	got = nil
	mu.Unlock()
	if _, err := srv.AppHomeOpened(ctx, "UALICE"); !errors.Is(err, ErrAckTimeout) {
		t.Fatalf("AppHomeOpened never acked: err = %v, want ErrAckTimeout", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 {
		t.Errorf("unacked event delivered %d times, want 4", len(got))
	}
}

func TestUnknownEventTypesAckedViaEnvelopeID(t *testing.T) {
	srv := newServer(t, Options{EventAckTimeout: 2 * time.Second})
	var mu sync.Mutex
	var parsedIDs []string
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeErrorBadMessage {
			return
		}
		if evt.Request != nil {
			t.Errorf("bad message event has a Request; slack-go gives none")
		}
		bad := evt.Data.(*socketmode.ErrorBadMessage)
		var env struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if err := json.Unmarshal(bad.Message, &env); err != nil {
			t.Errorf("raw message: %v", err)
			return
		}
		mu.Lock()
		parsedIDs = append(parsedIDs, env.EnvelopeID)
		mu.Unlock()
		if err := c.AckCtx(context.Background(), env.EnvelopeID, nil); err != nil {
			t.Errorf("AckCtx: %v", err)
		}
	})
	ctx := testCtx(t)
	tests := []struct {
		name string
		send func() (Ack, error)
	}{
		{"unknown inner event", func() (Ack, error) {
			_, a, err := srv.SendEvent(ctx, map[string]any{"type": "totally_unknown_event", "x": 1}, false)
			return a, err
		}},
		{"unknown envelope type", func() (Ack, error) {
			return srv.SendRaw(ctx, map[string]any{"type": "brand_new_type", "payload": map[string]any{}})
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack, err := tt.send()
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(parsedIDs) != i+1 || parsedIDs[i] != ack.EnvelopeID {
				t.Errorf("ack envelope %q, app parsed %v", ack.EnvelopeID, parsedIDs)
			}
		})
	}
}

var tsPattern = regexp.MustCompile(`^\d+\.\d{6}$`)

func TestChatMethodsAreRecorded(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	srv.AddChannel(Channel{ID: "C0GENERAL", Name: "general", Members: []string{"UALICE", "UBOT"}})
	api := newAPI(srv)
	ctx := testCtx(t)

	meta := slack.SlackMetadata{EventType: "partner_logged", EventPayload: map[string]any{"partner_id": "p1"}}
	ch1, ts1, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("first", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	ch2, ts2, err := api.PostMessageContext(ctx, "UALICE", slack.MsgOptionText("dm", false))
	if err != nil {
		t.Fatalf("PostMessage to a user: %v", err)
	}
	ts3, err := api.PostEphemeralContext(ctx, "C0GENERAL", "UALICE", slack.MsgOptionText("psst", false))
	if err != nil {
		t.Fatalf("PostEphemeral: %v", err)
	}
	_, ts4, _, err := api.UpdateMessageContext(ctx, "C0GENERAL", ts1, slack.MsgOptionText("first, edited", false))
	if err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	_, ts5, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("second", false))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if ch1 != "C0GENERAL" || ch2 != "DUALICE" || ts4 != ts1 {
		t.Errorf("channels %q %q, update ts %q; want C0GENERAL, DUALICE and %q", ch1, ch2, ts4, ts1)
	}
	for _, ts := range []string{ts1, ts2, ts3, ts5} {
		if !tsPattern.MatchString(ts) {
			t.Errorf("ts %q does not look like <secs>.<6 digits>", ts)
		}
	}
	if !(ts1 < ts2 && ts2 < ts3 && ts3 < ts5) {
		t.Errorf("ts not increasing: %s %s %s %s", ts1, ts2, ts3, ts5)
	}

	failures := []struct {
		name string
		call func() error
		want string
	}{
		{"ephemeral to a non-member", func() error {
			_, err := api.PostEphemeralContext(ctx, "C0GENERAL", "UBOB", slack.MsgOptionText("x", false))
			return err
		}, "user_not_in_channel"},
		{"update of unknown ts", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C0GENERAL", "1.000001", slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"post without text", func() error {
			_, _, err := api.PostMessageContext(ctx, "C0GENERAL")
			return err
		}, "no_text"},
		{"post to a channel name that does not exist", func() error {
			_, _, err := api.PostMessageContext(ctx, "#nowhere", slack.MsgOptionText("x", false))
			return err
		}, "channel_not_found"},
	}
	for _, tt := range failures {
		if got := slackErr(tt.call()); got != tt.want {
			t.Errorf("%s: error %q, want %q", tt.name, got, tt.want)
		}
	}

	wantPosts := []Post{
		{Kind: "postMessage", Channel: "C0GENERAL", Target: "C0GENERAL", TS: ts1, Text: "first", Metadata: json.RawMessage(`{"event_type":"partner_logged","event_payload":{"partner_id":"p1"}}`)},
		{Kind: "postMessage", Channel: "DUALICE", Target: "UALICE", TS: ts2, Text: "dm"},
		{Kind: "postEphemeral", Channel: "C0GENERAL", Target: "C0GENERAL", User: "UALICE", TS: ts3, Text: "psst"},
		{Kind: "update", Channel: "C0GENERAL", Target: "C0GENERAL", TS: ts1, Text: "first, edited", Metadata: json.RawMessage(`{"event_type":"partner_logged","event_payload":{"partner_id":"p1"}}`)},
		{Kind: "postMessage", Channel: "C0GENERAL", Target: "C0GENERAL", TS: ts5, Text: "second"},
	}
	if diff := cmp.Diff(wantPosts, srv.Posts(), cmpopts.IgnoreFields(Post{}, "At")); diff != "" {
		t.Errorf("Posts() (-want +got):\n%s", diff)
	}

	tests := []struct {
		name         string
		withMetadata bool
		wantEvent    string
	}{
		{"with metadata", true, "partner_logged"},
		{"without metadata", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0GENERAL", Limit: 10, IncludeAllMetadata: tt.withMetadata})
			if err != nil {
				t.Fatalf("history: %v", err)
			}
			var texts []string
			for _, m := range h.Messages {
				texts = append(texts, m.Text)
			}
			if diff := cmp.Diff([]string{"second", "first, edited"}, texts); diff != "" {
				t.Errorf("history texts, newest first (-want +got):\n%s", diff)
			}
			if got := h.Messages[1].Metadata.EventType; got != tt.wantEvent {
				t.Errorf("metadata event_type = %q, want %q", got, tt.wantEvent)
			}
			if got := h.Messages[1].BotID; got != BotID {
				t.Errorf("bot_id = %q, want %q", got, BotID)
			}
		})
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0GENERAL", Oldest: ts1})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Timestamp != ts5 {
		t.Errorf("history after oldest=%s (exclusive) = %+v, %v; want only %s", ts1, h, err, ts5)
	}
}

func TestRateLimits(t *testing.T) {
	srv := newServer(t, Options{ChannelRate: 1})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	api := newAPI(srv)
	ctx := testCtx(t)
	post := func(ch string) error {
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("x", false))
		return err
	}
	tests := []struct {
		name          string
		setup         func()
		call          func() error
		wantRetry     time.Duration // 0: no rate limit expected
		wantSlackErr  string
		wantMinRetry  time.Duration
		wantPostCount int
	}{
		{name: "first post to a channel", call: func() error { return post("C1") }, wantPostCount: 1},
		{name: "second post within a second", call: func() error { return post("C1") }, wantMinRetry: time.Second, wantPostCount: 1},
		{name: "another channel has its own budget", call: func() error { return post("C2") }, wantPostCount: 2},
		{
			name:  "RateLimitNext",
			setup: func() { srv.RateLimitNext("users.info", 1, 7) },
			call: func() error {
				_, err := api.GetUserInfoContext(ctx, "UALICE")
				return err
			},
			wantRetry: 7 * time.Second, wantPostCount: 2,
		},
		{name: "RateLimitNext is used up", call: func() error {
			_, err := api.GetUserInfoContext(ctx, "UALICE")
			return err
		}, wantPostCount: 2},
		{
			name:         "FailNext",
			setup:        func() { srv.FailNext("chat.postMessage", 1, "channel_not_found") },
			call:         func() error { return post("C3") },
			wantSlackErr: "channel_not_found", wantPostCount: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			err := tt.call()
			var rl *slack.RateLimitedError
			switch {
			case tt.wantRetry > 0 || tt.wantMinRetry > 0:
				if !errors.As(err, &rl) {
					t.Fatalf("err = %v (%T), want *slack.RateLimitedError", err, err)
				}
				if tt.wantRetry > 0 && rl.RetryAfter != tt.wantRetry {
					t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, tt.wantRetry)
				}
				if rl.RetryAfter < tt.wantMinRetry {
					t.Errorf("RetryAfter = %v, want at least %v", rl.RetryAfter, tt.wantMinRetry)
				}
			case tt.wantSlackErr != "":
				if got := slackErr(err); got != tt.wantSlackErr {
					t.Errorf("error %q, want %q", got, tt.wantSlackErr)
				}
			case err != nil:
				t.Errorf("err = %v, want nil", err)
			}
			if got := len(srv.Posts()); got != tt.wantPostCount {
				t.Errorf("len(Posts()) = %d, want %d", got, tt.wantPostCount)
			}
		})
	}
	if got, want := srv.RateLimited(), 2; got != want {
		t.Errorf("RateLimited() = %d, want %d", got, want)
	}
}

func TestUsersInfo(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", Name: "alice", TZ: "America/New_York"})
	srv.AddUser(User{ID: "UPAT", Name: "pat", TeamID: "T0PARTNER", TZ: "Europe/Berlin", IsStranger: true})
	srv.AddUser(User{ID: "UGUEST", Name: "gus", IsRestricted: true, IsUltraRestricted: true})
	api := newAPI(srv)
	// userFields is the part of slack.User the fake models.
	type userFields struct {
		ID, TeamID, Name, TZ, Locale                       string
		IsBot, IsStranger, IsRestricted, IsUltraRestricted bool
	}
	tests := []struct {
		id      string
		want    userFields
		wantErr string
	}{
		{id: "UALICE", want: userFields{ID: "UALICE", TeamID: "T0HOME", Name: "alice", TZ: "America/New_York", Locale: "en-US"}},
		{id: "UPAT", want: userFields{ID: "UPAT", TeamID: "T0PARTNER", Name: "pat", TZ: "Europe/Berlin", IsStranger: true}},
		{id: "UGUEST", want: userFields{ID: "UGUEST", TeamID: "T0HOME", Name: "gus", TZ: "America/Los_Angeles", IsRestricted: true, IsUltraRestricted: true, Locale: "en-US"}},
		{id: "UBOT", want: userFields{ID: "UBOT", TeamID: "T0HOME", Name: BotName, TZ: "America/Los_Angeles", IsBot: true, Locale: "en-US"}},
		{id: "UNOBODY", wantErr: "user_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			u, err := api.GetUserInfoContext(testCtx(t), tt.id)
			if tt.wantErr != "" {
				if got := slackErr(err); got != tt.wantErr {
					t.Fatalf("error %q, want %q", got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetUserInfo: %v", err)
			}
			got := userFields{ID: u.ID, TeamID: u.TeamID, Name: u.Name, TZ: u.TZ, Locale: u.Locale, IsBot: u.IsBot,
				IsStranger: u.IsStranger, IsRestricted: u.IsRestricted, IsUltraRestricted: u.IsUltraRestricted}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			if u.Updated <= 0 || u.Profile.DisplayName != tt.want.Name || u.Profile.Team != tt.want.TeamID {
				t.Errorf("updated %d, profile %+v", u.Updated, u.Profile)
			}
		})
	}
	if got := srv.UserInfoCalls("UALICE"); got != 1 {
		t.Errorf("UserInfoCalls(UALICE) = %d, want 1", got)
	}
	if got := srv.Calls("users.info"); got != len(tests) {
		t.Errorf("Calls(users.info) = %d, want %d", got, len(tests))
	}
}

func TestConversations(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddChannel(Channel{ID: "C0SHARED", Name: "acme-partners", IsShared: true, IsExtShared: true, SharedTeamIDs: []string{"T0HOME", "T0PARTNER"}})
	srv.AddChannel(Channel{ID: "C0PRIV", Name: "secret", IsPrivate: true})
	api := newAPI(srv)
	ctx := testCtx(t)

	dm, _, already, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"UALICE"}})
	if err != nil || dm.ID != "DUALICE" || already {
		t.Fatalf("OpenConversation = %+v, already %v, %v; want DUALICE, new", dm, already, err)
	}
	dm2, _, already, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"UALICE"}})
	if err != nil || dm2.ID != dm.ID || !already {
		t.Errorf("second OpenConversation = %+v, already %v, %v; want the same channel, already open", dm2, already, err)
	}

	tests := []struct {
		id      string
		check   func(c *slack.Channel) bool
		wantErr string
	}{
		{id: "C0SHARED", check: func(c *slack.Channel) bool {
			return c.IsChannel && c.IsShared && c.IsExtShared && !c.IsPrivate && c.Name == "acme-partners" &&
				cmp.Equal(c.SharedTeamIDs, []string{"T0HOME", "T0PARTNER"}) && c.Created > 0
		}},
		{id: "C0PRIV", check: func(c *slack.Channel) bool { return c.IsPrivate && !c.IsExtShared && c.SharedTeamIDs[0] == "T0HOME" }},
		{id: "DUALICE", check: func(c *slack.Channel) bool { return c.IsIM && c.User == "UALICE" }},
		{id: "C0NOPE", wantErr: "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: tt.id})
			if tt.wantErr != "" {
				if got := slackErr(err); got != tt.wantErr {
					t.Errorf("error %q, want %q", got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetConversationInfo: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("channel %+v does not match", c)
			}
		})
	}
}

func testModal(title string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, title, false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, "Save", false, false),
		CallbackID:      "partner_new",
		PrivateMetadata: "C0GENERAL",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("b_name", slack.NewTextBlockObject(slack.PlainTextType, "Name", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "a_name")),
		}},
	}
}

func TestViewsOpenTriggers(t *testing.T) {
	srv := newServer(t, Options{})
	api := connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = c.Ack(*evt.Request)
		}
	})
	ctx := testCtx(t)
	freshTrigger := func() string {
		t.Helper()
		if _, err := srv.SlashCommand(ctx, "UALICE", "C1", "/outreach", "new"); err != nil {
			t.Fatalf("SlashCommand: %v", err)
		}
		return srv.TriggerID()
	}
	setTTL := func(d time.Duration) {
		srv.mu.Lock()
		srv.triggerTTL = d
		srv.mu.Unlock()
	}

	used := freshTrigger()
	resp, err := api.OpenViewContext(ctx, used, testModal("New partner"))
	if err != nil {
		t.Fatalf("OpenView: %v", err)
	}
	if resp.View.ID == "" || resp.View.CallbackID != "partner_new" || resp.View.Hash == "" {
		t.Errorf("opened view = %+v, want id, hash and callback_id", resp.View)
	}

	tests := []struct {
		name    string
		trigger func() string
		title   string
		ttl     time.Duration
		want    string
	}{
		{"reused trigger", func() string { return used }, "New partner", triggerLifetime, "exchanged_trigger_id"},
		{"trigger the fake never issued", func() string { return "1.2.abc" }, "New partner", triggerLifetime, "invalid_trigger_id"},
		{"expired trigger", freshTrigger, "New partner", time.Nanosecond, "expired_trigger_id"},
		{"title over 24 characters", freshTrigger, "A title that is far too long", triggerLifetime, "invalid_arguments"},
		{"fresh trigger", freshTrigger, "Another", triggerLifetime, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trig := tt.trigger()
			setTTL(tt.ttl)
			defer setTTL(triggerLifetime)
			_, err := api.OpenViewContext(ctx, trig, testModal(tt.title))
			if got := slackErr(err); got != tt.want {
				t.Errorf("views.open error %q, want %q", got, tt.want)
			}
		})
	}
	if got := len(srv.OpenedViews()); got != 2 {
		t.Errorf("len(OpenedViews()) = %d, want 2", got)
	}
}

// TestIssuedIDsAreForgotten: trigger_ids and response_urls are forgotten
// oldest first once they age out (or, for response_urls, beyond the most
// recent maxResponseURLs), so a long benchmark's memory stays bounded and
// issuing one costs the same however many came before.
func TestIssuedIDsAreForgotten(t *testing.T) {
	srv := newServer(t, Options{})
	issue := func() (trigger, responseURL string) {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.newTriggerLocked(), srv.newResponseURLLocked("C1", "UALICE", "")
	}
	post := func(url string) int {
		t.Helper()
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"text":"hi"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	oldTrigger, oldURL := issue()
	// Age the first pair past what is kept, as if issued an hour ago.
	srv.mu.Lock()
	hourAgo := time.Now().Add(-time.Hour)
	srv.triggers[oldTrigger].issued = hourAgo
	srv.triggerOrder[0].at = hourAgo
	srv.responseOrder[0].at = hourAgo
	srv.maxResponseURLs = 3
	srv.mu.Unlock()
	var trigger, url string
	var urls []string
	for range 5 {
		trigger, url = issue()
		urls = append(urls, url)
	}
	srv.mu.Lock()
	triggers, responseURLs := len(srv.triggers), len(srv.responseURLs)
	oldErr, newErr := srv.checkTriggerLocked(oldTrigger), srv.checkTriggerLocked(trigger)
	srv.mu.Unlock()
	if triggers != 5 || oldErr != "invalid_trigger_id" || newErr != "" {
		t.Errorf("after aging: %d triggers kept, old one %q, new one %q; want 5, invalid_trigger_id, ok", triggers, oldErr, newErr)
	}
	if responseURLs != 3 {
		t.Errorf("%d response_urls kept; want the last 3", responseURLs)
	}
	for i, u := range append([]string{oldURL}, urls...) {
		want := http.StatusOK
		if i < 3 { // the aged one, and the two beyond the last 3
			want = http.StatusNotFound
		}
		if got := post(u); got != want {
			t.Errorf("POST to response_url %d of 6: HTTP %d, want %d", i+1, got, want)
		}
	}
}

func TestSubmitView(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	callbacks := make(chan slack.InteractionCallback, 1)
	api := connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			_ = c.Ack(*evt.Request)
		case socketmode.EventTypeInteractive:
			cb := evt.Data.(slack.InteractionCallback)
			callbacks <- cb
			_ = c.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"b_name": "already exists"}))
		}
	})
	ctx := testCtx(t)
	if _, err := srv.SlashCommand(ctx, "UALICE", "C1", "/outreach", "new"); err != nil {
		t.Fatal(err)
	}
	if _, err := api.OpenViewContext(ctx, srv.TriggerID(), testModal("New partner")); err != nil {
		t.Fatal(err)
	}
	opened := srv.OpenedViews()[0]
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(opened, &v)

	ack, err := srv.SubmitView(ctx, "UALICE", v.ID, opened, map[string]map[string]any{
		"b_name": {"a_name": map[string]any{"type": "plain_text_input", "value": "Acme"}},
	})
	if err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	if got, want := string(ack.Payload), `{"response_action":"errors","errors":{"b_name":"already exists"}}`; got != want {
		t.Errorf("ack payload = %s, want %s", got, want)
	}
	cb := <-callbacks
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.ID != v.ID || cb.View.CallbackID != "partner_new" ||
		cb.View.PrivateMetadata != "C0GENERAL" || cb.User.ID != "UALICE" || cb.User.TeamID != "T0HOME" || cb.TriggerID == "" {
		t.Errorf("view_submission = type %q view %+v user %+v trigger %q", cb.Type, cb.View, cb.User, cb.TriggerID)
	}
	if got := cb.View.State.Values["b_name"]["a_name"].Value; got != "Acme" {
		t.Errorf("state value = %q, want Acme", got)
	}
}

func TestBlockActionAndResponseURL(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UPAT", Name: "pat", TeamID: "T0PARTNER"})
	srv.AddChannel(Channel{ID: "C0SHARED", Name: "acme", IsShared: true, IsExtShared: true, SharedTeamIDs: []string{"T0HOME", "T0PARTNER"}})
	callbacks := make(chan slack.InteractionCallback, 1)
	api := connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeInteractive {
			callbacks <- evt.Data.(slack.InteractionCallback)
			_ = c.Ack(*evt.Request)
		}
	})
	ctx := testCtx(t)
	button := slack.NewButtonBlockElement("a_log", "p1", slack.NewTextBlockObject(slack.PlainTextType, "Log touch", false, false))
	_, ts, err := api.PostMessageContext(ctx, "C0SHARED", slack.MsgOptionText("Acme", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("b_actions", button)))
	if err != nil {
		t.Fatal(err)
	}

	// External users can press buttons in shared channels.
	if _, err := srv.BlockAction(ctx, "UPAT", "C0SHARED", ts, "a_log", "b_actions", "p1"); err != nil {
		t.Fatalf("BlockAction: %v", err)
	}
	cb := <-callbacks
	if len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("block actions = %+v, attachment actions = %+v; want one block action", cb.ActionCallback.BlockActions, cb.ActionCallback.AttachmentActions)
	}
	got := *cb.ActionCallback.BlockActions[0]
	if got.ActionID != "a_log" || got.BlockID != "b_actions" || got.Value != "p1" || got.Type != "button" || got.Text.Text != "Log touch" {
		t.Errorf("block action = %+v", got)
	}
	if cb.User.TeamID != "T0PARTNER" || cb.Container.MessageTs != ts || cb.Container.ChannelID != "C0SHARED" ||
		cb.Channel.ID != "C0SHARED" || cb.Message.Timestamp != ts || cb.Message.Text != "Acme" || cb.TriggerID != srv.TriggerID() {
		t.Errorf("callback user %+v container %+v channel %q message ts %q text %q", cb.User, cb.Container, cb.Channel.ID, cb.Message.Timestamp, cb.Message.Text)
	}

	// replace_original through the response_url edits the message in place.
	_, _, err = api.PostMessageContext(ctx, "", slack.MsgOptionText("Logged", false), slack.MsgOptionReplaceOriginal(cb.ResponseURL))
	if err != nil {
		t.Fatalf("response_url: %v", err)
	}
	posts := srv.Posts()
	last := posts[len(posts)-1]
	if last.Kind != "response_url" || !last.ReplaceOriginal || last.TS != ts || last.User != "UPAT" {
		t.Errorf("last post = %+v, want a response_url replace of %s", last, ts)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0SHARED"})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "Logged" {
		t.Errorf("history after replace = %+v, %v; want one message \"Logged\"", h, err)
	}
}

func TestHomeTab(t *testing.T) {
	srv := newServer(t, Options{})
	homes := make(chan *slackevents.AppHomeOpenedEvent, 1)
	api := connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeEventsAPI {
			if e, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
				homes <- e
			}
			_ = c.Ack(*evt.Request)
		}
	})
	ctx := testCtx(t)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Partners*", false, true), nil, nil),
	}}}
	resp, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "UALICE", View: home})
	if err != nil {
		t.Fatalf("PublishView: %v", err)
	}
	if got := len(srv.PublishedViews("UALICE")); got != 1 {
		t.Errorf("len(PublishedViews) = %d, want 1", got)
	}
	stale := "1.stale"
	_, err = api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "UALICE", View: home, Hash: &stale})
	if got := slackErr(err); got != "hash_conflict" {
		t.Errorf("publish with stale hash: error %q, want hash_conflict", got)
	}
	if _, err := srv.AppHomeOpened(ctx, "UALICE"); err != nil {
		t.Fatalf("AppHomeOpened: %v", err)
	}
	e := <-homes
	if e.User != "UALICE" || e.Tab != "home" || e.Channel != "DUALICE" || e.View == nil || e.View.ID != resp.View.ID {
		t.Errorf("app_home_opened = %+v, want user UALICE, tab home, channel DUALICE, view %s", e, resp.View.ID)
	}
}

func TestFileUpload(t *testing.T) {
	srv := newServer(t, Options{})
	api := newAPI(srv)
	content := "partner,touches\nacme,3\n"
	f, err := api.UploadFileContext(testCtx(t), slack.UploadFileParameters{
		Filename: "partners.csv", FileSize: len(content), Content: content,
		Title: "Partners", Channel: "C0GENERAL", InitialComment: "weekly export",
	})
	if err != nil {
		t.Fatalf("UploadFile: %v", err)
	}
	if !strings.HasPrefix(f.ID, "F") || f.Title != "Partners" {
		t.Errorf("file summary = %+v", f)
	}
	want := []Upload{{FileID: f.ID, Filename: "partners.csv", Title: "Partners", Channel: "C0GENERAL", InitialComment: "weekly export", Data: []byte(content)}}
	if diff := cmp.Diff(want, srv.Uploads()); diff != "" {
		t.Errorf("Uploads() (-want +got):\n%s", diff)
	}
}

func TestReconnect(t *testing.T) {
	srv := newServer(t, Options{PingEvery: 100 * time.Millisecond})
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = c.Ack(*evt.Request)
		}
	})
	ctx := testCtx(t)
	tests := []struct {
		name      string
		act       func()
		wantOpens int
	}{
		{"disconnect refresh_requested", func() { srv.Disconnect("refresh_requested") }, 2},
		{"disconnect warning", func() { srv.Disconnect("warning") }, 3},
		{"abrupt drop", srv.DropConnection, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.act()
			// waitFor calls the condition with srv.mu held.
			err := srv.waitFor(ctx, func() bool { return srv.connOpens == tt.wantOpens && srv.activeConnsLocked() == 1 })
			if err != nil {
				t.Fatalf("waiting for reconnect: %v (opens %d)", err, srv.ConnectionOpens())
			}
			if _, err := srv.SlashCommand(ctx, "UALICE", "C1", "/outreach", "still there?"); err != nil {
				t.Errorf("SlashCommand after reconnect: %v", err)
			}
		})
	}
}

func TestConnectionsOpenRateLimitIsRetried(t *testing.T) {
	srv := newServer(t, Options{})
	srv.RateLimitNext("apps.connections.open", 1, 1)
	connect(t, srv, nil)
	if got, want := srv.Calls("apps.connections.open"), 2; got != want {
		t.Errorf("Calls(apps.connections.open) = %d, want %d", got, want)
	}
	if got, want := srv.ConnectionOpens(), 1; got != want {
		t.Errorf("ConnectionOpens() = %d, want %d", got, want)
	}
	if got, want := srv.RateLimited(), 1; got != want {
		t.Errorf("RateLimited() = %d, want %d", got, want)
	}
}

func TestCloseFailsPendingDeliveries(t *testing.T) {
	srv := New(Options{})
	connect(t, srv, nil) // the client reads but never acks
	ch, err := srv.SlashCommandAsync("UALICE", "C1", "/outreach", "x")
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if res := <-ch; !errors.Is(res.Err, ErrClosed) {
		t.Errorf("pending result err = %v, want ErrClosed", res.Err)
	}
	if _, err := srv.SlashCommand(testCtx(t), "UALICE", "C1", "/outreach", "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("SlashCommand after Close err = %v, want ErrClosed", err)
	}
}
