package commands_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// later runs a reply's deferred part, as a door does after its ack.
func later(t *testing.T, r message.Reply) message.Reply {
	t.Helper()
	if r.Later == nil {
		t.Fatalf("reply %q has no deferred part", r.Text)
	}
	return r.Later(context.Background())
}

// section is the text of a reply's section that starts with head, or "".
func section(r message.Reply, head string) string {
	for _, sec := range r.Sections {
		if strings.HasPrefix(sec.Text, head) {
			return sec.Text
		}
	}
	return ""
}

func TestNeeds(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	for _, tc := range []struct {
		who        as
		text, want string
		ok         bool
	}{
		{member, `need "Mental Health",vaccine "Teens asked about anxiety and HPV shots" partner:county`, "`N1` from *County Health Dept* — mental-health, vaccines", true},
		{member, `need mentalhealth "Waiting lists at the clinic" partner:eastside-community`, "`N2` from *Eastside Community Clinic* — mental-health", true},
		{liaison, `need transportation "no bus to the clinic"`, "`N3` from *County Health Dept* — transportation", true},
		{member, `need diabetis "glucose meters"`, "Did you mean `diabetes`?", false},
		{member, `need transportaton "rides to screenings"`, "Did you mean `transportation`?", false},
		{member, `need transportaton! "rides to screenings"`, "`N4`", true},
		{member, `need diabetes`, "Give the topic, then what you heard", false},
		{member, `need diabetes "x" event:E9`, "can't find `E9`", false},
		{member, `need nutrition "cooking classes" event:E1`, "`N5` from *County Health Dept* (`E1`) — nutrition", true},
		{member, `need nutrition "hi" partner:contyhealth`, "Did you mean `county-health-dept`", false},
		{liaison, `need housing "x" partner:eastside`, "Sorry", false},
	} {
		r := hs.do(tc.who, tc.text)
		if (r.Outcome == message.OutcomeOK) != tc.ok || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%s: %s %q; want ok=%v and %q", tc.text, r.Outcome, r.Text, tc.ok, tc.want)
		}
	}
	// The team sees every partner's needs, the liaison's among them.
	r := hs.mustOK(member, "needs")
	for _, want := range []string{"1. *mental-health* 2 new", "3. *transportation* 1 new", "*transportaton* 1 new", "no bus to the clinic — <@U0DANA> · County Health Dept"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("needs lacks %q:\n%s", want, r.Text)
		}
	}
	// The liaison sees only their partnership's.
	r = hs.mustOK(liaison, "needs")
	if !strings.Contains(r.Text, "transportation") || strings.Contains(r.Text, "Waiting lists") {
		t.Errorf("liaison's needs = %q; want County Health's only", r.Text)
	}
	if r := hs.do(liaison, "needs eastside"); r.Outcome != message.OutcomeDenied {
		t.Errorf("liaison asking for another partner's needs: %s %q", r.Outcome, r.Text)
	}
	// Next quarter, the trend compares with this one.
	hs.clock.Advance(100 * 24 * time.Hour)
	hs.mustOK(member, `need mental-health "school counselors" partner:county`)
	if r := hs.mustOK(member, "needs"); !strings.Contains(r.Text, "*mental-health* 1 ▼1") || !strings.Contains(r.Text, "Heard before, not this time: nutrition ▼1 · transportation ▼1") {
		t.Errorf("needs a quarter later:\n%s", r.Text)
	}
	if r := hs.do(member, "needs last-fortnight"); r.Outcome == message.OutcomeOK && strings.Contains(r.Text, "can't read") {
		t.Errorf("bad period: %q", r.Text)
	}
}

// TestReportNumbersMatchTheStore logs a season of work and checks every
// number in the report against counts made here straight from Redis,
// without the report code.
func TestReportNumbersMatchTheStore(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // partners and E1 on Dec 3
	for _, line := range []string{
		`log county call "Talked about the flu clinic"`,
		`log county email in "They asked for flyers"`,
		`log eastside-community-clinic visit "Dropped off brochures"`,
		`log eastside-pharmacy letter "Partnership letter" when:yesterday`,
		`followup county tomorrow "Send the flyer"`,
		`followup eastside-community "in 2 days" "Call back"`,
		`need diabetes "Cooking classes" partner:county`,
		`need transportation "No bus" partner:eastside-community`,
		`event add county "Past fair" yesterday 10am until:2pm registered:50`,
		`event attended E2 42`,
	} {
		hs.mustOK(member, line)
	}
	hs.mustOK(member, "done F1")
	hs.clock.Advance(3 * 24 * time.Hour) // F2 is now late and open
	r := later(t, hs.mustOK(member, "report period:30d"))
	text := sectionsText(r)
	rdb := hs.srv.Client()
	ctx := context.Background()
	pfx := "outreach:{" + team + "}:"
	contacts, in := 0, 0
	byMethod := map[string]int{}
	for _, slug := range []string{"county-health-dept", "eastside-community-clinic", "eastside-pharmacy"} {
		for _, js := range rdb.HVals(ctx, pfx+"partner:"+slug+":contact-log").Val() {
			contacts++
			for _, m := range []string{"call", "email", "visit", "letter", "meeting"} {
				if strings.Contains(js, `"method":"`+m+`"`) {
					byMethod[m]++
				}
			}
			if strings.Contains(js, `"dir":"in"`) {
				in++
			}
		}
	}
	events := rdb.ZCard(ctx, pfx+"events").Val()
	upcoming := rdb.ZCount(ctx, pfx+"events", fmt.Sprint(hs.clock.Now().UnixMilli()), "+inf").Val()
	attended := rdb.HGet(ctx, pfx+"event:2", "attended").Val()
	registered := rdb.HGet(ctx, pfx+"event:2", "registered").Val()
	needs := rdb.HLen(ctx, pfx+"need-log").Val()
	stages := map[string]int{}
	for _, slug := range rdb.ZRange(ctx, pfx+"partners", 0, -1).Val() {
		stages[rdb.HGet(ctx, pfx+"partner:"+slug, "stage").Val()]++
	}
	done := rdb.ZCard(ctx, pfx+"followups:done").Val()
	open := rdb.ZCount(ctx, pfx+"followups:open", "-inf", fmt.Sprint(hs.clock.Now().UnixMilli())).Val()
	for _, want := range []string{
		fmt.Sprintf("*Contacts*\n%d: ", contacts),
		fmt.Sprintf("%d call", byMethod["call"]),
		fmt.Sprintf("%d by us, %d from partners", contacts-in, in),
		fmt.Sprintf("*Events*\n%d, %s people attended · %s of %s registered came", events-upcoming, attended, attended, registered),
		fmt.Sprintf("%d needs: ", needs),
		fmt.Sprintf("*Follow-ups due*\n%d: %d done on time, 0 done late, %d still open", done+open, done, open),
		fmt.Sprintf("*Partners*\n3: %d active, %d prospect", stages["active"], stages["prospect"]),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if len(r.Files) != 3 {
		t.Errorf("report has %d charts; want 3", len(r.Files))
	}
	// One partner's report covers that partner only.
	r = later(t, hs.mustOK(member, "report eastside-community-clinic"))
	if !strings.Contains(r.Text, "*Eastside Community Clinic*") || !strings.Contains(r.Sections[1].Text, "1: 1 visit") {
		t.Errorf("partner report: %s / %s", r.Text, r.Sections[1].Text)
	}
	if r := hs.do(liaison, "report"); r.Outcome != message.OutcomeDenied {
		t.Errorf("liaison report: %s", r.Outcome)
	}
}

// TestExportIsInertAndComplete: the contacts CSV parses back to exactly
// what was logged, a formula typed into a summary is inert, and only an
// admin may export.
func TestExportIsInertAndComplete(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	summaries := []string{`=HYPERLINK("x")`, `"+1 for the fair"`, `"@here look"`, "\"Talked, and\nmultiline\""}
	for i, s := range summaries {
		hs.mustOK(member, fmt.Sprintf("log county call %s when:\"%d hours ago\"", s, i+1))
	}
	if r := hs.do(member, "export contacts"); r.Outcome != message.OutcomeDenied {
		t.Errorf("member export: %s %q; want denied", r.Outcome, r.Text)
	}
	if r := hs.do(liaison, "export contacts"); r.Outcome != message.OutcomeDenied {
		t.Errorf("liaison export: %s %q; want denied", r.Outcome, r.Text)
	}
	r := later(t, hs.mustOK(admin, "export contacts"))
	if !r.Private || len(r.Files) != 1 {
		t.Fatalf("export reply private=%v with %d files; want one file to the DM", r.Private, len(r.Files))
	}
	rows := readExport(t, r.Files[0])
	if len(rows) != 1+len(summaries) || rows[0]["summary"] != "summary" {
		t.Fatalf("%d rows, header %v; want a header and %d contacts", len(rows), rows[0], len(summaries))
	}
	got := map[string]bool{}
	for _, row := range rows[1:] {
		got[row["summary"]] = true
		// In the team's zone, with its offset on that day (-04:00 in summer).
		if at, err := time.Parse(time.RFC3339, row["when"]); err != nil || at.In(ny).Format(time.RFC3339) != row["when"] {
			t.Errorf("when %q is not ISO 8601 in the team's zone", row["when"])
		}
	}
	for _, want := range []string{`'=HYPERLINK("x")`, "'+1 for the fair", "'@here look", "Talked, and\nmultiline"} {
		if !got[want] {
			t.Errorf("export lacks the cell %q; has %v", want, got)
		}
	}
	if r := hs.do(admin, "export contcts"); !strings.Contains(r.Text, "Did you mean `contacts`") {
		t.Errorf("export contcts: %q", r.Text)
	}
}

// TestYearReportCountsWhatHappened: on a fixed clock (Monday Nov 30,
// 2026), a year with two events still to come and three follow-ups not
// yet due. `report period:2026` counts the events held and the
// follow-ups that fell due, says "so far" with the day it counts to and
// the day the year ends, and tells what is still to come apart;
// `period:year` reads the same.
func TestYearReportCountsWhatHappened(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its cases are dates
	hs.seed()                      // Friday Nov 27; E1, the flu shot clinic, on Dec 3
	for _, line := range []string{
		`event add county "Health fair" "3 days ago" 10am until:2pm registered:80`,
		`event attended E2 61`,
		`event add eastside-community "Diabetes class" yesterday 6pm until:8pm`,
		`event add eastside-community "Winter fair" dec 12 10am`,
		`followup county tomorrow "Send the flyer"`,
		`followup county "in 2 days" "Call Dana"`,
		`followup county "dec 5" "Book the room"`,
		`followup eastside-community "dec 10" "Order supplies"`,
		`followup eastside-community "dec 20" "Year-end thank-you"`,
		`done F1`,
	} {
		hs.mustOK(member, line)
	}
	hs.clock.Advance(3 * 24 * time.Hour) // Monday Nov 30: F1 and F2 fell due, F3–F5 not yet
	text := sectionsText
	year := text(later(t, hs.mustOK(member, "report period:2026")))
	for _, want := range []string{
		"2026 so far (Jan 1 – Nov 30, 2026; it ends Dec 31)",
		"*Events*\n2, 61 people attended · 61 of 80 registered came (76%)\n1 event over without attendance recorded",
		"2 more scheduled by Dec 31 (not counted yet)",
		"*Follow-ups due*\n2: 1 done on time, 0 done late, 1 still open (50% on time)",
		"3 more due by Dec 31 (not counted yet)",
	} {
		if !strings.Contains(year, want) {
			t.Errorf("report period:2026 lacks %q:\n%s", want, year)
		}
	}
	if same := text(later(t, hs.mustOK(member, "report period:year"))); same != year {
		t.Errorf("period:year and period:2026 differ:\n%s\n---\n%s", same, year)
	}
	// A year that is over says no "so far".
	if last := hs.mustOK(member, "report period:2025"); !strings.Contains(last.Text, "for all partners, 2025.") {
		t.Errorf("report period:2025 ack = %q; want the year named alone", last.Text)
	}
}

// readExport opens an export as a spreadsheet does: it must start with
// UTF-8's byte order mark, which the reader takes off (x/text's BOM
// override, as Excel and LibreOffice do) before reading the CSV. Each
// row comes back by column name; the header row maps names to
// themselves.
func readExport(t *testing.T, f message.File) []map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte{0xef, 0xbb, 0xbf}) {
		t.Fatalf("%s does not start with UTF-8's byte order mark: % x", f.Name, buf.Bytes()[:min(3, buf.Len())])
	}
	dec := transform.NewReader(&buf, unicode.BOMOverride(encoding.Nop.NewDecoder()))
	rows, err := csv.NewReader(dec).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]string, len(rows))
	for i, row := range rows {
		out[i] = map[string]string{}
		for j, cell := range row {
			out[i][rows[0][j]] = cell
		}
	}
	return out
}

// TestExportReadsInASpreadsheet: every export opens in a spreadsheet with
// names beside ids (people, channels, Slack teams), accents intact, and a
// local date and time a spreadsheet reads as one, agreeing with the ISO
// time; events and follow-ups still to come are marked scheduled.
func TestExportReadsInASpreadsheet(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	for _, line := range []string{
		`partner add "Clínica Salud" kind:clinic owner:<@U0MARIA|maria> channel:<#C0EAST|east-shared>`,
		`log clinica call "Habló con la Dra. Muñoz sobre la feria" when:"2 hours ago"`,
		`followup clinica tomorrow "Enviar los folletos"`,
		`need nutrición! "Cocina saludable para familias" partner:clinica`,
	} {
		hs.mustOK(member, line)
	}
	hs.mustOK(liaison, `need transportation "no bus to the clinic"`)
	find := func(rows []map[string]string, col, val string) map[string]string {
		t.Helper()
		for _, row := range rows[1:] {
			if row[col] == val {
				return row
			}
		}
		t.Fatalf("no row with %s %q in %v", col, val, rows)
		return nil
	}
	export := func(kind string) []map[string]string {
		r := later(t, hs.mustOK(admin, "export "+kind))
		if want := "outreach-" + kind + "-all-partners-all-time.csv"; r.Files[0].Name != want {
			t.Errorf("export %s is named %s; want %s", kind, r.Files[0].Name, want)
		}
		return readExport(t, r.Files[0])
	}
	sameInstant := func(kind string, row map[string]string, iso, local string) {
		t.Helper()
		a, err := time.Parse(time.RFC3339, row[iso])
		if err != nil {
			t.Fatalf("%s %s %q: %v", kind, iso, row[iso], err)
		}
		// The team's wall clock: on the night clocks go back, 01:30 comes
		// twice and the ISO column tells which.
		if want := a.In(ny).Format("2006-01-02 15:04"); row[local] != want {
			t.Errorf("%s %s %q does not read as %s %q in the team's zone (want %q)", kind, local, row[local], iso, row[iso], want)
		}
	}

	c := find(export("contacts"), "partner_name", "Clínica Salud")
	if c["summary"] != "Habló con la Dra. Muñoz sobre la feria" || c["who"] != "U0MARIA" || c["who_name"] != "Maria Lopez" {
		t.Errorf("contact row = %v; want the summary's accents and Maria's name beside her id", c)
	}
	sameInstant("contacts", c, "when", "when_local")

	p := find(export("partners"), "name", "Clínica Salud")
	if p["owner_name"] != "Maria Lopez" || p["channel"] != "C0EAST" || p["channel_name"] != "#east-shared" {
		t.Errorf("partner row = %v; want the owner's and the channel's names", p)
	}

	f := find(export("followups"), "what", "Enviar los folletos")
	if f["assignee_name"] != "Maria Lopez" || f["created_by_name"] != "Maria Lopez" || f["scheduled"] != "true" {
		t.Errorf("follow-up row = %v; want names and scheduled=true for one not due yet", f)
	}
	sameInstant("followups", f, "due", "due_local")

	needs := export("needs")
	n := find(needs, "note", "no bus to the clinic")
	if n["who_team"] != partnerTeam || n["who_team_name"] != "County Health Dept" || n["who_name"] != "Dana Whitfield" {
		t.Errorf("liaison's need = %v; want their team named by the partner it is linked to", n)
	}
	n = find(needs, "note", "Cocina saludable para familias")
	if n["topics"] != "nutrición" || n["who_team_name"] != "Riverside Library" {
		t.Errorf("team's need = %v; want the topic's accent and our workspace's name", n)
	}
	sameInstant("needs", n, "heard", "heard_local")

	e := find(export("events"), "title", "Flu shot clinic")
	if e["scheduled"] != "true" || e["organizer_name"] != "Maria Lopez" {
		t.Errorf("event row = %v; want the upcoming event marked scheduled, with its organizer's name", e)
	}
	sameInstant("events", e, "start", "start_local")
}

// TestReportPDF: `report … pdf` adds the one-page PDF to the charts, and
// the report's own button makes it again, checked as if typed.
func TestReportPDF(t *testing.T) {
	hs := newHarnessAt(t, aFriday) // its period is 2026
	hs.seed()
	hs.mustOK(member, `log county call "Talked about the flu clinic"`)
	r := later(t, hs.mustOK(member, "report county period:2026 pdf"))
	var names []string
	for _, f := range r.Files {
		names = append(names, f.Name)
	}
	if len(names) != 2 || names[1] != "impact-report-county-health-dept-2026-01-01-2026-12-31.pdf" {
		t.Errorf("report … pdf files = %v; want the contacts chart and the PDF, named by scope and period", names)
	}
	var pdf message.Choice
	for _, c := range r.AllChoices() {
		if c.Action == message.ActionReportPDF {
			pdf = c
		}
	}
	if pdf.Value == "" {
		t.Fatalf("the report has no PDF button: %+v", r.AllChoices())
	}
	press := func(who as, value string) commands.Pressed {
		return hs.h.Press(context.Background(), commands.Request{Team: team, User: who.user, UserTeam: team, Role: who.role, Channel: who.channel, Door: commands.DoorForm, Loc: ny},
			message.ActionReportPDF, value)
	}
	p := press(member, pdf.Value)
	if p.Ephemeral == nil || p.Ephemeral.Later == nil {
		t.Fatalf("press = %+v; want an answer and the PDF to follow", p.Ephemeral)
	}
	out := later(t, *p.Ephemeral)
	if len(out.Files) != 1 || out.Files[0].Name != names[1] || !strings.Contains(out.Text, "*County Health Dept*, 2026 so far") {
		t.Errorf("the button's PDF: %q with %d files", out.Text, len(out.Files))
	}
	var buf bytes.Buffer
	if err := out.Files[0].Write(&buf); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Errorf("the PDF writes %d bytes (%v); want a PDF", buf.Len(), err)
	}
	for _, tc := range []struct {
		who         as
		value, want string
	}{
		{liaison, pdf.Value, "Sorry"},
		{member, "not|a|report", "doesn't belong to a report"},
		{member, strings.Replace(pdf.Value, "county-health-dept", "no-such-partner", 1), "isn't in the registry"},
	} {
		if p := press(tc.who, tc.value); p.Ephemeral == nil || p.Ephemeral.Later != nil || !strings.Contains(p.Ephemeral.Text, tc.want) {
			t.Errorf("press %q as %s = %+v; want %q and no PDF", tc.value, tc.who.user, p.Ephemeral, tc.want)
		}
	}
}
