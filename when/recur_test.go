package when

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRecurrence(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	// Friday 2026-11-13 10:00 in New York.
	now := time.Date(2026, 11, 13, 10, 0, 0, 0, ny)
	for _, tc := range []struct {
		typed    string
		used     int
		describe string
		next     []string // the first three occurrences, in New York
	}{
		{"every weekday 9am", 3, "every weekday at 9:00", []string{"Mon 2026-11-16 09:00", "Tue 2026-11-17 09:00", "Wed 2026-11-18 09:00"}},
		{"every day", 2, "every day at 9:00", []string{"Sat 2026-11-14 09:00", "Sun 2026-11-15 09:00", "Mon 2026-11-16 09:00"}},
		{"every day at 14:30 call", 4, "every day at 14:30", []string{"Fri 2026-11-13 14:30", "Sat 2026-11-14 14:30", "Sun 2026-11-15 14:30"}},
		{"every first monday", 3, "every first Monday of the month at 9:00", []string{"Mon 2026-12-07 09:00", "Mon 2027-01-04 09:00", "Mon 2027-02-01 09:00"}},
		{"every last friday of the month 4pm", 7, "every last Friday of the month at 16:00", []string{"Fri 2026-11-27 16:00", "Fri 2026-12-25 16:00", "Fri 2027-01-29 16:00"}},
		{"every 2 weeks", 3, "every 2 weeks on Friday at 9:00", []string{"Fri 2026-11-20 09:00", "Fri 2026-12-04 09:00", "Fri 2026-12-18 09:00"}},
		{"every 2 weeks on tuesday 10am", 6, "every 2 weeks on Tuesday at 10:00", []string{"Tue 2026-11-17 10:00", "Tue 2026-12-01 10:00", "Tue 2026-12-15 10:00"}},
		{"every week", 2, "every Friday at 9:00", []string{"Fri 2026-11-20 09:00", "Fri 2026-11-27 09:00", "Fri 2026-12-04 09:00"}},
		{"every month on the 15th", 5, "every month on the 15th at 9:00", []string{"Sun 2026-11-15 09:00", "Tue 2026-12-15 09:00", "Fri 2027-01-15 09:00"}},
		{"every month", 2, "every month on the 13th at 9:00", []string{"Sun 2026-12-13 09:00", "Wed 2027-01-13 09:00", "Sat 2027-02-13 09:00"}},
		{"every month on the last day", 6, "every month on the last day at 9:00", []string{"Mon 2026-11-30 09:00", "Thu 2026-12-31 09:00", "Sun 2027-01-31 09:00"}},
		{"every month on the second tuesday", 6, "every second Tuesday of the month at 9:00", []string{"Tue 2026-12-08 09:00", "Tue 2027-01-12 09:00", "Tue 2027-02-09 09:00"}},
		{"every 3 months on the 1st", 6, "every 3 months on the 1st at 9:00", []string{"Tue 2026-12-01 09:00", "Mon 2027-03-01 09:00", "Tue 2027-06-01 09:00"}},
		{"every monday and thursday at noon", 6, "every Monday and Thursday at 12:00", []string{"Mon 2026-11-16 12:00", "Thu 2026-11-19 12:00", "Mon 2026-11-23 12:00"}},
		{"Every Tue 8:15am Send notes", 3, "every Tuesday at 8:15", []string{"Tue 2026-11-17 08:15", "Tue 2026-11-24 08:15", "Tue 2026-12-01 08:15"}},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			r, used, err := ParseRecurrence(strings.Fields(tc.typed), now, ny)
			if err != nil {
				t.Fatal(err)
			}
			if used != tc.used {
				t.Errorf("used %d words; want %d", used, tc.used)
			}
			if got := r.Describe(); got != tc.describe {
				t.Errorf("Describe() = %q; want %q", got, tc.describe)
			}
			stored, err := ParseRule(r.String())
			if err != nil || stored != r {
				t.Fatalf("ParseRule(%q) = %+v, %v; want %+v", r.String(), stored, err, r)
			}
			var got []string
			at := now
			for range 3 {
				if at, err = stored.Next(at, ny); err != nil {
					t.Fatal(err)
				}
				got = append(got, at.In(ny).Format("Mon 2006-01-02 15:04"))
			}
			if diff := cmp.Diff(tc.next, got); diff != "" {
				t.Errorf("occurrences (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRecurrenceRefuses(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ny)
	for _, tc := range []struct{ typed, want string }{
		{"every", "not a repeat I know"},
		{"every fortnight", "not a repeat I know"},
		{"every 2 week", "not a repeat I know"},
		{"every 20 months", "not a repeat I know"},
		{"every fifth monday", "not a repeat I know"},
		{"every month", "not every month has a 30th"},
		{"every month on the 31st", "not every month has a 31st"},
		{"every day at 25:00", "25:00"},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			_, _, err := ParseRecurrence(strings.Fields(tc.typed), now, ny)
			var de *DateError
			if !errors.As(err, &de) || !strings.Contains(de.Message, tc.want) {
				t.Errorf("error %v; want a DateError saying %q", err, tc.want)
			}
		})
	}
	if _, _, err := ParseRecurrence([]string{"friday"}, now, ny); !errors.Is(err, ErrNoDate) {
		t.Errorf("not a repeat: %v; want ErrNoDate", err)
	}
}

// TestRecurrenceAcrossDaylightSaving: on New York's spring-forward night
// a 02:30 occurrence, a time that does not happen, comes once at 03:30;
// on the autumn night whose 01:30 happens twice, a 01:30 one comes once,
// at the first. The other days keep their wall-clock time, so the
// instants move by an hour across each switch.
func TestRecurrenceAcrossDaylightSaving(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct {
		name, typed string
		from        time.Time
		want        []string
	}{
		{"spring forward", "every day at 2:30am", time.Date(2027, 3, 12, 12, 0, 0, 0, ny), []string{
			"2027-03-13 02:30 EST", "2027-03-14 03:30 EDT", "2027-03-15 02:30 EDT", "2027-03-16 02:30 EDT"}},
		{"fall back", "every day at 1:30am", time.Date(2026, 10, 30, 12, 0, 0, 0, ny), []string{
			"2026-10-31 01:30 EDT", "2026-11-01 01:30 EDT", "2026-11-02 01:30 EST", "2026-11-03 01:30 EST"}},
		{"weekdays at 9, across the autumn switch", "every weekday 9am", time.Date(2026, 10, 29, 12, 0, 0, 0, ny), []string{
			"2026-10-30 09:00 EDT", "2026-11-02 09:00 EST", "2026-11-03 09:00 EST", "2026-11-04 09:00 EST"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _, err := ParseRecurrence(strings.Fields(tc.typed), tc.from, ny)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			at := tc.from
			for range len(tc.want) {
				if at, err = r.Next(at, ny); err != nil {
					t.Fatal(err)
				}
				got = append(got, at.In(ny).Format("2006-01-02 15:04 MST"))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("occurrences (-want +got):\n%s", diff)
			}
		})
	}
}
