package commands_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestPartnerErasedWhileSaving: `log county …` resolves the partner in a
// first round and writes in a second, with the partner's keys declared;
// the partner erased in between, the command is refused with "try
// again", and nothing is stored. Typed again, it says there is no such
// partner.
func TestPartnerErasedWhileSaving(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	rdb := hs.srv.Client()
	other := store.New(hs.srv.Client(), 0)
	var before map[string]string
	// County Health Dept is erased once, right after a script's first
	// round says which partner a name resolved to.
	storetest.AfterReplyOnce(rdb, "resolved", func(ctx context.Context) {
		if err := other.ErasePartner(ctx, team, "county-health-dept", "U0LEAD", t0); err != nil {
			t.Errorf("erase: %v", err)
		}
		before = hs.srv.Snapshot(context.Background())
	})
	hs.h = commands.New(store.New(rdb, 0), hs.clock, commands.Config{Command: "/outreach", Loc: ny, Directory: directory{}, Names: directory{}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))

	r := hs.do(member, `log county call "Talked about the flu clinic"`)
	if r.Outcome != message.OutcomeUnavailable || !strings.Contains(r.Text, "changed while I was saving it") || !strings.Contains(r.Text, "nothing was saved") {
		t.Errorf("log across an erase: %s %q; want that something changed, nothing was saved, try again", r.Outcome, r.Text)
	}
	if before == nil {
		t.Fatal("the rename never ran: the command resolved in one round")
	}
	if after := hs.srv.Snapshot(context.Background()); len(after) != len(before) || !sameSnapshot(before, after) {
		t.Errorf("the refused command stored something")
	}
	r = hs.do(member, `log county call "Talked about the flu clinic"`)
	if r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "I don't know a partner called `county`") {
		t.Errorf("typed again: %s %q; want that there is no such partner", r.Outcome, r.Text)
	}
}

func sameSnapshot(a, b map[string]string) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
