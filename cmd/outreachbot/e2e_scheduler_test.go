package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// addFollowUp creates a follow-up straight in the bot's Redis, due at due
// (which may be within the minute, unlike one typed).
func (e *e2e) addFollowUp(partner, assignee string, due time.Time, text string) int64 {
	e.t.Helper()
	st := store.New(e.redis.Client(), 0)
	id, _, err := st.AddFollowUp(context.Background(), home, store.PartnerRef{Text: partner}, domain.FollowUp{Assignee: assignee, Due: due, Text: text}, assignee, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// count is how many recorded posts match f.
func (e *e2e) count(f func(slacktest.Post) bool) int {
	n := 0
	for _, p := range e.slack.Posts() {
		if f(p) {
			n++
		}
	}
	return n
}

// buttons lists the action ids of the buttons in a post's blocks.
func buttons(t *testing.T, blocks json.RawMessage) map[string]string {
	t.Helper()
	var bs []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	out := map[string]string{}
	for _, b := range bs {
		for _, el := range b.Elements {
			out[el.ActionID] = b.BlockID + "|" + el.Value
		}
	}
	return out
}

// TestEndToEndReminderAtDueTimeAndDoneButton: a follow-up's reminder is
// posted at its due time, once, and Done closes it. The test's window is
// three days and a half: a Monday's "your week" DM (which lists the same
// follow-up) may come within it; the nudges (Maria's partner is not past
// its cadence) and the digest (no team channel) post nothing.
func TestEndToEndReminderAtDueTimeAndDoneButton(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{env: map[string]string{"OUTREACH_QUIET_HOURS": "off"}, may: []string{scheduler.JobOwnerDigests}})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	due := e.clock.Now().Add(90 * time.Minute)
	id := e.addFollowUp("county", "U0MARIA", due, "Send the flyer")
	reminder := jobPost(reminderJob(id, 1))
	e.tick(89 * time.Minute)
	if n := e.count(reminder); n != 0 {
		t.Fatalf("reminder posted %d times a minute before it is due", n)
	}
	e.tick(time.Minute)
	p := e.waitPost(reminder)
	if !p.At.Equal(due) {
		t.Errorf("reminder posted at %v; want its due time %v", p.At, due)
	} // how soon after in real time: `make bench` measures due → posted

	if p.Target != "U0MARIA" || !strings.HasPrefix(p.Channel, "D") {
		t.Errorf("reminder went to %s (%s); want a DM to U0MARIA", p.Target, p.Channel)
	}
	if !strings.Contains(p.Text, "Send the flyer") || !strings.Contains(p.Text, fmt.Sprintf("F%d", id)) {
		t.Errorf("reminder reads %q; want the follow-up F%d and its text", p.Text, id)
	}
	bs := buttons(t, p.Blocks)
	for _, a := range []string{"fu_done", "fu_snooze_1d", "fu_snooze_1w", "log_contact"} {
		if _, ok := bs[a]; !ok {
			t.Errorf("reminder lacks the %s button; has %v", a, bs)
		}
	}
	// Exactly once: nothing more over four leases, when a post whose
	// record went missing would be taken back and posted again.
	for range 8 {
		e.tick(15 * time.Second)
	}
	if n := e.count(reminder); n != 1 {
		t.Fatalf("reminder posted %d times; want 1", n)
	}
	blockID, value, _ := strings.Cut(bs["fu_done"], "|")
	if _, err := e.slack.BlockAction(e.ctx(), "U0MARIA", p.Channel, p.TS, "fu_done", blockID, value); err != nil {
		t.Fatal(err)
	}
	upd := e.waitPost(func(q slacktest.Post) bool { return q.Kind == "update" && q.TS == p.TS })
	if !strings.Contains(upd.Text, "Done by <@U0MARIA>") || strings.Contains(string(upd.Blocks), "fu_done") {
		t.Errorf("after Done the message reads %q with blocks %s; want who did it and no buttons", upd.Text, upd.Blocks)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "followups"); !strings.Contains(r.Text, "none") {
		t.Errorf("followups after Done = %q; want none open", r.Text)
	}
	// Done means no second reminder the next day, nor the day after.
	for range 3 {
		e.tick(24 * time.Hour)
	}
	if n := e.count(kindPost(store.JobReminder)); n != 1 {
		t.Errorf("%d reminders posted after Done and three days; want 1", n)
	}
	// A second press of the stale button: an ephemeral "already done".
	mark := e.mark()
	if _, err := e.slack.BlockAction(e.ctx(), "U0MARIA", p.Channel, p.TS, "fu_done", blockID, value); err != nil {
		t.Fatal(err)
	}
	if q := e.waitAfter(mark, responseTo("U0MARIA")); q.ResponseType != "ephemeral" || !strings.Contains(q.Text, "already done") {
		t.Errorf("a second press of Done: %s %q; want an ephemeral \"already done\"", q.ResponseType, q.Text)
	}
	// A forged press naming a follow-up that does not exist.
	mark = e.mark()
	if _, err := e.slack.BlockAction(e.ctx(), "U0MARIA", p.Channel, p.TS, "fu_done", blockID, "F999"); err != nil {
		t.Fatal(err)
	}
	if q := e.waitAfter(mark, responseTo("U0MARIA")); !strings.Contains(q.Text, "can't find `F999`") {
		t.Errorf("a forged press: %q; want that F999 can't be found", q.Text)
	}
}

// TestEndToEndFanOutUnderRateLimits: reminders to several people, with
// the fake Slack allowing one message per second per channel and answering
// 429 with Retry-After: all delivered, once each, in due order per DM.
func TestEndToEndFanOutUnderRateLimits(t *testing.T) {
	e := startE2EWith(t, slacktest.Options{ChannelRate: 1}, map[string]string{"OUTREACH_QUIET_HOURS": "off"})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	users := []string{"U0MARIA", "U0LEAD", "U0GUEST"}
	due := e.clock.Now().Add(time.Minute)
	const per = 3
	tasks := map[string]string{} // task by its reminder's job id
	for i := range per * len(users) {
		task := fmt.Sprintf("Task %02d", i)
		tasks[reminderJob(e.addFollowUp("county", users[i%len(users)], due.Add(time.Duration(i)*time.Millisecond), task), 1)] = task
	}
	e.slack.RateLimitNext("chat.postMessage", 2, 1)
	// tick returns once every reminder is posted (the outbox paces them
	// on real time, as Slack counts), then four leases pass.
	e.tick(time.Minute)
	for range 8 {
		e.tick(15 * time.Second)
	}
	seen := map[string]int{}
	last := map[string]string{}
	for _, p := range e.slack.Posts() {
		task, ok := tasks[postJob(p)]
		if p.Kind != "postMessage" || !ok {
			continue
		}
		if !strings.Contains(p.Text, task) {
			t.Errorf("the reminder of %s reads %q", task, p.Text)
		}
		seen[task]++
		if prev := last[p.Channel]; prev != "" && task < prev {
			t.Errorf("in %s %s came after %s; want due order", p.Channel, task, prev)
		}
		last[p.Channel] = task
	}
	if len(seen) != per*len(users) {
		t.Errorf("%d distinct reminders delivered; want %d", len(seen), per*len(users))
	}
	for task, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", task, n)
		}
	}
	if e.slack.RateLimited() == 0 {
		t.Errorf("the fake never answered 429; the test did not exercise Retry-After")
	}
}

func TestEndToEndSlashFollowUpAndLogNext(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	r := e.slash("U0MARIA", "C0OUTREACH", `followup county tomorrow "Send the flyer" to:<@U0LEAD|lead>`)
	if !strings.Contains(r.Text, "`F1`") || !strings.Contains(r.Text, "<@U0LEAD>") {
		t.Fatalf("followup reply = %q", r.Text)
	}
	r = e.slash("U0MARIA", "C0OUTREACH", `log county call "Talked about the fair" next:"friday Send the sign-up sheet"`)
	if !strings.Contains(r.Text, "Next step `F2`") {
		t.Fatalf("log with next: = %q", r.Text)
	}
	if r := e.slash("U0LEAD", "C0OUTREACH", "followups"); !strings.Contains(r.Text, "F1") || strings.Contains(r.Text, "F2") {
		t.Errorf("lead's followups = %q; want F1 only", r.Text)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "snooze F2 3d"); !strings.Contains(r.Text, "Snoozed `F2`") {
		t.Errorf("snooze = %q", r.Text)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "done F9"); !strings.Contains(r.Text, "can't find `F9`") {
		t.Errorf("done F9 = %q", r.Text)
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", `followup county yesterday "too late"`); !strings.Contains(r.Text, "in the past") {
		t.Errorf("followup in the past = %q", r.Text)
	}
}

// TestEndToEndDigestToAChannelNotJoined: the team channel is public and
// the bot never joined it. A first-try digest is posted there (with
// chat:write.public) without reading its history. A digest reclaimed
// after a crash cannot be checked there (conversations.history answers
// not_in_channel): it is not posted blind, which could double it, but
// sent to the admin with what to do; it is posted at most once, and
// conversations.history is called a bounded number of times. The test
// queues its digests itself: every automatic job is off, the digest's
// schedule with them, so that nothing else posts in its day.
func TestEndToEndDigestToAChannelNotJoined(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{
		env: map[string]string{"OUTREACH_TEAM_CHANNEL": "C0DIGEST", "OUTREACH_QUIET_HOURS": "off"},
		off: automaticJobs,
		may: []string{scheduler.JobDigest}, // the two it queues
	})
	e.slack.AddChannel(slacktest.Channel{ID: "C0DIGEST", Name: "outreach-digest", NotJoined: true})
	st := store.New(e.redis.Client(), 0)
	ctx := context.Background()
	now := e.clock.Now()
	first := store.JobID(scheduler.JobDigest, now.Add(time.Minute).UTC().Format("2006-01-02T15:04"))
	crashed := store.JobID(scheduler.JobDigest, now.Add(-time.Minute).UTC().Format("2006-01-02T15:04"))
	if _, err := st.EnqueueJobs(ctx, home, map[string]time.Time{crashed: now}); err != nil {
		t.Fatal(err)
	}
	// A replica claims the second digest and dies before it can finish.
	if c, err := st.ClaimDue(ctx, home, now, now.Add(30*time.Second), 10, "dead-replica"); err != nil || len(c.Jobs) != 1 {
		t.Fatalf("claim as a dying replica: %+v, %v", c, err)
	}
	if _, err := st.EnqueueJobs(ctx, home, map[string]time.Time{first: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	e.tick(31 * time.Second) // the dead replica's lease ends
	e.tick(30 * time.Second) // the first-try digest falls due
	for range 8 {            // four leases, and a day, for anything that would try again
		e.tick(15 * time.Second)
	}
	e.tick(24 * time.Hour)

	inChannel, toAdmin := 0, 0
	for _, p := range e.slack.Posts() {
		switch job := postJob(p); {
		case p.Channel == "C0DIGEST" && job == first:
			inChannel++
		case p.Channel == "C0DIGEST" && job == crashed:
			t.Errorf("the reclaimed digest was posted blind into the channel")
		case p.Target == "U0LEAD" && job == crashed:
			toAdmin++
			if !strings.Contains(p.Text, "didn't post this to <#C0DIGEST>") || !strings.Contains(p.Text, "/invite @Outreach") {
				t.Errorf("the admin's copy reads %q; want why and what to do", p.Text)
			}
		}
	}
	if inChannel != 1 || toAdmin != 1 {
		t.Errorf("first-try digest posted %d times in the channel, reclaimed one sent %d times to the admin; want 1 and 1", inChannel, toAdmin)
	}
	// One look at the channel (refused) and one at the admin's DM.
	if n := e.slack.Calls("conversations.history"); n != 2 {
		t.Errorf("%d conversations.history calls over a day; want 2", n)
	}
	failures, err := st.JobFailures(ctx, home, crashed)
	if err != nil || failures[crashed].Reason != "cannot_check:not_in_channel" {
		t.Errorf("stored failure of the reclaimed digest: %+v, %v; want cannot_check:not_in_channel", failures, err)
	}
}

// TestEndToEndRevokedTokenHoldsReminders: with the bot token revoked for
// a while, no reminder is lost: those due meanwhile wait (with a probe a
// minute), /readyz says not ready, and once Slack accepts the token again
// every one is posted, once, and /readyz is ready again.
func TestEndToEndRevokedTokenHoldsReminders(t *testing.T) {
	e := startE2E(t, map[string]string{"OUTREACH_QUIET_HOURS": "off"})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	now := e.clock.Now()
	var reminders []string
	for i := range 3 {
		id := e.addFollowUp("county", "U0MARIA", now.Add(time.Duration(i+1)*time.Minute), fmt.Sprintf("Outage task %d", i))
		reminders = append(reminders, reminderJob(id, 1))
	}
	e.tick(30 * time.Second)
	if code := e.readyz(); code != http.StatusOK {
		t.Fatalf("/readyz before the outage = %d", code)
	}
	e.slack.SetAuthError("token_revoked")
	for range 4 { // the three fall due while Slack refuses every call
		e.tick(time.Minute)
	}
	if n := e.count(func(p slacktest.Post) bool { return p.Kind == "postMessage" }); n != 0 {
		t.Fatalf("%d reminders posted with the token revoked", n)
	}
	if code := e.readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the token revoked = %d; want 503", code)
	}
	if due, _, _ := store.New(e.redis.Client(), 0).QueuedJobs(context.Background(), home); due < 3 {
		t.Errorf("%d jobs queued during the outage; want the three reminders still queued", due)
	}
	calls := e.slack.Calls("chat.postMessage")
	if calls > 5 {
		t.Errorf("%d chat.postMessage calls in four minutes of outage; want about one a minute\n%s", calls, e.logs.String())
	}
	e.slack.SetAuthError("")
	e.tick(time.Minute) // the next probe goes through, then the rest
	e.tick(time.Second)
	for i, job := range reminders {
		if n := e.count(jobPost(job)); n != 1 {
			t.Errorf("Outage task %d posted %d times after the outage; want 1", i, n)
		}
	}
	for i := 0; e.readyz() != http.StatusOK; i++ {
		if i == 100 {
			t.Fatalf("/readyz not ready again after Slack accepted the token")
		}
		time.Sleep(10 * time.Millisecond) // the bot noting the success
	}
	for range 8 {
		e.tick(15 * time.Second)
	}
	for i, job := range reminders {
		if n := e.count(jobPost(job)); n != 1 {
			t.Errorf("Outage task %d posted %d times four leases later; want 1", i, n)
		}
	}
}
