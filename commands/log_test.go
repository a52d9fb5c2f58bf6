package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/message"
)

// TestContactDates: a contact's date is refused, with what to type
// instead, when it is in the future or before 1900; an empty or split
// date option is an error rather than summary text; a quoted impossible
// date gets the same explanation as an unquoted one. Nothing is stored.
// A date before the partner was added is fine, and one of another year
// shows its year.
func TestContactDates(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its cases are dates
	hs.seed()                      // partners added Fri Nov 20 2026
	for _, tc := range []struct {
		name, text string
		want       string
	}{
		{"empty option", `log county call "Talked" when:`, "`when:` has no value"},
		{"empty quoted option", `log county call "Talked" when:""`, "`when:` is empty"},
		{"time split from its date", `log county call when:yesterday 25:00`, "25:00 is not a time of day"},
		{"time split from a good date", `log county call "Talked" when:monday 10am`, "A date with a space goes in quotes: `when:\"monday 10am\"`"},
		{"quoted impossible date", `log county call "Talked" when:"feb 30"`, "`feb 30`: there is no February 30"},
		{"unquoted impossible date", `log county call "Talked" when:feb 30`, "`feb 30`: there is no February 30"},
		{"quoted impossible due date", `followup county "feb 30" "Send it"`, "`feb 30`: there is no February 30"},
		{"future", `log county call "Talked" when:tomorrow`, "is in the future. Log contacts that happened; plan the next one as a follow-up: `/outreach followup"},
		{"future, with confirm", `log county call "Talked" when:tomorrow confirm`, "is in the future"},
		{"next week", `log county call "Talked" when:"next friday"`, "`Fri Dec 4, 09:00` is in the future"},
		{"tonight, said in the morning", `log county call "Talked" when:tonight`, "is in the future"},
		{"a mistyped year", `log county call "Talked" when:0219-03-04`, "`Thu Mar 4 0219` is before 1900, which can't be right for a contact: check the year, e.g. `when:2025-03-04`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hs.srv.Snapshot(context.Background())
			r := hs.do(member, tc.text)
			if r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, tc.want) {
				t.Errorf("%q: %s %q; want a user error with %q", tc.text, r.Outcome, r.Text, tc.want)
			}
			if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
				t.Errorf("%q changed Redis:\n%s", tc.text, diff)
			}
		})
	}
	for _, tc := range []struct{ text, want string }{
		{`log county call "Talked" when:2026-11-20`, "Fri Nov 20, 09:00"},   // the day it was added
		{`log county call "Talked" when:2026-11-19`, "Thu Nov 19, 09:00"},   // the day before
		{`log county call "Talked" when:"3 weeks ago"`, "Fri Nov 6, 10:00"}, // weeks before
		{`log county call "Talked" when:wednesday`, "Wed Nov 25, 09:00"},    // a weekday alone is the last one
		{`log county call "Talked" when:"last friday 3pm"`, "Fri Nov 20, 15:00"},
		{`log county call "Talked" when:2026-01-02`, "Fri Jan 2, 09:00"},                   // this year: no year shown
		{`log county call "Talked" when:2025-12-31`, "Wed Dec 31 2025, 09:00"},             // last year: shown
		{`log county call "Talked" when:"in 30 minutes"`, "Fri Nov 27, 10:00"},             // a little ahead is now
		{`log county call Asked them to confirm when:yesterday`, "Asked them to confirm"},  // no date to confirm: text
		{`log county call "Talked" when:"nov 28 2025 4pm"`, "Fri Nov 28 2025, 16:00"},      // 364 days back
		{`log county call "Talked" when:"2025-11-27T15:01:00Z"`, "Thu Nov 27 2025, 10:01"}, // a year less a minute
		{`log county call "Talked" when:"2026-11-27T15:00:30Z"`, "Fri Nov 27, 10:00"},      // half a minute ahead: now
		{`log county email in "They wrote" when:"2 months ago"`, "Sun Sep 27, 10:00"},
	} {
		if r := hs.mustOK(member, tc.text); !strings.Contains(r.Text, tc.want) {
			t.Errorf("%q: %q; want %q", tc.text, r.Text, tc.want)
		}
	}
	r := hs.mustOK(member, "history county 20")
	if !strings.Contains(r.Text, "Wed Dec 31 2025, 09:00") || !strings.Contains(r.Text, "Fri Jan 2, 09:00") {
		t.Errorf("history shows a date of another year without it, or one of this year with it:\n%s", r.Text)
	}
}
