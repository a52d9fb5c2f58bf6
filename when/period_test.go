package when

import (
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/internal/testclock"
)

// TestPeriodsAtTheTestInstant reads the named periods at the test instant
// (scripts/test-instants.sh: New Year's Day, a leap day, the night the
// clocks go forward…) in zones either side of the date line: each starts
// at midnight where it should, what runs past now counts to now, and last month and
// last quarter end where this month and this quarter begin.
func TestPeriodsAtTheTestInstant(t *testing.T) {
	for _, zone := range []string{"America/New_York", "America/Chicago", "UTC", "Pacific/Auckland"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoad(t, zone)
			now := testclock.Now()
			local := now.In(loc)
			y, m, _ := local.Date()
			q := time.Month((int(m)-1)/3*3 + 1)
			midnight := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, loc) }
			soFar := now.Add(time.Millisecond)
			for _, tc := range []struct {
				in       string
				from, to time.Time
			}{
				{"month", midnight(y, m), soFar},
				{"last-month", midnight(y, m-1), midnight(y, m)},
				{"quarter", midnight(y, q), soFar},
				{"last-quarter", midnight(y, q-3), midnight(y, q)},
				{"year", midnight(y, 1), soFar},
				{local.Format("2006"), midnight(y, 1), soFar},
				{local.Format("2006-01"), midnight(y, m), soFar},
				{"30d", local.AddDate(0, 0, -30), soFar},
			} {
				p, err := ParsePeriod(tc.in, now, loc)
				c := p.Counted(now)
				if err != nil || !c.From.Equal(tc.from) || !c.To.Equal(tc.to) {
					t.Errorf("at %s, %q counts %v – %v (%v); want %v – %v", local.Format(time.RFC3339), tc.in, c.From, c.To, err, tc.from, tc.to)
				}
			}
		})
	}
}

// TestPeriodLabels: a period over is named alone (with its days when the
// name does not say them); one that runs past now says "so far", to
// which day, and when it ends; a span of two years says both years.
func TestPeriodLabels(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 12, 15, 10, 0, 0, 0, ny) // Tuesday Dec 15, 2026
	for _, tc := range []struct {
		in, label, short string
		from, to         string // the counted span's first and last day
	}{
		{"2025", "2025", "2025", "2025-01-01", "2025-12-31"},
		{"november", "November 2026", "November 2026", "2026-11-01", "2026-11-30"},
		{"December", "December 2026 so far (Dec 1 – Dec 15, 2026; it ends Dec 31)", "December 2026 so far", "2026-12-01", "2026-12-15"},
		{"january", "January 2026", "January 2026", "2026-01-01", "2026-01-31"},
		{"nov 2025", "November 2025", "November 2025", "2025-11-01", "2025-11-30"},
		{"since october", "Oct 1 – Dec 15, 2026", "Oct 1 – Dec 15, 2026", "2026-10-01", "2026-12-15"},
		{"since dec 1", "Dec 1 – Dec 15, 2026", "Dec 1 – Dec 15, 2026", "2026-12-01", "2026-12-15"},
		{"2026", "2026 so far (Jan 1 – Dec 15, 2026; it ends Dec 31)", "2026 so far", "2026-01-01", "2026-12-15"},
		{"year", "2026 so far (Jan 1 – Dec 15, 2026; it ends Dec 31)", "2026 so far", "2026-01-01", "2026-12-15"},
		{"month", "December 2026 so far (Dec 1 – Dec 15, 2026; it ends Dec 31)", "December 2026 so far", "2026-12-01", "2026-12-15"},
		{"last-month", "November 2026", "November 2026", "2026-11-01", "2026-11-30"},
		{"2026-Q3", "2026-Q3 (Jul 1 – Sep 30, 2026)", "2026-Q3", "2026-07-01", "2026-09-30"},
		{"quarter", "2026-Q4 so far (Oct 1 – Dec 15, 2026; it ends Dec 31)", "2026-Q4 so far", "2026-10-01", "2026-12-15"},
		{"30d", "the last 30 days (Nov 15 – Dec 15, 2026)", "the last 30 days", "2026-11-15", "2026-12-15"},
		{"12mo", "the last 12 months (Dec 15, 2025 – Dec 15, 2026)", "the last 12 months", "2025-12-15", "2026-12-15"},
		{"2026-09-01..2026-11-30", "Sep 1 – Nov 30, 2026", "Sep 1 – Nov 30, 2026", "2026-09-01", "2026-11-30"},
		{"2026-12-01..2027-01-31", "Dec 1, 2026 – Jan 31, 2027 so far (to Dec 15, 2026)", "Dec 1 – Dec 15, 2026 so far", "2026-12-01", "2026-12-15"},
		{"2025-12-01..2026-01-31", "Dec 1, 2025 – Jan 31, 2026", "Dec 1, 2025 – Jan 31, 2026", "2025-12-01", "2026-01-31"},
		// As people say them.
		{"last month", "November 2026", "November 2026", "2026-11-01", "2026-11-30"},
		{"Previous  Month", "November 2026", "November 2026", "2026-11-01", "2026-11-30"},
		{"this month", "December 2026 so far (Dec 1 – Dec 15, 2026; it ends Dec 31)", "December 2026 so far", "2026-12-01", "2026-12-15"},
		{"last quarter", "2026-Q3 (Jul 1 – Sep 30, 2026)", "2026-Q3", "2026-07-01", "2026-09-30"},
		{"this year", "2026 so far (Jan 1 – Dec 15, 2026; it ends Dec 31)", "2026 so far", "2026-01-01", "2026-12-15"},
		{"last year", "2025", "2025", "2025-01-01", "2025-12-31"},
		{"last-year", "2025", "2025", "2025-01-01", "2025-12-31"},
		{"the last 30 days", "the last 30 days (Nov 15 – Dec 15, 2026)", "the last 30 days", "2026-11-15", "2026-12-15"},
		{"past 2 weeks", "the last 2 weeks (Dec 1 – Dec 15, 2026)", "the last 2 weeks", "2026-12-01", "2026-12-15"},
	} {
		p, err := ParsePeriod(tc.in, now, ny)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		c := p.Counted(now)
		from, to := c.From.In(ny).Format("2006-01-02"), c.To.Add(-time.Millisecond).In(ny).Format("2006-01-02")
		if p.Label != tc.label || p.Short != tc.short || from != tc.from || to != tc.to {
			t.Errorf("%s: %q / %q, counted %s..%s; want %q / %q, %s..%s", tc.in, p.Label, p.Short, from, to, tc.label, tc.short, tc.from, tc.to)
		}
	}
}

// TestPeriodsPeopleSayThatAreNot: words near a period's are still refused.
func TestPeriodsPeopleSayThatAreNot(t *testing.T) {
	now := time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)
	for _, in := range []string{"last", "past month", "the", "last county", "next month", "since tomorrow", "since", "since county", "novembre", "nov 26"} {
		if p, err := ParsePeriod(in, now, time.UTC); err == nil {
			t.Errorf("ParsePeriod(%q) = %q; want an error", in, p.Label)
		}
	}
}

// DaysSaid counts the days a period of whole days touches, so far
// included; a period back from now is its rounded length.
func TestDaysSaid(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	now := time.Date(2026, 12, 8, 4, 0, 0, 0, ny)
	for _, tc := range []struct {
		in   string
		want int
	}{{"2026", 342}, {"2025", 365}, {"month", 8}, {"last-month", 30}, {"30d", 30}, {"2026-12-01..2026-12-08", 8}, {"since dec 1", 8}} {
		p, err := ParsePeriod(tc.in, now, ny)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Counted(now).DaysSaid(); got != tc.want {
			t.Errorf("%q: %d days; want %d", tc.in, got, tc.want)
		}
	}
	// At midnight, the last 30 days are still 30.
	midnight := time.Date(2026, 12, 8, 0, 0, 0, 0, ny)
	if p, _ := ParsePeriod("30d", midnight, ny); p.Counted(midnight).DaysSaid() != 30 {
		t.Errorf("30d at midnight: %d days", p.Counted(midnight).DaysSaid())
	}
}
