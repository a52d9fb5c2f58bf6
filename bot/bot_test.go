package bot

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// TestSlashCommandAckCarriesTheReply: a slash command is answered in its
// acknowledgement (the fake fails the call if that takes over Slack's 3 s),
// ephemeral, with the text the command layer wrote; the request carries
// who asked, where, and their role.
func TestSlashCommandAckCarriesTheReply(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{cfg: Config{Admins: map[string]bool{"ULEAD": true}}})
	tb.cmds.handle = func(req commands.Request) message.Reply {
		return message.Reply{Text: "*Partners* for " + message.Mention(req.User) + ": " + req.Text,
			Choices: []message.Choice{{Label: "Log contact", Action: message.ActionLogContact, Value: "county"}}}
	}
	for _, tc := range []struct {
		name, user, channel, text string
		wantRole                  commands.Role
	}{
		{"member in a channel", "UMARIA", "C0TEAM", "partner list", commands.RoleMember},
		{"admin in a DM", "ULEAD", "DULEAD", "partner list overdue", commands.RoleAdmin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ack, err := tb.slack.SlashCommand(tb.ctx(), tc.user, tc.channel, "/outreach", tc.text)
			if err != nil {
				t.Fatalf("/outreach %s: %v", tc.text, err)
			}
			typ, text, blocks := ackText(t, ack)
			if want := "*Partners* for <@" + tc.user + ">: " + tc.text; typ != "ephemeral" || text != want {
				t.Errorf("ack = %s %q; want ephemeral %q", typ, text, want)
			}
			if !strings.Contains(blocks, `"action_id":"log_contact"`) || !strings.Contains(blocks, `"verbatim":true`) {
				t.Errorf("ack blocks %s; want the button and verbatim text", blocks)
			}
			tb.cmds.mu.Lock()
			req := tb.cmds.handled[len(tb.cmds.handled)-1]
			tb.cmds.mu.Unlock()
			got := commands.Request{Team: req.Team, User: req.User, Channel: req.Channel, Door: req.Door, Text: req.Text, Role: req.Role, UserTeam: req.UserTeam}
			want := commands.Request{Team: homeTeam, User: tc.user, Channel: tc.channel, Door: commands.DoorSlash, Text: tc.text, Role: tc.wantRole, UserTeam: homeTeam}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBareLogOpensTheForm: a reply asking for the log form is
// acknowledged empty and the form opens on the command's trigger.
func TestBareLogOpensTheForm(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.cmds.handle = func(commands.Request) message.Reply {
		return message.Reply{Form: message.FormLog, FormPartner: "county"}
	}
	ack, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0TEAM", "/outreach", "log")
	if err != nil {
		t.Fatal(err)
	}
	if len(ack.Payload) != 0 {
		t.Errorf("ack payload %s; want an empty ack", ack.Payload)
	}
	tb.idle()
	views := tb.slack.OpenedViews()
	if len(views) != 1 || !strings.Contains(string(views[0]), `"callback_id":"log_contact"`) || !strings.Contains(string(views[0]), `"initial_value":"county"`) {
		t.Errorf("opened views %s; want the log form with the partner filled in", views)
	}
}

// TestLongReplyGoesByResponseURL: Slack drops Socket Mode acks of 20 KB
// or more, so a long answer is acknowledged empty and sent, whole,
// through the command's response URL.
func TestLongReplyGoesByResponseURL(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	var long strings.Builder
	for i := range 300 {
		long.WriteString("• Call " + strconv.Itoa(i) + ": a long note about the flu clinic and the flyers\n")
	}
	tb.cmds.handle = func(commands.Request) message.Reply { return message.Reply{Text: long.String()} }
	ack, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0TEAM", "/outreach", "history county 300")
	if err != nil {
		t.Fatal(err)
	}
	if len(ack.Payload) >= 20*1024 {
		t.Fatalf("ack of %d bytes; Slack drops 20 KB and more", len(ack.Payload))
	}
	p := tb.waitPost(func(p slacktest.Post) bool { return p.Kind == "response_url" })
	if p.User != "UMARIA" || p.ResponseType != "ephemeral" || !strings.Contains(string(p.Blocks), "Call 0:") || !strings.Contains(string(p.Blocks), "Call 299:") {
		t.Errorf("response_url post to %s (%s) with %d bytes of blocks; want the whole reply, ephemeral to UMARIA", p.User, p.ResponseType, len(p.Blocks))
	}
}

// TestEventsAckedAtOnceAndDeduplicated: a mention is acknowledged before
// its command runs (Slack would redeliver it otherwise), answered with an
// ephemeral message, and a redelivery of the same event_id runs nothing.
func TestEventsAckedAtOnceAndDeduplicated(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	release := make(chan struct{})
	tb.cmds.handle = func(req commands.Request) message.Reply {
		<-release // the ack must not wait for this
		return message.Reply{Text: "answered " + req.Text}
	}
	id, _, err := tb.slack.Mention(tb.ctx(), "UMARIA", "C0TEAM", "<@UBOT> partner list")
	if err != nil {
		t.Fatalf("mention not acknowledged while its command ran: %v", err)
	}
	close(release)
	p := tb.waitPost(func(p slacktest.Post) bool { return p.Kind == "postEphemeral" })
	if p.Channel != "C0TEAM" || p.User != "UMARIA" || p.Text != "answered partner list" {
		t.Errorf("mention reply %+v; want an ephemeral answer to UMARIA in C0TEAM", p)
	}
	for _, redeliver := range []func() error{
		func() error { _, err := tb.slack.RedeliverEvent(tb.ctx(), id); return err },
		func() error { _, err := tb.slack.RedeliverEvent(tb.ctx(), id); return err },
	} {
		if err := redeliver(); err != nil {
			t.Fatalf("redelivery not acknowledged: %v", err)
		}
	}
	// A DM is a separate event and runs.
	if _, _, err := tb.slack.DirectMessage(tb.ctx(), "UMARIA", "followups"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if diff := cmp.Diff([]string{"partner list", "followups"}, tb.cmds.texts()); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
	if n := len(tb.posts("postEphemeral")); n != 1 {
		t.Errorf("%d ephemeral replies; want 1 (a redelivery answers nothing)", n)
	}
}

// TestEventsTheBotIgnores: the bot's own messages, other bots, edits of
// DMs and tabs other than Home are acknowledged and run nothing.
func TestEventsTheBotIgnores(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	for _, ev := range []map[string]any{
		{"type": "message", "channel": "DUMARIA", "channel_type": "im", "user": botUser, "text": "a reminder", "ts": "1.000001"},
		{"type": "message", "channel": "DUMARIA", "channel_type": "im", "bot_id": "B0OTHER", "text": "hi", "ts": "1.000002"},
		{"type": "message", "channel": "DUMARIA", "channel_type": "im", "subtype": "message_deleted", "ts": "1.000003"},
		{"type": "message", "channel": "C0TEAM", "channel_type": "channel", "user": "UMARIA", "text": "partner list", "ts": "1.000004"},
		{"type": "app_mention", "channel": "C0TEAM", "bot_id": "B0OTHER", "text": "<@UBOT> help", "ts": "1.000005"},
		{"type": "app_home_opened", "user": "UMARIA", "channel": "DUMARIA", "tab": "messages", "event_ts": "1.000006"},
	} {
		if _, _, err := tb.slack.SendEvent(tb.ctx(), ev, false); err != nil {
			t.Fatalf("%v not acknowledged: %v", ev, err)
		}
	}
	tb.idle()
	if got := tb.cmds.texts(); len(got) != 0 {
		t.Errorf("commands run: %q; want none", got)
	}
	if posts := tb.slack.Posts(); len(posts) != 0 {
		t.Errorf("posts %+v; want none", posts)
	}
}

// TestUnknownEnvelopesAcked: envelopes the bot does not handle are still
// acknowledged, so Slack does not keep redelivering them.
func TestUnknownEnvelopesAcked(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	for _, tc := range []struct {
		name string
		send func() (slacktest.Ack, error)
	}{
		{"an event type slack-go does not know", func() (slacktest.Ack, error) {
			_, a, err := tb.slack.SendEvent(tb.ctx(), map[string]any{"type": "totally_unknown_event", "user": "UMARIA"}, false)
			return a, err
		}},
		{"an envelope type slack-go does not know", func() (slacktest.Ack, error) {
			return tb.slack.SendRaw(tb.ctx(), map[string]any{"type": "some_future_type", "payload": map[string]any{}})
		}},
		{"an interaction the bot does not handle", func() (slacktest.Ack, error) {
			return tb.slack.SendRaw(tb.ctx(), map[string]any{"type": "interactive", "accepts_response_payload": true,
				"payload": map[string]any{"type": "shortcut", "callback_id": "nope", "user": map[string]any{"id": "UMARIA"}}})
		}},
		{"a view submission of an unknown form", func() (slacktest.Ack, error) {
			return tb.slack.SubmitView(tb.ctx(), "UMARIA", "", json.RawMessage(`{"type":"modal","callback_id":"someone_elses"}`), nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := tc.send()
			if err != nil {
				t.Fatalf("not acknowledged: %v", err)
			}
			if len(a.Payload) != 0 {
				t.Errorf("ack payload %s; want none", a.Payload)
			}
		})
	}
	if got := tb.cmds.texts(); len(got) != 0 {
		t.Errorf("commands run: %q; want none", got)
	}
}

// TestUsersInfoFailureDeniesAndSays: when Slack cannot say who someone
// is, nothing runs and they are told to try again.
func TestUsersInfoFailureDeniesAndSays(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.slack.FailNext("users.info", 1, "internal_error")
	ack, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0TEAM", "/outreach", "partner list")
	if err != nil {
		t.Fatal(err)
	}
	if _, text, _ := ackText(t, ack); !strings.Contains(text, "couldn't check your Slack account") {
		t.Errorf("reply %q; want a can't-check-your-account answer", text)
	}
	if got := tb.cmds.texts(); len(got) != 0 {
		t.Errorf("commands run: %q; want none", got)
	}
}

// TestEditedMentionRunsNothing: Slack sends an edited mention again with a
// new event_id; the bot runs nothing and tells the person what to do
// instead, with their edited command to send anew.
func TestEditedMentionRunsNothing(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	for _, tc := range []struct {
		user, wantHint string
		wantHistory    bool
	}{
		{"UMARIA", "`log county meeting \"Planning call\"`", true},
		{"UDANA", "`log meeting \"Planning call\"`", false},
	} {
		first := `<@UBOT> log meeting "Planing call"`
		edited := `<@UBOT> log meeting "Planning call"`
		if tc.wantHistory {
			first, edited = `<@UBOT> log county meeting "Planing call"`, `<@UBOT> log county meeting "Planning call"`
		}
		id, _, err := tb.slack.Mention(tb.ctx(), tc.user, "C0SHARED", first)
		if err != nil {
			t.Fatal(err)
		}
		tb.idle() // the mention ran (an edit that arrives first runs instead: TestMentionRunsOnceWhateverComesFirst)
		if _, _, err := tb.slack.EditMention(tb.ctx(), id, edited); err != nil {
			t.Fatalf("edited mention not acknowledged: %v", err)
		}
		tb.idle()
		p := tb.waitPost(func(p slacktest.Post) bool { return p.User == tc.user && strings.Contains(p.Text, "edit") })
		if !strings.Contains(p.Text, "changed nothing") || !strings.Contains(p.Text, tc.wantHint) ||
			strings.Contains(p.Text, "history") != tc.wantHistory {
			t.Errorf("%s: answer to the edit %q; want nothing-changed, the edited command %s, history hint %v", tc.user, p.Text, tc.wantHint, tc.wantHistory)
		}
	}
	if got := tb.cmds.texts(); len(got) != 2 || strings.Contains(strings.Join(got, "|"), "Planning") {
		t.Errorf("commands run %q; want only the two original mentions", got)
	}
}

// TestReadinessFollowsTheConnections: the bot keeps two connections; while
// one is refreshed it stays connected through the other, and it says it
// is not connected exactly while none is up.
func TestReadinessFollowsTheConnections(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{slack: slacktest.Options{PingEvery: 100 * time.Millisecond}})
	up := func() int {
		n := 0
		for _, c := range tb.b.conns {
			if c.connected.Load() {
				n++
			}
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		testwait.Until(t, what, cond)
	}
	waitFor("two connections up", func() bool { return up() == 2 && tb.slack.Connections() == 2 })

	// Slack refuses to open a connection for a while: the refreshed one
	// stays down, the other carries envelopes, and the bot is connected.
	tb.slack.FailNext("apps.connections.open", 3, "internal_error")
	tb.slack.DisconnectOne("refresh_requested")
	waitFor("one connection down during the refresh", func() bool { return up() == 1 })
	if !tb.b.Connected() {
		t.Errorf("Connected() = false with one connection up")
	}
	if _, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0TEAM", "/outreach", "help"); err != nil {
		t.Errorf("slash command during the refresh: %v", err)
	}
	waitFor("both connections back", func() bool { return up() == 2 && tb.slack.Connections() == 2 })

	// Both dropped, and reopening fails a while: not connected, then back.
	tb.slack.FailNext("apps.connections.open", 4, "internal_error")
	tb.slack.DropConnection()
	waitFor("not connected with every connection down", func() bool { return !tb.b.Connected() })
	waitFor("connected again", tb.b.Connected)
}

// TestSlackRefusingTheBot: while Slack refuses the bot token, or a scope
// the bot needs, people are told what is wrong, the bot reports itself
// not ready, logs it once a minute with the method and the scope, counts
// it, and is ready again as soon as a call works.
func TestSlackRefusingTheBot(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	tb := newTestBot(t, botOptions{logs: logs, cfg: Config{AuthProbe: 20 * time.Millisecond}})
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		testwait.Until(t, what, cond)
	}
	waitFor("ready at the start", tb.b.Ready)

	tb.slack.SetAuthError("token_revoked")
	for _, user := range []string{"UMARIA", "ULEAD", "UMARIA"} { // users.info for each fails
		ack, err := tb.slack.SlashCommand(tb.ctx(), user, "C0TEAM", "/outreach", "partner list")
		if err != nil {
			t.Fatal(err)
		}
		if _, text, _ := ackText(t, ack); !strings.Contains(text, "Slack is refusing my requests") || !strings.Contains(text, "reinstall") {
			t.Errorf("reply while the token is refused: %q; want what is wrong and who can fix it", text)
		}
	}
	if tb.b.Ready() || !tb.b.Connected() {
		t.Errorf("Ready %v, Connected %v with the token refused; want not ready, still connected", tb.b.Ready(), tb.b.Connected())
	}
	if n := strings.Count(logs.String(), "Slack refuses the bot token"); n != 1 {
		t.Errorf("%d log lines for three refused calls; want 1 a minute:\n%s", n, logs.String())
	}
	if got := tb.metric("outreach_slack_auth_failures_total", "method", "users.info", "error", "token_revoked"); got != 3 {
		t.Errorf("outreach_slack_auth_failures_total{users.info,token_revoked} = %v; want 3", got)
	}
	if got := tb.metric("outreach_slack_auth_ok"); got != 0 {
		t.Errorf("outreach_slack_auth_ok = %v while refused; want 0", got)
	}
	tb.slack.SetAuthError("")
	waitFor("ready again once auth.test works", tb.b.Ready) // the probe
	if got := tb.metric("outreach_slack_auth_ok"); got != 1 {
		t.Errorf("outreach_slack_auth_ok = %v after; want 1", got)
	}

	// A missing scope: only that method fails, and only its success clears it.
	tb.slack.RemoveScope("chat:write")
	if _, _, err := tb.slack.Mention(tb.ctx(), "UMARIA", "C0TEAM", "<@UBOT> help"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if tb.b.Ready() {
		t.Errorf("ready with chat:write missing")
	}
	if !strings.Contains(logs.String(), `"method":"chat.postEphemeral","scope":"chat:write","error":"missing_scope"`) {
		t.Errorf("logs lack the method and the scope:\n%s", logs.String())
	}
	// Other methods work meanwhile, and prove nothing of this one.
	if _, err := tb.slack.SlashCommand(tb.ctx(), "ULEAD", "C0TEAM", "/outreach", "help"); err != nil {
		t.Fatal(err)
	}
	if tb.b.Ready() {
		t.Errorf("ready again after users.info worked, without a chat.postEphemeral that did")
	}
	tb.slack.GrantScope("chat:write")
	if _, _, err := tb.slack.Mention(tb.ctx(), "UMARIA", "C0TEAM", "<@UBOT> help"); err != nil {
		t.Fatal(err)
	}
	waitFor("ready once chat.postEphemeral works", tb.b.Ready)
}

// TestChannelIDChangedRelinks: when Slack gives a channel a new id (a
// private channel shared with another organization), the command layer
// is told to move its partner along.
func TestChannelIDChangedRelinks(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.slack.AddChannel(slacktest.Channel{ID: "G0COUNTY", Name: "county", IsPrivate: true})
	if _, err := tb.slack.ChangeChannelID(tb.ctx(), "G0COUNTY", "C0COUNTY"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	tb.cmds.mu.Lock()
	defer tb.cmds.mu.Unlock()
	if diff := cmp.Diff([]string{homeTeam + " G0COUNTY→C0COUNTY"}, tb.cmds.moved); diff != "" {
		t.Errorf("channel moves passed on (-want +got):\n%s", diff)
	}
}
