package domain_test

import (
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
)

func TestSlugify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"County Health Dept", "county-health-dept"},
		{"  St. Mary's Clinic!! ", "st-marys-clinic"},
		{"Clínica Ñandú", "clinica-nandu"},
		{"Straße 1", "strasse-1"},
		{"Поликлиника №5", "поликлиника-5"},
		{"<!channel>", "channel"},
		{"---", ""},
	} {
		if got := domain.Slugify(tc.in); got != tc.want {
			t.Errorf("Slugify(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestHealth(t *testing.T) {
	t0 := testclock.Now()
	created := t0
	for _, tc := range []struct {
		name string
		last time.Time
		now  time.Time
		want string
	}{
		{"never contacted, new", time.Time{}, t0.AddDate(0, 0, 1), domain.HealthOnTrack},
		{"contacted 23 days ago", t0, t0.AddDate(0, 0, 23), domain.HealthOnTrack},
		{"contacted 25 days ago", t0, t0.AddDate(0, 0, 25), domain.HealthDue},
		{"contacted 30 days ago", t0, t0.AddDate(0, 0, 30), domain.HealthOverdue},
		{"never contacted, 40 days", time.Time{}, t0.AddDate(0, 0, 40), domain.HealthOverdue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := domain.Partner{Created: created, LastContact: tc.last, Cadence: 30}
			if got := p.Health(tc.now).State; got != tc.want {
				t.Errorf("Health = %q; want %q", got, tc.want)
			}
		})
	}
}

// TestHealthClock: the stay-in-touch clock runs from the last contact,
// also one dated before the partner was added; from when it was added only
// while it was never contacted.
func TestHealthClock(t *testing.T) {
	added := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		last time.Time
		now  time.Time
		want string
	}{
		{"never contacted, added today", time.Time{}, added, domain.HealthOnTrack},
		{"never contacted, 25 days on", time.Time{}, added.AddDate(0, 0, 25), domain.HealthDue},
		{"never contacted, 30 days on", time.Time{}, added.AddDate(0, 0, 30), domain.HealthOverdue},
		{"last contact 3 months before it was added", added.AddDate(0, -3, 0), added.Add(time.Minute), domain.HealthOverdue},
		{"last contact 20 days before it was added", added.AddDate(0, 0, -20), added.Add(time.Minute), domain.HealthOnTrack},
		{"last contact 20 days before, 5 days on", added.AddDate(0, 0, -20), added.AddDate(0, 0, 5), domain.HealthDue},
		{"last contact after it was added", added.AddDate(0, 0, 10), added.AddDate(0, 0, 30), domain.HealthOnTrack},
		{"last contact after, 30 days on from it", added.AddDate(0, 0, 10), added.AddDate(0, 0, 40), domain.HealthOverdue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := domain.Partner{Created: added, LastContact: tc.last, Cadence: 30, Stage: "active"}
			if got := p.Health(tc.now).State; got != tc.want {
				t.Errorf("health = %s; want %s", got, tc.want)
			}
		})
	}
}

// A follow-up done on the day it was due, in the team's zone, was on
// time; the next day, late.
func TestDoneOnTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 9, 9, 0, 0, 0, ny)
	for _, tc := range []struct {
		done time.Time
		want bool
	}{
		{due.Add(-time.Hour), true},
		{due.Add(13 * time.Minute), true},                      // when the reminder came
		{time.Date(2026, 12, 9, 23, 59, 0, 0, ny), true},       // that evening
		{time.Date(2026, 12, 10, 0, 0, 0, 0, ny), false},       // the next day
		{time.Date(2026, 12, 10, 3, 30, 0, 0, time.UTC), true}, // 22:30 in New York
	} {
		if got := (domain.FollowUp{Due: due, DoneAt: tc.done}).DoneOnTime(ny); got != tc.want {
			t.Errorf("due %v, done %v: on time %v; want %v", due, tc.done.In(ny), got, tc.want)
		}
	}
}
