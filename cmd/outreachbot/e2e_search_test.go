package main

import (
	"strings"
	"testing"
)

// TestEndToEndSearch: `search` through each door of the real Socket Mode
// path, the team's answer holding every partner's records and a
// liaison's (in the shared channel and in a DM) only their partnership's
// needs and upcoming events and the notes they left.
func TestEndToEndSearch(t *testing.T) {
	e := startE2E(t, nil)
	for _, cmd := range []string{
		`partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`,
		`partner add "Eastside Clinic"`,
		`log county call "Talked about the flu clinic with Dana"`,
		`log county email "Internal: the flu clinic budget is tight"`,
		`log eastside call "Eastside wants a flu clinic too"`,
		`need vaccines "Flu clinic hours are too short" partner:eastside`,
		`event add county "Flu clinic at the main branch" tomorrow 10am`,
	} {
		if r := e.slash("U0MARIA", "C0OUTREACH", cmd); r.ResponseType != "ephemeral" || strings.Contains(r.Text, "Sorry") || strings.Contains(r.Text, "I don't") {
			t.Fatalf("%s: %s", cmd, r.raw)
		}
	}
	mark := e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", `<@UBOT> need vaccines "Parents ask where the flu clinic is"`); err != nil {
		t.Fatal(err)
	}
	e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY"))
	mark = e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", `<@UBOT> log meeting "We can staff the flu clinic table"`); err != nil {
		t.Fatal(err)
	}
	e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY"))

	// The team: everything, in the slash command's ack.
	r := e.slash("U0MARIA", "C0OUTREACH", "search clinic flu")
	for _, want := range []string{"*Events* (1)", "Flu clinic at the main branch", "*Needs* (2)", "*Contacts* (4)",
		"Talked about the flu clinic", "budget is tight", "Eastside wants a flu clinic", "We can staff the flu clinic table"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the team's search lacks %q:\n%s", want, r.Text)
		}
	}
	if r.ResponseType != "ephemeral" {
		t.Errorf("search answered %q; want ephemeral", r.ResponseType)
	}

	liaisonSees := []string{"about *County Health Dept*", "Flu clinic at the main branch", "Parents ask where the flu clinic is", "We can staff the flu clinic table"}
	hidden := []string{"Eastside", "budget", "Talked about", "Flu clinic hours"}
	check := func(door, text string) {
		t.Helper()
		for _, want := range liaisonSees {
			if !strings.Contains(text, want) {
				t.Errorf("the liaison's search (%s) lacks %q:\n%s", door, want, text)
			}
		}
		for _, not := range hidden {
			if strings.Contains(text, not) {
				t.Errorf("the liaison's search (%s) shows %q, which is not theirs to see:\n%s", door, not, text)
			}
		}
	}
	// The liaison, by a mention in the shared channel: only to them.
	mark = e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> search flu clinic"); err != nil {
		t.Fatal(err)
	}
	check("mention", e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY")).Text)
	// And in a DM, where their organization names the partnership.
	mark = e.mark()
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0DANA", "search flu clinic"); err != nil {
		t.Fatal(err)
	}
	check("DM", e.waitAfter(mark, dmAnswer).Text)
	// Naming another partner is refused, saying nothing of it.
	mark = e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> search flu partner:eastside"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "isn't something I can do for you here") || strings.Contains(p.Text, "Eastside") {
		t.Errorf("a liaison naming another partner: %q", p.Text)
	}
}
