package when

import (
	"testing"
	"time"
)

var newYork, _ = time.LoadLocation("America/New_York")

func TestScheduleAcrossDaylightSaving(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		from, upTo time.Time
		want       []string // occurrence instants, RFC 3339
	}{
		{
			name: "autumn 01:30 runs once", spec: "30 1 * * *",
			from: time.Date(2026, 10, 31, 12, 0, 0, 0, newYork), upTo: time.Date(2026, 11, 2, 12, 0, 0, 0, newYork),
			want: []string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"},
		},
		{
			name: "spring 02:30 runs once, after the gap", spec: "30 2 * * *",
			from: time.Date(2026, 3, 7, 12, 0, 0, 0, newYork), upTo: time.Date(2026, 3, 9, 12, 0, 0, 0, newYork),
			want: []string{"2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"},
		},
		{
			name: "hourly through the repeated hour", spec: "0 * * * *",
			from: time.Date(2026, 11, 1, 0, 30, 0, 0, newYork), upTo: time.Date(2026, 11, 1, 2, 30, 0, 0, newYork),
			want: []string{"2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00"},
		},
		{
			name: "weekday nudges", spec: "0 9 * * 1-5",
			from: time.Date(2026, 11, 27, 10, 0, 0, 0, newYork), upTo: time.Date(2026, 12, 1, 10, 0, 0, 0, newYork),
			want: []string{"2026-11-30T09:00:00-05:00", "2026-12-01T09:00:00-05:00"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSchedule(tc.spec, newYork)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			keys := map[string]bool{}
			for at := tc.from; ; {
				occ, key := s.Next(at)
				if occ.After(tc.upTo) {
					break
				}
				if keys[key] {
					t.Errorf("key %s twice", key)
				}
				keys[key] = true
				got = append(got, occ.In(newYork).Format(time.RFC3339))
				at = occ
			}
			if len(got) != len(tc.want) {
				t.Fatalf("occurrences = %v; want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("occurrence %d = %s; want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestEveryIsAnchoredAtTheEpoch(t *testing.T) {
	s, err := ParseSchedule("@every 1m", newYork)
	if err != nil {
		t.Fatal(err)
	}
	a, ka := s.Next(time.Date(2026, 11, 27, 10, 0, 10, 0, time.UTC))
	b, kb := s.Next(time.Date(2026, 11, 27, 10, 0, 50, 0, time.UTC))
	if !a.Equal(b) || ka != kb || !a.Equal(time.Date(2026, 11, 27, 10, 1, 0, 0, time.UTC)) {
		t.Errorf("two replicas starting 40 s apart got %v (%s) and %v (%s); want the same minute", a, ka, b, kb)
	}
	occ, _, n := s.Latest(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 10, 5, 30, 0, time.UTC))
	if n != 5 || !occ.Equal(time.Date(2026, 11, 27, 10, 5, 0, 0, time.UTC)) {
		t.Errorf("latest = %v, %d; want 10:05, 5", occ, n)
	}
}

func TestParseScheduleRejectsWhatRobfigPanicsOn(t *testing.T) {
	for _, spec := range []string{"TZ=UTC", "TZ=0", "CRON_TZ=", "* * *", "@every 0s", "@every soon", "61 * * * *"} {
		if _, err := ParseSchedule(spec, time.UTC); err == nil {
			t.Errorf("ParseSchedule(%q) = nil; want an error", spec)
		}
	}
}

func TestQuietHours(t *testing.T) {
	q, err := ParseQuietHours("18:00-08:00,sat,sun")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, tc := range []struct {
		name string
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		{"working hours", time.Date(2026, 11, 27, 10, 0, 0, 0, newYork), newYork, time.Date(2026, 11, 27, 10, 0, 0, 0, newYork)},
		{"evening waits for morning", time.Date(2026, 11, 25, 19, 0, 0, 0, newYork), newYork, time.Date(2026, 11, 26, 8, 0, 0, 0, newYork)},
		{"friday evening waits for monday", time.Date(2026, 11, 27, 18, 30, 0, 0, newYork), newYork, time.Date(2026, 11, 30, 8, 0, 0, 0, newYork)},
		{"early morning", time.Date(2026, 11, 26, 6, 0, 0, 0, newYork), newYork, time.Date(2026, 11, 26, 8, 0, 0, 0, newYork)},
		{"the recipient's own zone", time.Date(2026, 11, 26, 10, 0, 0, 0, newYork), tokyo, time.Date(2026, 11, 27, 8, 0, 0, 0, tokyo)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := q.NextWorking(tc.at, tc.loc); !got.Equal(tc.want) {
				t.Errorf("NextWorking(%v) = %v; want %v", tc.at, got.In(tc.loc), tc.want)
			}
		})
	}
	off, _ := ParseQuietHours("off")
	if off.Quiet(time.Date(2026, 11, 28, 3, 0, 0, 0, newYork), newYork) {
		t.Errorf("quiet hours off: Saturday 03:00 is quiet")
	}
	for _, bad := range []string{"6pm-8am", "18:00", "18:00-08:00,someday", "25:00-08:00"} {
		if _, err := ParseQuietHours(bad); err == nil {
			t.Errorf("ParseQuietHours(%q) = nil error", bad)
		}
	}
}
