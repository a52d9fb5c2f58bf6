package store_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

func redisZ(member string) redis.Z { return redis.Z{Member: member} }

// TestNamesMatchWithoutCaseOrAccents: a partner is found by its name, id
// or a prefix of either however its accents and case are typed.
func TestNamesMatchWithoutCaseOrAccents(t *testing.T) {
	s, _ := newStore(t)
	p := addPartner(t, s, "Clínica Salud", "")
	addPartner(t, s, "Clinica Salud Este", "")
	if p.Slug != "clinica-salud" {
		t.Fatalf("slug = %q; want clinica-salud", p.Slug)
	}
	ctx := context.Background()
	for _, text := range []string{"clinica-salud", "Clínica Salud", "CLINICA SALUD", "clínica salud"} {
		got, err := s.ResolvePartner(ctx, team, store.PartnerRef{Text: text})
		if err != nil || got.Slug != "clinica-salud" {
			t.Errorf("ResolvePartner(%q) = %q, %v; want clinica-salud", text, got.Slug, err)
		}
	}
	if got, err := s.ResolvePartner(ctx, team, store.PartnerRef{Text: "clínica salud e"}); err != nil || got.Slug != "clinica-salud-este" {
		t.Errorf("a prefix of the longer name = %q, %v", got.Slug, err)
	}
	dup := domain.Partner{Slug: domain.Slugify("CLINICA SALUD"), Name: "CLINICA SALUD", Kind: "clinic", Stage: "prospect", Owner: "U1"}
	if err := s.AddPartner(ctx, team, dup, "U1", t0); err == nil {
		t.Errorf("a name differing only in accents and case was added twice")
	}
}

// TestFoldPartnerIndex: a partner stored before names were folded (its id
// and indexes accented) resolves by its old id and by folded names once
// the index is folded; folding twice changes nothing, and renaming and
// erasing it leave no stale index entries.
func TestFoldPartnerIndex(t *testing.T) {
	s, srv := newStore(t)
	ctx := context.Background()
	rdb := srv.Client()
	pre := "outreach:{" + team + "}:"
	slug := "clínica-salud"
	// What an older version stored for "Clínica Salud".
	rdb.HSet(ctx, pre+"partner:"+slug, "name", "Clínica Salud", "name_key", "clínica salud", "name_slug", slug, "stage", "prospect", "cadence_days", "30")
	rdb.ZAdd(ctx, pre+"partners", redisZ(slug))
	rdb.HSet(ctx, pre+"partner-names", "clínica salud", slug)
	rdb.ZAdd(ctx, pre+"partner-lex", redisZ(slug+":"+slug))

	if _, err := s.ResolvePartner(ctx, team, store.PartnerRef{Text: "clinica"}); err == nil {
		t.Fatalf("an unfolded index found a folded prefix: the test does not set up the old shape")
	}
	if n, err := s.FoldPartnerIndex(ctx, team); err != nil || n != 1 {
		t.Fatalf("FoldPartnerIndex = %d, %v; want 1 partner changed", n, err)
	}
	for _, text := range []string{slug, "clinica-salud", "Clínica Salud", "clinica salud", "clinica", "CLÍN"} {
		got, err := s.ResolvePartner(ctx, team, store.PartnerRef{Text: text})
		if err != nil || got.Slug != slug {
			t.Errorf("ResolvePartner(%q) = %q, %v; want the old id %q", text, got.Slug, err, slug)
		}
	}
	if n, err := s.FoldPartnerIndex(ctx, team); err != nil || n != 0 {
		t.Errorf("folding again = %d, %v; want nothing to do", n, err)
	}
	name := "Salud Norte"
	if err := s.UpdatePartner(ctx, team, slug, store.PartnerChange{Name: &name}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"clinica", "salud norte", slug} {
		if got, err := s.ResolvePartner(ctx, team, store.PartnerRef{Text: text}); err != nil || got.Slug != slug {
			t.Errorf("after renaming, ResolvePartner(%q) = %q, %v", text, got.Slug, err)
		}
	}
	if err := s.ErasePartner(ctx, team, slug, "U1", t0); err != nil {
		t.Fatal(err)
	}
	snap := srv.Snapshot(ctx)
	for _, key := range []string{"partner-lex", "partner-names"} {
		if _, ok := snap[pre+key]; ok {
			n, _ := rdb.ZCard(ctx, pre+key).Result()
			m, _ := rdb.HLen(ctx, pre+key).Result()
			t.Errorf("%s keeps entries after the erase (%d)", key, n+m)
		}
	}
}
