package main

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/golden"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestDoctor runs `outreachbot doctor` against a healthy setup and broken
// ones, each against what doctor prints in a golden file (byte counts,
// which vary with Redis's version, shown as #).
func TestDoctor(t *testing.T) {
	for _, tc := range []struct {
		name     string
		redis    storetest.Options
		env      map[string]string
		noScopes []string
		wantCode int
	}{
		{"healthy", storetest.Options{AppendOnly: true}, nil, nil, 0},
		{"wrong-token", storetest.Options{AppendOnly: true}, map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-the-one"}, nil, 1},
		{"missing-scope", storetest.Options{AppendOnly: true}, nil, []string{"channels:join", "files:write"}, 1},
		{"evicting-redis", storetest.Options{AppendOnly: true, MaxMemoryPolicy: "allkeys-lru"}, nil, nil, 1},
		{"no-persistence", storetest.Options{}, nil, nil, 1},
		{"config-refused", storetest.Options{NoConfig: true}, nil, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := slacktest.New(slacktest.Options{HomeTeam: home, Scopes: manifestScopes(t)})
			t.Cleanup(fs.Close)
			for _, s := range tc.noScopes {
				fs.RemoveScope(s)
			}
			rs := storetest.NewWith(t, tc.redis)
			st := store.New(rs.Client(), 0)
			now := time.Now()
			ctx := context.Background()
			if err := st.AddPartner(ctx, home, domain.Partner{Slug: "county-health-dept", Name: "County Health Dept", Kind: "clinic", Stage: "active", Owner: "U0MARIA"}, "U0MARIA", now); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.AddFollowUp(ctx, home, store.PartnerRef{Text: "county-health-dept"}, domain.FollowUp{Assignee: "U0MARIA", Due: now.Add(time.Hour), Text: "Call back"}, "U0MARIA", now); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"SLACK_APP_TOKEN": fs.AppToken(), "SLACK_BOT_TOKEN": fs.BotToken(), "SLACK_API_URL": fs.APIURL()}
			for k, v := range rs.Env() {
				vars[k] = v
			}
			for k, v := range tc.env {
				vars[k] = v
			}
			var out strings.Builder
			code := run(ctx, clockwork.NewRealClock(), []string{"doctor"}, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
			if code != tc.wantCode {
				t.Errorf("doctor exited %d; want %d\n%s", code, tc.wantCode, out.String())
			}
			for _, pw := range rs.Secrets() {
				if strings.Contains(out.String(), pw) {
					t.Errorf("doctor prints a Redis password")
				}
			}
			golden.Check(t, "doctor-"+tc.name+".golden", bytesCount.ReplaceAllString(out.String(), "#"))
		})
	}
}

var bytesCount = regexp.MustCompile(`\b[0-9]+(?:\.[0-9]+)? (B|KiB|MiB|GiB)\b`)

// TestDoctorScopesAreTheManifests: doctor checks the scopes manifest.yaml
// asks for, no more, no fewer.
func TestDoctorScopesAreTheManifests(t *testing.T) {
	want := manifestScopes(t)
	got := slices.Clone(requiredScopes)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("doctor checks scopes %v; manifest.yaml asks for %v", got, want)
	}
}
