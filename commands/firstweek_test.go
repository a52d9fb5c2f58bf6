package commands_test

import (
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/commands"
)

// Refusals say the real reason, and hints name only what that person
// may run.
func TestWordsSayTheRealReason(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, "survey checkin county") // S1, for C0COUNTY
	inDM := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorDM, ""}
	if r := hs.do(inDM, `survey comment S1 "Great partnership"`); !strings.Contains(r.Text, "isn't a survey from here") || strings.Contains(r.Text, "admin") {
		t.Errorf("an admin commenting from a DM: %q; want the real reason, the channel", r.Text)
	}
	if r := hs.do(member, "survey"); strings.Contains(r.Text, "survey list") || !strings.Contains(r.Text, "survey checkin") {
		t.Errorf("survey alone: %q; want a subcommand that exists", r.Text)
	}
	if r := hs.mustOK(liaison, "followups"); strings.Contains(r.Text, "followup <partner>") {
		t.Errorf("a liaison's empty followups hints at a command they cannot run: %q", r.Text)
	}
	if r := hs.mustOK(admin, "help erase"); !strings.Contains(r.Text, "partner erase") {
		t.Errorf("help erase = %q", r.Text)
	}
	if r := hs.do(member, "help erase"); !strings.Contains(r.Text, "`partner erase` is for outreach admins") {
		t.Errorf("help erase, by a member = %q; want who may", r.Text)
	}
	if r := hs.mustOK(member, `log county email "Sent the flyer"`); !strings.Contains(r.Feed, "logged an email") {
		t.Errorf("feed = %q; want grammatical", r.Feed)
	}
}

// A picked person stays a mention and a link keeps its address.
func TestTextKeepsMentionsAndLinks(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `log county meeting "Met <@U0DEVON|devon> about <https://example.org/a|the agenda>"`)
	r := hs.mustOK(member, "history county")
	if !strings.Contains(r.Text, "Met <@U0DEVON> about the agenda (https://example.org/a)") {
		t.Errorf("history = %q; want the mention and the link's address kept", r.Text)
	}
	// A broadcast typed in the same text still never goes live.
	hs.mustOK(member, `log county call "ping <!channel> and <!here>"`)
	if r := hs.mustOK(member, "history county"); strings.Contains(r.Text, "<!") {
		t.Errorf("history = %q; a broadcast came back live", r.Text)
	}
}
