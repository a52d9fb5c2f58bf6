package commands_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// TestExportImportRoundTrip: what a workspace exports, imported into a
// fresh one, gives the same history and the same impact report; imported
// again, it stores nothing.
func TestExportImportRoundTrip(t *testing.T) {
	src := newImportHarness(t, memFiles{})
	for _, line := range []string{
		`partner add "County Health Dept" kind:public-health stage:active owner:<@U0MARIA|maria> channel:<#C0COUNTY|county-shared> cadence:2w`,
		`partner add "Clínica Salud" kind:clinic stage:engaged`,
		`partner person county "Dana Lee" role:"Health educator" email:dana@county.gov phone:555-0100`,
		`partner set county goals:"Flu shots for seniors" audience:"Seniors, families"`,
		`log county call "Talked about the flu clinic" when:"3 days ago"`,
		`log county email in "=They asked for 200 flyers" when:"40 days ago"`,
		`log clinica visit "Toured the clinic, ¿y la feria?" when:"10 days ago"`,
		`log county meeting "Planned the fair" when:"2 days ago" next:"friday Send the sign-up sheet"`,
		`event add county "Flu shot clinic" "20 days ago" until:3h type:screening where:"Main branch" registered:40 with:clinica`,
		`event add clinica "Diabetes class" "in 5 days" type:class`,
		`need diabetes,nutrition "Parents asked for cooking classes" partner:county`,
		`need transportation "No bus on Saturdays" partner:clinica`,
		`followup clinica "in 3 days" "Call Dr. Okafor"`,
		`followup county tomorrow "Send the report"`,
	} {
		src.mustOK(admin, line)
	}
	src.clock.Advance(72 * time.Hour) // F3 is overdue now
	src.mustOK(admin, "event attended E1 35")
	src.mustOK(admin, "done F2")

	files := memFiles{}
	var names []string
	for _, kind := range []string{"partners", "contacts", "events", "needs", "followups"} {
		r := later(t, src.mustOK(admin, "export "+kind))
		var b bytes.Buffer
		if err := r.Files[0].Write(&b); err != nil {
			t.Fatal(err)
		}
		files[r.Files[0].Name] = b.String()
		names = append(names, r.Files[0].Name)
	}

	dst := newImportHarness(t, files)
	dst.clock.Advance(72 * time.Hour)
	console := as{"U0LEAD", commands.RoleAdmin, "D0LEAD", commands.DoorConsole, ""}
	for _, name := range names {
		dry := later(t, dst.mustOK(console, "import "+name))
		if strings.Contains(dry.Text, "with errors") || strings.Contains(dry.Text, "didn't understand") {
			t.Errorf("the dry run of %s:\n%s", name, dry.Text)
		}
		done := later(t, dst.mustOK(console, "import confirm"))
		if !strings.HasPrefix(done.Text, ":white_check_mark: Imported") || strings.Contains(done.Text, "nothing new") {
			t.Errorf("importing %s:\n%s", name, done.Text)
		}
	}
	for _, q := range []string{"history county", "history clinica", "partner show county", "event list past", "event list", "followups all", "needs"} {
		want, got := src.mustOK(admin, q).Text, dst.mustOK(admin, q).Text
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs after the round trip (-exported +imported):\n%s", q, diff)
		}
	}
	for _, q := range []string{"report", "report period:2026", "report county"} {
		want, got := later(t, src.mustOK(admin, q)), later(t, dst.mustOK(admin, q))
		if want.Outcome != message.OutcomeOK || !strings.Contains(reportText(want), "Contacts") {
			t.Fatalf("%s: %s %q", q, want.Outcome, reportText(want))
		}
		if diff := cmp.Diff(reportText(want), reportText(got)); diff != "" {
			t.Errorf("%s differs after the round trip (-exported +imported):\n%s", q, diff)
		}
	}
	for _, name := range names {
		later(t, dst.mustOK(console, "import "+name))
		again := later(t, dst.mustOK(console, "import confirm"))
		if !strings.Contains(again.Text, "nothing new") {
			t.Errorf("%s imported twice:\n%s", name, again.Text)
		}
	}
}

// reportText is a report's text and its sections' text, charts and
// tables as text.
func reportText(r message.Reply) string {
	var b strings.Builder
	b.WriteString(r.Text)
	for _, s := range r.Sections {
		b.WriteString("\n" + s.Text)
		if s.Chart != nil {
			b.WriteString("\n" + s.Chart.Text)
		}
		if s.Table != nil {
			b.WriteString("\n" + s.Table.Text)
		}
	}
	return b.String()
}
