package main

import (
	"context"
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
	"github.com/redis/go-redis/v9"
)

// TestMigrationsRunOnceAcrossStarts: a workspace holding what an older
// version stored (a partner whose name indexes were never folded) is
// migrated by the first start (its names folded, then filed in the
// search index), after which its partner answers to a prefix typed
// without accents; a second start on the same Redis runs no
// migration, and the schema version says how many ran.
func TestMigrationsRunOnceAcrossStarts(t *testing.T) {
	clock := testclock.New()
	fs := slacktest.New(slacktest.Options{HomeTeam: home, Logf: t.Logf, Now: clock.Now, Scopes: manifestScopes(t)})
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0MARIA", TeamID: home, Name: "maria", TZ: "America/New_York"})
	fs.AddChannel(slacktest.Channel{ID: "C0OUTREACH", Name: "outreach-team"})
	rs := storetest.New(t)
	ctx := context.Background()
	rdb := rs.Client()
	pre, slug := "outreach:{"+home+"}:", "clínica-salud"
	// What a version before folding stored for "Clínica Salud".
	for _, err := range []error{
		rdb.HSet(ctx, pre+"partner:"+slug, "name", "Clínica Salud", "name_key", "clínica salud", "name_slug", slug, "stage", "prospect", "cadence_days", "30").Err(),
		rdb.ZAdd(ctx, pre+"partners", redis.Z{Member: slug}).Err(),
		rdb.HSet(ctx, pre+"partner-names", "clínica salud", slug).Err(),
		rdb.ZAdd(ctx, pre+"partner-lex", redis.Z{Member: slug + ":" + slug}).Err(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"LOG_LEVEL": "info"}
	migrated := func(logs string) []string {
		var out []string
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, `"msg":"migrated stored data"`) {
				out = append(out, line)
			}
		}
		return out
	}

	first := launchBot(t, fs, rs, env, clock)
	if got := migrated(first.logs.String()); len(got) != 2 ||
		!strings.Contains(got[0], `"migration":"fold partner names"`) || !strings.Contains(got[0], `"changed":1`) ||
		!strings.Contains(got[1], `"migration":"index for search"`) || !strings.Contains(got[1], `"changed":1`) {
		t.Errorf("first start migrated %q; want the fold of partner names, then the search index, each once, each changing one partner", got)
	}
	if r := first.slash("U0MARIA", "C0OUTREACH", "partner show clinica"); !strings.Contains(r.Text, "Clínica Salud") {
		t.Errorf("after the first start, `partner show clinica` = %q; want Clínica Salud", r.Text)
	}
	if code := first.stop(); code != 0 {
		t.Fatalf("first start exited %d", code)
	}
	// The second start is seen connected only once the first's socket is
	// gone.
	testwait.Until(t, "the first start's sockets to close", func() bool { return fs.Connections() == 0 })

	second := launchBot(t, fs, rs, env, clock)
	if got := migrated(second.logs.String()); len(got) != 0 {
		t.Errorf("second start migrated %q; want nothing", got)
	}
	if r := second.slash("U0MARIA", "C0OUTREACH", "partner show clinica"); !strings.Contains(r.Text, "Clínica Salud") {
		t.Errorf("after the second start, `partner show clinica` = %q; want Clínica Salud", r.Text)
	}
	if v, err := store.New(rdb, 0).SchemaVersion(ctx, home); err != nil || v != 2 {
		t.Errorf("schema version = %d, %v; want 2", v, err)
	}
}
