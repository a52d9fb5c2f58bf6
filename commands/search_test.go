package commands_test

import (
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/message"
)

// searchSeed adds, besides seed's partners and E1, people, contacts from
// the team and from County Health's liaison, and needs.
func (hs *harness) searchSeed() {
	hs.seed()
	hs.mustOK(member, `partner add "Clínica Salud" kind:clinic`)
	hs.mustOK(member, `partner set clinica services:"Flu shots, prenatal care"`)
	hs.mustOK(member, `partner add "Flu Fighters Coalition" kind:nonprofit`)
	hs.mustOK(member, `partner person county "Dana Whitfield" role:"Health educator" email:dana@county.gov`)
	hs.mustOK(member, `log county call "Talked about the flu clinic"`)
	hs.mustOK(member, `log county email "Internal: their flu budget is tight"`)
	hs.mustOK(member, `log clinica visit "Clinic flu day planning with the promotoras"`)
	hs.mustOK(member, `log eastside-community-clinic call "Asked about a flu clinic at the branch"`)
	hs.mustOK(liaison, `log meeting "We can staff the flu clinic table"`)
	hs.mustOK(liaison, `need vaccines "Parents asked where the flu clinic is"`)
	hs.mustOK(member, `need vaccines "Flu shots too far away" partner:eastside-community-clinic`)
}

func TestSearch(t *testing.T) {
	hs := newHarness(t)
	hs.searchSeed()
	for _, tc := range []struct {
		name      string
		who       as
		text      string
		want      []string
		wantNot   []string
		wantFirst string // the first result line starts with it
	}{
		{"words in any order, grouped by kind", member, "search clinic flu",
			[]string{"*Events* (1)", "Flu shot clinic", "*Needs* (1)", "*Contacts* (4)", "Talked about the flu clinic", "Asked about a flu clinic", "We can staff the flu clinic table", "Clinic flu day planning"},
			[]string{"flu budget"}, ""},
		{"a phrase as written", member, `search "flu clinic"`,
			[]string{"*Contacts* (3)", "Talked about the flu clinic", "Asked about a flu clinic", "We can staff the flu clinic table", "*Needs* (1)"},
			[]string{"Clinic flu day planning", "Flu shot clinic", "Flu shots too far"}, ""},
		{"no accents needed, and the field that matched", member, "search CLINICA prenatal",
			[]string{"*Partners* (1)", "*Clínica Salud* `clinica-salud`", "services: Flu shots, prenatal care"}, nil, ""},
		{"people by role", member, "search educator",
			[]string{"*People* (1)", "*Dana Whitfield* · Health educator · dana@county.gov — at *County Health Dept*"}, nil, ""},
		{"a match in the name ranks first", member, "search flu kind:partners",
			[]string{"*Partners* (2)", "*Clínica Salud*"}, nil, "• *Flu Fighters Coalition*"},
		{"one partner", member, "search flu partner:eastside-community-clinic",
			[]string{"about *Eastside Community Clinic*", "Asked about a flu clinic", "Flu shots too far away"},
			[]string{"County Health", "Clínica"}, ""},
		{"one kind", member, "search flu kind:need",
			[]string{"*Needs* (2)"}, []string{"*Contacts*", "*Events*"}, ""},
		{"nothing", member, "search flu zebra", []string{"Nothing matches `flu zebra`"}, nil, ""},
		// A liaison finds their partnership's needs and upcoming events and
		// the notes they left, nothing the team wrote about it, and
		// nothing of other partners.
		{"a liaison", liaison, "search flu clinic",
			[]string{"about *County Health Dept*", "Flu shot clinic", "Parents asked where the flu clinic is", "We can staff the flu clinic table"},
			[]string{"Talked about", "Eastside", "Clínica", "Flu shots too far", "Dana Whitfield", "*Partners*", "*People*", "budget"}, ""},
		{"a liaison, about the partner's people", liaison, "search dana", []string{"Nothing about *County Health Dept* matches"}, []string{"Whitfield"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := hs.mustOK(tc.who, tc.text)
			for _, w := range tc.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("reply lacks %q:\n%s", w, r.Text)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(r.Text, w) {
					t.Errorf("reply has %q:\n%s", w, r.Text)
				}
			}
			if tc.wantFirst != "" {
				lines := strings.Split(r.Text, "\n")
				if len(lines) < 3 || !strings.HasPrefix(lines[2], tc.wantFirst) {
					t.Errorf("first result %q; want it to start with %q:\n%s", lines[min(2, len(lines)-1)], tc.wantFirst, r.Text)
				}
			}
		})
	}
	for _, tc := range []struct {
		name, text string
		who        as
		outcome    message.Outcome
		want       string
	}{
		{"nothing typed", "search", member, message.OutcomeUserError, "What should I look for?"},
		{"only common words", "search the of", member, message.OutcomeUserError, "`the of` is too common"},
		{"a kind that is not", "search flu kind:peple", member, message.OutcomeUserError, "Did you mean `people`?"},
		{"an unknown partner", "search flu partner:contyhealth", member, message.OutcomeUserError, "Did you mean `county-health-dept`?"},
		{"a liaison naming another partner", "search flu partner:eastside-community-clinic", liaison, message.OutcomeDenied, "isn't something I can do for you here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := hs.do(tc.who, tc.text)
			if r.Outcome != tc.outcome || !strings.Contains(r.Text, tc.want) {
				t.Errorf("%q: %s %q; want %s with %q", tc.text, r.Outcome, r.Text, tc.outcome, tc.want)
			}
			if strings.Contains(r.Text, "Eastside") && tc.who == liaison {
				t.Errorf("a liaison's refusal names another partner: %q", r.Text)
			}
		})
	}
}

// What the search shows back of stored text is escaped like everything
// else: a broadcast someone logged stays inert in the results.
func TestSearchShowsStoredTextInert(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `log county call "<!channel> flu meeting moved &lt;!here&gt;"`)
	r := hs.mustOK(member, "search flu meeting")
	if !strings.Contains(r.Text, "flu meeting moved") {
		t.Fatalf("search lacks the contact:\n%s", r.Text)
	}
	for _, live := range []string{"<!channel", "<!here"} {
		if strings.Contains(r.Text, live) {
			t.Errorf("search shows a live %q:\n%s", live, r.Text)
		}
	}
}
