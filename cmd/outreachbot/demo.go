package main

import (
	"context"
	"fmt"
	"time"

	"github.com/outreachbot/outreachbot/store"
)

// demoStore is what the demo loader writes through.
type demoStore interface {
	AddPartner(ctx context.Context, team string, p store.Partner, actor string, now time.Time) error
	UpsertPerson(ctx context.Context, team, slug string, p store.Person, actor string, now time.Time) (bool, error)
	LogContact(ctx context.Context, team string, ref store.PartnerRef, c store.Contact, next *store.NextStep, actor string, now time.Time) (store.Contact, int64, store.Partner, error)
}

type demoContact struct {
	partner, method, dir, who string
	daysAgo                   int
	summary                   string
}

// loadDemo fills the store with a realistic outreach team's partners:
// every stage, most kinds, people, and contacts both ways over the last
// months, relative to now so health and nudges look alive.
func loadDemo(ctx context.Context, st demoStore, team string, now time.Time) error {
	day := func(n int) time.Time {
		return now.Add(-time.Duration(n) * 24 * time.Hour).Truncate(time.Hour).Add(-2 * time.Hour)
	}
	partners := []struct {
		p       store.Partner
		created int
		people  []store.Person
	}{
		{store.Partner{Name: "County Health Dept", Kind: "public-health", Stage: "active", Owner: "U0MARIA", Channel: "C0COUNTY", Cadence: 30,
			Services: "Immunizations, WIC, chronic disease programs", Audience: "Uninsured adults, seniors", Programs: "Flu clinics, Diabetes Prevention Program",
			Goals: "Health literacy workshops at every branch"}, 200,
			[]store.Person{{Name: "Dana Whitfield", Role: "Health educator", Email: "dana@county.example", Phone: "555-0101"}, {Name: "Luis Ortega", Role: "Community outreach manager"}}},
		{store.Partner{Name: "Eastside Community Clinic", Kind: "clinic", Stage: "engaged", Owner: "U0YOU", Channel: "C0CLINIC", Cadence: 21,
			Services: "Primary care, sliding-scale fees", Audience: "Spanish-speaking families"}, 120,
			[]store.Person{{Name: "Dr. Amara Okafor", Role: "Medical director"}}},
		{store.Partner{Name: "St. Mary's Hospital", Kind: "hospital", Stage: "contacted", Owner: "U0DEVON", Cadence: 14,
			Programs: "Community benefit grants"}, 60,
			[]store.Person{{Name: "Grace Kim", Role: "Community benefit coordinator", Email: "gkim@stmarys.example"}}},
		{store.Partner{Name: "Healthy Futures Coalition", Kind: "nonprofit", Stage: "researching", Owner: "U0PRIYA", Cadence: 30,
			Goals: "Joint mental-health first aid training"}, 20, nil},
		{store.Partner{Name: "Lincoln Elementary School", Kind: "school", Stage: "prospect", Owner: "U0YOU", Cadence: 45,
			Audience: "Parents of K-5 students"}, 5, nil},
		{store.Partner{Name: "Main Street Pharmacy", Kind: "pharmacy", Stage: "active", Owner: "U0MARIA", Cadence: 30,
			Services: "Vaccines, medication reviews"}, 150,
			[]store.Person{{Name: "Sam Patel", Role: "Pharmacist", Phone: "555-0144"}}},
		{store.Partner{Name: "Grace Community Church", Kind: "faith", Stage: "paused", Owner: "U0DEVON", Cadence: 60,
			Audience: "Seniors, newcomers"}, 300, nil},
		{store.Partner{Name: "Riverside Senior Center", Kind: "nonprofit", Stage: "ended", Owner: "U0PRIYA", Cadence: 90}, 400, nil},
	}
	for _, d := range partners {
		p := d.p
		p.Slug = store.Slugify(p.Name)
		if err := st.AddPartner(ctx, team, p, p.Owner, day(d.created)); err != nil {
			return fmt.Errorf("partner %s: %w", p.Name, err)
		}
		for _, person := range d.people {
			if _, err := st.UpsertPerson(ctx, team, p.Slug, person, p.Owner, day(d.created)); err != nil {
				return fmt.Errorf("person at %s: %w", p.Name, err)
			}
		}
	}
	contacts := []demoContact{
		{"county-health-dept", "meeting", "out", "U0MARIA", 180, "Intro meeting with the health education team"},
		{"county-health-dept", "email", "in", "U0MARIA", 150, "They proposed co-hosting flu clinics at two branches"},
		{"county-health-dept", "call", "out", "U0MARIA", 90, "Planned the fall flu clinic schedule"},
		{"county-health-dept", "visit", "out", "U0MARIA", 40, "Toured the Eastside branch meeting room with Dana"},
		{"county-health-dept", "email", "in", "U0MARIA", 12, "Dana sent the diabetes workshop outline"},
		{"county-health-dept", "call", "out", "U0YOU", 3, "Confirmed 200 printed flyers for the flu clinic"},
		{"eastside-community-clinic", "letter", "out", "U0YOU", 110, "Partnership letter with our health literacy offer"},
		{"eastside-community-clinic", "call", "in", "U0YOU", 95, "Dr. Okafor called back, interested in a bilingual series"},
		{"eastside-community-clinic", "meeting", "out", "U0YOU", 60, "Planned a Spanish-language nutrition class"},
		{"eastside-community-clinic", "message", "in", "U0YOU", 18, "They asked for MedlinePlus handouts in Spanish"},
		{"st-marys-hospital", "email", "out", "U0DEVON", 50, "Introduced our consumer health collection"},
		{"st-marys-hospital", "call", "out", "U0DEVON", 35, "Left a voicemail for Grace Kim"},
		{"st-marys-hospital", "letter", "out", "U0DEVON", 20, "Mailed the community benefit proposal"},
		{"healthy-futures-coalition", "email", "out", "U0PRIYA", 15, "Asked about their mental-health first aid trainers"},
		{"healthy-futures-coalition", "email", "in", "U0PRIYA", 12, "They can train library staff in January"},
		{"main-street-pharmacy", "visit", "out", "U0MARIA", 140, "Dropped off program flyers"},
		{"main-street-pharmacy", "call", "in", "U0MARIA", 100, "Sam offered free blood pressure checks at the fair"},
		{"main-street-pharmacy", "meeting", "out", "U0MARIA", 45, "Debrief after the health fair: 85 screenings"},
		{"grace-community-church", "meeting", "out", "U0DEVON", 200, "Met the outreach committee"},
		{"grace-community-church", "call", "in", "U0DEVON", 120, "Pastor asked to pause until the new hall opens"},
		{"riverside-senior-center", "letter", "out", "U0PRIYA", 380, "Proposed tablet classes for seniors"},
		{"riverside-senior-center", "email", "in", "U0PRIYA", 300, "Center closing; partnership ended with thanks"},
		{"lincoln-elementary-school", "other", "out", "U0YOU", 2, "Researched the PTA calendar for a family health night"},
	}
	for _, c := range contacts {
		ct := store.Contact{Method: c.method, Direction: c.dir, Who: c.who, When: day(c.daysAgo), Summary: c.summary}
		if _, _, _, err := st.LogContact(ctx, team, store.PartnerRef{Text: c.partner}, ct, nil, c.who, day(c.daysAgo)); err != nil {
			return fmt.Errorf("contact with %s: %w", c.partner, err)
		}
	}
	return nil
}
