package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestEndToEndEvictingRedis: the bot started against a Redis whose
// maxmemory-policy is allkeys-lru says so on /readyz (and stays ready),
// logs what will be lost and the fix, and the admins get one DM about it,
// not one per start of each replica: two replicas start, and one of them
// again.
func TestEndToEndEvictingRedis(t *testing.T) {
	clock := testclock.New()
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Now: clock.Now, Scopes: manifestScopes(t)})
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0LEAD", TeamID: home, Name: "lead", TZ: "America/Chicago"})
	fs.AddUser(slacktest.User{ID: "U0BOSS", TeamID: home, Name: "boss", TZ: "America/Chicago"})
	rs := storetest.NewWith(t, storetest.Options{MaxMemoryPolicy: "allkeys-lru", AppendOnly: true})
	env := map[string]string{"OUTREACH_ADMINS": "U0LEAD,U0BOSS"}

	dms := func() []slacktest.Post {
		var out []slacktest.Post
		for _, p := range fs.Posts() {
			if p.Kind == "postMessage" && strings.Contains(p.Text, "maxmemory-policy is allkeys-lru") {
				out = append(out, p)
			}
		}
		return out
	}
	const logged = `"msg":"Redis can lose data: Redis's maxmemory-policy is allkeys-lru: it evicts keys"`
	// Each replica has decided whether to tell the admins once it logs.
	started := func(e *e2e) {
		t.Helper()
		if !waitUntil(time.Now().Add(10*time.Second), func() bool { return strings.Contains(e.logs.String(), logged) }) {
			t.Fatalf("no log of the evicting Redis; logs:\n%s", e.logs.String())
		}
	}
	a := launchBot(t, fs, rs, env, clock)
	started(a)
	if !waitUntil(time.Now().Add(10*time.Second), func() bool { return len(dms()) == 2 }) {
		t.Fatalf("the admins got %d DMs about the evicting Redis; want one each", len(dms()))
	}
	b := launchBot(t, fs, rs, env, clock)
	started(b)
	if code := a.stop(); code != 0 {
		t.Fatalf("replica A exited with %d", code)
	}
	again := launchBot(t, fs, rs, env, clock)
	started(again)

	got := dms()
	if len(got) != 2 || got[0].Target == got[1].Target {
		t.Errorf("after three starts, the admins got %d DMs about the evicting Redis; want one each", len(got))
	}
	for _, want := range []string{"What is lost: Redis deletes keys to make room once it holds 1024 MB (maxmemory)", "partners, contacts, follow-ups",
		"Fix: set maxmemory-policy noeviction"} {
		if len(got) > 0 && !strings.Contains(got[0].Text, want) {
			t.Errorf("the DM says:\n%s\nwant it to say %q", got[0].Text, want)
		}
	}
	for _, e := range []*e2e{b, again} {
		line := e.logs.String()
		for _, want := range []string{`"fix":"set maxmemory-policy noeviction`, `"loses":"Redis deletes keys to make room`, `"admins_told_now":false`} {
			if !strings.Contains(line, want) {
				t.Errorf("the log lacks %s:\n%s", want, line)
			}
		}
	}
	resp, err := http.Get(b.httpURL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "ready\n") ||
		!strings.Contains(string(body), "warning: Redis's maxmemory-policy is allkeys-lru: it evicts keys") ||
		!strings.Contains(string(body), "Fix: set maxmemory-policy noeviction") {
		t.Errorf("/readyz = %d %q; want ready, with a warning naming allkeys-lru and the fix", resp.StatusCode, body)
	}
}

// TestEndToEndMemoryMetric: /metrics shows how much of Redis the
// workspace's partners, contacts, follow-ups and audit take, measured at
// start.
func TestEndToEndMemoryMetric(t *testing.T) {
	clock := testclock.New()
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Now: clock.Now, Scopes: manifestScopes(t)})
	t.Cleanup(fs.Close)
	rs := storetest.New(t)
	st := store.New(rs.Client(), 0)
	if err := st.AddPartner(context.Background(), home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: "U0MARIA"}, "U0MARIA", clock.Now()); err != nil {
		t.Fatal(err)
	}
	e := launchBot(t, fs, rs, nil, clock)
	partners := regexp.MustCompile(`(?m)^outreach_redis_memory_bytes\{kind="partners"\} ([0-9.e+]+)$`)
	var body []byte
	if !waitUntil(time.Now().Add(10*time.Second), func() bool {
		resp, err := http.Get(e.httpURL + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ = io.ReadAll(resp.Body)
		m := partners.FindSubmatch(body)
		return m != nil && string(m[1]) != "0"
	}) {
		t.Fatalf("no outreach_redis_memory_bytes for the partner in /metrics:\n%s", body)
	}
	for _, kind := range []string{"contacts", "follow-ups", "audit"} {
		if !strings.Contains(string(body), `outreach_redis_memory_bytes{kind="`+kind+`"}`) {
			t.Errorf("/metrics lacks outreach_redis_memory_bytes for %s", kind)
		}
	}
}
