package bot

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// TestAckWaitsForTheNextSocket: a command whose answer is ready while no
// socket is up (both dropped, Slack refusing new ones a while) is
// acknowledged on the next socket. (The fake waits longer than Slack's
// 3 s here: the test is of where the ack goes, on a loaded machine.)
func TestAckWaitsForTheNextSocket(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{slack: slacktest.Options{PingEvery: 100 * time.Millisecond, AckTimeout: 20 * time.Second}})
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for range 4000 {
			if cond() {
				return
			}
			time.Sleep(5 * time.Millisecond) // polling the bot's state, not waiting for time to pass
		}
		t.Fatalf("never %s", what)
	}
	waitFor("two connections up", func() bool { return tb.slack.Connections() == 2 && tb.b.Connected() })
	release, acks := commandInFlight(t, tb)
	// Each connection's next opens fail twice: 300 ms without a socket.
	tb.slack.FailNext("apps.connections.open", 4, "internal_error")
	tb.slack.DropConnection()
	waitFor("disconnected with every socket dropped", func() bool { return !tb.b.Connected() })
	close(release)
	r := <-acks
	if r.Err != nil {
		t.Fatalf("the answer given while no socket was up: %v", r.Err)
	}
	if _, text, _ := ackText(t, r.Ack); text != "answered partner list" {
		t.Errorf("ack %q; want the answer", text)
	}
}

// TestQuietSocketIsPingedNotDropped: Slack documents no ping interval. A
// server that never pings keeps both sockets as long as it answers the
// bot's own pings; a ping of Slack's or any frame counts as well.
func TestQuietSocketIsPingedNotDropped(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{cfg: Config{SocketIdle: 100 * time.Millisecond}, slack: slacktest.Options{PingEvery: time.Hour}})
	testwait.Until(t, "two connections up", func() bool { return tb.slack.Connections() == 2 && tb.b.Connected() })
	opens := tb.slack.ConnectionOpens()
	// Twelve idle periods of silence from the server, in real time.
	time.Sleep(1200 * time.Millisecond)
	if got := tb.slack.ConnectionOpens(); got != opens || tb.slack.Connections() != 2 {
		t.Errorf("after 12 quiet periods: %d opens (was %d), %d connections; want the same two sockets", got, opens, tb.slack.Connections())
	}
	if _, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0TEAM", "/outreach", "help"); err != nil {
		t.Errorf("a command on the quiet sockets: %v", err)
	}
}

// TestOddSlashCommandStillRuns: a slash command with a field of a JSON
// type slack-go's decoder refuses (is_enterprise_install "", a number
// for a string) still runs and is answered: Slack does not send a
// command again.
func TestOddSlashCommandStillRuns(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	for i, odd := range []map[string]any{
		{"is_enterprise_install": ""},
		{"is_enterprise_install": 0, "team_domain": 12},
	} {
		payload := map[string]any{"token": "t", "team_id": "T0HOME", "team_domain": "home", "channel_id": "C0TEAM", "channel_name": "team",
			"user_id": "UMARIA", "user_name": "maria", "command": "/outreach", "text": fmt.Sprintf("partner list %d", i),
			"response_url": "http://127.0.0.1:1/unused", "trigger_id": "1.2.3", "api_app_id": "A0APP"}
		maps.Copy(payload, odd)
		ack, err := tb.slack.SendRaw(tb.ctx(), map[string]any{"type": "slash_commands", "accepts_response_payload": true, "payload": payload})
		if err != nil {
			t.Fatalf("%v: %v", odd, err)
		}
		if _, text, _ := ackText(t, ack); text == "" {
			t.Errorf("%v: the ack carries no answer", odd)
		}
	}
	if got := tb.cmds.texts(); !slices.Equal(got, []string{"partner list 0", "partner list 1"}) {
		t.Errorf("commands run: %q; want both", got)
	}
}

// TestAckOnTheSocketThatBroughtIt: Slack warns "about 10 seconds" before
// it closes a socket; a command still running when the new sockets are
// up is acknowledged on the socket it came on, which is read until
// Slack closes it, so a server that takes acks only there gets it.
func TestAckOnTheSocketThatBroughtIt(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{slack: slacktest.Options{PingEvery: 100 * time.Millisecond, AckTimeout: 8 * time.Second, AcksOnTheirSocket: true}})
	testwait.Until(t, "two connections up", func() bool { return tb.slack.Connections() == 2 && tb.b.Connected() })
	release, acks := commandInFlight(t, tb)
	opens := tb.slack.ConnectionOpens()
	tb.slack.Disconnect("warning")
	testwait.Until(t, "both sockets replaced", func() bool { return tb.slack.ConnectionOpens() >= opens+2 && tb.b.Connected() })
	close(release)
	r := <-acks
	if r.Err != nil {
		t.Fatalf("the answer given after the sockets were replaced: %v", r.Err)
	}
	if _, text, _ := ackText(t, r.Ack); text != "answered partner list" {
		t.Errorf("ack %q; want the answer", text)
	}
}

// commandInFlight sends `/outreach partner list` and returns once its
// handler runs; it answers "answered partner list" when release is
// closed, and acks has the ack.
func commandInFlight(t *testing.T, tb *testBot) (release chan struct{}, acks <-chan slacktest.AckResult) {
	t.Helper()
	running := make(chan struct{})
	release = make(chan struct{})
	tb.cmds.handle = func(req commands.Request) message.Reply {
		close(running)
		<-release
		return message.Reply{Text: "answered " + req.Text}
	}
	acks, err := tb.slack.SlashCommandAsync("UMARIA", "C0TEAM", "/outreach", "partner list")
	if err != nil {
		t.Fatal(err)
	}
	<-running
	return release, acks
}
