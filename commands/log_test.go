package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/message"
)

// TestContactDates: a contact's date is refused, with what to type
// instead, when it predates its partner, lies more than a year back
// without its year typed, or is in the future; an empty or split date
// option is an error rather than summary text; a quoted impossible date
// gets the same explanation as an unquoted one. Nothing is stored.
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
		{"before the partner", `log county call "Talked" when:"1999-01-01"`, "before *County Health Dept* was added (Fri Nov 20)"},
		{"the day before the partner", `log county call "Talked" when:2026-11-19`, "before *County Health Dept* was added"},
		{"future", `log county call "Talked" when:tomorrow`, "is in the future"},
		{"tonight, said in the morning", `log county call "Talked" when:tonight`, "is in the future"},
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
	if r := hs.mustOK(member, `log county call "Talked" when:2026-11-20`); !strings.Contains(r.Text, "Fri Nov 20, 09:00") {
		t.Errorf("a contact on the day the partner was added: %q", r.Text)
	}

	// A year and more later, far-back dates need their year typed.
	hs.clock.Advance(400 * 24 * time.Hour) // Thu Jan 1 2028
	if r := hs.do(member, `log county call "Talked" when:"390 days ago"`); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "more than a year back") || !strings.Contains(r.Text, "`when:2026-12-07`") {
		t.Errorf("390 days back without the year: %s %q", r.Outcome, r.Text)
	}
	if r := hs.mustOK(member, `log county call "Talked" when:2026-12-07`); !strings.Contains(r.Text, "Mon Dec 7 2026, 09:00") {
		t.Errorf("a contact of another year, with its year typed: %q; want the year shown", r.Text)
	}
	if r := hs.mustOK(member, "history county 1"); !strings.Contains(r.Text, "Mon Dec 7 2026, 09:00") {
		t.Errorf("history shows a date of another year without it:\n%s", r.Text)
	}
}
