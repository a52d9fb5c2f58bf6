package bot

import (
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/commands"
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
	running, release := make(chan struct{}), make(chan struct{})
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
