package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// memFiles are files handed to the bot, by name.
type memFiles map[string]string

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

func (m memFiles) Open(_ context.Context, ref string) (commands.ImportFile, error) {
	s, ok := m[ref]
	if !ok {
		return commands.ImportFile{}, &commands.FileError{Msg: "There is no file " + ref + "."}
	}
	return commands.ImportFile{Name: ref, Body: memFile{bytes.NewReader([]byte(s))}}, nil
}

func newImportHarness(t *testing.T, files memFiles) *harness {
	t.Helper()
	srv := storetest.New(t)
	clock := clockwork.NewFakeClockAt(t0)
	h := commands.New(store.New(srv.Client(), 0), clock, commands.Config{Command: "/outreach", Loc: ny, Directory: directory{}, Names: directory{}, Files: files},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &harness{t: t, srv: srv, h: h, clock: clock, t0: t0}
}

// mixedCSV is a spreadsheet of 3 partners, 4 people and 50 contacts, in
// one table whose record column names each row's kind; rows 20, 31 and
// 45 (spreadsheet numbering, the header is row 1) have errors.
func mixedCSV() string {
	var b strings.Builder
	b.WriteString("Record,Organization,Kind,Stage,Partner,Role,Email,Date,Method,Direction,Notes,Outcome\n")
	b.WriteString("partner,County Health Dept,public-health,active,,,,,,,,\n")
	b.WriteString("partner,Eastside Clínica,clinic,engaged,,,,,,,,\n")
	b.WriteString("partner,Grace Church,faith,prospect,,,,,,,,\n")
	b.WriteString("person,Dana Lee,,,County Health Dept,Health educator,dana@county.gov,,,,,\n")
	b.WriteString("person,Luis Ortiz,,,county-health-dept,Director,,,,,,\n")
	b.WriteString("person,Ana Ruiz,,,eastside clinica,Nurse,,,,,,\n")
	b.WriteString("person,Sam Poe,,,Grace Church,Pastor,,,,,,\n")
	partners := []string{"County Health Dept", "Eastside Clínica", "Grace Church"}
	for i := 0; i < 50; i++ {
		row := 9 + i
		date := fmt.Sprintf("10/%d/2025", 1+i%28)
		method := []string{"Phone call", "email", "Visit", "meeting"}[i%4]
		partner := partners[i%3]
		switch row {
		case 20:
			date = "13/45/2025"
		case 31:
			partner = "Contyhealth"
		case 45:
			method = "carrier pigeon"
		}
		dir := "out"
		if i%5 == 0 {
			dir = "in"
		}
		fmt.Fprintf(&b, "contact,,,,%s,,,%s,%s,%s,Talk %d about the fair,\n", partner, date, method, dir, i)
	}
	return b.String()
}

func TestImportDryRunThenConfirm(t *testing.T) {
	hs := newImportHarness(t, memFiles{"./partners.csv": mixedCSV()})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}

	dry := later(t, hs.mustOK(console, "import ./partners.csv"))
	for _, want := range []string{
		"*To import:* 3 partners, 4 people, 47 contacts.",
		"*3 rows with errors*",
		"• row 20: `when` is `13/45/2025`, which I can't read as a date",
		"• row 31: no partner is called `Contyhealth`: did you mean `county-health-dept`?",
		"• row 45: `method` is `carrier pigeon`",
		"Press *Import* to store 54 rows (the 3 rows with errors are skipped), or type `import confirm`.",
	} {
		if !strings.Contains(dry.Text, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.Text)
		}
	}
	if len(dry.Choices) != 1 || dry.Choices[0].Label != "Import" {
		t.Fatalf("dry run buttons = %+v, want one Import", dry.Choices)
	}
	if r := hs.do(admin, "partner list"); !strings.Contains(r.Text, "No partners") && !strings.Contains(r.Text, "(0)") {
		t.Fatalf("a dry run stored partners:\n%s", r.Text)
	}

	// A member may not press it.
	p := hs.h.Press(context.Background(), commands.Request{Team: team, User: "U0MARIA", UserTeam: team, Role: commands.RoleMember, Channel: "D0MARIA", Door: commands.DoorForm, Loc: ny},
		commands.ActionImport, dry.Choices[0].Value)
	if p.Ephemeral == nil || p.Ephemeral.Outcome != message.OutcomeDenied {
		t.Fatalf("a member's press: %+v", p.Ephemeral)
	}

	done := later(t, hs.mustOK(console, "import confirm"))
	if want := ":white_check_mark: Imported `./partners.csv`: 3 partners, 4 people, 47 contacts."; !strings.HasPrefix(done.Text, want) {
		t.Errorf("import said:\n%s\nwant it to start %q", done.Text, want)
	}
	if !strings.Contains(done.Text, "Skipped for errors (nothing of them stored): row 20, row 31, row 45.") {
		t.Errorf("import does not name the skipped rows:\n%s", done.Text)
	}
	if done.Feed == "" || strings.Count(done.Feed, "\n") > 0 {
		t.Errorf("feed line = %q, want one line", done.Feed)
	}
	hist := hs.mustOK(admin, "history county 100")
	if got := strings.Count(hist.Text, "\n• "); got != 16 {
		t.Errorf("County Health has %d contacts, want 16 (17 rows, one of them row 20):\n%s", got, hist.Text)
	}
	if !strings.Contains(hist.Text, "call ←") {
		t.Errorf("a Phone call row that came in is not a call ←:\n%s", hist.Text)
	}
	show := hs.mustOK(admin, "partner show eastside-clinica")
	if !strings.Contains(show.Text, "Ana Ruiz") {
		t.Errorf("partner show lacks the imported person:\n%s", show.Text)
	}
	if r := hs.mustOK(admin, "search dana kind:people"); !strings.Contains(r.Text, "dana@county.gov") {
		t.Errorf("the imported person's email:\n%s", r.Text)
	}

	// Again: nothing new.
	again := later(t, hs.mustOK(console, "import confirm"))
	if !strings.HasPrefix(again.Text, ":white_check_mark: Imported `./partners.csv`: nothing new.") {
		t.Errorf("a second import:\n%s", again.Text)
	}
	if got := strings.Count(hs.mustOK(admin, "history county 100").Text, "\n• "); got != 16 {
		t.Errorf("after a second import County Health has %d contacts, want 16", got)
	}
	dry2 := later(t, hs.mustOK(console, "import ./partners.csv"))
	if !strings.Contains(dry2.Text, "*To import:* nothing new.") || len(dry2.Choices) != 0 {
		t.Errorf("a dry run after the import:\n%s", dry2.Text)
	}
}

func TestImportRefusals(t *testing.T) {
	hs := newImportHarness(t, memFiles{})
	for _, tc := range []struct {
		name string
		who  as
		text string
		want string
	}{
		{"member", member, "import", "only an outreach admin"},
		{"confirm with no dry run", admin, "import confirm", "There is no dry run of yours to confirm"},
		{"a path in Slack", admin, "import ./x.csv", "`import <path>` reads a file at the console. Drop a CSV or .xlsx file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := hs.do(tc.who, tc.text)
			if r.Outcome == message.OutcomeOK || !strings.Contains(r.Text, tc.want) {
				t.Errorf("%q: %s %q, want a refusal with %q", tc.text, r.Outcome, r.Text, tc.want)
			}
		})
	}
	r := later(t, hs.mustOK(as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}, "import ./missing.csv"))
	if r.Outcome != message.OutcomeUserError || r.Text != "There is no file ./missing.csv." {
		t.Errorf("a missing file: %s %q", r.Outcome, r.Text)
	}
}

func TestSheetTime(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-11-03", "2026-11-03 12:00"},
		{"2026-11-03 14:30", "2026-11-03 14:30"},
		{"2026-11-03T14:30:00-05:00", "2026-11-03 14:30"},
		{"11/3/2026", "2026-11-03 12:00"},
		{"13/3/2026", "2026-03-13 12:00"},
		{"11/3/26", "2026-11-03 12:00"},
		{"Nov 3, 2026", "2026-11-03 12:00"},
		{"46329", "2026-11-03 12:00"},
		{"11/3/2026 2:30 PM", "2026-11-03 14:30"},
		{"14-Mar-26", "2026-03-14 12:00"},
		{"14-Mar-2026", "2026-03-14 12:00"},
		{"Saturday, March 14, 2026", "2026-03-14 12:00"},
		{"March 14 2026", "2026-03-14 12:00"},
		{"14.03.2026", "2026-03-14 12:00"},
		{"3.4.2026", "2026-04-03 12:00"},
	} {
		got, ok := commands.SheetTime(tc.in, t0, ny)
		if !ok || got.In(ny).Format("2006-01-02 15:04") != tc.want {
			t.Errorf("SheetTime(%q) = %v, %v; want %s", tc.in, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"13/45/2026", "soon", "2026-13-01", "32.03.2026"} {
		if got, ok := commands.SheetTime(bad, t0, ny); ok {
			t.Errorf("SheetTime(%q) = %v, want no date", bad, got)
		}
	}
}

// A sheet's own words for kinds, stages and event types are read as
// ours, a word of no kind we know as `other` (said, not a lost row), and
// a contact dated today without a time is imported whatever the hour.
func TestImportReadsTheSheetsWords(t *testing.T) {
	today := t0.In(ny).Format("1/2/2006")
	csv := "Organization,Type,Stage,Last contact\n" +
		"County Health Department,Public Health,In progress,3/2/2026\n" +
		"Grace Church,Faith-based,Ongoing,\n" +
		"Eastside Clinic,Non-profit,,\n" +
		"Riverside Library Friends,Library system,,\n"
	contacts := "Date,Org,How,Notes\n" + today + ",County Health Department,Phone call,Called Dana this morning\n"
	events := "Title,Partner,Start,Type\nSpring fair,Grace Church," + t0.In(ny).AddDate(0, 0, -30).Format("1/2/2006") + " 10:00,Health fair\n"
	hs := newImportHarness(t, memFiles{"./partners.csv": csv, "./contacts.csv": contacts, "./events.csv": events})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	dry := later(t, hs.mustOK(console, "import ./partners.csv"))
	for _, want := range []string{"*To import:* 4 partners.", "kind `Library system` read as `other` (1 row)", "`Last contact` is not read: a partner's last contact is its latest contact"} {
		if !strings.Contains(dry.Text, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.Text)
		}
	}
	later(t, hs.mustOK(console, "import confirm"))
	for slug, want := range map[string]string{
		"county-health-department": "public-health · engaged", "grace-church": "faith · active",
		"eastside-clinic": "nonprofit · prospect", "riverside-library-friends": "other · prospect",
	} {
		if r := hs.mustOK(admin, "partner show "+slug); !strings.Contains(r.Text, want) {
			t.Errorf("%s: want %q in\n%s", slug, want, r.Text)
		}
	}
	for _, file := range []string{"./contacts.csv", "./events.csv"} {
		if dry := later(t, hs.mustOK(console, "import "+file)); strings.Contains(dry.Text, "with errors") {
			t.Errorf("%s: %s", file, dry.Text)
		}
		later(t, hs.mustOK(console, "import confirm"))
	}
	if r := hs.mustOK(admin, "history county"); !strings.Contains(r.Text, "Called Dana this morning") {
		t.Errorf("today's contact was not imported:\n%s", r.Text)
	}
	if r := hs.mustOK(admin, "event list past grace"); !strings.Contains(r.Text, "health-fair") {
		t.Errorf("the health fair:\n%s", r.Text)
	}
}

// A need's topic spelt near one heard before is read as it, and said.
func TestImportNeedTopicTypo(t *testing.T) {
	d1, d2 := t0.In(ny).AddDate(0, 0, -20).Format("1/2/2006"), t0.In(ny).AddDate(0, 0, -19).Format("1/2/2006")
	csv := "Topic,Note,Heard\nDiabetis,Parents asked for cooking classes," + d1 + "\ndiabetes,Another request," + d2 + "\n"
	hs := newImportHarness(t, memFiles{"./needs.csv": csv})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	dry := later(t, hs.mustOK(console, "import ./needs.csv"))
	if want := "topic `Diabetis` read as `diabetes` (1 row)"; !strings.Contains(dry.Text, want) {
		t.Errorf("the dry run lacks %q:\n%s", want, dry.Text)
	}
	later(t, hs.mustOK(console, "import confirm"))
	if r := hs.mustOK(admin, "needs 30d"); !strings.Contains(r.Text, "*diabetes* 2") || strings.Contains(r.Text, "diabetis") {
		t.Errorf("needs after the import:\n%s", r.Text)
	}
}

// A title above the header and a row of totals are not records.
func TestImportTitleAndTotals(t *testing.T) {
	csv := "Riverside Library – partners FY2026,,\nOrganization,Type,Stage\nCounty Health Department,public-health,active\nTotal Health Clinic,clinic,active\nTotal: 2 organizations,,\n"
	hs := newImportHarness(t, memFiles{"./partners.csv": csv})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	dry := later(t, hs.mustOK(console, "import ./partners.csv"))
	for _, want := range []string{"*To import:* 2 partners.", "rows of totals left out (1 row)"} {
		if !strings.Contains(dry.Text, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.Text)
		}
	}
	if strings.Contains(dry.Text, "with errors") {
		t.Errorf("the dry run found errors:\n%s", dry.Text)
	}
}

// A partners tab's contact person comes in as a person there; a people
// list saved as Contacts.csv is read as people, by its columns.
func TestImportContactPersonAndPeopleByColumns(t *testing.T) {
	partners := "Organization,Type,Contact person,Phone,Email\nCounty Health Department,public-health,Dana Lee,555-0100,dana@county.gov\n"
	people := "Organization,Contact person,Title,Phone,Email\nCounty Health Department,Luis Ortiz,Director,555-0101,luis@county.gov\n"
	hs := newImportHarness(t, memFiles{"./partners.csv": partners, "./Contacts.csv": people,
		"./People.csv": "Organization,Name,Title,Email,Phone,Status\nCounty Health Department,Ana Ruiz,Nurse,ana@county.gov,555-0102,active\n"})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	later(t, hs.mustOK(console, "import ./partners.csv"))
	later(t, hs.mustOK(console, "import confirm"))
	dry := later(t, hs.mustOK(console, "import ./Contacts.csv"))
	if !strings.Contains(dry.Text, "as people") || strings.Contains(dry.Text, "with errors") {
		t.Errorf("a people list named Contacts.csv:\n%s", dry.Text)
	}
	later(t, hs.mustOK(console, "import confirm"))
	if dry := later(t, hs.mustOK(console, "import ./People.csv")); !strings.Contains(dry.Text, "as people") {
		t.Errorf("a people list with a Status column:\n%s", dry.Text)
	}
	later(t, hs.mustOK(console, "import confirm"))
	r := hs.mustOK(admin, "search county kind:people")
	for _, want := range []string{"Dana Lee", "dana@county.gov", "Luis Ortiz", "Director", "Ana Ruiz"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("people lack %q:\n%s", want, r.Text)
		}
	}
}

// A partner row whose name looks like a partner there already is that
// partner, and its contacts go to it; values that differ are said, not
// changed.
func TestImportPartnerLikeOneThere(t *testing.T) {
	when := t0.In(ny).AddDate(0, 0, -3).Format("1/2/2006")
	partners := "Organization,Stage\nCounty Health Dept.,active\nEastside Clinic,prospect\n"
	contacts := "Date,Organization,How,Notes\n" + when + ",County Health Dept.,Phone call,Talked about the fair\n"
	hs := newImportHarness(t, memFiles{"./partners.csv": partners, "./contacts.csv": contacts})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	hs.mustOK(admin, `partner add "County Health Department" stage:engaged`)
	dry := later(t, hs.mustOK(console, "import ./partners.csv"))
	for _, want := range []string{
		"partner `County Health Dept.` read as `county-health-department`, which is here already",
		"`county-health-department` is here already as stage engaged, the sheet says active",
		"*To import:* 1 partner.",
	} {
		if !strings.Contains(dry.Text, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.Text)
		}
	}
	later(t, hs.mustOK(console, "import confirm"))
	later(t, hs.mustOK(console, "import ./contacts.csv"))
	later(t, hs.mustOK(console, "import confirm"))
	if r := hs.mustOK(admin, "history county"); !strings.Contains(r.Text, "Talked about the fair") {
		t.Errorf("the contact did not go to County Health Department:\n%s", r.Text)
	}
	if r := hs.mustOK(admin, "partner list"); strings.Contains(r.Text, "County Health Dept.") {
		t.Errorf("a second County Health was added:\n%s", r.Text)
	}
}

// A contact log imported again with an outcome filled in since stores
// no second contact.
func TestImportContactWithOutcomeAddedLater(t *testing.T) {
	when := t0.In(ny).AddDate(0, 0, -5).Format("1/2/2006")
	v1 := "Date,Organization,How,Notes,Outcome\n" + when + ",County Health Department,Phone call,Talked with Dana about the flu clinic,\n"
	v2 := "Date,Organization,How,Notes,Outcome\n" + when + ",County Health Department,Phone call,Talked with Dana about the flu clinic,Agreed to co-host\n"
	hs := newImportHarness(t, memFiles{"./log-v1.csv": v1, "./log-v2.csv": v2})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	hs.mustOK(admin, `partner add "County Health Department"`)
	for _, f := range []string{"./log-v1.csv", "./log-v2.csv"} {
		later(t, hs.mustOK(console, "import "+f))
		later(t, hs.mustOK(console, "import confirm"))
	}
	if r := hs.mustOK(admin, "history county"); strings.Count(r.Text, "Talked with Dana") != 1 {
		t.Errorf("the contact is there %d times; want once:\n%s", strings.Count(r.Text, "Talked with Dana"), r.Text)
	}
}

// A follow-up the sheet says is done, without saying when, counts as
// done when it was due, not late on the day of the import.
func TestImportDoneFollowUpWithoutADate(t *testing.T) {
	due := t0.In(ny).AddDate(0, 0, -10)
	csv := "Organization,What,Due,Status\nCounty Health Department,Order Spanish pamphlets," + due.Format("1/2/2006") + ",Done\n"
	hs := newImportHarness(t, memFiles{"./followups.csv": csv})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	hs.mustOK(admin, `partner add "County Health Department"`)
	dry := later(t, hs.mustOK(console, "import ./followups.csv"))
	if want := "follow-ups done with no date closed: counted as done when due (1 row)"; !strings.Contains(dry.Text, want) {
		t.Errorf("the dry run lacks %q:\n%s", want, dry.Text)
	}
	later(t, hs.mustOK(console, "import confirm"))
	fu := section(later(t, hs.mustOK(admin, "report county period:30d")), "*Follow-ups due*")
	if !strings.Contains(fu, "1 done on time, 0 done late") {
		t.Errorf("the report's follow-ups: %q; want it on time", fu)
	}
}

// A contact dated today is the same row whenever the file is imported
// again that day.
func TestImportTodaysContactTwice(t *testing.T) {
	today := t0.In(ny).Format("1/2/2006")
	csv := "Date,Organization,How,Notes\n" + today + ",County Health Department,Phone call,Called Dana\n"
	hs := newImportHarness(t, memFiles{"./log.csv": csv})
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	hs.mustOK(admin, `partner add "County Health Department"`)
	for range 2 {
		later(t, hs.mustOK(console, "import ./log.csv"))
		later(t, hs.mustOK(console, "import confirm"))
		hs.clock.Advance(20 * time.Minute)
	}
	if r := hs.mustOK(admin, "history county"); strings.Count(r.Text, "Called Dana") != 1 {
		t.Errorf("today's contact is there %d times; want once:\n%s", strings.Count(r.Text, "Called Dana"), r.Text)
	}
}
