package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestEndToEndHomeRedrawnByTheReplicaThatDrewIt: two replicas; replica B
// drew Maria's App Home; a follow-up marked done through replica A (Slack
// spreads commands over both replicas' connections) has the Home redrawn,
// by B, within a second of A's answer, without the follow-up.
func TestEndToEndHomeRedrawnByTheReplicaThatDrewIt(t *testing.T) {
	clock := testclock.New()
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Now: clock.Now, Scopes: manifestScopes(t)})
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0MARIA", TeamID: home, Name: "maria", TZ: "America/New_York"})
	fs.AddChannel(slacktest.Channel{ID: "C0OUTREACH", Name: "outreach-team"})
	rs := storetest.New(t)
	st := store.New(rs.Client(), 0)
	ctx := context.Background()
	now := clock.Now()
	if err := st.AddPartner(ctx, home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: "U0MARIA"}, "U0MARIA", now); err != nil {
		t.Fatal(err)
	}
	// More than B's connections can take in a row: one of these goes to A.
	const followUps = 3
	for i := range followUps {
		if _, _, err := st.AddFollowUp(ctx, home, store.PartnerRef{Text: "county-health-dept"},
			domain.FollowUp{Assignee: "U0MARIA", Due: now.Add(time.Duration(48+i) * time.Hour), Text: fmt.Sprintf("Call back about flyers %d", i+1)}, "U0MARIA", now); err != nil {
			t.Fatal(err)
		}
	}
	b := launchBot(t, fs, rs, nil, clock)
	if _, err := fs.AppHomeOpened(ctx, "U0MARIA"); err != nil {
		t.Fatal(err)
	}
	if !waitUntil(time.Now().Add(5*time.Second), func() bool { return len(fs.PublishedViews("U0MARIA")) == 1 }) {
		t.Fatal("replica B did not draw the Home")
	}
	a := launchBot(t, fs, rs, nil, clock)

	for i := 1; i <= followUps; i++ {
		before := len(fs.PublishedViews("U0MARIA"))
		doneA, doneB := commandsDone(t, a), commandsDone(t, b)
		ack, err := fs.SlashCommand(ctx, "U0MARIA", "C0OUTREACH", "/outreach", fmt.Sprintf("done F%d", i))
		answered := time.Now()
		if err != nil || !strings.Contains(string(ack.Payload), "Done") {
			t.Fatalf("done F%d: %v %s", i, err, ack.Payload)
		}
		viaA := commandsDone(t, a) > doneA
		if !viaA && commandsDone(t, b) == doneB {
			t.Fatalf("done F%d: neither replica counted it", i)
		}
		redrawn := waitUntil(answered.Add(time.Second), func() bool { return len(fs.PublishedViews("U0MARIA")) > before })
		if !redrawn {
			t.Fatalf("done F%d through replica %s: the Home was not redrawn within 1 s", i, map[bool]string{true: "A", false: "B"}[viaA])
		}
		vs := fs.PublishedViews("U0MARIA")
		if last := string(vs[len(vs)-1]); strings.Contains(last, fmt.Sprintf("flyers %d", i)) {
			t.Errorf("the redrawn Home still shows F%d", i)
		}
		if viaA {
			t.Logf("done F%d went through replica A; B redrew its Home %.0f ms after A's answer", i, float64(time.Since(answered).Milliseconds()))
			return
		}
	}
	t.Fatalf("none of %d commands went through replica A", followUps)
}

var doneMetric = regexp.MustCompile(`(?m)^outreach_commands_total\{command="done",outcome="ok"\} (\d+)$`)

// commandsDone is how many done commands e's replica has served.
func commandsDone(t *testing.T, e *e2e) int {
	t.Helper()
	var resp *http.Response
	var err error
	if !waitUntil(time.Now().Add(5*time.Second), func() bool {
		resp, err = http.Get(e.httpURL + "/metrics") // the ops server may be starting
		return err == nil
	}) {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := doneMetric.FindSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
