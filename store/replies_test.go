package store

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestPartnerRepliesReadAsLoaded: a partner that a script returns with
// its reply (partner_reply's JSON array) reads as the partner loaded on its
// own, whatever its fields hold: colons, digits, accents, quotes, slashes,
// backslashes, control characters, nothing.
func TestPartnerRepliesReadAsLoaded(t *testing.T) {
	srv := storetest.New(t)
	s := New(srv.Client(), 5*time.Second)
	ctx := context.Background()
	now := testclock.Now()
	p := domain.Partner{Slug: "clinica-12-30", Name: "Clínica 12:30 ☕", Kind: "clinic", Stage: "active", Owner: "U1",
		Channel: "C0CLINIC", Services: "3:tests; 10:vaccines", Audience: "", Programs: "a:b:c",
		Goals: "\"flu/covid\" \\ shots\n\ttwice false, [1]"}
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

// TestPartnerReplyFields: the fields partner_reply returns are those Go
// reads them as, in the same order, and they are every field of a
// partner's hash that Go reads.
func TestPartnerReplyFields(t *testing.T) {
	lua := luaCode(luaFile("partner_lib"))
	call := regexp.MustCompile(`HMGET', pk,([^)]*)\)`).FindStringSubmatch(lua)
	if call == nil {
		t.Fatal("lua/partner_lib.lua: no HMGET of pk")
	}
	var inLua []string
	for _, m := range regexp.MustCompile(`'(\w+)'`).FindAllStringSubmatch(call[1], -1) {
		inLua = append(inLua, m[1])
	}
	if diff := cmp.Diff(partnerReplyFields, inLua); diff != "" {
		t.Errorf("partner_reply's fields (-Go +Lua):\n%s", diff)
	}
	hash := map[string]string{
		"name": "Clínica", "name_key": "clinica", "name_slug": "clinica", "kind": "clinic", "stage": "active", "owner": "U1",
		"channel": "C1", "cadence_days": "14", "services": "s", "audience": "a", "programs": "p", "goals": "g", "archived": "1",
		"created": "1700000000000", "updated": "1700000000001", "last_contact": "1700000000002", "last_inbound": "1700000000003",
		"out_since_in": "4", "nudge_quiet_until": "1700000000005", "checkin_score": "4.50", "checkin_count": "6",
		"checkin_at": "1700000000007", "org_teams": "T1,T2", "nudged_at": "1700000000008", "nudge_mark": "m",
	}
	values := make([]any, len(partnerReplyFields)) // as partner_reply encodes them
	for i, f := range partnerReplyFields {
		values[i] = false
		if v, ok := hash[f]; ok {
			values[i] = v
		}
	}
	packed, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(partnerFromHash("clinica", hash), partnerFromReply("clinica", []any{string(packed)})); diff != "" {
		t.Errorf("a partner from its reply (-from the whole hash +from the reply):\n%s", diff)
	}
	// A reply cut short or garbled yields what it holds up to there, never
	// a panic or a value read past its length.
	for _, bad := range []string{"", `["Cl`, `["Clí"`, `["Clí"x`, `[1,"Clí"]`, `{"name":"Clí"}`, `["Cl\"]`} {
		p := partnerFromReply("clinica", []any{bad})
		if p.Slug != "clinica" || p.Name != "" {
			t.Errorf("reply %q: partner %+v; want only its slug", bad, p)
		}
	}
}
