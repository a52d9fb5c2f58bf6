package commands

import (
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/internal/testclock"
)

// TestPeriodsAtTheTestInstant reads the named periods at the test instant
// (scripts/test-instants.sh: New Year's Day, a leap day, the night the
// clocks go forward…) in zones either side of the date line: each starts
// at midnight where it should, so-far periods end now, and last month and
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
				{local.Format("2006"), midnight(y, 1), midnight(y+1, 1)},
				{local.Format("2006-01"), midnight(y, m), midnight(y, m+1)},
				{"30d", local.AddDate(0, 0, -30), soFar},
			} {
				p, err := parsePeriod(tc.in, now, loc)
				if err != nil || !p.From.Equal(tc.from) || !p.To.Equal(tc.to) {
					t.Errorf("at %s, %q = %v – %v (%v); want %v – %v", local.Format(time.RFC3339), tc.in, p.From, p.To, err, tc.from, tc.to)
				}
			}
		})
	}
}
