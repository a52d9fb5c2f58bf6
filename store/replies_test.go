package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestPartnerRepliesReadAsLoaded: a partner that a script returns with
// its reply (HGETALL's list) reads as the partner loaded on its own, whatever
// its fields hold: colons, digits, accents, nothing.
func TestPartnerRepliesReadAsLoaded(t *testing.T) {
	srv := storetest.New(t)
	s := New(srv.Client(), 5*time.Second)
	ctx := context.Background()
	now := testclock.Now()
	p := domain.Partner{Slug: "clinica-12-30", Name: "Clínica 12:30 ☕", Kind: "clinic", Stage: "active", Owner: "U1",
		Channel: "C0CLINIC", Services: "3:tests; 10:vaccines", Audience: "", Programs: "a:b:c"}
	if err := s.AddPartner(ctx, "T0HOME", p, "U1", now); err != nil {
		t.Fatal(err)
	}
	want, err := s.Partner(ctx, "T0HOME", p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ResolvePartner(ctx, "T0HOME", PartnerRef{Text: "clinica"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resolved partner (-loaded +resolved):\n%s", diff)
	}
	_, _, logged, err := s.LogContact(ctx, "T0HOME", PartnerRef{Text: "clinica"}, domain.Contact{Method: "call", Direction: "out", When: now, Summary: "s"}, nil, "U1", now)
	if err != nil {
		t.Fatal(err)
	}
	if want, err = s.Partner(ctx, "T0HOME", p.Slug); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, logged); diff != "" {
		t.Errorf("partner after the log (-loaded +the log's reply):\n%s", diff)
	}
}
