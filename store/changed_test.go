package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestResolvedPartnerChangesBetweenRounds: a command naming a partner by
// a prefix resolves it in a first round and writes in a second, with the
// partner's keys declared. When the name means another partner by then
// (renamed, erased), the write refuses: ErrChanged, and nothing of the
// command is stored.
func TestResolvedPartnerChangesBetweenRounds(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		between func(s *store.Store) error
		wantErr error
	}{
		{"nothing changes", nil, nil},
		{"renamed, and another partner now has the name", func(s *store.Store) error {
			name := "Metro Health"
			if err := s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{Name: &name}, "U2", t0); err != nil {
				return err
			}
			return s.AddPartner(ctx, team, domain.Partner{Slug: "county-clinic", Name: "County Clinic", Kind: "clinic", Stage: "prospect", Owner: "U2"}, "U2", t0)
		}, store.ErrChanged},
		{"erased", func(s *store.Store) error {
			return s.ErasePartner(ctx, team, "county-health-dept", "U2", t0)
		}, store.ErrChanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := storetest.New(t)
			other := store.New(srv.Client(), 0)
			addPartner(t, other, "County Health Dept", "C1")
			rdb := srv.Client()
			h := &afterResolve{}
			rdb.AddHook(h)
			s := store.New(rdb, 0)
			var after map[string]string
			h.then = func() {
				if tc.between != nil {
					if err := tc.between(other); err != nil {
						t.Errorf("between the rounds: %v", err)
					}
				}
				after = srv.Snapshot(ctx)
			}
			c, _, _, err := s.LogContact(ctx, team, store.PartnerRef{Text: "county"}, domain.Contact{Method: "call", Direction: "out", When: t0, Summary: "hi"},
				&store.NextStep{Due: t0.Add(48 * 3600e9), Text: "call back"}, "U1", t0)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("LogContact = %v; want %v", err, tc.wantErr)
			}
			if after == nil {
				t.Fatal("the command took one round: the guess \"county\" should have missed")
			}
			if tc.wantErr == nil {
				if c.Partner != "county-health-dept" {
					t.Errorf("logged with %q; want county-health-dept", c.Partner)
				}
				return
			}
			if diff := cmp.Diff(after, srv.Snapshot(ctx)); diff != "" {
				t.Errorf("a refused command stored something (-before +after):\n%s", diff)
			}
		})
	}
}

// afterResolve calls then once, after the first script reply that says
// which partner the name resolved to.
type afterResolve struct {
	once sync.Once
	then func()
}

func (h *afterResolve) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *afterResolve) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if c, ok := cmd.(*redis.Cmd); ok {
			if arr, ok := c.Val().([]any); ok && len(arr) > 1 && arr[0] == "err" && arr[1] == "resolved" {
				h.once.Do(h.then)
			}
		}
		return err
	}
}

func (h *afterResolve) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
