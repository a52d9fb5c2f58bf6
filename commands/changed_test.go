package commands_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
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
	h := &eraseAfterResolve{other: store.New(hs.srv.Client(), 0), t: t}
	rdb.AddHook(h)
	hs.h = commands.New(store.New(rdb, 0), hs.clock, commands.Config{Command: "/outreach", Loc: ny, Directory: directory{}, Names: directory{}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	var before map[string]string
	h.then = func() { before = hs.srv.Snapshot(context.Background()) }

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

// eraseAfterResolve erases County Health Dept once, right after a
// script's first round says which partner a name resolved to.
type eraseAfterResolve struct {
	t     *testing.T
	other *store.Store
	once  sync.Once
	then  func()
}

func (h *eraseAfterResolve) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *eraseAfterResolve) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		c, ok := cmd.(*redis.Cmd)
		if !ok {
			return err
		}
		if arr, ok := c.Val().([]any); ok && len(arr) > 1 && arr[0] == "err" && arr[1] == "resolved" {
			h.once.Do(func() {
				if err := h.other.ErasePartner(ctx, team, "county-health-dept", "U0LEAD", t0); err != nil {
					h.t.Errorf("erase: %v", err)
				}
				h.then()
			})
		}
		return err
	}
}

func (h *eraseAfterResolve) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
