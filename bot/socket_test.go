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
// acknowledged on the next socket, within Slack's 3 s.
func TestAckWaitsForTheNextSocket(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{slack: slacktest.Options{PingEvery: 100 * time.Millisecond}})
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
	tb.slack.FailNext("apps.connections.open", 2, "internal_error")
	tb.slack.DropConnection()
	for i := 0; tb.b.Connected(); i++ {
		if i == 2000 {
			t.Fatal("still connected with every socket dropped")
		}
		time.Sleep(5 * time.Millisecond) // the bot's readers noticing, not time passing
	}
	close(release)
	r := <-acks
	if r.Err != nil {
		t.Fatalf("the answer given while no socket was up: %v", r.Err)
	}
	if _, text, _ := ackText(t, r.Ack); text != "answered partner list" {
		t.Errorf("ack %q; want the answer", text)
	}
}
