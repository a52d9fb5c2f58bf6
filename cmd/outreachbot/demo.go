package main

import (
	"context"
	"fmt"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

// demoStore is what the demo loader writes through.
type demoStore interface {
	AddPartner(ctx context.Context, team string, p domain.Partner, actor string, now time.Time) error
	UpsertPerson(ctx context.Context, team, slug string, p domain.Person, actor string, now time.Time, clear ...string) (bool, error)
	LogContact(ctx context.Context, team string, ref store.PartnerRef, c domain.Contact, next *store.NextStep, actor string, now time.Time) (domain.Contact, int64, domain.Partner, error)
	AddFollowUp(ctx context.Context, team string, ref store.PartnerRef, f domain.FollowUp, actor string, now time.Time) (int64, domain.Partner, error)
	AddEvent(ctx context.Context, team string, ref store.PartnerRef, e domain.Event, delays store.EventDelays, actor string, now time.Time) (int64, domain.Partner, error)
	SetAttended(ctx context.Context, team string, id int64, count int, actor string, now time.Time) error
	CreateSurvey(ctx context.Context, team, origin string, sv domain.Survey, now time.Time) (int64, bool, error)
	SurveyPosted(ctx context.Context, team string, id int64, channel, ts string) error
	Respond(ctx context.Context, team string, survey int64, user, userTeam, channel, question, answer, scoreQuestion string, now time.Time) (int, error)
}

type demoContact struct {
	partner, method, dir, who string
	daysAgo                   int
	summary                   string
}

// loadDemo fills the store with a realistic outreach team's partners:
// every stage, most kinds, people, and contacts both ways over the last
// months, relative to now so health and nudges look alive.
func loadDemo(ctx context.Context, st demoHistoryStore, team string, now time.Time, loc *time.Location) error {
	day := func(n int) time.Time {
		return now.Add(-time.Duration(n) * 24 * time.Hour).Truncate(time.Hour).Add(-2 * time.Hour)
	}
	partners := []struct {
		p       domain.Partner
		created int
		people  []domain.Person
	}{
		{domain.Partner{Name: "County Health Dept", Kind: "public-health", Stage: "active", Owner: "U0MARIA", Channel: "C0COUNTY", Cadence: 30,
			Services: "Immunizations, WIC, chronic disease programs", Audience: "Uninsured adults, seniors", Programs: "Flu clinics, Diabetes Prevention Program",
			Goals: "Health literacy workshops at every branch", OrgTeams: []string{"T0COUNTYHEALTH"}}, 380,
			[]domain.Person{{Name: "Dana Whitfield", Role: "Health educator", Email: "dana@county.example", Phone: "555-0101"}, {Name: "Luis Ortega", Role: "Community outreach manager"}}},
		{domain.Partner{Name: "Eastside Community Clinic", Kind: "clinic", Stage: "engaged", Owner: "U0YOU", Channel: "C0CLINIC", Cadence: 21,
			Services: "Primary care, sliding-scale fees", Audience: "Spanish-speaking families", OrgTeams: []string{"T0EASTSIDE"}}, 365,
			[]domain.Person{{Name: "Dr. Amara Okafor", Role: "Medical director"}}},
		{domain.Partner{Name: "St. Mary's Hospital", Kind: "hospital", Stage: "contacted", Owner: "U0DEVON", Cadence: 14,
			Programs: "Community benefit grants"}, 60,
			[]domain.Person{{Name: "Grace Kim", Role: "Community benefit coordinator", Email: "gkim@stmarys.example"}}},
		{domain.Partner{Name: "Healthy Futures Coalition", Kind: "nonprofit", Stage: "researching", Owner: "U0PRIYA", Cadence: 30,
			Goals: "Joint mental-health first aid training"}, 20, nil},
		{domain.Partner{Name: "Lincoln Elementary School", Kind: "school", Stage: "prospect", Owner: "U0YOU", Cadence: 45,
			Audience: "Parents of K-5 students"}, 5, nil},
		{domain.Partner{Name: "Main Street Pharmacy", Kind: "pharmacy", Stage: "active", Owner: "U0MARIA", Cadence: 30,
			Services: "Vaccines, medication reviews"}, 350,
			[]domain.Person{{Name: "Sam Patel", Role: "Pharmacist", Phone: "555-0144"}}},
		{domain.Partner{Name: "Grace Community Church", Kind: "faith", Stage: "paused", Owner: "U0DEVON", Cadence: 60,
			Audience: "Seniors, newcomers"}, 300, nil},
		{domain.Partner{Name: "Riverside Senior Center", Kind: "nonprofit", Stage: "ended", Owner: "U0PRIYA", Cadence: 90}, 400, nil},
	}
	for _, d := range partners {
		p := d.p
		p.Slug = domain.Slugify(p.Name)
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
		ct := domain.Contact{Method: c.method, Direction: c.dir, Who: c.who, When: day(c.daysAgo), Summary: c.summary}
		if _, _, _, err := st.LogContact(ctx, team, store.PartnerRef{Text: c.partner}, ct, nil, c.who, day(c.daysAgo)); err != nil {
			return fmt.Errorf("contact with %s: %w", c.partner, err)
		}
	}
	followUps := []struct {
		partner, who string
		inDays       int
		text         string
	}{
		{"county-health-dept", "U0MARIA", 2, "Send Dana the room booking for the workshop"},
		{"st-marys-hospital", "U0DEVON", 1, "Try Grace Kim by phone instead of email"},
		{"eastside-community-clinic", "U0YOU", 5, "Get Spanish MedlinePlus handouts printed"},
	}
	for _, f := range followUps {
		due := now.Add(time.Duration(f.inDays) * 24 * time.Hour).Truncate(time.Hour)
		if _, _, err := st.AddFollowUp(ctx, team, store.PartnerRef{Text: f.partner}, domain.FollowUp{Assignee: f.who, Due: due, Text: f.text}, f.who, now); err != nil {
			return fmt.Errorf("follow-up with %s: %w", f.partner, err)
		}
	}
	if err := loadDemoEvents(ctx, st, team, now, loc); err != nil {
		return err
	}
	return loadDemoHistory(ctx, st, team, now, loc)
}

type demoAnswer struct {
	user, team string
	answers    map[string]string
	comment    string
}

// loadDemoEvents adds past events with their surveys answered, a
// partnership check-in, and events to come.
func loadDemoEvents(ctx context.Context, st demoStore, team string, now time.Time, loc *time.Location) error {
	// Events start at 10:00 (past) or 14:00 (to come) on their day.
	at := func(days, hour int) time.Time {
		y, m, d := now.In(loc).AddDate(0, 0, days).Date()
		return time.Date(y, m, d, hour, 0, 0, 0, loc)
	}
	delays := store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	events := []struct {
		partner  string
		e        domain.Event
		daysAgo  int
		attended int
		survey   []demoAnswer
	}{
		{"county-health-dept", domain.Event{Title: "Flu shot clinic", Type: "screening", Where: "Main branch, community room",
			Audience: "Seniors, uninsured adults", Resources: []string{"room", "display", "pamphlets"}, Registered: 60}, 40, 52,
			[]demoAnswer{
				{"U0P1", "T0CONSOLE", map[string]string{"q1": "5", "q2": "0"}, "So easy to get the shot right here."},
				{"U0P2", "T0CONSOLE", map[string]string{"q1": "4", "q2": "0"}, ""},
				{"U0P3", "T0CONSOLE", map[string]string{"q1": "4", "q2": "1"}, "Longer hours next time, please."},
				{"U0P4", "T0CONSOLE", map[string]string{"q1": "5", "q2": "0"}, ""},
				{"U0DANA", "T0COUNTYHEALTH", map[string]string{"q1": "5", "q2": "0"}, "Great turnout; we'd do it again in spring."},
				{"U0LUIS", "T0COUNTYHEALTH", map[string]string{"q1": "4", "q2": "1"}, ""},
			}},
		{"eastside-community-clinic", domain.Event{Title: "Diabetes-friendly cooking class", Type: "class", Where: "Eastside branch kitchen",
			Audience: "Spanish-speaking families", Resources: []string{"room", "books", "databases"}, Registered: 20}, 20, 14,
			[]demoAnswer{
				{"U0P5", "T0CONSOLE", map[string]string{"q1": "5", "q2": "0"}, "¡Muy útil! More recipes please."},
				{"U0P6", "T0CONSOLE", map[string]string{"q1": "3", "q2": "1"}, ""},
				{"U0P7", "T0CONSOLE", map[string]string{"q1": "4", "q2": "0"}, ""},
				{"U0OKAFOR", "T0EASTSIDE", map[string]string{"q1": "4", "q2": "0"}, "Our patients are asking for a second session."},
			}},
		{"main-street-pharmacy", domain.Event{Title: "Blood pressure screenings at the health fair", Type: "health-fair", Where: "Library plaza",
			Resources: []string{"display", "laptops"}, Registered: -1}, 45, 85, nil},
	}
	for _, d := range events {
		e := d.e
		e.Start = at(-d.daysAgo, 10)
		e.End = e.Start.Add(3 * time.Hour)
		// Recorded now, after the fact: no automatic surveys for them.
		id, p, err := st.AddEvent(ctx, team, store.PartnerRef{Text: d.partner}, e, delays, "U0MARIA", now)
		if err != nil {
			return fmt.Errorf("event %s: %w", e.Title, err)
		}
		if err := st.SetAttended(ctx, team, id, d.attended, "U0MARIA", e.End); err != nil {
			return err
		}
		if d.survey == nil {
			continue
		}
		if err := demoSurvey(ctx, st, team, domain.Survey{Template: "event-feedback", Partner: p.Slug, Event: id, Channel: p.Channel, CreatedBy: "U0MARIA"}, d.survey, e.End.Add(2*time.Hour), ""); err != nil {
			return err
		}
	}
	checkin := []demoAnswer{
		{"U0DANA", "T0COUNTYHEALTH", map[string]string{"q1": "5", "q2": "0"}, "Loved the workshops; more in Spanish would help."},
		{"U0LUIS", "T0COUNTYHEALTH", map[string]string{"q1": "4", "q2": "1"}, ""},
	}
	if err := demoSurvey(ctx, st, team, domain.Survey{Template: "partner-checkin", Partner: "county-health-dept", Channel: "C0COUNTY", CreatedBy: "U0MARIA"}, checkin, at(-55, 10), "q1"); err != nil {
		return err
	}
	upcoming := []struct {
		partner string
		e       domain.Event
		inDays  int
	}{
		{"county-health-dept", domain.Event{Title: "Reading prescription labels: a health literacy workshop", Type: "workshop", Where: "Main branch",
			Audience: "Adults, ESL learners", Resources: []string{"room", "laptops", "databases"}, Registered: 18}, 6},
		{"lincoln-elementary-school", domain.Event{Title: "Family health night", Type: "display", Where: "Lincoln Elementary gym",
			Audience: "Parents of K-5 students", Resources: []string{"display", "books"}, Registered: -1}, 21},
	}
	for _, u := range upcoming {
		e := u.e
		e.Start = at(u.inDays, 14)
		e.End = e.Start.Add(90 * time.Minute)
		if _, _, err := st.AddEvent(ctx, team, store.PartnerRef{Text: u.partner}, e, delays, "U0MARIA", now); err != nil {
			return fmt.Errorf("event %s: %w", e.Title, err)
		}
	}
	return nil
}

// demoSurvey creates a survey as if it had been posted and answered.
func demoSurvey(ctx context.Context, st demoStore, team string, sv domain.Survey, answers []demoAnswer, at time.Time, score string) error {
	id, _, err := st.CreateSurvey(ctx, team, "", sv, at)
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	if err := st.SurveyPosted(ctx, team, id, sv.Channel, fmt.Sprintf("%d.000100", at.Unix())); err != nil {
		return err
	}
	for i, a := range answers {
		when := at.Add(time.Duration(i+1) * 17 * time.Minute)
		for q, v := range a.answers {
			if _, err := st.Respond(ctx, team, id, a.user, a.team, sv.Channel, q, v, score, when); err != nil {
				return fmt.Errorf("survey answer: %w", err)
			}
		}
		if a.comment != "" {
			if _, err := st.Respond(ctx, team, id, a.user, a.team, sv.Channel, "comment", a.comment, "", when); err != nil {
				return fmt.Errorf("survey comment: %w", err)
			}
		}
	}
	return nil
}
