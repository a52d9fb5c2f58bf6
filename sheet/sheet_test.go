package sheet

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

type table struct {
	Name   string
	Header []string
	Rows   map[int][]string
}

func readAll(t *testing.T, r io.Reader, name string) ([]table, error) {
	t.Helper()
	var out []table
	err := Read(r, name, func(tb *Table) error {
		x := table{Name: tb.Name, Header: tb.Header, Rows: map[int][]string{}}
		for {
			cells, n, err := tb.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			x.Rows[n] = cells
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name, file, in string
		want           []table
	}{
		{"comma, byte order mark, blank line, short row", "contacts.csv", "\ufeffPartner,Date,Notes\ncounty,2026-11-03,\"Talked, at length\"\n\n,,\neast,11/4/2026\n",
			[]table{{"contacts", []string{"Partner", "Date", "Notes"}, map[int][]string{2: {"county", "2026-11-03", "Talked, at length"}, 5: {"east", "11/4/2026"}}}}},
		{"semicolons", "partners.csv", "Name;Kind\nClínica Salud;clinic\n",
			[]table{{"partners", []string{"Name", "Kind"}, map[int][]string{2: {"Clínica Salud", "clinic"}}}}},
		{"tabs", "needs.tsv", "topic\tnote\ndiabetes\tcooking classes\n",
			[]table{{"needs", []string{"topic", "note"}, map[int][]string{2: {"diabetes", "cooking classes"}}}}},
		{"a cell of two lines is one row", "contacts.csv", "partner,notes\ncounty,\"first line\nsecond line\"\neast,one\n",
			[]table{{"contacts", []string{"partner", "notes"}, map[int][]string{2: {"county", "first line\nsecond line"}, 3: {"east", "one"}}}}},
		{"a title above the header", "log.csv", "Riverside Library – Outreach contact log FY2026,,\nPartner,Date,Notes\ncounty,2026-11-03,Called\n",
			[]table{{"log", []string{"Partner", "Date", "Notes"}, map[int][]string{3: {"county", "2026-11-03", "Called"}}}}},
		{"one column", "names.csv", "Organization\nCounty Health\nEastside Clinic\n",
			[]table{{"names", []string{"Organization"}, map[int][]string{2: {"County Health"}, 3: {"Eastside Clinic"}}}}},
		{"empty", "x.csv", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, strings.NewReader(tc.in), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := readAll(t, bytes.NewReader([]byte{0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x01}), "report.csv"); !errors.Is(err, ErrFormat) {
		t.Errorf("a binary file named .csv: %v, want ErrFormat", err)
	}
}

// TestReadWorkbook: each tab with a header is a table, rows numbered as
// the workbook shows them; dates in a date format read as it shows them.
func TestReadWorkbook(t *testing.T) {
	wb := excelize.NewFile()
	defer wb.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(wb.SetSheetName("Sheet1", "Partners"))
	must(wb.SetSheetRow("Partners", "A1", &[]any{"Organization", "Type"}))
	must(wb.SetSheetRow("Partners", "A2", &[]any{"County Health Dept", "public-health"}))
	_, err := wb.NewSheet("Contacts")
	must(err)
	must(wb.SetSheetRow("Contacts", "A1", &[]any{"Organization", "Date", "Phone call?"}))
	must(wb.SetSheetRow("Contacts", "A3", &[]any{"County Health Dept", "2026-11-03", 3}))
	_, err = wb.NewSheet("Empty")
	must(err)
	var buf bytes.Buffer
	must(wb.Write(&buf))

	got, err := readAll(t, &buf, "history.xlsx")
	must(err)
	want := []table{
		{"Partners", []string{"Organization", "Type"}, map[int][]string{2: {"County Health Dept", "public-health"}}},
		{"Contacts", []string{"Organization", "Date", "Phone call?"}, map[int][]string{3: {"County Health Dept", "2026-11-03", "3"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := readAll(t, strings.NewReader("not a zip"), "x.xlsx"); !errors.Is(err, ErrFormat) {
		t.Errorf("a broken workbook: %v, want ErrFormat", err)
	}
}

func TestMatch(t *testing.T) {
	fields := []Field{{Key: "name", Synonyms: []string{"Organization"}}, {Key: "when", Synonyms: []string{"Date", "date/time"}}, {Key: "summary", Synonyms: []string{"Notes"}}}
	c := Match([]string{"ORGANIZATION", " Date_Time ", "Notes", "Mood", "notes", "partner_name", "Ünused Côlumn"}, fields, []string{"partner name"})
	row := []string{"County", "2026-11-03", "talked", "good", "second notes", "ignored"}
	got := map[string]string{"name": c.Get(row, "name"), "when": c.Get(row, "when"), "summary": c.Get(row, "summary")}
	if diff := cmp.Diff(map[string]string{"name": "County", "when": "2026-11-03", "summary": "talked"}, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Mood", "Ünused Côlumn"}, c.Unknown); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
	if got := HeaderKey("Clínica   Salud / Año"); got != "clinica salud ano" {
		t.Errorf("HeaderKey = %q", got)
	}
}
