package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

// TestLiaisonNeedsAKnownOrganization: a liaison acts for the partner
// linked to the channel only when the partner's organization is known and
// is theirs. Unknown (the channel was internal when linked) or unnamed
// (several organizations in the channel) means nobody, whatever their
// team, a team Slack could not tell included.
func TestLiaisonNeedsAKnownOrganization(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	addPartner(t, s, "County Health Dept", "C0COUNTY")
	liaison := func(team string) store.PartnerRef {
		return store.PartnerRef{Channel: "C0COUNTY", Liaison: true, Team: team}
	}
	setOrg := func(orgs ...string) {
		t.Helper()
		if err := s.UpdatePartner(ctx, team, "county-health-dept", store.PartnerChange{OrgTeams: &orgs}, "U1", t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		orgs []string // nil: unknown, as linked to an internal channel
		ref  store.PartnerRef
		want error
	}{
		{"unknown organization", nil, liaison("T0PARTNER"), store.ErrDenied},
		{"unknown organization, unknown team", nil, liaison(""), store.ErrDenied},
		{"unnamed organization", []string{domain.OrgUnnamed}, liaison("T0PARTNER"), store.ErrDenied},
		{"unnamed organization, unknown team", []string{domain.OrgUnnamed}, liaison(""), store.ErrDenied},
		{"unnamed organization, team spelt like it", []string{domain.OrgUnnamed}, liaison(domain.OrgUnnamed), store.ErrDenied},
		{"known organization, theirs", []string{"T0PARTNER"}, liaison("T0PARTNER"), nil},
		{"known organization of two teams, theirs", []string{"T0PARTNER", "T0PARTNER2"}, liaison("T0PARTNER2"), nil},
		{"known organization, another's", []string{"T0PARTNER"}, liaison("T0OTHER"), store.ErrDenied},
		{"known organization, unknown team", []string{"T0PARTNER"}, liaison(""), store.ErrDenied},
		{"a team member, whatever the organization", nil, store.PartnerRef{Channel: "C0COUNTY"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setOrg(tc.orgs...)
			_, err := s.ResolvePartner(ctx, team, tc.ref)
			if !errors.Is(err, tc.want) {
				t.Errorf("ResolvePartner(%+v) with organization %q: %v; want %v", tc.ref, tc.orgs, err, tc.want)
			}
			p, err := s.Partner(ctx, team, "county-health-dept")
			if err != nil {
				t.Fatal(err)
			}
			if got := p.HasOrg(tc.ref.Team); got != (tc.want == nil && tc.ref.Liaison) {
				t.Errorf("HasOrg(%q) with organization %q = %v; want it to agree with the store", tc.ref.Team, tc.orgs, got)
			}
		})
	}
}

// TestLearnOrg: the organization found in a linked channel is recorded
// once; what is already known, or unnamed, stands.
func TestLearnOrg(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	addPartner(t, s, "County Health Dept", "C0COUNTY")
	addPartner(t, s, "Coalition", "C0COALITION")
	type result struct {
		Slug string
		Orgs []string
	}
	learn := func(channel string, orgs ...string) result {
		t.Helper()
		slug, got, err := s.LearnOrg(ctx, team, channel, orgs, "slack", t0)
		if err != nil {
			t.Fatal(err)
		}
		return result{slug, got}
	}
	for _, tc := range []struct {
		name    string
		channel string
		orgs    []string
		want    result
	}{
		{"nothing found records nothing", "C0COUNTY", nil, result{"county-health-dept", nil}},
		{"the organization found", "C0COUNTY", []string{"T0PARTNER"}, result{"county-health-dept", []string{"T0PARTNER"}}},
		{"a second look does not replace it", "C0COUNTY", []string{"T0OTHER"}, result{"county-health-dept", []string{"T0PARTNER"}}},
		{"several organizations: unnamed", "C0COALITION", []string{domain.OrgUnnamed}, result{"coalition", []string{domain.OrgUnnamed}}},
		{"unnamed stays until named", "C0COALITION", []string{"T0OTHER"}, result{"coalition", []string{domain.OrgUnnamed}}},
		{"a channel linked to no partner", "C0RANDOM", []string{"T0PARTNER"}, result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, learn(tc.channel, tc.orgs...)); diff != "" {
				t.Errorf("LearnOrg (-want +got):\n%s", diff)
			}
		})
	}
	p, err := s.Partner(ctx, team, "county-health-dept")
	if err != nil || !cmp.Equal(p.OrgTeams, []string{"T0PARTNER"}) {
		t.Errorf("the partner after learning: %q, %v", p.OrgTeams, err)
	}
	// Named with org: (UpdatePartner), it is no longer learned over.
	named := []string{"T0COALITION"}
	if err := s.UpdatePartner(ctx, team, "coalition", store.PartnerChange{OrgTeams: &named}, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if got := learn("C0COALITION", "T0OTHER"); !cmp.Equal(got.Orgs, named) {
		t.Errorf("after org: named it, learning gives %q; want %q", got.Orgs, named)
	}
}
