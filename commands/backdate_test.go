package commands_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// inOrder reports whether each of subs is found in s after the one before.
func inOrder(s string, subs ...string) bool {
	for _, sub := range subs {
		i := strings.Index(s, sub)
		if i < 0 {
			return false
		}
		s = s[i+len(sub):]
	}
	return true
}

// lineWith is the first line of s that contains sub, "" when none does.
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// TestBackdatedHistory: a team registers a partner after the relationship
// started and logs what came before, yesterday's call and a meeting three
// weeks back, a minute after adding it. Every view orders contacts by
// when they happened, not when they were logged: history, partner show,
// the list and the App Home (last contact), the export; the stay-in-touch
// clock runs from the latest contact by date, and never from before the
// partner was added; the one-way flag counts by date; a next step is
// still ahead of now.
func TestBackdatedHistory(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its cases are dates: Fri Nov 20 2026 10:00 in New York
	hs.mustOK(member, `partner add "County Health Department" owner:<@U0MARIA|maria>`)
	hs.clock.Advance(time.Minute)
	for _, tc := range []struct{ text, want string }{
		{`log county call "Talked about flu shots" when:yesterday`, "Logged call → *County Health Department* as `C1` (Thu Nov 19, 09:00): Talked about flu shots"},
		{`log county meeting "Planned the fair" when:"3 weeks ago"`, "as `C2` (Fri Oct 30, 10:01)"},
		{`log county email "Sent the flyer"`, "as `C3` (Fri Nov 20, 10:01)"},
	} {
		if r := hs.mustOK(member, tc.text); !strings.Contains(r.Text, tc.want) || r.Feed == "" {
			t.Errorf("%q: %q (feed %q); want %q and a feed line", tc.text, r.Text, r.Feed, tc.want)
		}
	}
	if r := hs.mustOK(member, "history county"); !inOrder(r.Text, "`C3` Fri Nov 20, 10:01", "`C1` Thu Nov 19, 09:00", "`C2` Fri Oct 30, 10:01") {
		t.Errorf("history, newest first by date:\n%s", r.Text)
	}
	show := hs.mustOK(member, "partner show county").Text
	if !inOrder(show, "on track · :left_right_arrow: one-way, try another channel · last contact today · next contact due Sun Dec 20", "*Recent contacts*", "`C3`", "`C1`", "`C2`") {
		t.Errorf("partner show:\n%s", show)
	}
	// The report counts each contact in the period it happened in.
	contacts := section(later(t, hs.mustOK(member, "report county period:30d")), "*Contacts*")
	if !strings.HasPrefix(contacts, "*Contacts*\n3: 1 call, 1 email, 1 meeting") {
		t.Errorf("report of the last 30 days: %q; want the three contacts", contacts)
	}
	home := hs.h.Home(context.Background(), commands.Request{Team: team, User: member.user, UserTeam: team, Role: member.role, Loc: ny})
	var homeText string
	for _, s := range home.Sections {
		homeText += s.Text + "\n"
	}
	if l := lineWith(homeText, "County Health Department"); !strings.Contains(l, "last contact today") || !strings.Contains(l, "on track") {
		t.Errorf("App Home's line for the partner: %q", l)
	}

	// Logged out of order, the latest by date is the last contact; a
	// correction or a deletion recomputes it.
	hs.mustOK(member, `partner add "Eastside Clinic"`)
	hs.mustOK(member, `log eastside email "Wrote to them" when:"2 months ago"`) // C4
	hs.mustOK(member, `log eastside call "Called them" when:"3 months ago"`)    // C5
	line := func() string { return lineWith(hs.mustOK(member, "partner list").Text, "`eastside-clinic`") }
	// Added today, but last reached two months ago: overdue, truthfully.
	if l := line(); !strings.Contains(l, "last contact Sun Sep 20") || !strings.Contains(l, "overdue") {
		t.Errorf("partner added today with contacts from months back: %q; want last contact Sep 20, overdue", l)
	}
	hs.mustOK(member, `contact edit C5 when:yesterday`)
	if l := line(); !strings.Contains(l, "last contact yesterday") {
		t.Errorf("after moving C5 to yesterday: %q", l)
	}
	hs.mustOK(member, `contact delete C5`)
	if l := line(); !strings.Contains(l, "last contact Sun Sep 20") {
		t.Errorf("after deleting C5: %q", l)
	}
	hs.mustOK(member, `log eastside call "Caught up" when:"3 days ago"`)
	if l := line(); !strings.Contains(l, "on track") {
		t.Errorf("3 days after the last contact: %q; want on track", l)
	}
	hs.clock.Advance(22 * 24 * time.Hour) // 25 days on: the last 20 % of the cadence
	if l := line(); !strings.Contains(l, "due") || strings.Contains(l, "overdue") {
		t.Errorf("25 days after the last contact: %q; want due", l)
	}
	hs.clock.Advance(5 * 24 * time.Hour)
	if l := line(); !strings.Contains(l, "overdue") {
		t.Errorf("30 days after the last contact: %q; want overdue", l)
	}
	hs.clock.Advance(3 * 24 * time.Hour) // Sun Dec 20

	// The one-way flag counts the contacts from us after their latest,
	// by date.
	hs.mustOK(member, `partner add "Eastside Pharmacy"`)
	hs.mustOK(member, `log eastside-pharmacy email in "They asked about flu shots" when:yesterday`)
	for _, when := range []string{"2 weeks ago", "10 days ago", "3 days ago"} {
		if r := hs.mustOK(member, `log eastside-pharmacy call "Left a message" when:"`+when+`"`); strings.Contains(r.Text, "in a row") {
			t.Errorf("a call %s, before their email of yesterday, flagged one-way: %q", when, r.Text)
		}
	}
	pharmacy := func() string { return lineWith(hs.mustOK(member, "partner list").Text, "`eastside-pharmacy`") }
	if l := pharmacy(); strings.Contains(l, "one-way") {
		t.Errorf("three calls before their latest email: %q; want not one-way", l)
	}
	for i, text := range []string{`log eastside-pharmacy call "Called back"`, `log eastside-pharmacy email "Sent the form"`, `log eastside-pharmacy visit "Dropped by" when:"an hour ago"`} {
		r := hs.mustOK(member, text)
		if got := strings.Contains(r.Text, "That's 3 contacts in a row"); got != (i == 2) {
			t.Errorf("%q: %q; one-way warning %v, want %v", text, r.Text, got, i == 2)
		}
	}
	hs.mustOK(member, `log eastside-pharmacy email in "Their old reply" when:"a week ago"`)
	if l := pharmacy(); !strings.Contains(l, "one-way") {
		t.Errorf("an older reply logged late: %q; want still one-way", l)
	}

	// A next step logged with a backdated contact is due ahead of now.
	r := hs.mustOK(member, `log county visit "Toured the clinic" when:"last monday" next:"friday Send the photos"`)
	if !strings.Contains(r.Text, "(Mon Dec 14, 09:00)") || !strings.Contains(r.Text, "Next step `F1`: Send the photos, due Fri Dec 25, 09:00") {
		t.Errorf("backdated contact with a next step: %q", r.Text)
	}
	if r := hs.do(member, `log county visit "Toured the clinic" when:"last monday" next:"last friday Send the photos"`); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "in the past") {
		t.Errorf("a next step in the past: %s %q", r.Outcome, r.Text)
	}

	// The export lists each partner's contacts oldest first.
	r = later(t, hs.mustOK(admin, "export contacts"))
	var buf bytes.Buffer
	if err := r.Files[0].Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, row := range rows[1:] {
		if row[1] == "county-health-department" {
			got = append(got, []string{row[0], row[3]})
		}
	}
	want := [][]string{{"C2", "2026-10-30T10:01:00-04:00"}, {"C1", "2026-11-19T09:00:00-05:00"}, {"C3", "2026-11-20T10:01:00-05:00"}, {"C15", "2026-12-14T09:00:00-05:00"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exported contacts (-want +got):\n%s", diff)
	}

	// `contact edit last` moves the latest logged back in time.
	hs.mustOK(member, `log eastside-pharmacy email "Sent the form again"`) // C16
	if r := hs.mustOK(member, `contact edit last when:"3 days ago"`); !strings.Contains(r.Text, "`C16` Thu Dec 17, 10:01") {
		t.Errorf("contact edit last: %q", r.Text)
	}
}

// TestConfirmOldDates: a contact dated more than a year back or before
// 2000 is stored only once confirmed, by typing the command again with
// `confirm` or by the button under the question (the log form: `confirm`
// after the date). The button's value is the command, run as if the
// presser typed it: another partner, another command, a value without
// `confirm` change nothing.
func TestConfirmOldDates(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its cases are dates
	hs.seed()                      // now Fri Nov 27 2026 10:00
	ctx := context.Background()
	press := func(who as, value string) commands.Pressed {
		return hs.h.Press(ctx, commands.Request{Team: team, User: who.user, UserTeam: map[bool]string{true: who.team, false: team}[who.team != ""],
			Role: who.role, Channel: who.channel, Door: commands.DoorForm, Loc: ny}, commands.ActionConfirm, value)
	}
	unchanged := func(name string, f func()) {
		t.Helper()
		before := hs.srv.Snapshot(ctx)
		f()
		if diff := cmp.Diff(before, hs.srv.Snapshot(ctx)); diff != "" {
			t.Errorf("%s changed Redis:\n%s", name, diff)
		}
	}

	for _, tc := range []struct{ text, when string }{
		{`log county call "Old" when:2019-03-04`, "Mon Mar 4 2019, 09:00"},
		{`log county call "Old" when:"400 days ago"`, "Thu Oct 23 2025, 10:00"},
		{`log county call "Old" when:"nov 26 2025 10am"`, "Wed Nov 26 2025, 10:00"},
		{`log county call "Old" when:"dec 3 1999"`, "Fri Dec 3 1999, 09:00"},
		{`log county call "Old" when:1965-06-01`, "Tue Jun 1 1965, 09:00"},
	} {
		unchanged(tc.text, func() {
			r := hs.mustOK(member, tc.text)
			want := "That call with *County Health Dept* would be dated *" + tc.when + "*, more than a year back. Nothing is logged yet: if that date is right, press *Log it*, or type the command again with `confirm` at the end: `/outreach " + tc.text + " confirm`"
			if !strings.Contains(r.Text, want) {
				t.Errorf("%q: %q\nwant %q", tc.text, r.Text, want)
			}
			wantChoices := []message.Choice{{Label: "Log it", Action: commands.ActionConfirm, Value: tc.text + " confirm", Style: "primary"}}
			if diff := cmp.Diff(wantChoices, r.Choices); diff != "" {
				t.Errorf("%q: buttons (-want +got):\n%s", tc.text, diff)
			}
		})
	}
	if r := hs.do(member, `log nowhere call "Old" when:2019-03-04`); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "I don't know a partner called `nowhere`") {
		t.Errorf("an old date for a partner that does not exist: %s %q; want the partner's mistake first", r.Outcome, r.Text)
	}

	// Pressed, the question is replaced by the contact logged.
	p := press(member, `log county call "Old" when:2019-03-04 confirm`)
	if p.Update == nil || p.Ephemeral != nil || !strings.Contains(p.Update.Text, "Logged call → *County Health Dept* as `C1` (Mon Mar 4 2019, 09:00): Old") || p.Update.Feed == "" {
		t.Fatalf("Log it pressed: %+v", p)
	}
	if r := hs.mustOK(member, `log county meeting "Older" when:"dec 3 1999" confirm`); !strings.Contains(r.Text, "as `C2` (Fri Dec 3 1999, 09:00): Older") {
		t.Errorf("typed with confirm: %q", r.Text)
	}
	if r := hs.mustOK(member, `log county visit "The first visit" when:1965-06-01 confirm`); !strings.Contains(r.Text, "(Tue Jun 1 1965, 09:00): The first visit") {
		t.Errorf("before 1970, confirmed: %q", r.Text)
	}
	if r := hs.mustOK(member, "history county"); !inOrder(r.Text, "`C1` Mon Mar 4 2019", "`C2` Fri Dec 3 1999", "`C3` Tue Jun 1 1965") {
		t.Errorf("history with old contacts:\n%s", r.Text)
	}

	// Before 1970 (a negative time in Redis) is a date like another: the
	// last contact, the one-way count and the export all see it.
	for i, day := range []string{"1969-12-29", "1969-12-31", "1969-12-30"} {
		r := hs.mustOK(member, `log eastside-community-clinic letter "Wrote to them" when:`+day+` confirm`)
		if got := strings.Contains(r.Text, "in a row"); got != (i == 2) {
			t.Errorf("letter %d of 1969: %q; one-way warning %v", i+1, r.Text, got)
		}
	}
	if l := lineWith(hs.mustOK(member, "partner list").Text, "`eastside-community-clinic`"); !strings.Contains(l, "last contact Wed Dec 31 1969") || !strings.Contains(l, "one-way") {
		t.Errorf("a partner whose contacts are all before 1970: %q", l)
	}
	r := later(t, hs.mustOK(admin, "export contacts"))
	var buf bytes.Buffer
	if err := r.Files[0].Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"C3,county-health-dept,County Health Dept,1965-06-01T09:00:00-04:00", "eastside-community-clinic,Eastside Community Clinic,1969-12-30T09:00:00-05:00"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the export lacks %q:\n%s", want, buf.String())
		}
	}

	// The form: a mistake under the date, then `confirm` after it.
	req := commands.Request{Team: team, User: member.user, UserTeam: team, Role: member.role, Channel: member.channel, Door: commands.DoorForm, Loc: ny}
	unchanged("the form", func() {
		_, errs := hs.h.SubmitLog(ctx, req, commands.LogInput{Partner: "eastside pharmacy", Method: "call", When: "2019-03-04", Summary: "Old"})
		if want := "Mon Mar 4 2019 is more than a year back. If that is right, add confirm: 2019-03-04 confirm"; errs[commands.FieldWhen] != want {
			t.Errorf("form with an old date: %q; want %q", errs, want)
		}
	})
	if r, errs := hs.h.SubmitLog(ctx, req, commands.LogInput{Partner: "eastside pharmacy", Method: "call", When: "2019-03-04 confirm", Summary: "Old"}); len(errs) > 0 || !strings.Contains(r.Text, "(Mon Mar 4 2019, 09:00)") {
		t.Errorf("form with a confirmed old date: %q, %v", r.Text, errs)
	}

	// The button's value is not trusted.
	for _, tc := range []struct {
		name  string
		who   as
		value string
		want  string
	}{
		{"another partner than the liaison's", liaison, `log eastside-pharmacy call "x" when:2019-01-01 confirm`, "isn't something I can do for you here"},
		{"another command", admin, "partner erase county confirm", "That button isn't one I know"},
		{"not a command", admin, `"unclosed`, "That button isn't one I know"},
		{"confirm taken off", member, `log county call "x" when:2019-01-01`, "more than a year back. If that is right, add confirm"},
		{"a liaison editing", liaison, "contact edit C1 when:2019-01-01 confirm", "isn't something I can do for you here"},
	} {
		unchanged(tc.name, func() {
			p := press(tc.who, tc.value)
			if p.Update != nil || p.Ephemeral == nil || p.Ephemeral.Outcome == message.OutcomeOK || !strings.Contains(p.Ephemeral.Text, tc.want) {
				t.Errorf("%s: %+v; want a refusal with %q", tc.name, p, tc.want)
			}
		})
	}

	// A liaison's note about the old days, confirmed by the button.
	unchanged("a liaison's old note", func() {
		if r := hs.mustOK(liaison, `log meeting "Our first meeting" when:2018-05-01`); len(r.Choices) != 1 || r.Choices[0].Value != `log meeting "Our first meeting" when:2018-05-01 confirm` {
			t.Errorf("a liaison's old date: %q %+v", r.Text, r.Choices)
		}
	})
	if p := press(liaison, `log meeting "Our first meeting" when:2018-05-01 confirm`); p.Update == nil || !strings.Contains(p.Update.Text, "Logged meeting ← *County Health Dept*") {
		t.Errorf("a liaison's press: %+v", p)
	}

	// Correcting a date to one more than a year back asks too.
	unchanged("contact edit", func() {
		r := hs.mustOK(member, "contact edit C1 when:1998-05-06")
		if !strings.Contains(r.Text, "`C1` with *County Health Dept* would be dated *Wed May 6 1998, 09:00*, more than a year back. Nothing is changed yet") ||
			len(r.Choices) != 1 || r.Choices[0].Label != "Change it" || r.Choices[0].Value != "contact edit C1 when:1998-05-06 confirm" {
			t.Errorf("contact edit to an old date: %q %+v", r.Text, r.Choices)
		}
	})
	if p := press(member, "contact edit C1 when:1998-05-06 confirm"); p.Update == nil || !strings.Contains(p.Update.Text, "Corrected the date of `C1`") || !strings.Contains(p.Update.Text, "Wed May 6 1998, 09:00") {
		t.Errorf("contact edit confirmed: %+v", p)
	}
}
