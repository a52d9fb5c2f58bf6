package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// buildBinary builds outreachbot once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "outreachbot")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestProcessSIGTERM: the real process, stopped with SIGTERM while a
// command is in flight, acknowledges it and exits 0.
func TestProcessSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Logf: t.Logf})
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0MARIA", TeamID: home, Name: "maria", TZ: "America/New_York"})
	rs := storetest.New(t)
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), "SLACK_APP_TOKEN="+fs.AppToken(), "SLACK_BOT_TOKEN="+fs.BotToken(), "SLACK_API_URL="+fs.APIURL(),
		"HTTP_ADDR=127.0.0.1:"+freePort(t), "LOG_LEVEL=warn")
	for k, v := range rs.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs syncBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fs.WaitConnected(ctx); err != nil {
		t.Fatalf("not connected: %v\n%s", err, logs.String())
	}
	acks, err := fs.SlashCommandAsync("U0MARIA", "C0OUTREACH", "/outreach", `partner add "County Health Dept"`)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-acks
	if r.Err != nil || !strings.Contains(string(r.Ack.Payload), "Added") {
		t.Errorf("the command in flight at SIGTERM: %s, %v; want it answered", r.Ack.Payload, r.Err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("exit code %d after SIGTERM; want 0\n%s", exit.ExitCode(), logs.String())
	} else if err != nil {
		t.Fatal(err)
	}
}

// TestEndToEndReclaimedReminderAlreadyPosted: a replica posted a reminder
// and died before recording it. When its lease runs out, the bot takes the
// job back, finds the earlier post by its metadata in the DM's history,
// and does not post it again.
func TestEndToEndReclaimedReminderAlreadyPosted(t *testing.T) {
	e := startE2E(t, map[string]string{"OUTREACH_QUIET_HOURS": "off", "OUTREACH_LEASE": "2s"})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	st := store.New(e.redis.Client(), 0)
	ctx := context.Background()
	// The doomed replica claims the reminder as it falls due, before the
	// running bot looks at the queue…
	due := e.clock.Now().Add(time.Second)
	id := e.addFollowUp("county", "U0MARIA", due, "Send the flyer")
	claim, err := st.ClaimDue(ctx, home, due, due.Add(2*time.Second), 100, "doomed")
	if err != nil || len(claim.Jobs) != 1 {
		t.Fatalf("doomed claim = %+v, %v", claim, err)
	}
	// ...posts it, with the job id as metadata, then dies.
	api := slack.New(e.slack.BotToken(), slack.OptionAPIURL(e.slack.APIURL()))
	if _, _, err := api.PostMessage("U0MARIA", slack.MsgOptionText("Follow-up F1: Send the flyer", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "outreach_job", EventPayload: map[string]any{"job": claim.Jobs[0].ID}})); err != nil {
		t.Fatal(err)
	}
	// The lease runs out; the bot takes the job back and must not post again.
	e.tick(4 * time.Second)
	if f, _ := st.FollowUp(ctx, home, id); f.Reminders != 1 {
		t.Fatalf("after the lease, the reclaimed reminder is not recorded as sent: %+v", f)
	}
	for range 4 {
		e.tick(2 * time.Second)
	}
	if n := e.count(jobPost(claim.Jobs[0].ID)); n != 1 {
		t.Errorf("the reminder is in the DM %d times; want 1", n)
	}
	if e.slack.Calls("conversations.history") == 0 {
		t.Errorf("the bot did not look at the DM's history before re-posting")
	}
}
