package commands_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// What a new team tripped on in its second week (issue 16), each where it
// lives; TestWeekTwoLog is items 1, 3 (phone) and 10.

// TestWeekTwoLog: a date right after the method is the date when it
// reads as a past one (and the reply says so), `phone` and `phone call`
// are a call, and outcome: is stored and shown in history and on the
// partner's page.
func TestWeekTwoLog(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its cases are dates
	hs.seed()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"log county call yesterday talked about flu shots", []string{"Logged call → *County Health Dept*", "(Thu Nov 26, 09:00): talked about flu shots", "I read `yesterday` as the date"}},
		{"log county call last tuesday in they asked for flyers", []string{"Logged call ← *County Health Dept*", "(Tue Nov 24, 09:00): they asked for flyers"}},
		{"log county email nov 20 sent the outline", []string{"(Fri Nov 20, 09:00): sent the outline"}},
		{"log county email 11/20 sent the outline", []string{"(Fri Nov 20, 09:00): sent the outline"}},
		{"log county visit this morning toured the clinic", []string{"(Fri Nov 27, 09:00): toured the clinic"}},
		{"log county call next week we plan the fair", []string{"(Fri Nov 27, 10:00): next week we plan the fair"}}, // ahead: it is the summary
		{`log county call yesterday`, []string{"(Fri Nov 27, 10:00): yesterday"}},                                   // nothing after: the summary
		{`log county call "yesterday was busy"`, []string{"(Fri Nov 27, 10:00): yesterday was busy"}},
		{"log county phone talked about the fair", []string{"Logged call → *County Health Dept*", "talked about the fair"}},
		{"log county phone call left a message", []string{"Logged call →", "left a message"}},
		{"log county phoned about the fair", []string{"Logged call →", ": phoned about the fair"}},
		{"log county called yesterday Dana about the fair", []string{"Logged call →", "(Thu Nov 26, 09:00): called Dana about the fair"}},
		{`log county called "Dana, about the fair"`, []string{"Logged call →", ": Dana, about the fair"}},
		{"log county visited the new clinic", []string{"Logged visit →", ": visited the new clinic"}},
		{"log county texted Dana the date", []string{"Logged message →", ": texted Dana the date"}},
		{"log county messaged Dana on Slack", []string{"Logged message →", ": messaged Dana on Slack"}},
		{"log county mailed the brochures", []string{"Logged letter →", ": mailed the brochures"}},
		{"log county e-mail sent the outline", []string{"Logged email →", ": sent the outline"}},
		{`log eastside community meeting "Planned the fair" outcome:"agreed to host"`, []string{"Logged meeting →", "Outcome: agreed to host"}},
	} {
		r := hs.mustOK(member, tc.text)
		for _, w := range tc.want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%q:\n%s\nwant %q", tc.text, r.Text, w)
			}
		}
	}
	if r := hs.mustOK(member, "history eastside-community-clinic"); !strings.Contains(r.Text, "— Planned the fair · outcome: agreed to host") {
		t.Errorf("history lacks the outcome:\n%s", r.Text)
	}
	if r := hs.mustOK(member, `contact edit last outcome:"will host in March" method:phone`); !strings.Contains(r.Text, "Corrected the outcome and method") || !strings.Contains(r.Text, "call → · <@U0MARIA> — Planned the fair · outcome: will host in March") {
		t.Errorf("an outcome corrected:\n%s", r.Text)
	}
	if r := hs.mustOK(member, `contact edit last method:meeting outcome:"agreed to host"`); !strings.Contains(r.Text, "outcome: agreed to host") {
		t.Errorf("the outcome put back:\n%s", r.Text)
	}
	if r := hs.mustOK(member, "partner show eastside-community-clinic"); !strings.Contains(r.Text, "outcome: agreed to host") {
		t.Errorf("partner show lacks the outcome:\n%s", r.Text)
	}
	rows := readExport(t, later(t, hs.mustOK(admin, "export contacts")).Files[0])
	found := false
	for _, row := range rows[1:] {
		found = found || row["outcome"] == "agreed to host"
	}
	if !found {
		t.Errorf("the export's outcome column is empty")
	}
}

// TestWeekTwoPhrasings (item 3): what people type without thinking
// either works or is refused with the exact command that would.
func TestWeekTwoPhrasings(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	hs.mustOK(member, `followup county tomorrow "Send the flyer"`)
	for _, tc := range []struct {
		text string
		ok   bool
		want string
	}{
		{"show county", true, "*County Health Dept* `county-health-dept`"},
		{"show", false, "Which partner? `/outreach partner show <partner>`"},
		{"snooze F1 until monday", true, "Snoozed `F1` until Mon Nov 30, 09:00"},
		{"reschedule F1 to dec 4", true, "Rescheduled `F1` to Fri Dec 4, 09:00"},
		{"followups for maria", false, "For a person's follow-ups, name them with @: `/outreach followups @maria`."},
		{"followups maria", false, "`/outreach followups @maria`"},
		{"followups for county", true, "Open follow-ups with County Health Dept"},
		{"remind me next tuesday to call Dana", false, "Type `/outreach followup <partner> \"next tuesday\" \"call Dana\"`"},
		{"undo", false, "`/outreach contact delete last`"},
		{"history", false, "Which partner? `/outreach history <partner>`"},
		{`log call "Talked"`, false, "Which partner? `/outreach log <partner> <method> <what happened…>`"},
		{`followup tomorrow "Send it"`, false, "Which partner? `/outreach followup <partner>"},
		{`needs transportation "no bus on Sundays"`, false, "To record one, it is `need`: `/outreach need transportation \"no bus on Sundays\"`."},
		{"needs mental-health", false, "`/outreach need mental-health \"&lt;what you heard&gt;\"`"},
		{"needs nowhere", false, "I don't know a partner called `nowhere`"},
		{"followups all overdue", true, "Overdue follow-ups: none, everything open is on time."},
		{"followups mine overdue", true, "Your overdue follow-ups: none"},
		{"followups open", true, "*Your open follow-ups* (1)"},
		{"followups done", false, "I list open follow-ups"},
		{"remind me", false, "`/outreach followup county \"next tuesday\" \"Call Dana\"`"},
		{`followup county 12/15 "Book the room"`, true, "Due Tue Dec 15, 09:00"},
		{`followup county "end of week" "Send the minutes"`, true, "Due Fri Nov 27, 17:00"},
		{"log county call this morning talked about the fair", true, "(Fri Nov 27, 09:00): talked about the fair"},
		{"log county email last week sent the outline", true, "(Fri Nov 20, 09:00): sent the outline"},
		// A cadence by its name.
		{"partner set county cadence:weekly", true, "Updated *County Health Dept*"},
		{"partner show county", true, "stay in touch every 7 days"},
		{`partner set county cadence:"every other week"`, true, "Updated"},
		{"partner show county", true, "stay in touch every 14 days"},
		{"partner set county cadence:quarterly", true, "Updated"},
		{"partner show county", true, "stay in touch every 90 days"},
		{"partner set county cadence:sometimes", false, "`cadence:monthly`"},
		{"partner set county cadence:2 weeks", false, "A cadence with a space goes in quotes: `cadence:\"2 weeks\"`, or write `cadence:14d`."},
		{`partner add "Hope Clinic" cadence:every other week`, false, "(I got `every`)"},
		{`partner add "Hope Clinic" cadence:3 months`, false, "`cadence:90d`"},
		// A text option typed without quotes is refused, not split.
		{`log county call "Talked" outcome:They agreed to host`, false, "A value with spaces goes in quotes: `outcome:\"They agreed to host\"`"},
		{`partner person county "Dana Whitfield" role:Health educator lead`, false, "`role:\"Health educator lead\"`"},
		{`partner set county goals:Flu shots for seniors`, false, "`goals:\"Flu shots for seniors\"`"},
		{`event add county "Fair" friday where:Main library room B`, false, "`where:\"Main library room B\"`"},
		{`log county call outcome:"agreed to host" talked about flu`, true, ": talked about flu"},
		{`partner person county "Dana Whitfield" role:Director`, true, "Dana Whitfield"},
		{`log county call "Talked about the fair" outcome:agreed in`, true, "Logged call ← *County Health Dept*"},
		{`event add county "Flu clinic" where:Library dec 3 10am`, true, "*Flu clinic* with *County Health Dept*: Thu Dec 3, 10:00"},
		{`log "County Health Dept" call "Talked about flu"`, true, "Logged call → *County Health Dept*"},
		// An event's end is read from its own day: before the start is an error.
		{`event add county "Z" "friday 2pm" until:1pm`, false, "before it starts"},
		{`event add county "V" "friday 10am" until:"friday 11am"`, true, ", 10:00–11:00"},
		{`event add county "Vigil" "dec 18 10pm" until:2am`, true, "Fri Dec 18, 22:00 – Sat Dec 19, 02:00"},
		{`event add county "Late" "dec 18 10pm" until:"tomorrow 1am"`, true, "Fri Dec 18, 22:00 – Sat Dec 19, 01:00"},
		// A name like a partner's there is asked about first.
		{`partner add county health department`, true, "*County Health Dept* (`county-health-dept`) is there already"},
		// Nouns, subcommands and methods as people type them.
		{`events add county "Book club" "dec 4 3pm"`, true, "*Book club* with *County Health Dept*"},
		{"needs list", true, "ommunity needs"},
		{"need list", false, "The list of needs is `/outreach needs`."},
		{"followup list", false, "The list is `/outreach followups`"},
		{"followup F1", false, "`F1` is a follow-up already: `done F1`"},
		{"followup show F1", false, "`F1` is a follow-up already"},
		{"followups list", true, "open follow-ups"},
		{"event list county past", true, "Past events with County Health Dept"},
		{"event attendance E1 20", false, "I don't know `event attendance`: it is `event attended`."},
		{"partner delete county", false, "that is `partner erase`, which only an outreach admin can do"},
		{"delete C1", false, "To take back `C1`, it is `/outreach contact delete C1`."},
		{`log county "Talked about flu" call`, false, "The method goes right after the partner, before what happened: `/outreach log county call \"Talked about flu\"`."},
		{`log county in email "They wrote back"`, true, "Logged email ← *County Health Dept*"},
		{`log county text "Sent the times"`, false, "`text` isn't one of the methods here; it is `message`."},
		// partner list filters by bare words too.
		{"partner list active", true, "*County Health Dept*"},
		{"partner list clinics", true, "*Eastside Community Clinic*"},
		{"partner list mine", true, "*Partners* ("},
		{"partner list <@U0DEVON|devon>", true, "*Eastside Community Clinic*"},
		{"partner list actve", false, "Did you mean `active`?"},
		{"partner list sideways", false, "Filter with a stage (`active`)"},
		// Plurals are the lists, as followups and needs are.
		{"partners", true, "*Partners* ("},
		{"partners stage:active", true, "*County Health Dept*"},
		{"events", true, "*Upcoming events* ("},
		{"events past county", true, "Past events with County Health Dept"},
		{"contacts county", true, "*County Health Dept*: last"},
		// event add takes when: (as log does) and start: (as event edit does).
		{`event add county "Book fair" when:"dec 3 10am"`, true, "*Book fair* with *County Health Dept*: Thu Dec 3, 10:00–11:00"},
		{`event add county "Story hour" start:"dec 4 3pm" until:4:30pm`, true, "*Story hour* with *County Health Dept*: Fri Dec 4, 15:00–16:30"},
		{`event add county "Book fair" when:"dec 3 10am" confirm`, true, "*Book fair* with *County Health Dept*: Thu Dec 3, 10:00–11:00"},
		{`event add county "Yoga" dec 5 when:"dec 6"`, false, "When it starts is given twice, `dec 5` and `dec 6`: keep one."},
		{`event add county "Yoga" when:"dec 5" start:"dec 6"`, false, "`when:` or `start:`, not both"},
	} {
		r := hs.do(member, tc.text)
		if (r.Outcome == message.OutcomeOK) != tc.ok || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%q: %s %q; want ok=%v with %q", tc.text, r.Outcome, r.Text, tc.ok, tc.want)
		}
	}
}

// hasLacks checks that the reply to typed has each of has and none of
// lacks.
func hasLacks(t *testing.T, typed, reply string, has, lacks []string) {
	t.Helper()
	for _, w := range has {
		if !strings.Contains(reply, w) {
			t.Errorf("%q lacks %q:\n%s", typed, w, reply)
		}
	}
	for _, w := range lacks {
		if strings.Contains(reply, w) {
			t.Errorf("%q has %q:\n%s", typed, w, reply)
		}
	}
}

// TestPartnerListBareWords: a bare stage, kind or person filters as its
// option does.
func TestPartnerListBareWords(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	for _, tc := range []struct{ text, has, lacks string }{
		{"partner list active", "County Health Dept", "Eastside"},
		{"partner list clinics", "Eastside Community Clinic", "Eastside Pharmacy"},
		{"partner list pharmacy", "Eastside Pharmacy", "Clinic"},
		{"partner list <@U0DEVON|devon>", "Eastside Community Clinic", "County Health Dept"},
	} {
		hasLacks(t, tc.text, hs.mustOK(member, tc.text).Text, []string{tc.has}, []string{tc.lacks})
	}
}

// TestWeekTwoNeedTopics (item 4): a topic of several words is one topic,
// quotes optional, and the reply shows what was stored.
func TestWeekTwoNeedTopics(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	for _, tc := range []struct{ text, want string }{
		{`need Mental Health "stress at exam time"`, "— mental-health: stress at exam time"},
		{`need flu shots "asked at the fair"`, "— vaccines: asked at the fair"},
		{`need flu shots asked at the fair`, "— vaccines: asked at the fair"},
		{`need mental health teens are anxious`, "— mental-health: teens are anxious"},
		{`need Food Pantry Access! "closed on Sundays"`, "— food-pantry-access: closed on Sundays"},
		{`need diabetes,nutrition "cooking classes"`, "— diabetes, nutrition: cooking classes"},
		{`need transportation no bus on Saturdays`, "— transportation: no bus on Saturdays"},
	} {
		if r := hs.mustOK(member, tc.text); !strings.Contains(r.Text, tc.want) {
			t.Errorf("%s:\n%s\nwant %q", tc.text, r.Text, tc.want)
		}
	}
	if r := hs.do(member, `need Food Pantry Acess "again"`); r.Outcome == message.OutcomeOK || !strings.Contains(r.Text, "Did you mean `food-pantry-access`?") {
		t.Errorf("a misspelt new topic of several words: %s %q", r.Outcome, r.Text)
	}
}

// TestLiaisonHelpWorksWhenPasted (item 5): a liaison's help shows their
// own syntax (no partner, no team options), and every example in it,
// overview and each command's page, works when the liaison pastes it,
// in their partner's channel and in a DM; a refusal points at what they
// may type.
func TestLiaisonHelpWorksWhenPasted(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	dm := as{"U0DANA", commands.RoleLiaison, "D0DANA", commands.DoorDM, partnerTeam}
	span := regexp.MustCompile("`([^`]+)`")
	for _, who := range []as{liaison, dm} {
		pages := []string{"help"}
		for _, name := range []string{"log", "followups", "event list", "survey comment", "need", "needs"} {
			pages = append(pages, "help "+name)
		}
		pasted := 0
		for _, page := range pages {
			text := hs.mustOK(who, page).Text
			if strings.Contains(text, "<partner>") || strings.Contains(text, "next:") || strings.Contains(text, "county") {
				t.Errorf("%s at %s shows the team's syntax:\n%s", page, who.channel, text)
			}
			for _, m := range span.FindAllStringSubmatch(text, -1) {
				ex := m[1]
				if strings.ContainsAny(ex, "<…") || !startsWithCommand(ex) {
					continue
				}
				pasted++
				if r := hs.do(who, ex); r.Outcome != message.OutcomeOK {
					t.Errorf("%s at %s: pasting %q: %s %q", page, who.channel, ex, r.Outcome, r.Text)
				}
			}
		}
		if pasted < 6 {
			t.Errorf("only %d examples pasted at %s", pasted, who.channel)
		}
		r := hs.do(who, "partner list")
		for _, m := range span.FindAllStringSubmatch(r.Text, -1) {
			if ex := m[1]; startsWithCommand(ex) && !strings.ContainsAny(ex, "<…") {
				if got := hs.do(who, ex); got.Outcome != message.OutcomeOK {
					t.Errorf("the refusal at %s suggests %q, which fails: %s %q", who.channel, ex, got.Outcome, got.Text)
				}
			}
		}
	}
}

func startsWithCommand(s string) bool {
	for _, c := range []string{"log ", "need ", "needs", "followups", "event list", "help"} {
		if strings.HasPrefix(s, c) {
			return true
		}
	}
	return false
}

// TestWeekTwoOrgNeedsAChannel (item 6): org: on a partner with no linked
// channel would do nothing for its people's DMs: it is refused with the
// command that links both, which then lets Dana act for it in a DM.
func TestWeekTwoOrgNeedsAChannel(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	hs.mustOK(member, `partner add "Mercy Clinic" kind:clinic`)
	r := hs.do(member, `partner set mercy org:<@U0DANA|dana>`)
	if r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "`/outreach partner set mercy-clinic channel:#<the shared channel> org:<@U0DANA>`") {
		t.Fatalf("org: without a channel: %s %q", r.Outcome, r.Text)
	}
	if show := hs.mustOK(member, "partner show mercy"); strings.Contains(show.Text, "Organization") {
		t.Errorf("the refused org: was stored:\n%s", show.Text)
	}
	hs.mustOK(member, `partner set county channel:none`) // Dana's organization's other partner
	hs.mustOK(member, `partner set mercy channel:<#C0EAST|east-shared> org:<@U0DANA|dana>`)
	dm := as{"U0DANA", commands.RoleLiaison, "D0DANA", commands.DoorDM, partnerTeam}
	if got := hs.mustOK(dm, `log meeting "Planning the walk-in hours"`); !strings.Contains(got.Text, "*Mercy Clinic*") {
		t.Errorf("Dana's note in a DM: %q; want it logged for Mercy Clinic", got.Text)
	}
}

// TestWeekTwoEventWithTwoPartners (item 7): an event run with two
// partners sends its feedback survey into each one's linked channel,
// and survey results E… puts their answers together.
func TestWeekTwoEventWithTwoPartners(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `partner set eastside-community-clinic channel:<#C0EAST|east-shared>`)
	hs.mustOK(member, `event add county "Health fair" `+hs.day(1)+` 10am with:eastside-community-clinic`) // E2
	hs.clock.Advance(hs.at(1, 11).Sub(hs.clock.Now()))
	r := hs.mustOK(member, "event survey E2")
	if !strings.Contains(r.Text, "Sending the feedback survey `S1` and `S2` for `E2` *Health fair* to <#C0COUNTY> and <#C0EAST>") {
		t.Errorf("event survey E2: %q", r.Text)
	}
	if r := hs.do(member, "event survey E2"); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "`S1` and `S2`") {
		t.Errorf("asked again: %s %q", r.Outcome, r.Text)
	}
	for _, a := range []struct {
		channel, user, value string
		rating               string
	}{{"C0COUNTY", "U0MARIA", "S1", "sv:q1:5"}, {"C0EAST", "U0LEAD", "S2", "sv:q1:3"}} {
		req := commands.Request{Team: team, User: a.user, UserTeam: team, Role: commands.RoleMember, Channel: a.channel, Door: commands.DoorForm, Loc: ny}
		if p := hs.h.Press(context.Background(), req, a.rating, a.value); p.Update == nil {
			t.Fatalf("answering %s in %s: %+v", a.value, a.channel, p.Ephemeral)
		}
	}
	res := hs.mustOK(member, "survey results E2").Text
	for _, want := range []string{"*Combined, `S1` and `S2`* (one in each partner's channel): 2 responses", "*4.0* average of 2 ratings", "*5.0* average of 1 rating", "*3.0* average of 1 rating"} {
		if !strings.Contains(res, want) {
			t.Errorf("survey results E2 lacks %q:\n%s", want, res)
		}
	}
}

// TestWeekTwoEventTypedTwice (item 8): the same event add again asks
// first, with a button; pressed (or typed with confirm) it adds another.
func TestWeekTwoEventTypedTwice(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // E1 Flu shot clinic, six days on at 10:00
	line := `event add county "Flu Shot Clinic" ` + hs.day(6) + ` 10am`
	r := hs.mustOK(member, line)
	if !strings.Contains(r.Text, "`E1` *Flu shot clinic* with *County Health Dept* is there already") || len(r.Choices) != 1 || r.Choices[0].Label != "Add another" {
		t.Fatalf("typed again: %q %+v", r.Text, r.Choices)
	}
	if list := hs.mustOK(member, "event list"); strings.Contains(list.Text, "E2") {
		t.Fatalf("a second event was added before the question was answered:\n%s", list.Text)
	}
	p := hs.h.Press(context.Background(), commands.Request{Team: team, User: "U0MARIA", UserTeam: team, Role: commands.RoleMember, Channel: "C0OUTREACH", Door: commands.DoorForm, Loc: ny},
		r.Choices[0].Action, r.Choices[0].Value)
	if p.Update == nil || !strings.Contains(p.Update.Text, "`E2` *Flu Shot Clinic*") {
		t.Fatalf("Add another: %+v %+v", p.Update, p.Ephemeral)
	}
	if r := hs.mustOK(member, `event add county "Flu shot clinic" `+hs.day(6)+` 11am`); !strings.Contains(r.Text, "`E3`") {
		t.Errorf("another start is another event: %q", r.Text)
	}
}

// TestWeekTwoSecondComment (item 12): a liaison's second comment on a
// survey adds to the first, and says so; the same comment again is kept
// once.
func TestWeekTwoSecondComment(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.clock.Advance(hs.at(6, 11).Sub(hs.clock.Now())) // E1 started at 10:00
	hs.mustOK(member, "event survey E1")               // S1, in C0COUNTY
	dana := commands.Request{Team: team, User: "U0DANA", UserTeam: partnerTeam, Role: commands.RoleLiaison, Channel: "C0COUNTY", Door: commands.DoorForm, Loc: ny}
	for _, tc := range []struct{ text, want string }{
		{"More evening sessions, please", "your comment is saved"},
		{"And Spanish handouts", "I added this to your earlier comment; both are kept"},
		{"And Spanish handouts", "You sent that comment already"},
	} {
		if p := hs.h.SubmitComment(context.Background(), dana, 1, tc.text); p.Ephemeral == nil || !strings.Contains(p.Ephemeral.Text, tc.want) {
			t.Errorf("%q: %+v; want %q", tc.text, p.Ephemeral, tc.want)
		}
	}
	res := hs.mustOK(member, "survey results S1").Text
	if !strings.Contains(res, "1 response") || !strings.Contains(res, "More evening sessions, please") || strings.Count(res, "And Spanish handouts") != 1 {
		t.Errorf("results after two comments:\n%s", res)
	}
}

// TestWeekTwoPeriods: a period as people say it (`last month`, `the past
// 90 days`), before or after the partner, in needs, report and export; a
// partner whose name ends like a period is still that partner.
func TestWeekTwoPeriods(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // November's last Friday: last month is October
	hs.seed()
	hs.mustOK(member, `partner add "Class of 2026 Fund" kind:nonprofit`)
	for _, tc := range []struct {
		who         as
		text        string
		scope, span string // what the reply names
	}{
		{member, "needs last month", "all partners", "October 2026"},
		{member, "needs county last month", "*County Health Dept*", "October 2026"},
		{member, "needs the past 90 days county", "*County Health Dept*", "the last 90 days"},
		{member, "needs this year county", "*County Health Dept*", "2026 so far"},
		{member, `needs period:"last quarter"`, "all partners", "2026-Q3"},
		{member, "report county last quarter", "*County Health Dept*", "2026-Q3"},
		{member, "report last year", "all partners", ", 2025."},
		{admin, "export contacts last month", "of all partners", "October 2026"},
		{admin, "export contacts county last month", "*County Health Dept*", "October 2026"},
		{admin, "export contacts county", "*County Health Dept*", "all time"},
		{member, "needs class of 2026 fund", "*Class of 2026 Fund*", "the last 90 days"},
		{member, "report class of 2026 fund 2026-Q3", "*Class of 2026 Fund*", "2026-Q3"},
	} {
		r := hs.mustOK(tc.who, tc.text)
		if !strings.Contains(r.Text, tc.scope) || !strings.Contains(r.Text, tc.span) {
			t.Errorf("%q:\n%s\nwant %q and %q", tc.text, r.Text, tc.scope, tc.span)
		}
	}
	if r := hs.do(member, "needs nowhere last month"); r.Outcome == message.OutcomeOK || !strings.Contains(r.Text, "I don't know a partner called `nowhere`") {
		t.Errorf("an unknown partner before a period: %s %q", r.Outcome, r.Text)
	}
}

// TestFollowUpFilters: mine, all and overdue combine in any order.
func TestFollowUpFilters(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	hs.mustOK(member, `followup county "in 1 hour" "Mine, soon late"`)
	hs.mustOK(member, `followup county "in 1 hour" "Devon's, soon late" to:<@U0DEVON|devon>`)
	hs.mustOK(member, `followup county "in 9 days" "Mine, on time"`)
	hs.clock.Advance(2 * time.Hour)
	for _, tc := range []struct {
		text       string
		has, lacks []string
	}{
		{"followups overdue", []string{"Mine, soon late", "Devon's, soon late"}, []string{"Mine, on time"}},
		{"followups mine overdue", []string{"Mine, soon late"}, []string{"Devon's", "Mine, on time"}},
		{"followups overdue mine", []string{"Mine, soon late"}, []string{"Devon's", "Mine, on time"}},
		{"followups all", []string{"Mine, soon late", "Devon's, soon late", "Mine, on time"}, nil},
		{"followups", []string{"Mine, soon late", "Mine, on time"}, []string{"Devon's"}},
	} {
		hasLacks(t, tc.text, hs.mustOK(member, tc.text).Text, tc.has, tc.lacks)
	}
}

// TestLiaisonNeedsHint: a liaison who types `needs <topic> "…"` is shown
// the `need` that records it, for the configured topics only: a topic
// another partner raised is refused like anything else, revealing nothing.
func TestLiaisonNeedsHint(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	hs.mustOK(member, `need food-pantry-access! "closed on Sundays" partner:eastside-community-clinic`)
	if r := hs.do(liaison, `needs transportation "no bus on Sundays"`); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, "`need transportation \"no bus on Sundays\"`") {
		t.Errorf("a liaison's needs with a topic: %s %q", r.Outcome, r.Text)
	}
	r := hs.do(liaison, `needs food-pantry-access "x"`)
	if r.Outcome != message.OutcomeDenied || strings.Contains(r.Text, "food-pantry") {
		t.Errorf("another partner's topic: %s %q; want the plain refusal", r.Outcome, r.Text)
	}
}

// TestHistoryOfAPeriod: `history` keeps to a period typed before or after
// the partner, beside a count.
func TestHistoryOfAPeriod(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // Friday Nov 27
	hs.seed()
	for _, line := range []string{
		`log county call "In October" when:2026-10-15`,
		`log county call "Early November" when:2026-11-02`,
		`log county call "Late November" when:2026-11-20`,
	} {
		hs.mustOK(member, line)
	}
	for _, tc := range []struct {
		text       string
		has, lacks []string
	}{
		{"history county last month", []string{"1 contact in October 2026", "In October"}, []string{"November"}},
		{"history this month county", []string{"in November 2026 so far", "Early November", "Late November"}, []string{"In October"}},
		{"history county 1 this month", []string{"1 contact in November 2026", "Late November", "`/outreach history county-health-dept 100 this month`"}, []string{"Early November"}},
		{"history county 2026 1", []string{"1 contact in 2026 so far", "Late November"}, []string{"In October"}},
		{"history county 2025", []string{"No contacts with *County Health Dept* in 2025."}, nil},
	} {
		hasLacks(t, tc.text, hs.mustOK(member, tc.text).Text, tc.has, tc.lacks)
	}
	if r := hs.do(member, "history county 500"); !strings.Contains(r.Text, "Show between 1 and 100 contacts") {
		t.Errorf("history county 500: %q", r.Text)
	}
}

// A partner whose name looks like one there is added once confirmed, by
// its button or by `confirm`.
func TestPartnerAddLikeOneThere(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	r := hs.mustOK(member, `partner add "County Health Department"`)
	if len(r.Choices) != 1 || r.Choices[0].Value != `partner add "County Health Department" confirm` || !strings.Contains(r.Text, "Nothing is added yet") {
		t.Fatalf("a name like County Health Dept's: %q %+v; want a question with a button", r.Text, r.Choices)
	}
	if r := hs.mustOK(member, "partner list"); strings.Contains(r.Text, "County Health Department") {
		t.Errorf("added before it was confirmed:\n%s", r.Text)
	}
	hs.mustOK(member, `partner add "County Health Department" confirm`)
	if r := hs.mustOK(member, "partner list"); !strings.Contains(r.Text, "County Health Department") {
		t.Errorf("not added once confirmed:\n%s", r.Text)
	}
}

// An admin's mistyped subcommands and exports are named.
func TestAdminWordsNamed(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	for text, want := range map[string]string{
		"partner delete county": "it is `partner erase`. It takes everything about the partner away; `partner archive` hides it and keeps its history.",
		"export followup":       "`followup` isn't an export I know. Did you mean `followups`?",
	} {
		if r := hs.do(admin, text); r.Outcome != message.OutcomeUserError || !strings.Contains(r.Text, want) {
			t.Errorf("%q: %s %q; want %q", text, r.Outcome, r.Text, want)
		}
	}
}

// A partner whose name begins like a period (March of Dimes) is that
// partner, in front of or without a period.
func TestPartnerNamedLikeAPeriod(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `partner add "March of Dimes"`)
	hs.mustOK(member, `log march of dimes call "Talked about the walk"`)
	for _, text := range []string{"history march of dimes", "needs march of dimes", "history march of dimes last month", "needs march"} {
		if r := hs.do(member, text); strings.Contains(r.Text, "I don't know a partner") {
			t.Errorf("%q: %q", text, r.Text)
		}
	}
	if r := hs.mustOK(member, "history march of dimes"); !strings.Contains(r.Text, "Talked about the walk") {
		t.Errorf("history march of dimes:\n%s", r.Text)
	}
}

// The partner form's question has a button that adds it.
func TestPartnerFormLikeOneThere(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	req := commands.Request{Team: team, User: "U0MARIA", UserTeam: team, Role: commands.RoleMember, Channel: "C0OUTREACH", Door: commands.DoorForm, Loc: ny}
	r := hs.h.SubmitForm(context.Background(), req, commands.Form{Name: message.FormPartner, Words: []string{"County Health Department"}, Options: map[string]string{"stage": "active"}})
	if len(r.Choices) != 1 || r.Choices[0].Value != `partner add "County Health Department" stage:active confirm` {
		t.Fatalf("the form's question: %q %+v", r.Text, r.Choices)
	}
	p := hs.h.Press(context.Background(), req, r.Choices[0].Action, r.Choices[0].Value)
	got := p.Update
	if got == nil {
		got = p.Ephemeral
	}
	if got == nil || got.Outcome != message.OutcomeOK || !strings.Contains(got.Text, "Added *County Health Department*") {
		t.Fatalf("pressing Add it: %+v", p)
	}
}
