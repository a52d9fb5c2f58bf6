package report_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/golden"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/when"
)

var ny, _ = time.LoadLocation("America/New_York")

// source is an in-memory report.Source.
type source struct {
	partners  []domain.Partner
	contacts  []domain.Contact
	events    []domain.Event
	surveys   []domain.Survey
	responses map[int64][]domain.Response
	followUps []domain.FollowUp
	needs     []domain.Need
}

func in(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func (s *source) ListPartners(context.Context, string) ([]domain.Partner, error) {
	return s.partners, nil
}
func (s *source) EachContact(_ context.Context, _, slug string, from, to time.Time, f func(domain.Contact) error) error {
	for _, c := range s.contacts {
		if c.Partner == slug && in(c.When, from, to) {
			if err := f(c); err != nil {
				return err
			}
		}
	}
	return nil
}
func (s *source) EachEvent(_ context.Context, _, slug string, from, to time.Time, f func(domain.Event) error) error {
	for _, e := range s.events {
		if (slug == "" || e.Partner == slug) && in(e.Start, from, to) {
			if err := f(e); err != nil {
				return err
			}
		}
	}
	return nil
}
func (s *source) EachSurvey(_ context.Context, _, slug string, from, to time.Time, f func(domain.Survey, []domain.Response) error) error {
	for _, sv := range s.surveys {
		if sv.Partner == slug && in(sv.Created, from, to) {
			if err := f(sv, s.responses[sv.ID]); err != nil {
				return err
			}
		}
	}
	return nil
}
func (s *source) EachFollowUp(_ context.Context, _, slug string, f func(domain.FollowUp) error) error {
	for _, fu := range s.followUps {
		if fu.Partner == slug {
			if err := f(fu); err != nil {
				return err
			}
		}
	}
	return nil
}
func (s *source) EachNeed(_ context.Context, _, slug string, from, to time.Time, f func(domain.Need) error) error {
	for _, n := range s.needs {
		if (slug == "" || n.Partner == slug) && in(n.At, from, to) {
			if err := f(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// now is Monday 2026-11-30 09:00 in New York; the period is November.
var (
	now    = time.Date(2026, 11, 30, 9, 0, 0, 0, ny)
	period = when.NewPeriod("November 2026", time.Date(2026, 11, 1, 0, 0, 0, 0, ny), time.Date(2026, 12, 1, 0, 0, 0, 0, ny), now, ny)
)

func sample() *source {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, ny) }
	s := &source{
		partners: []domain.Partner{
			{Slug: "county", Name: "County Health Dept", Stage: "active", Cadence: 30, Created: day(1, 9).AddDate(-1, 0, 0), LastContact: day(20, 9)},
			{Slug: "clinic", Name: "Eastside Clinic", Stage: "engaged", Cadence: 30, Created: day(1, 9).AddDate(-1, 0, 0), LastContact: day(1, 9).AddDate(0, -2, 0), OutSinceIn: 3},
			{Slug: "old", Name: "Old Partner", Stage: "ended", Archived: true},
		},
		responses: map[int64][]domain.Response{},
	}
	for i, c := range []struct {
		p, m, dir string
		d         int
	}{{"county", "call", "out", 2}, {"county", "email", "in", 3}, {"county", "email", "out", 10}, {"clinic", "visit", "out", 11},
		{"clinic", "call", "out", 24}, {"county", "meeting", "in", 25}, {"old", "letter", "out", 4}} {
		s.contacts = append(s.contacts, domain.Contact{ID: int64(i + 1), Partner: c.p, Method: c.m, Direction: c.dir, When: day(c.d, 10)})
	}
	s.contacts = append(s.contacts, domain.Contact{ID: 99, Partner: "county", Method: "call", Direction: "out", When: day(1, 9).AddDate(0, 0, -3)}) // October
	s.events = []domain.Event{
		{ID: 1, Partner: "county", Title: "Flu shot clinic", Start: day(5, 10), End: day(5, 14), Registered: 40, Attended: 35},
		{ID: 2, Partner: "clinic", Title: "Diabetes cooking class", Start: day(12, 18), End: day(12, 20), Registered: -1, Attended: 12},
		{ID: 3, Partner: "county", Title: "Health fair", Start: day(21, 10), End: day(21, 15), Registered: 100, Attended: -1},
	}
	s.surveys = []domain.Survey{{ID: 1, Template: domain.TemplateFeedback, Partner: "county", Event: 1, Created: day(5, 16)},
		{ID: 2, Template: domain.TemplateCheckin, Partner: "clinic", Created: day(15, 10)}}
	s.responses[1] = []domain.Response{{User: "U1", Answers: map[string]string{"q1": "5"}}, {User: "U2", Answers: map[string]string{"q1": "4"}}, {User: "U3", Comment: "more please"}}
	s.responses[2] = []domain.Response{{User: "U4", Answers: map[string]string{"q1": "3"}}}
	s.followUps = []domain.FollowUp{
		{ID: 1, Partner: "county", Due: day(6, 9), Status: domain.StatusDone, DoneAt: day(5, 9)},
		{ID: 2, Partner: "county", Due: day(7, 9), Status: domain.StatusDone, DoneAt: day(9, 9)},
		{ID: 3, Partner: "clinic", Due: day(20, 9), Status: domain.StatusOpen},
		{ID: 4, Partner: "clinic", Due: day(21, 9), Status: domain.StatusCancelled},
		{ID: 5, Partner: "clinic", Due: day(1, 9).AddDate(0, 1, 5), Status: domain.StatusOpen}, // December
	}
	s.needs = []domain.Need{
		{ID: 1, Topics: []string{"transportation"}, Note: "no bus to the clinic", Partner: "county", At: day(1, 9).AddDate(0, 0, -5)},
		{ID: 2, Topics: []string{"diabetes", "nutrition"}, Note: "cooking classes", Partner: "clinic", At: day(12, 20)},
		{ID: 3, Topics: []string{"diabetes"}, Note: "glucose meters", Partner: "county", At: day(13, 9)},
		{ID: 4, Topics: []string{"transportation"}, Note: "rides to screenings", At: day(14, 9)},
		{ID: 5, Topics: []string{"transportation"}, Note: "older adults", At: day(1, 9).AddDate(0, 0, -6)},
	}
	return s
}

func TestGatherCountsThePeriod(t *testing.T) {
	d, err := report.Gather(context.Background(), sample(), "T", "", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"partners (archived left out)", d.Partners, 2},
		{"contacts in November, archived partner's included", d.Contacts, 7},
		{"contacts from partners", d.ContactsIn, 2},
		{"emails", d.ContactsByMethod["email"], 2},
		{"events", len(d.Events), 3},
		{"attended", d.Attended, 47},
		{"registered", d.Registered, 140},
		{"attended of registered", d.AttendedWithRegistration, 35},
		{"registered where attendance known", d.AttendedOf, 40},
		{"events over without attendance", d.NoAttendance, 1},
		{"feedback responses", d.Surveys[domain.TemplateFeedback].Responses, 3},
		{"feedback ratings", d.Surveys[domain.TemplateFeedback].Ratings, 2},
		{"follow-ups due on time", d.DueOnTime, 1},
		{"late", d.DueLate, 1},
		{"open", d.DueOpen, 1},
		{"cancelled", d.DueCancelled, 1},
		{"needs", d.NeedsTotal, 3},
		{"one-way partners", d.OneWay, 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d; want %d", c.name, c.got, c.want)
		}
	}
	if got := d.Surveys[domain.TemplateFeedback].Average(); got != 4.5 {
		t.Errorf("feedback average = %v; want 4.5", got)
	}
	var trends []string
	for _, tc := range d.Needs {
		trends = append(trends, tc.Topic+" "+tc.Trend())
	}
	if got, want := strings.Join(trends, ", "), "diabetes new, nutrition new, transportation ▼1"; got != want {
		t.Errorf("needs = %s; want %s", got, want)
	}
	weekly := 0
	for _, w := range d.Weeks {
		for _, n := range w.ByMethod {
			weekly += n
		}
	}
	if weekly != d.Contacts || d.Weeks[0].Start.Weekday() != time.Monday {
		t.Errorf("weeks hold %d contacts, first week starts %v; want %d from a Monday", weekly, d.Weeks[0].Start, d.Contacts)
	}
}

func TestPartnerReportCoversOnlyThatPartner(t *testing.T) {
	d, err := report.Gather(context.Background(), sample(), "T", "clinic", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	if d.Contacts != 2 || len(d.Events) != 1 || d.NeedsTotal != 1 || d.Partner == nil || d.Partner.Slug != "clinic" {
		t.Errorf("clinic report: %d contacts, %d events, %d needs, partner %v; want 2, 1, 1, clinic", d.Contacts, len(d.Events), d.NeedsTotal, d.Partner)
	}
}

func TestSummaryGolden(t *testing.T) {
	d, err := report.Gather(context.Background(), sample(), "T", "", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary.golden", dumpReply(report.Summary(d)))
	d, err = report.Gather(context.Background(), sample(), "T", "county", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary-county.golden", dumpReply(report.Summary(d)))
}

// dumpReply writes a reply as a reviewer reads it: each section's text,
// its native chart (title, axis, every series) and table (caption,
// columns, every row; numbers as "value=text"), and its buttons.
func dumpReply(r message.Reply) string {
	var b strings.Builder
	b.WriteString(r.Text + "\n")
	for _, s := range r.Sections {
		b.WriteString("--\n")
		if s.Text != "" {
			b.WriteString(s.Text + "\n")
		}
		if c := s.Chart; c != nil {
			fmt.Fprintf(&b, "[%s chart] %s | x: %s | y: %s\n  categories: %s\n", c.Kind, c.Title, c.XLabel, c.YLabel, strings.Join(c.Categories, " | "))
			for _, se := range c.Series {
				fmt.Fprintf(&b, "  %s: %v\n", se.Name, se.Values)
			}
			fmt.Fprintf(&b, "  as text: %s\n", c.Text)
		}
		if tb := s.Table; tb != nil {
			fmt.Fprintf(&b, "[table, %d a page] %s\n  %s\n", tb.PageSize, tb.Caption, strings.Join(tb.Columns, " | "))
			for _, row := range tb.Rows {
				var cells []string
				for _, c := range row {
					switch {
					case c.Number != nil:
						cells = append(cells, fmt.Sprintf("%v=%s", *c.Number, c.Text))
					default:
						cells = append(cells, c.Text)
					}
				}
				fmt.Fprintf(&b, "  %s\n", strings.Join(cells, " | "))
			}
			fmt.Fprintf(&b, "  as text: %s", tb.Text)
		}
		for _, c := range s.Choices {
			fmt.Fprintf(&b, "[button %q %s %s]\n", c.Label, c.Action, c.Value)
		}
	}
	return b.String()
}

// TestChartsArePNGsForASlide decodes each chart: a PNG at least 1200
// pixels wide, titled with the scope and the period, named by them.
func TestChartsArePNGsForASlide(t *testing.T) {
	d, err := report.Gather(context.Background(), sample(), "T", "", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	files, err := report.Charts(d)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(&buf)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if cfg.Width < 1200 || cfg.Height < 600 {
			t.Errorf("%s is %d×%d; want at least 1200 wide for a slide", f.Name, cfg.Width, cfg.Height)
		}
		if !strings.Contains(f.Title, "all partners, November 2026 so far") {
			t.Errorf("%s title %q lacks the scope and the period", f.Name, f.Title)
		}
	}
	want := "contacts-per-week-all-partners-2026-11-01-2026-11-30.png,attendance-per-event-all-partners-2026-11-01-2026-11-30.png,needs-by-topic-all-partners-2026-11-01-2026-11-30.png"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("charts = %s; want %s", got, want)
	}
}

// TestChartDataGolden checks the numbers each chart draws, for the
// whole network and for one partner, against golden files: titles,
// categories in drawing order, and every series.
func TestChartDataGolden(t *testing.T) {
	src := sample()
	src.events = append(src.events,
		domain.Event{ID: 4, Partner: "county", Title: "Winter health fair", Start: now.Add(6 * time.Hour), End: now.Add(9 * time.Hour), Registered: 60, Attended: -1}, // later today
		domain.Event{ID: 5, Partner: "clinic", Title: "Blood pressure screening at the Eastside branch library, second floor reading room", Start: time.Date(2026, 11, 2, 10, 0, 0, 0, ny), End: time.Date(2026, 11, 2, 12, 0, 0, 0, ny), Registered: -1, Attended: -1})
	for _, slug := range []string{"", "county"} {
		d, err := report.Gather(context.Background(), src, "T", slug, period, now, ny)
		if err != nil {
			t.Fatal(err)
		}
		name := "charts-all.golden"
		if slug != "" {
			name = "charts-" + slug + ".golden"
		}
		golden.Check(t, name, report.DumpCharts(report.ChartData(d)))
	}
}

// TestPDFIsOnePageOfTheLocalesPaper: the board's PDF is one page, A4 or
// US Letter as asked, named by scope and period; the zone decides the
// paper when nothing else does.
func TestPDFIsOnePageOfTheLocalesPaper(t *testing.T) {
	d, err := report.Gather(context.Background(), sample(), "T", "county", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		paper report.Paper
		box   string
	}{{report.A4, "[0 0 595.28 841.89]"}, {report.Letter, "[0 0 612.00 792.00]"}} {
		f := report.PDF(d, tc.paper)
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		pdf := buf.String()
		pages := strings.Count(pdf, "/Type /Page\n") + strings.Count(pdf, "/Type /Page ")
		if !strings.HasPrefix(pdf, "%PDF-") || pages != 1 || !strings.Contains(pdf, "/MediaBox "+tc.box) {
			t.Errorf("%s: %d pages, media box %v; want one page of %s", tc.paper.Name, pages, regexpFind(`/MediaBox \[[^]]*\]`, pdf), tc.box)
		}
		if f.Name != "impact-report-county-2026-11-01-2026-11-30.pdf" {
			t.Errorf("PDF named %s", f.Name)
		}
	}
	for zone, want := range map[string]string{"America/New_York": "Letter", "America/Indiana/Indianapolis": "Letter", "America/Toronto": "Letter",
		"Asia/Manila": "Letter", "America/Sao_Paulo": "A4", "Europe/Paris": "A4", "UTC": "A4"} {
		if got := report.PaperFor(zone).Name; got != want {
			t.Errorf("PaperFor(%s) = %s; want %s", zone, got, want)
		}
	}
}

func regexpFind(re, s string) []string { return regexp.MustCompile(re).FindAllString(s, -1) }

// TestManyEventsKeepTheLatest: a report counts every event held but
// keeps only the latest for its chart and table, saying how many there
// were.
func TestManyEventsKeepTheLatest(t *testing.T) {
	src := sample()
	src.events = nil
	for i := range 250 {
		start := period.From.Add(time.Duration(i) * 2 * time.Hour)
		src.events = append(src.events, domain.Event{ID: int64(i + 1), Partner: "county", Title: fmt.Sprintf("Workshop %03d", i), Start: start, End: start.Add(time.Hour), Registered: 20, Attended: 10})
	}
	d, err := report.Gather(context.Background(), src, "T", "county", period, now, ny)
	if err != nil {
		t.Fatal(err)
	}
	if d.Held != 250 || len(d.Events) != report.EventsKept || d.Events[0].Title != "Workshop 150" || d.Attended != 2500 {
		t.Fatalf("held %d, kept %d from %q, %d attended; want 250 held, the latest %d kept, 2,500 attended", d.Held, len(d.Events), d.Events[0].Title, d.Attended, report.EventsKept)
	}
	for _, c := range report.ChartData(d) {
		if c.File == "attendance-per-event" && c.Total != 250 {
			t.Errorf("attendance chart of %d categories, total %d; want 250", len(c.Categories), c.Total)
		}
	}
	r := report.Summary(d)
	for _, s := range r.Sections {
		if s.Table != nil && (len(s.Table.Rows) != 100 || s.Table.Caption != "Events, November 2026 so far (the latest 100 of 250)") {
			t.Errorf("events table %q of %d rows; want the latest 100 of 250", s.Table.Caption, len(s.Table.Rows))
		}
	}
}
