package commands_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/golden"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
	"github.com/outreachbot/outreachbot/when"
)

const team = "T0HOME"

var ny, _ = time.LoadLocation("America/New_York")

// t0 is the test instant (testclock), where a harness's clock is once
// seed has run.
var t0 = testclock.Now()

// aFriday is Friday 2026-11-27 10:00 in New York: the instant of the
// tests whose cases are dates and weekdays as text (what "friday" or
// "last monday" reads as, TestSession's golden file). How dates read at
// any instant is TestParseWhenAtTheTestInstant's.
var aFriday = time.Date(2026, 11, 27, 10, 0, 0, 0, ny)

type harness struct {
	t     testing.TB
	srv   *storetest.Server
	h     *commands.Handler
	clock *clockwork.FakeClock
	t0    time.Time // where seed moves the clock
}

// newHarness is a harness at the test instant t0.
func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessAt(t, t0)
}

// newHarnessAt is a harness whose seed runs a week before at and moves
// the clock to at, so that contacts backdated from at fall after each
// partner was added.
func newHarnessAt(t testing.TB, at time.Time) *harness {
	t.Helper()
	srv := storetest.New(t)
	clock := clockwork.NewFakeClockAt(at.AddDate(0, 0, -7))
	h := commands.New(store.New(srv.Client(), 0).WithNext(when.NextOccurrence), clock, commands.Config{Command: "/outreach", Loc: ny, Directory: directory{}, Names: directory{}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &harness{t: t, srv: srv, h: h, clock: clock, t0: at}
}

// The partner organizations: County Health's people are in team
// T0PARTNER, which shares C0COUNTY with us; C0COALITION is shared with
// two organizations.
const partnerTeam = "T0PARTNER"

// directory is commands.Directory over that cast.
type directory struct{}

func (directory) ChannelTeams(_ context.Context, channel string) ([]string, error) {
	return map[string][]string{
		"C0COUNTY": {team, partnerTeam}, "C0EAST": {team, partnerTeam}, "C0COALITION": {team, partnerTeam, "T0OTHER"},
	}[channel], nil
}

func (directory) UserTeam(_ context.Context, user string) (string, error) {
	if t, ok := map[string]string{"U0DANA": partnerTeam, "U0ODIN": "T0OTHER"}[user]; ok {
		return t, nil
	}
	return team, nil
}

func (directory) UserNamed(context.Context, string) (string, bool) { return "", false }

// PersonName, ChannelName and TeamName name the cast in exports.
func (directory) PersonName(_ context.Context, id string) string {
	return map[string]string{"U0MARIA": "Maria Lopez", "U0LEAD": "Lee Adams", "U0DANA": "Dana Whitfield"}[id]
}

func (directory) ChannelName(_ context.Context, id string) string {
	return map[string]string{"C0COUNTY": "#county-shared", "C0EAST": "#east-shared", "C0OUTREACH": "#outreach-team"}[id]
}

func (directory) TeamName(_ context.Context, id string) string {
	return map[string]string{team: "Riverside Library"}[id]
}

type as struct {
	user    string
	role    commands.Role
	channel string
	door    commands.Door
	team    string // the user's own Slack team; "" is the home team
}

var (
	member  = as{"U0MARIA", commands.RoleMember, "C0OUTREACH", commands.DoorSlash, ""}
	admin   = as{"U0LEAD", commands.RoleAdmin, "C0OUTREACH", commands.DoorSlash, ""}
	liaison = as{"U0DANA", commands.RoleLiaison, "C0COUNTY", commands.DoorMention, partnerTeam}
)

func (hs *harness) do(who as, text string) message.Reply {
	hs.t.Helper()
	userTeam := who.team
	if userTeam == "" {
		userTeam = team
	}
	return hs.h.Handle(context.Background(), commands.Request{
		Team: team, User: who.user, UserTeam: userTeam, Role: who.role, Channel: who.channel, Door: who.door, Text: text, Loc: ny,
	})
}

func (hs *harness) mustOK(who as, text string) message.Reply {
	hs.t.Helper()
	r := hs.do(who, text)
	if r.Outcome != message.OutcomeOK {
		hs.t.Fatalf("%q: outcome %s: %s", text, r.Outcome, r.Text)
	}
	return r
}

// seed adds three partners a week before hs.t0, then moves the clock to
// hs.t0 and adds the event E1 six days on, at 10:00 (Dec 3 from aFriday).
func (hs *harness) seed() {
	hs.mustOK(member, `partner add "County Health Dept" kind:public-health stage:active channel:<#C0COUNTY|county-shared>`)
	hs.mustOK(member, `partner add "Eastside Community Clinic" kind:clinic owner:<@U0DEVON|devon>`)
	hs.mustOK(member, `partner add "Eastside Pharmacy" kind:pharmacy`)
	if d := hs.t0.Sub(hs.clock.Now()); d > 0 {
		hs.clock.Advance(d)
	}
	hs.mustOK(member, `event add county "Flu shot clinic" `+hs.day(6)+` 10am`)
}

// day is the date n days from hs.t0 in New York as typed: "dec 3".
func (hs *harness) day(n int) string {
	return strings.ToLower(hs.at(n, 0).Format("Jan 2"))
}

// at is hour:00 in New York n days from hs.t0.
func (hs *harness) at(n, hour int) time.Time {
	l := hs.t0.In(ny)
	return time.Date(l.Year(), l.Month(), l.Day()+n, hour, 0, 0, 0, ny)
}

// shown is t as a reply shows it to someone in New York now.
func (hs *harness) shown(t time.Time) string { return message.Time(t, hs.clock.Now(), ny) }

// TestSession runs a realistic session and compares every reply with a
// golden file: what users read is reviewed as text.
func TestSession(t *testing.T) {
	hs := newHarnessAt(t, aFriday)
	hs.seed()
	script := []struct {
		who     as
		text    string
		advance time.Duration
	}{
		{who: member, text: ""},
		{who: member, text: "help log"},
		{who: member, text: "partner list"},
		{who: member, text: `partner person county "Dana Whitfield" role:"Health educator" email:<mailto:dana@county.gov|dana@county.gov>`},
		{who: member, text: `log county call "Talked about the flu clinic"`},
		{who: member, text: `log county health dept email in "They asked for 200 flyers" when:yesterday`, advance: time.Hour},
		{who: member, text: "log eastside-community-clinic letter Sent our partnership letter when:\"nov 20\""},
		{who: member, text: "log eastside-community-clinic email Followed up"},
		{who: member, text: "log eastside-community-clinic call Left a voicemail"},
		{who: member, text: "history county"},
		{who: member, text: `contact edit last "They asked for 250 flyers" method:message`},
		{who: member, text: "contact delete C4"},
		{who: member, text: "partner show county"},
		{who: member, text: "partner set eastside-community-clinic stage:contacted cadence:2w goals:\"Bilingual nutrition class\""},
		{who: member, text: "partner list stage:contacted"},
		{who: member, text: `followup county friday "Send the flyer"`},
		{who: member, text: `followup eastside-community-clinic "next tuesday 10am" Call Dr. Okafor to:<@U0DEVON|devon> shared`},
		{who: member, text: `log county meeting "Planned the fair" next:"dec 3 Send the sign-up sheet"`},
		{who: member, text: "followups"},
		{who: member, text: "followups all"},
		{who: member, text: "snooze F1 3d"},
		{who: member, text: "snooze F1 monday 10am"},
		{who: member, text: "reschedule F1 monday 10am"},
		{who: member, text: "done F3"},
		{who: member, text: "done F3"},
		{who: member, text: "cancel F1"},
		{who: member, text: "followups county"},
		{who: member, text: `event add county "Flu shot clinic" dec 3 10am until:2pm type:screening where:"Main branch" audience:"Seniors" resources:room,Pamphlets registered:40`},
		{who: member, text: `event add county "Flu shot clinic" dec 3 10am until:2pm type:screening where:"Main branch" audience:"Seniors" resources:room,Pamphlets registered:40 confirm`},
		{who: member, text: `event add eastside-community-clinic "Cooking class" 2026-11-20 18:00 until:90m type:class`},
		{who: member, text: "event list"},
		{who: member, text: "event list past"},
		{who: member, text: "event attended E2 14"},
		{who: member, text: "event attended E3 14"},
		{who: member, text: "event survey E2"},
		{who: member, text: "event survey E3"},
		{who: member, text: "event survey E3"},
		{who: member, text: "survey checkin county"},
		{who: member, text: "survey results E3"},
		{who: member, text: "partner list overdue", advance: 40 * 24 * time.Hour},
		{who: member, text: "followups overdue"},
		{who: member, text: "search flu clinic"},
		{who: member, text: `search "flu clinic" kind:contacts`},
		{who: liaison, text: "help"},
		{who: liaison, text: `log meeting "Planning call for the January workshop" in`},
		{who: liaison, text: "followups"},
		{who: liaison, text: "event list"},
		{who: liaison, text: "search january workshop"},
		{who: admin, text: "partner archive eastside-pharmacy"},
		{who: admin, text: "partner list archived"},
		{who: admin, text: "partner erase eastside-pharmacy"},
		{who: admin, text: "partner erase eastside-pharmacy confirm"},
	}
	var b strings.Builder
	for _, step := range script {
		hs.clock.Advance(step.advance)
		r := hs.do(step.who, step.text)
		fmt.Fprintf(&b, "### %s (%s) at %s: %s\n", step.who.user, r.Outcome, hs.clock.Now().Format("2006-01-02 15:04"), step.text)
		text := r.Text
		if step.text == "" || step.text == "help" {
			// The whole help is the role's help-*.golden (TestHelpGolden):
			// kept once, so that a new command changes only those files.
			help := hs.h.Handle(context.Background(), commands.Request{Role: step.who.role, Door: step.who.door}).Text
			if text != help {
				t.Errorf("%q: help differs from the help of the role at its door:\n%s", step.text, cmp.Diff(help, text))
			}
			text = "(the whole help, as in help-*.golden for this role and door)"
		}
		b.WriteString(text)
		for _, c := range r.Choices {
			fmt.Fprintf(&b, "\n[button %s → %s %q]", c.Label, c.Action, c.Value)
		}
		b.WriteString("\n\n")
	}
	golden.Check(t, "session.golden", b.String())
}

// TestBadInputStoresNothing: every mistake gets a reply that says what to
// type, and Redis holds exactly what it held before.
func TestBadInputStoresNothing(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	long := strings.Repeat("a", 10000)
	for _, tc := range []struct {
		name, text string
		want       []string // every one must appear in the reply
	}{
		{"unknown subcommand", "partner frobnicate county", []string{"partner commands are"}},
		{"misspelt command", "histroy county", []string{"Did you mean `history`?"}},
		{"misspelt partner", `log contyhealth call "hi"`, []string{"I don't know a partner called `contyhealth`", "Did you mean `county-health-dept`?"}},
		{"ambiguous prefix", `log eastside call "hi"`, []string{"matches several partners", "`eastside-community-clinic`", "`eastside-pharmacy`"}},
		{"unknown method", `log county phonecall "hi"`, []string{"How did you reach them?", "`call`"}},
		{"misspelt method", `log county emial "hi"`, []string{"Did you mean `email`?"}},
		{"impossible date", `log county call "hi" when:2026-02-30`, []string{"February"}},
		{"future contact", `log county call "hi" when:"next tuesday"`, []string{"future", "follow-up"}},
		{"10,000-character summary", "log county call " + long, []string{"10000 characters", "under 2000"}},
		{"empty summary", "log county call", []string{"Add a few words"}},
		{"empty name", `partner add "" kind:clinic`, []string{"needs a name"}},
		{"name of symbols", `partner add "!!!"`, []string{"no letters or digits"}},
		{"duplicate partner", `partner add "county health dept"`, []string{"already a partner `county-health-dept`"}},
		{"taken channel", `partner add "New Clinic" channel:<#C0COUNTY|county>`, []string{"already linked to `county-health-dept`"}},
		{"unknown kind", `partner add "New Clinic" kind:clinik`, []string{"Did you mean `clinic`?"}},
		{"unknown option", `partner add "New Clinic" knd:clinic`, []string{"Did you mean `kind:`?"}},
		{"bad cadence", `partner add "New Clinic" cadence:forever`, []string{"cadence:30d"}},
		{"owner not a user", `partner add "New Clinic" owner:maria`, []string{"needs a Slack user"}},
		{"set without fields", "partner set county", []string{"What should change?"}},
		{"set taken name", `partner set county name:"Eastside Pharmacy"`, []string{"already has that name"}},
		{"unclosed quote", `log county call "hi`, []string{"quote"}},
		{"history limit", "history county 500", []string{"between 1 and 100"}},
		{"member archives", "partner archive county", []string{"only an outreach admin"}},
		{"follow-up without a date", `followup county "Send the flyer"`, []string{"When is it due?"}},
		{"follow-up without text", "followup county friday", []string{"What is the follow-up?"}},
		{"follow-up in the past", `followup county yesterday "Send it"`, []string{"in the past"}},
		{"follow-up impossible date", `followup county 2026-02-30 "Send it"`, []string{"February"}},
		{"follow-up unknown partner", `followup contyhealth friday "Send it"`, []string{"Did you mean `county-health-dept`?"}},
		{"follow-up to a non-user", `followup county friday "Send it" to:maria`, []string{"needs a Slack user"}},
		{"done without id", "done", []string{"Which follow-up?"}},
		{"done with a bad id", "done twelve", []string{"look like `F12`"}},
		{"done unknown", "done F99", []string{"can't find `F99`"}},
		{"snooze without when", "snooze F99", []string{"Until when?"}},
		{"log next without text", `log county call "hi" next:friday`, []string{"needs what to do"}},
		{"log next in the past", `log county call "hi" next:"yesterday call back"`, []string{"in the past"}},
		{"event without a title", "event add county dec 3 10am", []string{"title in quotes"}},
		{"event without a date", `event add county "Flu clinic"`, []string{"title in quotes"}},
		{"event with a bad date", `event add county "Flu clinic" 2026-02-30`, []string{"February"}},
		{"event ending before it starts", `event add county "Flu clinic" dec 3 2pm until:"dec 3 10am"`, []string{"ends", "before it starts"}},
		{"event of an unknown type", `event add county "Flu clinic" dec 3 type:webinar`, []string{"isn't a type I know"}},
		{"event with bad registration", `event add county "Flu clinic" dec 3 registered:many`, []string{"number of people"}},
		{"attendance of an unknown event", "event attended E99 12", []string{"can't find `E99`"}},
		{"attendance of -3", "event attended E1 -3", []string{"number of people"}},
		{"attendance of lots", "event attended E1 lots", []string{"number of people"}},
		{"attendance without a count", "event attended E1", []string{"How many came?"}},
		{"attendance of a non-id", "event attended seven 3", []string{"look like `E7`"}},
		{"survey of an unknown event", "event survey E99", []string{"can't find `E99`"}},
		{"results of nothing", "survey results", []string{"Results of what?"}},
		{"results of an unknown survey", "survey results S99", []string{"can't find `S99`"}},
		{"check-in of an unknown partner", "survey checkin contyhealth", []string{"Did you mean `county-health-dept`?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hs.srv.Snapshot(context.Background())
			r := hs.do(member, tc.text)
			if r.Outcome == message.OutcomeOK {
				t.Fatalf("%q: outcome ok; want an error reply. Reply: %s", tc.text, r.Text)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("%q: reply lacks %q:\n%s", tc.text, w, r.Text)
				}
			}
			if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
				t.Errorf("%q changed Redis (-before +after):\n%s", tc.text, diff)
			}
		})
	}
}

// TestMentionsNeverLive: typed @channel, @here, @everyone and their
// escaped forms come back escaped, never as live Slack mentions.
func TestMentionsNeverLive(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	payloads := []string{"<!channel>", "<!here>", "<!everyone>", "@channel", "&lt;!channel&gt;", "<!subteam^S123|@team>", "<@U0MARIA>"}
	for _, p := range payloads {
		for _, text := range []string{
			fmt.Sprintf(`log county call "ping %s now"`, p),
			fmt.Sprintf(`partner add "Clinic %s"`, p),
			fmt.Sprintf(`partner set county goals:"reach %s"`, p),
			fmt.Sprintf(`partner person county "Dana %s" role:"%s"`, p, p),
			fmt.Sprintf(`log %s call hi`, p),
			fmt.Sprintf(`frob %s`, p),
		} {
			r := hs.do(member, text)
			for _, live := range []string{"<!channel", "<!here", "<!everyone", "<!subteam"} {
				if strings.Contains(r.Text, live) || strings.Contains(r.Feed, live) {
					t.Errorf("%q: reply contains live %q:\n%s", text, live, r.Text)
				}
			}
		}
	}
	for _, text := range []string{"history county", "partner show county", "partner list"} {
		r := hs.do(member, text)
		if strings.Contains(r.Text, "<!") {
			t.Errorf("%q: stored text replayed as a live mention:\n%s", text, r.Text)
		}
	}
}

// TestLiaisonSeesOnlyTheirPartner: default deny for people of another
// organization, and the refusal reveals nothing.
func TestLiaisonSeesOnlyTheirPartner(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	denied := hs.do(liaison, "partner list").Text
	for _, text := range []string{
		"partner list", "partner show county", "partner show eastside-pharmacy", "partner show no-such-partner",
		"history county", `partner add "Sneaky"`, "partner erase county confirm",
		`log eastside-pharmacy call "hi"`, `log no-such-partner call "hi"`,
	} {
		r := hs.do(liaison, text)
		if r.Outcome != message.OutcomeDenied {
			t.Errorf("liaison %q: outcome %s; want denied. Reply: %s", text, r.Outcome, r.Text)
		}
		if r.Text != denied {
			t.Errorf("liaison %q: refusal differs from the others, so it reveals something:\n%s", text, r.Text)
		}
	}
	// Their own partner, in their shared channel: allowed.
	r := hs.do(liaison, `log county meeting "Planning call" in`)
	if r.Outcome != message.OutcomeOK || !strings.Contains(r.Text, "County Health Dept") {
		t.Fatalf("liaison logging for their own partner: %s %s", r.Outcome, r.Text)
	}
	// The same person in a channel not linked to a partner: nothing.
	elsewhere := liaison
	elsewhere.channel = "C0RANDOM"
	if r := hs.do(elsewhere, `log meeting "hi"`); r.Outcome != message.OutcomeDenied {
		t.Errorf("liaison in an unlinked channel: outcome %s; want denied", r.Outcome)
	}
}

// TestLogForm covers the log modal's submission path.
func TestLogForm(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	req := commands.Request{Team: team, User: "U0MARIA", Role: commands.RoleMember, Channel: "C0OUTREACH", Door: commands.DoorForm, Loc: ny}
	_, errs := hs.h.SubmitLog(context.Background(), req, commands.LogInput{Partner: "contyhealth", Method: "call", When: "tomorow", Summary: ""})
	for _, f := range []string{commands.FieldPartner, commands.FieldSummary, commands.FieldWhen} {
		if errs[f] == "" {
			t.Errorf("field %s: no error; want one (errors: %v)", f, errs)
		}
	}
	r, errs := hs.h.SubmitLog(context.Background(), req, commands.LogInput{Partner: "County Health Dept", Method: "visit", Direction: "in", When: "yesterday 3pm", Summary: "Dropped by"})
	if len(errs) > 0 || r.Outcome != message.OutcomeOK {
		t.Fatalf("valid form: errs %v, reply %s", errs, r.Text)
	}
	if want := hs.shown(hs.at(-1, 15)); !strings.Contains(r.Text, want) {
		t.Errorf("reply %q lacks the contact time %q in the user's zone", r.Text, want)
	}
	if r := hs.do(member, "log"); r.Form != message.FormLog {
		t.Errorf("bare log at the slash command: Form = %q; want the log form", r.Form)
	}
	mention := member
	mention.door = commands.DoorMention
	if r := hs.do(mention, "log"); r.Form != "" || r.Outcome != message.OutcomeUserError {
		t.Errorf("bare log in a mention: Form %q outcome %s; want a usage error", r.Form, r.Outcome)
	}
}

// TestStorageDown: with Redis gone, a command answers at once that
// storage is unreachable, and works again when Redis is back.
func TestStorageDown(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.srv.Stop()
	r := hs.do(member, `log county call "hi"`)
	if r.Outcome != message.OutcomeUnavailable || !strings.Contains(r.Text, "can't reach storage") {
		t.Fatalf("Redis stopped: %s %q; want unavailable", r.Outcome, r.Text)
	}
	hs.srv.Start()
	hs.seed() // a fresh server: the data was not persisted
	hs.mustOK(member, `log county call "hi"`)
}

// TestPressIsCheckedAsIfTyped: a button's value is never trusted.
func TestPressIsCheckedAsIfTyped(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `followup county `+hs.day(7)+` "Send the flyer"`) // at 09:00
	req := commands.Request{Team: team, User: "U0MARIA", Role: commands.RoleMember, Channel: "D0MARIA", Door: commands.DoorForm, Loc: ny}
	for _, tc := range []struct {
		name, action, value string
		role                commands.Role
		wantUpdate          string // "" = no update
		wantEphemeral       string // "" = none
	}{
		{"snooze a day counts from the due time", message.ActionSnoozeDay, "F1", commands.RoleMember, "Snoozed by <@U0MARIA> until " + hs.shown(hs.at(8, 9)), ""},
		{"done", message.ActionDone, "F1", commands.RoleMember, "Done by <@U0MARIA>", ""},
		{"done again", message.ActionDone, "F1", commands.RoleMember, "Done by <@U0MARIA>", "already done"},
		{"forged id", message.ActionDone, "F999", commands.RoleMember, "", "can't find `F999`"},
		{"garbage value", message.ActionSnoozeWeek, "<!channel>", commands.RoleMember, "", "doesn't name a follow-up"},
		{"unknown action", "drop_tables", "F1", commands.RoleMember, "", "isn't one I know"},
		{"liaison", message.ActionDone, "F1", commands.RoleLiaison, "", "isn't something I can do for you here"},
		{"nudge for an erased partner", message.ActionNudgeSnoozeWk, "no-such-partner", commands.RoleMember, "", "can't find that partner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req
			r.Role = tc.role
			before := hs.srv.Snapshot(context.Background())
			got := hs.h.Press(context.Background(), r, tc.action, tc.value)
			if (got.Update != nil) != (tc.wantUpdate != "") || (got.Update != nil && !strings.Contains(got.Update.Text, tc.wantUpdate)) {
				t.Errorf("update = %+v; want one containing %q", got.Update, tc.wantUpdate)
			}
			if got.Update != nil && tc.name == "done" && len(got.Update.Choices) != 0 {
				t.Errorf("a done reminder still has buttons")
			}
			if (got.Ephemeral != nil) != (tc.wantEphemeral != "") || (got.Ephemeral != nil && !strings.Contains(got.Ephemeral.Text, tc.wantEphemeral)) {
				t.Errorf("ephemeral = %+v; want one containing %q", got.Ephemeral, tc.wantEphemeral)
			}
			if tc.wantUpdate == "" && tc.name != "nudge for an erased partner" {
				if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
					t.Errorf("a refused press changed Redis:\n%s", diff)
				}
			}
		})
	}
}

// TestSurveyAnswers: ratings and choices from anyone in the survey's
// channel, one answer per person (again replaces), nothing from elsewhere.
func TestSurveyAnswers(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.clock.Advance(hs.at(6, 11).Sub(hs.clock.Now())) // E1 started at 10:00
	hs.mustOK(member, "event survey E1")               // S1, to the linked channel C0COUNTY
	inChannel := commands.Request{Team: team, User: "U0MARIA", UserTeam: team, Role: commands.RoleMember, Channel: "C0COUNTY", Door: commands.DoorForm, Loc: ny}
	outsider := commands.Request{Team: team, User: "U0DANA", UserTeam: "T0PARTNER", Role: commands.RoleLiaison, Channel: "C0COUNTY", Door: commands.DoorForm, Loc: ny}
	elsewhere := inChannel
	elsewhere.Channel = "C0OTHER"
	for _, tc := range []struct {
		name          string
		req           commands.Request
		action, value string
		wantCount     string // in the updated prompt; "" = no update
		wantEphemeral string
	}{
		{"member rates 4", inChannel, "sv:q1:4", "S1", "1 response so far", "*4*"},
		{"liaison rates 2", outsider, "sv:q1:2", "S1", "2 responses so far", "*2*"},
		{"member changes to 5", inChannel, "sv:q1:5", "S1", "2 responses so far", "*5*"},
		{"liaison chooses Maybe", outsider, "sv:q2:1", "S1", "2 responses so far", "*Maybe*"},
		{"rating out of range", inChannel, "sv:q1:9", "S1", "", "isn't one this survey offers"},
		{"no such question", inChannel, "sv:q7:1", "S1", "", "isn't one this survey offers"},
		{"no such survey", inChannel, "sv:q1:3", "S42", "", "doesn't exist"},
		{"from another channel", elsewhere, "sv:q1:1", "S1", "", "isn't one from this channel"},
		{"a forged value", inChannel, "sv:q1:1", "<!channel>", "", "doesn't belong to a survey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hs.srv.Snapshot(context.Background())
			got := hs.h.Press(context.Background(), tc.req, tc.action, tc.value)
			if (got.Update != nil) != (tc.wantCount != "") || (got.Update != nil && !strings.Contains(sectionsText(*got.Update), tc.wantCount)) {
				t.Errorf("update = %+v; want the prompt with %q", got.Update, tc.wantCount)
			}
			if got.Ephemeral == nil || !strings.Contains(got.Ephemeral.Text, tc.wantEphemeral) {
				t.Errorf("ephemeral = %+v; want %q", got.Ephemeral, tc.wantEphemeral)
			}
			if tc.wantCount == "" {
				if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
					t.Errorf("a refused answer changed Redis:\n%s", diff)
				}
			}
		})
	}
	c := hs.h.SubmitComment(context.Background(), outsider, 1, "More evening sessions <!channel>")
	if c.Update == nil || !strings.Contains(c.Ephemeral.Text, "comment is saved") {
		t.Fatalf("comment = %+v", c)
	}
	r := hs.mustOK(member, "survey results S1")
	for _, want := range []string{"2 responses (1 from partner organizations)", "*3.5* average of 2 ratings", "Yes 0 · Maybe 1 · No 0", "More evening sessions &lt;!channel&gt; — <@U0DANA>"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("results lack %q:\n%s", want, r.Text)
		}
	}
}

func sectionsText(r message.Reply) string {
	t := r.Text
	for _, s := range r.Sections {
		t += "\n" + s.Text
	}
	return t
}

// TestFollowupsShowRefusedReminders: a reminder Slack refused for good is
// marked on its follow-up in `followups`, with the reason in words.
func TestFollowupsShowRefusedReminders(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	hs.mustOK(member, `followup county friday "Send the flyer"`)
	hs.mustOK(member, `followup county monday "Call Dana"`)
	st := store.New(hs.srv.Client(), 0)
	ctx := context.Background()
	due := hs.clock.Now().AddDate(0, 0, 8) // past both
	c, err := st.ClaimDue(ctx, team, due, due.Add(time.Minute), 10, "tok")
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range c.Jobs {
		if j.ID == store.JobID(store.JobReminder, "1", "1") {
			if ok, err := st.FailJob(ctx, team, j, "tok", due, domain.JobFailure{Reason: "user_not_found", To: "U0MARIA"}); !ok || err != nil {
				t.Fatalf("FailJob = %v, %v", ok, err)
			}
		}
	}
	r := hs.mustOK(member, "followups")
	lines := strings.Split(r.Text, "\n")
	var flyer, dana string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "Send the flyer"):
			flyer = l
		case strings.Contains(l, "Call Dana"):
			dana = l
		}
	}
	if !strings.Contains(flyer, "reminder not delivered: the person's Slack account is deactivated or gone") {
		t.Errorf("F1's line %q; want the refused reminder and why", flyer)
	}
	if dana == "" || strings.Contains(dana, "not delivered") {
		t.Errorf("F2's line %q; want it listed, unmarked", dana)
	}
}
