package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// answerTo waits for the bot's answer to user after the first `after`
// posts: an ephemeral message in a channel, or a post in their DM.
func (e *e2e) answerTo(user string, after int) slacktest.Post {
	e.t.Helper()
	return e.waitPost(func(p slacktest.Post) bool {
		posts := e.slack.Posts()
		i := slices.IndexFunc(posts, func(q slacktest.Post) bool { return q.TS == p.TS && q.Kind == p.Kind && q.Channel == p.Channel })
		return i >= after && ((p.Kind == "postEphemeral" && p.User == user) || (p.Kind == "postMessage" && p.Channel == "D"+user))
	})
}

// storedData is what commands store, without the bookkeeping of events,
// messages and notices that a refused command leaves too.
func (e *e2e) storedData() string {
	e.t.Helper()
	out := domainKeys(e.t, e.redis.Snapshot(context.Background()))
	for k := range out {
		if s, _ := store.ShapeOf(k); s.Name == "SeenEvent" || s.Name == "SeenMessage" || s.Name == "Notified" {
			delete(out, k)
		}
	}
	return fmt.Sprint(out)
}

// waitOrg waits until the partner's organization, as stored, is want.
func (e *e2e) waitOrg(slug string, want ...string) {
	e.t.Helper()
	st := store.New(e.redis.Client(), 0)
	for i := 0; ; i++ {
		p, err := st.Partner(context.Background(), home, slug)
		if err == nil && slices.Equal(p.OrgTeams, want) {
			return
		}
		if i == 500 {
			e.t.Fatalf("%s's organization: %q, %v; want %q", slug, p.OrgTeams, err, want)
		}
		time.Sleep(10 * time.Millisecond) // the bot's handling of an event, not time passing
	}
}

// TestEndToEndOutsidersWaitForTheirOrganization: a partner is linked to
// a channel while it is internal, and the channel is then shared with two
// outside organizations. Nobody from either acts for the partner, by
// mention or by DM, and their log, need and followups store nothing; the
// refusals reveal nothing to them, while the partner's owner is told what
// to type. Once the organization is named with `org:@someone`, that
// organization's liaison acts for the partner, and the other is still
// refused.
func TestEndToEndOutsidersWaitForTheirOrganization(t *testing.T) {
	e := startE2E(t, nil)
	e.slack.AddChannel(slacktest.Channel{ID: "C0NEW", Name: "county-new"})
	e.slack.AddUser(slacktest.User{ID: "U0ODIN", TeamID: "T0OTHER", Name: "odin", TZ: "Europe/Oslo"})
	if r := e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0NEW|county-new>`); !strings.Contains(r.Text, "Linked to") || strings.Contains(r.Text, "organizations") {
		t.Fatalf("linking the internal channel: %q", r.Text)
	}
	if err := e.slack.ShareChannel(e.ctx(), "C0NEW", partnerT, "T0OTHER"); err != nil {
		t.Fatal(err)
	}
	e.waitOrg("county-health-dept", domain.OrgUnnamed)
	told := e.waitPost(func(p slacktest.Post) bool {
		return p.Channel == "DU0MARIA" && strings.Contains(p.Text, "shared with 2 organizations")
	})
	if !strings.Contains(told.Text, "partner set county-health-dept org:") {
		t.Errorf("the owner's notice of the sharing: %q; want what to type", told.Text)
	}

	before := e.storedData()
	commands := []string{`log meeting "Planning call for January"`, `need transportation "Rides to the clinic"`, "followups"}
	for _, user := range []string{"U0DANA", "U0ODIN"} {
		for _, text := range commands {
			n := len(e.slack.Posts())
			if _, _, err := e.slack.Mention(e.ctx(), user, "C0NEW", "<@UBOT> "+text); err != nil {
				t.Fatal(err)
			}
			if p := e.answerTo(user, n); !strings.Contains(p.Text, "isn't something I can do for you here") || strings.Contains(p.Text, "organizations") {
				t.Errorf("%s mentions %q: %q; want the polite refusal that says nothing", user, text, p.Text)
			}
			n = len(e.slack.Posts())
			if _, _, err := e.slack.DirectMessage(e.ctx(), user, text); err != nil {
				t.Fatal(err)
			}
			if p := e.answerTo(user, n); !strings.Contains(p.Text, "isn't linked to one yet") || strings.Contains(p.Text, "County") {
				t.Errorf("%s DMs %q: %q; want the polite refusal that says nothing", user, text, p.Text)
			}
		}
	}
	if after := e.storedData(); after != before {
		t.Errorf("refused outsiders changed what is stored")
	}
	for _, user := range []string{"U0DANA", "U0ODIN"} {
		want := fmt.Sprintf("partner set county-health-dept org:<@%s>", user)
		var notices int
		for _, p := range e.slack.Posts() {
			if p.Channel == "DU0MARIA" && strings.Contains(p.Text, want) {
				notices++
			}
		}
		if notices != 1 {
			t.Errorf("%d notices to the owner naming %s; want 1 for their three refusals", notices, user)
		}
	}

	if r := e.slash("U0MARIA", "C0OUTREACH", "partner set county org:<@U0DANA|dana>"); !strings.Contains(r.Text, "Updated") {
		t.Fatalf("naming the organization: %q", r.Text)
	}
	for _, tc := range []struct{ text, want string }{
		{`log meeting "Planning call for January"`, "Logged meeting ← *County Health Dept*"},
		{`need transportation "Rides to the clinic"`, "from *County Health Dept*"},
		{"followups", "Shared follow-ups with County Health Dept"},
	} {
		n := len(e.slack.Posts())
		if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0NEW", "<@UBOT> "+tc.text); err != nil {
			t.Fatal(err)
		}
		if p := e.answerTo("U0DANA", n); !strings.Contains(p.Text, tc.want) {
			t.Errorf("the named organization's liaison mentions %q: %q; want %q", tc.text, p.Text, tc.want)
		}
		n = len(e.slack.Posts())
		if _, _, err := e.slack.DirectMessage(e.ctx(), "U0DANA", tc.text); err != nil {
			t.Fatal(err)
		}
		if p := e.answerTo("U0DANA", n); !strings.Contains(p.Text, tc.want) {
			t.Errorf("the named organization's liaison DMs %q: %q; want %q", tc.text, p.Text, tc.want)
		}
	}
	before = e.storedData()
	n := len(e.slack.Posts())
	if _, _, err := e.slack.Mention(e.ctx(), "U0ODIN", "C0NEW", `<@UBOT> log meeting "Still here"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0ODIN", n); !strings.Contains(p.Text, "isn't something I can do for you here") {
		t.Errorf("the other organization once one is named: %q; want the refusal", p.Text)
	}
	n = len(e.slack.Posts())
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0ODIN", `need transportation "Rides"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0ODIN", n); !strings.Contains(p.Text, "isn't linked to one yet") {
		t.Errorf("the other organization's DM once one is named: %q; want the refusal", p.Text)
	}
	if after := e.storedData(); after != before {
		t.Errorf("the other organization's refused commands changed what is stored")
	}
	r := e.slash("U0MARIA", "C0OUTREACH", "history county")
	if got := strings.Count(r.Text, "Planning call for January"); got != 2 {
		t.Errorf("history after naming: the liaison's note %d times; want 2 (mention and DM)\n%s", got, r.Text)
	}
}

// TestEndToEndFirstOutsideUseFindsTheOrganization: a partner linked while
// its channel was internal, whose sharing the bot did not hear of (it was
// down, say), gets its organization on the first use from outside, from
// conversations.info; until Slack answers, nobody from outside acts.
func TestEndToEndFirstOutsideUseFindsTheOrganization(t *testing.T) {
	e := startE2E(t, nil)
	e.slack.AddChannel(slacktest.Channel{ID: "C0NEW", Name: "county-new"})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0NEW|county-new>`)
	// Shared with no event reaching the bot: the scope it needs is off.
	e.slack.RemoveScope("channels:read")
	if err := e.slack.ShareChannel(e.ctx(), "C0NEW", partnerT); err != nil {
		t.Fatal(err)
	}
	n := len(e.slack.Posts())
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0NEW", `<@UBOT> log meeting "Planning call"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0DANA", n); !strings.Contains(p.Text, "isn't something I can do for you here") {
		t.Errorf("while conversations.info fails: %q; want the refusal", p.Text)
	}
	e.slack.GrantScope("channels:read")
	e.slack.FailNext("conversations.info", 1, "internal_error")
	n = len(e.slack.Posts())
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0NEW", `<@UBOT> log meeting "Planning call"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0DANA", n); !strings.Contains(p.Text, "isn't something I can do for you here") {
		t.Errorf("while conversations.info fails: %q; want the refusal", p.Text)
	}
	n = len(e.slack.Posts())
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0NEW", `<@UBOT> log meeting "Planning call"`); err != nil {
		t.Fatal(err)
	}
	if p := e.answerTo("U0DANA", n); !strings.Contains(p.Text, "Logged meeting ← *County Health Dept*") {
		t.Errorf("once Slack answers: %q; want it logged", p.Text)
	}
	e.waitOrg("county-health-dept", partnerT)
}

// TestEndToEndTeamChannelSharedLater: the team channel, later shared with
// a partner's organization, does not receive the digest (every partner's
// figures): the admin gets it by DM, with why.
func TestEndToEndTeamChannelSharedLater(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{
		env: map[string]string{"OUTREACH_TEAM_CHANNEL": "C0OUTREACH", "OUTREACH_QUIET_HOURS": "off"},
		off: automaticJobs,
		may: []string{scheduler.JobDigest}, // the one it queues
	})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept"`)
	if err := e.slack.ShareChannel(e.ctx(), "C0OUTREACH", partnerT); err != nil {
		t.Fatal(err)
	}
	st := store.New(e.redis.Client(), 0)
	now := e.clock.Now()
	digest := store.JobID(scheduler.JobDigest, now.Add(time.Minute).UTC().Format("2006-01-02T15:04"))
	if _, err := st.EnqueueJobs(context.Background(), home, map[string]time.Time{digest: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	e.tick(time.Minute)
	e.tick(15 * time.Second)
	inChannel, toAdmin := 0, 0
	for _, p := range e.slack.Posts() {
		if postJob(p) != digest {
			continue
		}
		switch {
		case p.Channel == "C0OUTREACH":
			inChannel++
		case p.Target == "U0LEAD":
			toAdmin++
			if !strings.Contains(p.Text, "now shared with another organization") || !strings.Contains(p.Text, "Outreach digest") {
				t.Errorf("the admin's copy: %q; want the digest and why", p.Text)
			}
		}
	}
	if inChannel != 0 || toAdmin != 1 {
		t.Errorf("the digest went %d times to the shared team channel and %d to the admin; want 0 and 1", inChannel, toAdmin)
	}
}

// TestEndToEndArchivedTeamChannel: Slack refuses posts into an archived
// channel (is_archived): the digest meant for it reaches the admin, with
// why.
func TestEndToEndArchivedTeamChannel(t *testing.T) {
	e := startE2EOpts(t, e2eOptions{
		env: map[string]string{"OUTREACH_TEAM_CHANNEL": "C0OUTREACH", "OUTREACH_QUIET_HOURS": "off"},
		off: automaticJobs,
		may: []string{scheduler.JobDigest}, // the one it queues
	})
	e.slack.SetArchived("C0OUTREACH", true)
	st := store.New(e.redis.Client(), 0)
	now := e.clock.Now()
	digest := store.JobID(scheduler.JobDigest, now.Add(time.Minute).UTC().Format("2006-01-02T15:04"))
	if _, err := st.EnqueueJobs(context.Background(), home, map[string]time.Time{digest: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	e.tick(time.Minute)
	e.tick(15 * time.Second)
	var toAdmin []string
	for _, p := range e.slack.Posts() {
		if postJob(p) == digest {
			toAdmin = append(toAdmin, p.Target+": "+p.Text)
		}
	}
	if len(toAdmin) != 1 || !strings.HasPrefix(toAdmin[0], "U0LEAD: ") || !strings.Contains(toAdmin[0], "the channel is archived") {
		t.Errorf("the digest for an archived channel: %q; want it once to the admin, saying the channel is archived", toAdmin)
	}
}
