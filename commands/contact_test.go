package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// TestContactCorrections: contacts carry ids in history; any member may
// correct one (`last` is their own latest), only its author or an admin may
// delete one; each correction is audited, has a feed line, and keeps the
// partner's figures right; a refused one stores nothing.
func TestContactCorrections(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its cases are dates
	hs.seed()
	devon := as{"U0DEVON", commands.RoleMember, "C0OUTREACH", commands.DoorSlash, ""}
	if r := hs.mustOK(member, `log county call "Talked about the flu clinic"`); !strings.Contains(r.Text, "as `C1`") {
		t.Errorf("log reply lacks the contact's id: %q", r.Text)
	}
	hs.mustOK(member, `log county email "Sent the flyer" when:yesterday`)         // C2
	hs.mustOK(member, `log county letter "Mailed the poster" when:"last monday"`) // C3: county is now one-way
	if r := hs.mustOK(member, "history county"); !strings.Contains(r.Text, "• `C1` Fri Nov 27, 10:00 · call") || !strings.Contains(r.Text, "• `C2` Thu Nov 26") {
		t.Errorf("history lacks contact ids:\n%s", r.Text)
	}
	if r := hs.mustOK(member, "partner list"); !strings.Contains(r.Text, "one-way") {
		t.Fatalf("county should be one-way after three contacts from us:\n%s", r.Text)
	}

	for _, tc := range []struct {
		name string
		who  as
		text string
		want string
	}{
		{"nothing to change", member, "contact edit C1", "What should change?"},
		{"no such contact", member, `contact edit C99 "x"`, "can't find `C99`"},
		{"not an id", member, `contact edit twelve "x"`, "look like `C12`"},
		{"ahead", member, `contact edit C1 when:tomorrow`, "is in the future"},
		{"before 1900", member, `contact edit C1 when:1850-11-02`, "before 1900"},
		{"unknown method", member, "contact edit C1 method:fax", "isn't a contact method"},
		{"someone else's latest", devon, `contact edit last "x"`, "haven't logged a contact"},
		{"delete someone else's", devon, "contact delete C1", "Only <@U0MARIA>, who logged `C1`, or an admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hs.srv.Snapshot(context.Background())
			r := hs.do(tc.who, tc.text)
			if r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, tc.want) {
				t.Errorf("%q: %s %q; want %q", tc.text, r.Outcome, r.Text, tc.want)
			}
			if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
				t.Errorf("%q changed Redis:\n%s", tc.text, diff)
			}
		})
	}
	if r := hs.do(liaison, `contact edit last "x"`); r.Outcome != message.OutcomeDenied {
		t.Errorf("a liaison correcting a contact: %s", r.Outcome)
	}

	r := hs.mustOK(devon, `contact edit C3 "Called about the poster" method:call when:"last monday 3pm"`)
	if !strings.Contains(r.Text, "Corrected the summary, method and date of `C3`") || !strings.Contains(r.Text, "Mon Nov 23, 15:00 · call") || r.Feed == "" {
		t.Errorf("edit by another member: %q (feed %q)", r.Text, r.Feed)
	}
	r = hs.mustOK(member, "contact delete last")
	if !strings.Contains(r.Text, "Deleted `C3`") || !strings.Contains(r.Feed, "deleted a call with *County Health Dept* (`C3`)") {
		t.Errorf("delete own latest: %q (feed %q)", r.Text, r.Feed)
	}
	for _, line := range strings.Split(hs.mustOK(member, "partner list").Text, "\n") {
		if strings.Contains(line, "`county-health-dept`") && strings.Contains(line, "one-way") {
			t.Errorf("county still one-way with two contacts from us: %s", line)
		}
	}
	hs.mustOK(admin, "contact delete C1")
	if r := hs.mustOK(member, "history county"); strings.Contains(r.Text, "`C1`") || strings.Contains(r.Text, "`C3`") || !strings.Contains(r.Text, "`C2`") {
		t.Errorf("history after deleting C1 and C3:\n%s", r.Text)
	}
	if r := hs.mustOK(member, "partner show county"); !strings.Contains(r.Text, "last contact yesterday") {
		t.Errorf("last contact after deleting today's:\n%s", r.Text)
	}
	entries, err := hs.srv.Client().XRange(context.Background(), "outreach:{"+team+"}:audit", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, e := range entries {
		ops[e.Values["op"].(string)]++
	}
	if ops["contact.edit"] != 1 || ops["contact.delete"] != 2 {
		t.Errorf("audited %v; want one contact.edit and two contact.delete", ops)
	}
}
