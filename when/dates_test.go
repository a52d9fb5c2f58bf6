package when

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests use named zones; do not depend on the machine's zoneinfo

	"github.com/outreachbot/outreachbot/internal/testclock"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustRFC3339(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// refNow is the reference "now" of these tests: Friday 2026-11-27 10:00 in loc.
func refNow(loc *time.Location) time.Time {
	return time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
}

// TestParseWhen runs the same table in several zones: wants are wall clocks
// in the zone of the test, and now is 10:00 there.
func TestParseWhen(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // wall clock in loc, "2006-01-02 15:04"
		used int
	}{
		// SPEC §3 examples.
		{"iso date", "2026-12-03", "2026-12-03 09:00", 1},
		{"iso date and time", "2026-12-03 14:30", "2026-12-03 14:30", 2},
		{"today", "today", "2026-11-27 10:00", 1},
		{"tomorrow", "tomorrow", "2026-11-28 09:00", 1},
		{"friday excludes today", "friday", "2026-12-04 09:00", 1},
		{"next tuesday 10am", "next tuesday 10am", "2026-12-01 10:00", 3},
		{"in 3 days", "in 3 days", "2026-11-30 10:00", 3},
		{"in 2 weeks", "in 2 weeks", "2026-12-11 10:00", 3},
		{"+14d", "+14d", "2026-12-11 10:00", 1},
		{"dec 3", "dec 3", "2026-12-03 09:00", 2},

		// As people say them.
		{"in two weeks", "in two weeks", "2026-12-11 10:00", 3},
		{"in three days then text", "in three days send it", "2026-11-30 10:00", 3},
		{"in a couple of days", "in a couple of days", "2026-11-29 10:00", 5},
		{"in a few weeks", "in a few weeks", "2026-12-18 10:00", 4},
		{"two days ago", "two days ago", "2026-11-25 10:00", 3},
		{"on friday", "on friday", "2026-12-04 09:00", 2},
		{"by friday 3pm", "by friday 3pm", "2026-12-04 15:00", 3},
		{"eow", "eow", "2026-11-27 17:00", 1},

		// Greedy: the longest prefix that is a date.
		{"tomorrow then text", "tomorrow Send the flyer", "2026-11-28 09:00", 1},
		{"next tuesday 10am then text", "next tuesday 10am call back", "2026-12-01 10:00", 3},
		{"dec 3 2pm then text", "dec 3 2pm agenda", "2026-12-03 14:00", 3},
		{"at without a time is text", "tomorrow at the office", "2026-11-28 09:00", 1},
		{"bare number is text", "tomorrow 10 flyers", "2026-11-28 09:00", 1},
		{"iso date at time", "2026-12-03 at 2:30pm", "2026-12-03 14:30", 3},
		{"iso with T", "2026-12-03T14:30 call", "2026-12-03 14:30", 1},
		{"iso with T and seconds", "2026-12-03T14:30:00", "2026-12-03 14:30", 1},
		{"iso date one-digit parts", "2026-1-5", "2026-01-05 09:00", 1},
		{"upper case", "TOMORROW AT 3PM", "2026-11-28 15:00", 3},

		// Named days.
		{"today with a past time", "today 9am", "2026-11-27 09:00", 2},
		{"tonight", "tonight", "2026-11-27 19:00", 1},
		{"tonight 8pm", "tonight 8pm", "2026-11-27 20:00", 2},
		{"tomorrow at 3pm", "tomorrow at 3pm", "2026-11-28 15:00", 3},
		{"tomorrow noon", "tomorrow noon", "2026-11-28 12:00", 2},
		{"tomorrow midnight is its start", "tomorrow midnight", "2026-11-28 00:00", 2},
		{"tomorrow 10 am", "tomorrow 10 am", "2026-11-28 10:00", 3},
		{"tomorrow 2:30 p.m.", "tomorrow 2:30 p.m.", "2026-11-28 14:30", 3},
		{"yesterday", "yesterday", "2026-11-26 09:00", 1},
		{"fri", "fri", "2026-12-04 09:00", 1},
		{"saturday", "saturday", "2026-11-28 09:00", 1},
		{"mon", "mon", "2026-11-30 09:00", 1},
		{"thurs", "thurs", "2026-12-03 09:00", 1},
		{"weekday with comma", "monday, 2pm", "2026-11-30 14:00", 2},
		{"this friday is today", "this friday", "2026-11-27 10:00", 2},
		{"this friday later today", "this friday 3pm", "2026-11-27 15:00", 3},
		{"this friday past time rolls a week", "this friday 9am", "2026-12-04 09:00", 3},
		{"this monday", "this monday", "2026-11-30 09:00", 2},
		{"next monday is next week's", "next monday", "2026-11-30 09:00", 2},
		{"next friday", "next friday", "2026-12-04 09:00", 2},
		{"next sunday", "next sunday", "2026-12-06 09:00", 2},
		{"next week", "next week", "2026-11-30 09:00", 2},
		{"next month", "next month", "2026-12-01 09:00", 2},
		{"last friday", "last friday", "2026-11-20 09:00", 2},
		{"last thursday", "last thursday", "2026-11-26 09:00", 2},

		// Month names.
		{"december 3", "december 3", "2026-12-03 09:00", 2},
		{"3 dec", "3 dec", "2026-12-03 09:00", 2},
		{"dec 3rd", "dec 3rd", "2026-12-03 09:00", 2},
		{"dec 3 2026 with comma", "Dec 3, 2026", "2026-12-03 09:00", 3},
		{"dec 3 2027", "dec 3 2027", "2027-12-03 09:00", 3},
		{"3 dec 2026 14:30", "3 dec 2026 14:30", "2026-12-03 14:30", 4},
		{"sept. 10 nearest is past", "sept. 10", "2026-09-10 09:00", 2},
		{"jan 5 nearest is next year", "jan 5", "2027-01-05 09:00", 2},
		{"may 27 nearest is next year", "may 27", "2027-05-27 09:00", 2},
		{"nov 27 is today", "nov 27", "2026-11-27 10:00", 2},
		{"feb 29 in the next leap year", "feb 29 2028", "2028-02-29 09:00", 3},
		{"four digits out of range are not a year", "dec 3 1430", "2026-12-03 09:00", 2},

		// Offsets from now.
		{"in 1 month", "in 1 month", "2026-12-27 10:00", 3},
		{"in 90 minutes", "in 90 minutes", "2026-11-27 11:30", 3},
		{"in 2 hours", "in 2 hours", "2026-11-27 12:00", 3},
		{"in an hour", "in an hour", "2026-11-27 11:00", 3},
		{"in a week", "in a week", "2026-12-04 10:00", 3},
		{"in 2h compact", "in 2h", "2026-11-27 12:00", 2},
		{"in 3 days at 2pm", "in 3 days at 2pm", "2026-11-30 14:00", 5},
		{"clock offsets take no time of day", "in 2 hours 3pm", "2026-11-27 12:00", 3},
		{"+2w", "+2w", "2026-12-11 10:00", 1},
		{"+3h", "+3h", "2026-11-27 13:00", 1},
		{"+90m", "+90m", "2026-11-27 11:30", 1},
		{"+3mo", "+3mo", "2027-02-27 10:00", 1},
		{"+14 days", "+14 days", "2026-12-11 10:00", 2},
		{"+1d 8am", "+1d 8am", "2026-11-28 08:00", 2},

		// Backdating.
		{"-2d", "-2d", "2026-11-25 10:00", 1},
		{"-3h", "-3h", "2026-11-27 07:00", 1},
		{"3 days ago", "3 days ago", "2026-11-24 10:00", 3},
		{"2 weeks ago", "2 weeks ago", "2026-11-13 10:00", 3},
		{"3 weeks ago", "3 weeks ago", "2026-11-06 10:00", 3},
		{"3 weeks ago then text", "3 weeks ago Talked", "2026-11-06 10:00", 3},
		{"2 months ago", "2 months ago", "2026-09-27 10:00", 3},
		{"a month ago", "a month ago", "2026-10-27 10:00", 3},
		{"a year ago", "a year ago", "2025-11-27 10:00", 3},
		{"5 days ago 2pm", "5 days ago 2pm", "2026-11-22 14:00", 4},
		{"last monday", "last monday", "2026-11-23 09:00", 2},
		{"last saturday 3pm", "last saturday 3pm", "2026-11-21 15:00", 3},
		{"last friday is a week ago", "last friday", "2026-11-20 09:00", 2},
		{"an hour ago", "an hour ago", "2026-11-27 09:00", 3},
		{"a week ago 2pm", "a week ago 2pm", "2026-11-20 14:00", 4},
		{"2d ago", "2d ago", "2026-11-25 10:00", 2},

		// A time alone: today, or tomorrow if past.
		{"10am is now", "10am", "2026-11-27 10:00", 1},
		{"9am has passed", "9am", "2026-11-28 09:00", 1},
		{"14:30", "14:30", "2026-11-27 14:30", 1},
		{"2:30 pm", "2:30 pm", "2026-11-27 14:30", 2},
		{"10 am", "10 am then", "2026-11-27 10:00", 2},
		{"at 3pm", "at 3pm", "2026-11-27 15:00", 2},
		{"at a 24-hour hour", "at 14", "2026-11-27 14:00", 2},
		{"noon", "noon", "2026-11-27 12:00", 1},
		{"midnight is tomorrow's start", "midnight", "2026-11-28 00:00", 1},
		{"12am", "12am", "2026-11-28 00:00", 1},
		{"12pm", "12pm", "2026-11-27 12:00", 1},
		{"time then day", "3pm friday", "2026-12-04 15:00", 2},
		{"time then tomorrow", "10am tomorrow call", "2026-11-28 10:00", 2},
		{"at time then date", "at 9am dec 3", "2026-12-03 09:00", 4},

		// The phrasings people type without thinking.
		{"this morning", "this morning talked", "2026-11-27 09:00", 2},
		{"this afternoon at 3", "this afternoon 3pm", "2026-11-27 15:00", 3},
		{"last week", "last week", "2026-11-20 09:00", 2},
		{"end of week", "end of week", "2026-11-27 17:00", 3},
		{"end of the week", "end of the week send it", "2026-11-27 17:00", 4},
		{"end of day", "end of day", "2026-11-27 17:00", 3},
		{"eod", "eod send it", "2026-11-27 17:00", 1},
		{"end of month", "end of month", "2026-11-30 17:00", 3},
		{"end of the month", "end of the month", "2026-11-30 17:00", 4},
		{"tomorrow afternoon", "tomorrow afternoon call", "2026-11-28 14:00", 2},
		{"weekday morning", "monday morning", "2026-11-30 09:00", 2},
		{"date evening", "dec 3 evening", "2026-12-03 18:00", 3},
		{"next weekday afternoon", "next tuesday afternoon", "2026-12-01 14:00", 3},
		{"the 15th", "the 15th", "2026-12-15 09:00", 2},
		{"the 30th, ahead this month", "the 30th", "2026-11-30 09:00", 2},
		{"the 27th is today", "the 27th", "2026-11-27 10:00", 2},
		{"the 31st passes over months without one", "the 31st 2pm", "2026-12-31 14:00", 3},
		{"day first when it cannot be a month", "15/12", "2026-12-15 09:00", 1},
		{"month first when the day cannot be one", "12/15", "2026-12-15 09:00", 1},
		{"slash date with a year", "12/15/2026 2pm", "2026-12-15 14:00", 2},
		{"day first with a short year", "25/12/26", "2026-12-25 09:00", 1},
	}
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Tokyo"} {
		loc := mustLoad(t, zone)
		now := refNow(loc)
		for _, tc := range tests {
			t.Run(zone+"/"+tc.name, func(t *testing.T) {
				want, err := time.ParseInLocation("2006-01-02 15:04", tc.want, loc)
				if err != nil {
					t.Fatal(err)
				}
				words := strings.Fields(tc.in)
				got, used, err := ParseWhen(words, now, loc)
				if err != nil {
					t.Fatalf("ParseWhen(%q) error: %v", words, err)
				}
				if !got.Equal(want) || used != tc.used {
					t.Errorf("ParseWhen(%q) = %v, %d; want %v, %d", words, got, used, want, tc.used)
				}
				if got.Location() != loc {
					t.Errorf("ParseWhen(%q) location = %v; want %v", words, got.Location(), loc)
				}
			})
		}
	}
}

// TestParseWhenInstants covers cases whose answer is one instant whatever the
// zone: explicit offsets, daylight-saving days, and the user's own zone.
func TestParseWhenInstants(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	tokyo := mustLoad(t, "Asia/Tokyo")
	tests := []struct {
		name string
		in   string
		now  string // RFC 3339
		loc  *time.Location
		want string // RFC 3339
		used int
	}{
		{"rfc3339 utc", "2026-12-03T14:30:00Z", "2026-11-27T10:00:00-05:00", ny, "2026-12-03T09:30:00-05:00", 1},
		{"rfc3339 offset", "2026-12-03T14:30:00+09:00 x", "2026-11-27T10:00:00-05:00", ny, "2026-12-03T05:30:00Z", 1},

		// America/New_York springs forward at 02:00 on 2026-03-08 and falls
		// back at 02:00 on 2026-11-01.
		{"gap moves forward", "2026-03-08 02:30", "2026-11-27T10:00:00-05:00", ny, "2026-03-08T03:30:00-04:00", 2},
		{"just before the gap", "2026-03-08 01:59", "2026-11-27T10:00:00-05:00", ny, "2026-03-08T01:59:00-05:00", 2},
		{"end of the gap", "2026-03-08 03:00", "2026-11-27T10:00:00-05:00", ny, "2026-03-08T03:00:00-04:00", 2},
		{"repeated hour takes the first", "2026-11-01 01:30", "2026-11-27T10:00:00-05:00", ny, "2026-11-01T01:30:00-04:00", 2},
		{"after the repeated hour", "2026-11-01 02:00", "2026-11-27T10:00:00-05:00", ny, "2026-11-01T02:00:00-05:00", 2},
		{"tomorrow across spring forward", "tomorrow", "2026-03-07T10:00:00-05:00", ny, "2026-03-08T09:00:00-04:00", 1},
		{"tomorrow 2:30am in the gap", "tomorrow 2:30am", "2026-03-07T10:00:00-05:00", ny, "2026-03-08T03:30:00-04:00", 2},
		{"in 1 day is 23 hours", "in 1 day", "2026-03-07T10:00:00-05:00", ny, "2026-03-08T10:00:00-04:00", 3},
		{"+24h is clock time", "+24h", "2026-03-07T10:00:00-05:00", ny, "2026-03-08T11:00:00-04:00", 1},
		{"tomorrow 1:30am repeated", "tomorrow 1:30am", "2026-10-31T10:00:00-04:00", ny, "2026-11-01T01:30:00-04:00", 2},
		{"in 1 day is 25 hours", "in 1 day", "2026-10-31T10:00:00-04:00", ny, "2026-11-01T10:00:00-05:00", 3},

		// The same instant is a different day for a user in Tokyo.
		{"tomorrow in UTC", "tomorrow", "2026-11-27T10:00:00Z", time.UTC, "2026-11-28T09:00:00Z", 1},
		{"tomorrow in Tokyo", "tomorrow", "2026-11-27T10:00:00Z", tokyo, "2026-11-28T09:00:00+09:00", 1},
		{"tomorrow in UTC, evening", "tomorrow", "2026-11-27T20:00:00Z", time.UTC, "2026-11-28T09:00:00Z", 1},
		{"tomorrow in Tokyo, already the next day, said at 05:00", "tomorrow", "2026-11-27T20:00:00Z", tokyo, "2026-11-29T05:00:00+09:00", 1},
		{"tomorrow said early in the morning is at most a day away", "tomorrow", "2026-11-27T07:30:00Z", time.UTC, "2026-11-28T07:30:00Z", 1},
		{"a day named that is tomorrow, said early, is at 09:00", "saturday", "2026-11-27T07:30:00Z", time.UTC, "2026-11-28T09:00:00Z", 1},
		{"a date typed that is tomorrow, said early, is at 09:00", "2026-11-28", "2026-11-27T00:30:00Z", time.UTC, "2026-11-28T09:00:00Z", 1},
		{"next month on the eve of the 1st, said early, is at 09:00", "next month", "2028-02-29T07:00:00Z", time.UTC, "2028-03-01T09:00:00Z", 2},
		{"now", "now", "2026-11-27T07:30:00Z", time.UTC, "2026-11-27T07:30:00Z", 1},
		{"today in Tokyo, already the next day", "today", "2026-11-27T20:00:00Z", tokyo, "2026-11-28T05:00:00+09:00", 1},

		// Month arithmetic follows AddDate.
		{"jan 31 plus a month", "+1mo", "2026-01-31T10:00:00Z", time.UTC, "2026-03-03T10:00:00Z", 1},
		{"in 1 month from jan 31", "in 1 month", "2026-01-31T10:00:00Z", time.UTC, "2026-03-03T10:00:00Z", 3},
		{"jan 31 plus a month, leap year", "+1mo", "2028-01-31T10:00:00Z", time.UTC, "2028-03-02T10:00:00Z", 1},
		{"month ago from mar 31", "1 month ago", "2026-03-31T10:00:00Z", time.UTC, "2026-03-03T10:00:00Z", 3},

		// Seconds of now are dropped.
		{"today to the minute", "today", "2026-11-27T10:00:59Z", time.UTC, "2026-11-27T10:00:00Z", 1},
		{"offset to the minute", "in 2 hours", "2026-11-27T10:00:59Z", time.UTC, "2026-11-27T12:00:00Z", 3},
		{"nil location is UTC", "tomorrow", "2026-11-27T10:00:00Z", nil, "2026-11-28T09:00:00Z", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now, want := mustRFC3339(t, tc.now), mustRFC3339(t, tc.want)
			words := strings.Fields(tc.in)
			got, used, err := ParseWhen(words, now, tc.loc)
			if err != nil {
				t.Fatalf("ParseWhen(%q) error: %v", words, err)
			}
			if !got.Equal(want) || used != tc.used {
				t.Errorf("ParseWhen(%q) = %v, %d; want %v, %d", words, got, used, want, tc.used)
			}
		})
	}
}

// TestTonight: "tonight" is 19:00 today. Said at 19:00 or later, a date
// that happened (a contact, ParseWhen) is now, and a due time (a
// follow-up, a snooze, ParseDue) is an hour from now, so that "remind me
// tonight" said late is still ahead.
func TestTonight(t *testing.T) {
	for _, tc := range []struct {
		name, now string // RFC 3339
		due       bool
		want      string // RFC 3339
	}{
		{"morning", "2026-11-27T10:00:00Z", false, "2026-11-27T19:00:00Z"},
		{"morning, due", "2026-11-27T10:00:00Z", true, "2026-11-27T19:00:00Z"},
		{"late evening", "2026-11-27T22:34:20Z", false, "2026-11-27T22:34:00Z"},
		{"late evening, due", "2026-11-27T22:34:20Z", true, "2026-11-27T23:34:00Z"},
		{"just before midnight, due", "2026-11-27T23:30:00Z", true, "2026-11-28T00:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parse := ParseWhen
			if tc.due {
				parse = ParseDue
			}
			got, used, err := parse([]string{"tonight"}, mustRFC3339(t, tc.now), time.UTC)
			if want := mustRFC3339(t, tc.want); err != nil || used != 1 || !got.Equal(want) {
				t.Errorf("tonight at %s (due %v) = %v, %d, %v; want %v", tc.now, tc.due, got, used, err, want)
			}
		})
	}
}

// TestYearTyped: only a date written with its year says so; a year
// inferred from "dec 3" or an offset does not.
// TestParsePast: for when something happened, a weekday alone is the most
// recent one before today, as "last <weekday>" is; every other form reads
// as ParseWhen reads it (a date ahead is left for the caller to refuse).
func TestParsePast(t *testing.T) {
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Tokyo"} {
		loc := mustLoad(t, zone)
		now := refNow(loc) // a Friday, 10:00
		for _, tc := range []struct {
			in   string
			want string // wall clock in loc
			used int
		}{
			{"friday", "2026-11-20 09:00", 1},
			{"thursday", "2026-11-26 09:00", 1},
			{"monday", "2026-11-23 09:00", 1},
			{"saturday", "2026-11-21 09:00", 1},
			{"mon 2pm", "2026-11-23 14:00", 2},
			{"last friday", "2026-11-20 09:00", 2},
			{"last monday", "2026-11-23 09:00", 2},
			{"yesterday", "2026-11-26 09:00", 1},
			{"3 weeks ago", "2026-11-06 10:00", 3},
			{"2 months ago", "2026-09-27 10:00", 3},
			{"a month ago", "2026-10-27 10:00", 3},
			{"400 days ago", "2025-10-23 10:00", 3},
			{"1999-03-04", "1999-03-04 09:00", 1},
			{"dec 3", "2026-12-03 09:00", 2},
			{"next friday", "2026-12-04 09:00", 2},
			{"on friday", "2026-11-20 09:00", 2},
		} {
			t.Run(zone+"/"+tc.in, func(t *testing.T) {
				got, used, err := ParsePast(strings.Fields(tc.in), now, loc)
				if err != nil {
					t.Fatalf("ParsePast(%q): %v", tc.in, err)
				}
				if g := got.In(loc).Format("2006-01-02 15:04"); g != tc.want || used != tc.used {
					t.Errorf("ParsePast(%q) = %s, %d words; want %s, %d", tc.in, g, used, tc.want, tc.used)
				}
			})
		}
	}
}

// TestByIsNotAPastDay: "by friday" says when something is due, never
// when it happened ("they will confirm by friday").
func TestByIsNotAPastDay(t *testing.T) {
	now := refNow(time.UTC)
	if _, used, err := ParsePast(strings.Fields("by friday they will confirm"), now, time.UTC); err == nil && used > 0 {
		t.Errorf("ParsePast read %d words of %q as a day", used, "by friday they will confirm")
	}
	if _, used, err := ParseDue(strings.Fields("by friday"), now, time.UTC); err != nil || used != 2 {
		t.Errorf("ParseDue(by friday) = %d words, %v; want 2", used, err)
	}
}

// TestSlashDateOrder: 12/3 is December 3 in a United States zone, where
// dates are written month first, and refused as ambiguous elsewhere.
func TestSlashDateOrder(t *testing.T) {
	for _, tc := range []struct {
		zone, want string
	}{
		{"America/New_York", "2026-12-03 09:00"},
		{"America/Los_Angeles", "2026-12-03 09:00"},
		{"Europe/London", ""},
		{"UTC", ""},
	} {
		loc := mustLoad(t, tc.zone)
		got, _, err := ParseWhen([]string{"12/3"}, refNow(loc), loc)
		switch {
		case tc.want == "" && (err == nil || err.Error() != "12/3 could be day/month or month/day: write 2026-12-03 or dec 3"):
			t.Errorf("%s: 12/3 = %v, %v; want it refused as ambiguous", tc.zone, got, err)
		case tc.want != "" && (err != nil || got.Format("2006-01-02 15:04") != tc.want):
			t.Errorf("%s: 12/3 = %v, %v; want %s", tc.zone, got, err, tc.want)
		}
	}
}

func TestParseWhenErrors(t *testing.T) {
	loc := time.UTC
	now := refNow(loc)
	tests := []struct {
		name string
		in   string
		want string // "" for ErrNoDate, else the *DateError message
	}{
		{"no words", "", ""},
		{"not a date", "call back", ""},
		{"in without a number", "in person", ""},
		{"in a while", "in a while", ""},
		{"next without a day", "next call", ""},
		{"month name without a day", "may need flyers", ""},
		{"number without a unit", "10 flyers", ""},
		{"at without a time", "at the office", ""},
		{"ordinal alone", "3rd", ""},
		{"empty word", " ", ""},

		{"february 30", "2026-02-30", "there is no February 30 in 2026: February 2026 has 28 days"},
		{"february 29 not leap", "feb 29 2026", "there is no February 29 in 2026: February 2026 has 28 days"},
		{"february 29 nearest year not leap", "feb 29", "there is no February 29 in 2027: February 2027 has 28 days"},
		{"month 13", "2026-13-01", "there is no month 13 in 2026-13-01: write dates like 2026-12-03"},
		{"day 32", "dec 32", "there is no December 32: December has 31 days"},
		{"feb 30 without year", "feb 30", "there is no February 30: February has 28 days, 29 in leap years"},
		{"april 31", "31 april", "there is no April 31: April has 30 days"},
		{"hour 25", "25:00", "25:00 is not a time of day: write times like 14:30, 2:30pm or 10am"},
		{"minute 61", "10:61", "10:61 is not a time of day: write times like 14:30, 2:30pm or 10am"},
		{"bad time after a date", "tomorrow 25:00", "25:00 is not a time of day: write times like 14:30, 2:30pm or 10am"},
		{"bad time inside iso", "2026-12-03T24:00", "2026-12-03T24:00 is not a time of day: write times like 14:30, 2:30pm or 10am"},
		{"13pm", "13pm", "13pm is not a time of day: with am or pm the hour is 1 to 12, like 10am or 2:30pm"},
		{"0 am", "tomorrow 0 am", "0 am is not a time of day: with am or pm the hour is 1 to 12, like 10am or 2:30pm"},
		{"bare hour after at", "tomorrow at 9", "is at 9 in the morning or the evening? Write 9am, 9pm or 21:00"},
		{"at 12", "at 12", "is at 12 noon or midnight? Write noon, midnight, 12:00 or 00:00"},
		{"slash date", "12/03", "12/03 could be day/month or month/day: write 2026-12-03 or dec 3"},
		{"partial iso", "2026-12", "I can't read 2026-12 as a date: write dates like 2026-12-03 or 2026-12-03T14:30"},
		{"unknown unit", "in 3 fortnights", "fortnights is not a unit of time (in 3 fortnights): use minutes (90m), hours (2h), days (14d), weeks (2w), months (3mo) or years (1y)"},
		{"in 3", "in 3", "3 needs a unit: use minutes (90m), hours (2h), days (14d), weeks (2w), months (3mo) or years (1y)"},
		{"in 0 days", "in 0 days", "in 0 days is now: give a length of time above zero, like in 3 days"},
		{"+0d", "+0d", "+0d is now: give a length of time above zero, like +14d"},
		{"+14x", "+14x", "x is not a unit of time (in 14x): use minutes (90m), hours (2h), days (14d), weeks (2w), months (3mo) or years (1y)"},
		{"length without in or ago", "3 days", "3 days is a length of time, not a date: write in 3 days or 3 days ago"},
		{"too far", "in 200 years", "200 years is too long: keep it under 100 years"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			words := strings.Fields(tc.in)
			if tc.in == " " {
				words = []string{""}
			}
			got, used, err := ParseWhen(words, now, loc)
			if tc.want == "" {
				if !errors.Is(err, ErrNoDate) || used != 0 {
					t.Errorf("ParseWhen(%q) = %v, %d, %v; want ErrNoDate", words, got, used, err)
				}
				return
			}
			var de *DateError
			if !errors.As(err, &de) || used != 0 {
				t.Fatalf("ParseWhen(%q) = %v, %d, %v; want a *DateError", words, got, used, err)
			}
			if de.Message != tc.want {
				t.Errorf("ParseWhen(%q) error = %q; want %q", words, de.Message, tc.want)
			}
		})
	}
}

func TestParseSpan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Span
		used int
	}{
		{"minutes", "90m", Span{Clock: 90 * time.Minute}, 1},
		{"hours", "2h", Span{Clock: 2 * time.Hour}, 1},
		{"days", "14d", Span{Days: 14}, 1},
		{"weeks", "2w", Span{Days: 14}, 1},
		{"months", "3mo", Span{Months: 3}, 1},
		{"years", "1y", Span{Months: 12}, 1},
		{"compound", "1mo2d", Span{Months: 1, Days: 2}, 1},
		{"hours and minutes", "1h30m", Span{Clock: 90 * time.Minute}, 1},
		{"long unit in one word", "90min", Span{Clock: 90 * time.Minute}, 1},
		{"plus sign", "+14d", Span{Days: 14}, 1},
		{"upper case", "2H", Span{Clock: 2 * time.Hour}, 1},
		{"90 min", "90 min", Span{Clock: 90 * time.Minute}, 2},
		{"2 hours", "2 hours later", Span{Clock: 2 * time.Hour}, 2},
		{"14 days", "14 days", Span{Days: 14}, 2},
		{"2 weeks", "2 weeks", Span{Days: 14}, 2},
		{"3 months", "3 months", Span{Months: 3}, 2},
		{"1 year", "1 year", Span{Months: 12}, 2},
		{"an hour", "an hour", Span{Clock: time.Hour}, 2},
		{"100 years is the limit", "100y", Span{Months: 1200}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			words := strings.Fields(tc.in)
			got, used, err := ParseSpan(words)
			if err != nil {
				t.Fatalf("ParseSpan(%q) error: %v", words, err)
			}
			if got != tc.want || used != tc.used {
				t.Errorf("ParseSpan(%q) = %v, %d; want %v, %d", words, got, used, tc.want, tc.used)
			}
		})
	}
}

func TestParseSpanErrors(t *testing.T) {
	const units = "use minutes (90m), hours (2h), days (14d), weeks (2w), months (3mo) or years (1y)"
	tests := []struct {
		name string
		in   string
		want string // "" for ErrNoSpan, else the *DateError message
	}{
		{"no words", "", ""},
		{"not a number", "soon", ""},
		{"article alone", "a", ""},
		{"zero", "0d", "0d is not a length of time: it must be more than zero, like 2h or 14d"},
		{"zero words", "0 days", "0 days is not a length of time: it must be more than zero, like 2h or 14d"},
		{"negative", "-2d", "-2d is not a length of time: it must be more than zero, like 2h or 14d"},
		{"unknown unit", "3 fortnights", "fortnights is not a unit of time (in 3 fortnights): " + units},
		{"unknown compact unit", "10s", "s is not a unit of time (in 10s): " + units},
		{"number alone", "14", "14 needs a unit: " + units},
		{"too long", "101y", "101y is too long: keep it under 100 years"},
		{"too many digits", "9999999d", "9999999d is too long: keep it under 100 years"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			words := strings.Fields(tc.in)
			got, used, err := ParseSpan(words)
			if tc.want == "" {
				if !errors.Is(err, ErrNoSpan) || used != 0 {
					t.Errorf("ParseSpan(%q) = %v, %d, %v; want ErrNoSpan", words, got, used, err)
				}
				return
			}
			var de *DateError
			if !errors.As(err, &de) || used != 0 {
				t.Fatalf("ParseSpan(%q) = %v, %d, %v; want a *DateError", words, got, used, err)
			}
			if de.Message != tc.want {
				t.Errorf("ParseSpan(%q) error = %q; want %q", words, de.Message, tc.want)
			}
		})
	}
}

func TestSpanString(t *testing.T) {
	tests := []struct {
		name string
		in   Span
		want string
	}{
		{"zero", Span{}, "0m"},
		{"minutes", Span{Clock: 90 * time.Minute}, "90m"},
		{"hours", Span{Clock: 2 * time.Hour}, "2h"},
		{"days", Span{Days: 10}, "10d"},
		{"whole weeks", Span{Days: 14}, "2w"},
		{"months", Span{Months: 3}, "3mo"},
		{"whole years", Span{Months: 24}, "2y"},
		{"months and days", Span{Months: 1, Days: 2}, "1mo2d"},
		{"days and hours", Span{Days: 1, Clock: 3 * time.Hour}, "1d3h"},
		{"seconds", Span{Clock: 90 * time.Second}, "90s"},
		{"sub-second", Span{Clock: 1500 * time.Millisecond}, "1.5s"},
		{"negative", Span{Days: -2}, "-2d"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.String(); got != tc.want {
				t.Errorf("%#v.String() = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestSpanStringRoundTrip checks that ParseSpan reads back what String writes.
func TestSpanStringRoundTrip(t *testing.T) {
	for _, s := range []Span{
		{Clock: 90 * time.Minute}, {Clock: 2 * time.Hour}, {Days: 30}, {Days: 14}, {Months: 3},
		{Months: 12}, {Months: 1, Days: 2}, {Months: 18, Days: 7, Clock: 150 * time.Minute},
	} {
		t.Run(s.String(), func(t *testing.T) {
			got, used, err := ParseSpan([]string{s.String()})
			if err != nil || got != s || used != 1 {
				t.Errorf("ParseSpan(%q) = %v, %d, %v; want %v, 1, nil", s.String(), got, used, err, s)
			}
		})
	}
}

func TestSpanApprox(t *testing.T) {
	tests := []struct {
		name string
		in   Span
		want time.Duration
	}{
		{"month is 30 days", Span{Months: 1}, 30 * 24 * time.Hour},
		{"week", Span{Days: 7}, 7 * 24 * time.Hour},
		{"mixed", Span{Months: 1, Days: 2, Clock: 3 * time.Hour}, (32*24 + 3) * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.Approx(); got != tc.want {
				t.Errorf("%v.Approx() = %v; want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSpanAddTo(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		name string
		span Span
		from time.Time
		want string // RFC 3339
	}{
		{"jan 31 plus a month", Span{Months: 1}, time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC), "2026-03-03T10:00:00Z"},
		{"jan 31 plus 3 months", Span{Months: 3}, time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC), "2026-05-01T10:00:00Z"},
		{"a year from feb 29", Span{Months: 12}, time.Date(2028, 2, 29, 10, 0, 0, 0, time.UTC), "2029-03-01T10:00:00Z"},
		{"calendar then clock", Span{Days: 1, Clock: 90 * time.Minute}, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), "2026-11-28T11:30:00Z"},
		{"backwards", Span{Days: -2}, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), "2026-11-25T10:00:00Z"},
		{"a day over spring forward keeps the wall clock", Span{Days: 1}, time.Date(2026, 3, 7, 10, 0, 0, 0, ny), "2026-03-08T10:00:00-04:00"},
		{"24h over spring forward is elapsed time", Span{Clock: 24 * time.Hour}, time.Date(2026, 3, 7, 10, 0, 0, 0, ny), "2026-03-08T11:00:00-04:00"},
		{"into the gap moves forward", Span{Days: 1}, time.Date(2026, 3, 7, 2, 30, 0, 0, ny), "2026-03-08T03:30:00-04:00"},
		{"into the repeated hour takes the first", Span{Days: 1}, time.Date(2026, 10, 31, 1, 30, 0, 0, ny), "2026-11-01T01:30:00-04:00"},
		{"keeps nanoseconds", Span{Days: 1}, time.Date(2026, 11, 27, 10, 0, 0, 5, time.UTC), "2026-11-28T10:00:00.000000005Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := mustRFC3339(t, tc.want)
			got := tc.span.AddTo(tc.from)
			if !got.Equal(want) {
				t.Errorf("%v.AddTo(%v) = %v; want %v", tc.span, tc.from, got, want)
			}
			if got.Location() != tc.from.Location() {
				t.Errorf("%v.AddTo(%v) location = %v; want %v", tc.span, tc.from, got.Location(), tc.from.Location())
			}
		})
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{
		"", "2026-12-03 14:30", "next tuesday 10am call back", "in 3 days at 2pm", "+14d", "-2d 2pm",
		"dec 3 2pm agenda", "3 days ago", "at 9", "25:00", "feb 29", "10 am tomorrow", "2026-03-08 02:30",
		"2026-12-03T14:30:00+09:00", "1mo2d3h ago", "in 999999y", "this friday 9am", "12/03",
		"the 31st 2pm", "tomorrow afternoon", "end of the month", "eod", "the last 30 days", "last year",
	} {
		f.Add(s)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	now := refNow(ny)
	f.Fuzz(func(t *testing.T, s string) {
		words := strings.Fields(s)
		for _, loc := range []*time.Location{ny, time.UTC} {
			_, used, _ := ParseWhen(words, now, loc)
			if used < 0 || used > len(words) {
				t.Fatalf("ParseWhen(%q) used %d of %d words", words, used, len(words))
			}
		}
		_, used, _ := ParseSpan(words)
		if used < 0 || used > len(words) {
			t.Fatalf("ParseSpan(%q) used %d of %d words", words, used, len(words))
		}
		if _, used, _ := ParsePast(words, now, ny); used < 0 || used > len(words) {
			t.Fatalf("ParsePast(%q) used %d of %d words", words, used, len(words))
		}
		if p, err := ParsePeriod(s, now, ny); err == nil && !p.From.Before(p.To) {
			t.Fatalf("ParsePeriod(%q) = %v .. %v, not a span", s, p.From, p.To)
		}
	})
}

// TestParseWhenAtTheTestInstant reads dates as people type them, at the
// test instant (testclock; scripts/test-instants.sh runs it past midnight,
// on a Monday morning, on the spring-forward night, at year end and on a
// leap day) in zones either side of the date line, and checks what each
// must mean whatever the day: the calendar day it names and its time.
func TestParseWhenAtTheTestInstant(t *testing.T) {
	for _, zone := range []string{"America/New_York", "America/Chicago", "UTC", "Asia/Tokyo", "Pacific/Auckland"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoad(t, zone)
			now := testclock.Now().In(loc).Truncate(time.Minute)
			today := civilOf(now)
			at := func(c civil, h, m int) time.Time { return localTime(c.y, c.m, c.d, h, m, 0, 0, loc) }
			check := func(in string, want time.Time) {
				t.Helper()
				got, used, err := ParseWhen(strings.Fields(in), now, loc)
				if err != nil || !got.Equal(want) || used != len(strings.Fields(in)) {
					t.Errorf("at %s, %q = %v (%d words), %v; want %v", now.Format(time.RFC3339), in, got, used, err, want)
				}
			}
			check("today", now)
			check("now", now)
			check("yesterday", at(today.addDays(-1), 9, 0))
			tomorrow := at(today.addDays(1), 9, 0)
			if same := at(today.addDays(1), now.Hour(), now.Minute()); same.Before(tomorrow) {
				tomorrow = same // never more than a day away
			}
			check("tomorrow", tomorrow)
			check("tomorrow 3pm", at(today.addDays(1), 15, 0))
			if tonight := at(today, 19, 0); tonight.After(now) {
				check("tonight", tonight)
			} else {
				check("tonight", now)
			}
			threePM := at(today, 15, 0)
			if threePM.Before(now) {
				threePM = at(today.addDays(1), 15, 0)
			}
			check("3pm", threePM)

			wd := today.weekday()
			for d := time.Sunday; d <= time.Saturday; d++ {
				ahead := (int(d) - int(wd) + 7) % 7
				if ahead == 0 {
					ahead = 7
				}
				name := strings.ToLower(d.String())
				check(name, at(today.addDays(ahead), 9, 0))
				back := (int(wd) - int(d) + 7) % 7
				if back == 0 {
					back = 7
				}
				check("last "+name, at(today.addDays(-back), 9, 0))
			}
			check("next week", at(today.addDays(7-(int(wd)+6)%7), 9, 0))
			check("next month", at(civilOf(time.Date(today.y, today.m+1, 1, 12, 0, 0, 0, time.UTC)), 9, 0))
			for _, n := range []int{1, 3, 7, 30, 366} {
				check(fmt.Sprintf("in %d days", n), at(today.addDays(n), now.Hour(), now.Minute()))
				check(fmt.Sprintf("%d days ago", n), at(today.addDays(-n), now.Hour(), now.Minute()))
			}

			// Every day of the five months either side, as "dec 3", with
			// its year, as 2026-12-03, and with a time: the nearest
			// occurrence is the one meant.
			for n := -150; n <= 150; n++ {
				c := today.addDays(n)
				want := at(c, 9, 0)
				if n == 0 {
					want = now
				}
				md := strings.ToLower(time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Format("Jan 2"))
				check(md, want)
				check(fmt.Sprintf("%s %d", md, c.y), want)
				check(fmt.Sprintf("%d-%02d-%02d", c.y, c.m, c.d), want)
				check(md+" 2:30pm", at(c, 14, 30))
			}
		})
	}
}

// TestWordsThatAreNoDate: words that only read as dates beside others
// ("morning" after a day, an ordinal after "the") are text alone, so a
// contact's summary keeps them.
func TestWordsThatAreNoDate(t *testing.T) {
	now := refNow(time.UTC)
	for _, in := range []string{"morning meeting", "afternoon", "the 15", "the clinic", "end of the fair"} {
		if got, used, err := ParseWhen(strings.Fields(in), now, time.UTC); !errors.Is(err, ErrNoDate) {
			t.Errorf("ParseWhen(%q) = %v, %d, %v; want ErrNoDate", in, got, used, err)
		}
	}
}

// TestTheNthInThePast: for when something happened, "the 15th" is the
// latest one, today included.
func TestTheNthInThePast(t *testing.T) {
	now := refNow(time.UTC) // Friday 2026-11-27
	for _, tc := range []struct{ in, want string }{
		{"the 15th", "2026-11-15 09:00"},
		{"the 27th", "2026-11-27 10:00"},
		{"the 28th", "2026-10-28 09:00"},
		{"the 31st", "2026-10-31 09:00"},
		{"the 3rd afternoon", "2026-11-03 14:00"},
	} {
		got, _, err := ParsePast(strings.Fields(tc.in), now, time.UTC)
		if err != nil || got.Format("2006-01-02 15:04") != tc.want {
			t.Errorf("ParsePast(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}
