package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// In a DM, a liaison acts for the partnership their organization is
// linked to through its shared channel; with several, they choose; with
// none, they are told whom to ask.
func TestLiaisonDMActsForTheirOrganizationsPartner(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // County Health Dept, linked to C0COUNTY, shared with T0PARTNER
	dm := as{"U0DANA", commands.RoleLiaison, "D0DANA", commands.DoorDM, partnerTeam}
	r := hs.mustOK(dm, `log meeting "Planning call for the January workshop"`)
	if !strings.Contains(r.Text, "*County Health Dept*") {
		t.Fatalf("liaison's DM log = %q; want it logged for County Health", r.Text)
	}
	if r := hs.mustOK(member, "history county"); !strings.Contains(r.Text, "Planning call") || !strings.Contains(r.Text, "meeting ←") {
		t.Errorf("history lacks the liaison's note as inbound:\n%s", r.Text)
	}
	if r := hs.mustOK(dm, "help"); !strings.Contains(r.Text, "DM") {
		t.Errorf("a liaison's help in a DM does not mention DMs: %q", r.Text)
	}

	// A second partnership with the same organization: they choose.
	hs.mustOK(member, `partner add "Eastside Family Clinic" channel:<#C0EAST|east-shared>`)
	r = hs.do(dm, `log call "Can we move the class?"`)
	if len(r.Choices) != 2 || r.Choices[0].Action != commands.ActionActFor {
		t.Fatalf("with two partnerships: %q %+v; want a choice of two", r.Text, r.Choices)
	}
	var east message.Choice
	for _, c := range r.Choices {
		if c.Label == "Eastside Family Clinic" {
			east = c
		}
	}
	req := commands.Request{Team: team, User: "U0DANA", UserTeam: partnerTeam, Role: commands.RoleLiaison, Channel: "D0DANA", Door: commands.DoorForm, Loc: ny}
	p := hs.h.Press(context.Background(), req, east.Action, east.Value)
	if p.Ephemeral == nil || p.Ephemeral.Outcome != message.OutcomeOK || !strings.Contains(p.Ephemeral.Text, "*Eastside Family Clinic*") {
		t.Fatalf("choosing Eastside: %+v", p)
	}
	// A forged choice, for a partner their organization is not linked to.
	hs.mustOK(member, `partner add "Elsewhere Pharmacy"`)
	p = hs.h.Press(context.Background(), req, commands.ActionActFor, "elsewhere-pharmacy\nlog call \"x\"")
	if p.Ephemeral == nil || p.Ephemeral.Outcome != message.OutcomeDenied {
		t.Errorf("a forged choice: %+v; want a refusal", p)
	}

	// Someone from an organization linked to nothing.
	stranger := as{"U0ODIN", commands.RoleLiaison, "D0ODIN", commands.DoorDM, "T0OTHER"}
	if r := hs.do(stranger, `log call "hello"`); r.Outcome != message.OutcomeDenied || !strings.Contains(r.Text, "Ask your contact on the outreach team") {
		t.Errorf("an unlinked organization's DM: %s %q", r.Outcome, r.Text)
	}
}

// In a channel, a liaison acts only for the channel's partner, and only
// when their organization is that partner's: someone from another
// organization in a shared coalition channel is refused until the team
// names the partner's organization.
func TestLiaisonScopedByTeamAndChannel(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	r := hs.mustOK(member, `partner add "Healthy Futures Coalition" channel:<#C0COALITION|coalition>`)
	if !strings.Contains(r.Text, "shared with 2 organizations") {
		t.Errorf("linking a channel shared with two organizations: %q; want a word on naming the partner's", r.Text)
	}
	inCoalition := as{"U0DANA", commands.RoleLiaison, "C0COALITION", commands.DoorMention, partnerTeam}
	if r := hs.do(inCoalition, `log meeting "hi"`); r.Outcome != message.OutcomeDenied {
		t.Errorf("before the organization is named: %s %q; want denied", r.Outcome, r.Text)
	}
	hs.mustOK(member, `partner set healthy org:<@U0ODIN|odin>`) // the coalition is T0OTHER
	if r := hs.do(inCoalition, `log meeting "hi"`); r.Outcome != message.OutcomeDenied {
		t.Errorf("a liaison of another organization in the coalition channel: %s %q; want denied", r.Outcome, r.Text)
	}
	odin := as{"U0ODIN", commands.RoleLiaison, "C0COALITION", commands.DoorMention, "T0OTHER"}
	hs.mustOK(odin, `log meeting "Coalition planning"`)
	// Dana, County Health's liaison, still acts for County Health in its channel.
	hs.mustOK(liaison, `log meeting "County planning"`)
	// …and someone from the coalition wandering into County's channel cannot.
	wanderer := as{"U0ODIN", commands.RoleLiaison, "C0COUNTY", commands.DoorMention, "T0OTHER"}
	if r := hs.do(wanderer, `log meeting "x"`); r.Outcome != message.OutcomeDenied {
		t.Errorf("another organization's liaison in County's channel: %s %q; want denied", r.Outcome, r.Text)
	}
	if r := hs.do(member, `partner set healthy org:<@U0MARIA|maria>`); !strings.Contains(r.Text, "our own workspace") {
		t.Errorf("naming a team member as the organization: %q", r.Text)
	}
}

// A liaison's needs and search show what their organization told the
// team, never the team's own notes about the partner.
func TestLiaisonSeesTheNeedsTheirOrganizationShared(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `need housing "Internal: Dana seems overwhelmed, maybe escalate" partner:county`)
	hs.mustOK(liaison, `need transportation "No bus to the clinic on Saturdays"`)
	for _, text := range []string{"needs", "search overwhelmed", "search bus"} {
		r := hs.mustOK(liaison, text)
		if strings.Contains(r.Text, "escalate") || strings.Contains(r.Text, "housing") {
			t.Errorf("a liaison's %q shows the team's own note:\n%s", text, r.Text)
		}
	}
	if r := hs.mustOK(liaison, "needs"); !strings.Contains(r.Text, "No bus to the clinic") {
		t.Errorf("a liaison's needs lacks their own:\n%s", r.Text)
	}
	if r := hs.mustOK(liaison, "search bus"); !strings.Contains(r.Text, "No bus to the clinic") {
		t.Errorf("a liaison's search lacks their own need:\n%s", r.Text)
	}
	// The team sees both.
	if r := hs.mustOK(member, "needs county"); !strings.Contains(r.Text, "overwhelmed") || !strings.Contains(r.Text, "No bus") {
		t.Errorf("the team's needs county:\n%s", r.Text)
	}
	// An empty note is refused.
	if r := hs.do(member, `need diabetes " "`); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "What did you hear?") {
		t.Errorf("an empty need: %s %q", r.Outcome, r.Text)
	}
}
