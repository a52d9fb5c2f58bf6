package report

import (
	"fmt"
	"image/color"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
)

// Paper is a page size for the board's PDF.
type Paper struct {
	Name string // "A4", "Letter"
	W, H vg.Length
}

// Papers: ISO A4 for most of the world, US Letter for the United States,
// Canada, Mexico and the few others that use it.
var (
	A4     = Paper{Name: "A4", W: 595.28, H: 841.89}
	Letter = Paper{Name: "Letter", W: 612, H: 792}
)

// PDF draws the report on one page for the board: its title and period,
// the summary numbers, the three charts (vector, as gonum/plot draws
// them) and a line on how it was counted. Its type is the charts' sans.
// The page is drawn when written; the file is named by scope and period.
func PDF(d *Data, paper Paper) message.File {
	name := "impact-report-" + d.fileStem() + ".pdf"
	title := fmt.Sprintf("Impact report — %s, %s", d.scope(), d.Period.Label)
	return message.File{Name: name, Title: title, Write: func(w io.Writer) error {
		c, err := drawPage(d, paper)
		if err != nil {
			return fmt.Errorf("pdf %s: %w", name, err)
		}
		_, err = c.WriteTo(w)
		return err
	}}
}

// winAnsiCanvas hands vgpdf text it can print: vgpdf embeds fonts in the
// Windows-1252 code page but passes UTF-8 through, so "Clínica" would
// print as "ClÃnica". fpdf translates it (a character outside the code
// page prints as ".").
//
// The page and its charts use one face, Liberation Sans regular, in
// sizes and colours: vgpdf embeds every face from a file of the same
// name, which fpdf keeps once, so a second face (bold, italic) would
// print every text in whichever face came last.
type winAnsiCanvas struct {
	*vgpdf.Canvas
	translate func(string) string
}

func (c winAnsiCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, c.translate(s))
}

// pageStyle is the type of the page around the charts.
func pageStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(chartFont, size), Handler: plot.DefaultTextHandler, XAlign: draw.XLeft, YAlign: draw.YTop}
}

func drawPage(d *Data, paper Paper) (*vgpdf.Canvas, error) {
	pc := vgpdf.New(paper.W, paper.H)
	// Each page gets its own translator: fpdf's keeps a buffer, so one
	// shared by concurrent reports would mix their text.
	tr := fpdf.New("P", "pt", "A4", "").UnicodeTranslatorFromDescriptor("")
	dc := draw.New(winAnsiCanvas{Canvas: pc, translate: tr})
	const margin = vg.Length(36) // half an inch
	left, right := dc.Min.X+margin, dc.Max.X-margin
	width := right - left
	y := dc.Max.Y - margin

	line := func(sty text.Style, s string) {
		for _, l := range wrapTo(sty, s, width) {
			dc.FillText(sty, vg.Point{X: left, Y: y}, l)
			y -= sty.Height(l) * 1.15
		}
	}
	line(pageStyle(20, color.Black), "Impact report — "+d.scope())
	line(pageStyle(10, noteColour), d.Period.Label)
	y -= 6

	// The summary numbers, three to a row.
	tiles := summaryTiles(d)
	tileW := width / 3
	tileH := vg.Length(46)
	for i, t := range tiles {
		x := left + vg.Length(i%3)*tileW
		top := y - vg.Length(i/3)*(tileH+6)
		dc.FillPolygon(rgb(0xf2, 0xf5, 0xf9), []vg.Point{{X: x, Y: top}, {X: x + tileW - 6, Y: top}, {X: x + tileW - 6, Y: top - tileH}, {X: x, Y: top - tileH}})
		dc.FillText(pageStyle(17, mainColour), vg.Point{X: x + 6, Y: top - 5}, t.figure)
		small := pageStyle(7, color.Black)
		ly := top - 26
		caption := wrapTo(small, t.caption, tileW-18)
		for _, l := range caption[:min(2, len(caption))] {
			dc.FillText(small, vg.Point{X: x + 6, Y: ly}, l)
			ly -= small.Height(l) * 1.1
		}
	}
	rows := (len(tiles) + 2) / 3
	y -= vg.Length(rows)*(tileH+6) + 4

	// The charts share what is left, above the methodology line.
	method := pageStyle(7, noteColour)
	methodLines := wrapTo(method, methodology(d), width)
	bottom := dc.Min.Y + margin + vg.Length(len(methodLines))*method.Height("M")*1.15 + 6
	charts := ChartData(d)
	if len(charts) > 0 {
		h := (y - bottom) / vg.Length(len(charts))
		for i, c := range charts {
			p, err := c.plot(page, width, h)
			if err != nil {
				return nil, fmt.Errorf("chart %s: %w", c.File, err)
			}
			top := y - vg.Length(i)*h
			p.Draw(margins(draw.Crop(dc, left-dc.Min.X, right-dc.Max.X, top-h-dc.Min.Y, top-dc.Max.Y), page))
		}
	} else {
		dc.FillText(pageStyle(10, noteColour), vg.Point{X: left, Y: y}, "Nothing to chart in this period.")
	}
	y = bottom - 6
	for _, l := range methodLines {
		dc.FillText(method, vg.Point{X: left, Y: y}, l)
		y -= method.Height(l) * 1.15
	}
	return pc, nil
}

// tile is one of the page's summary numbers.
type tile struct{ figure, caption string }

func summaryTiles(d *Data) []tile {
	var ts []tile
	if d.Partner == nil {
		ts = append(ts, tile{fmt.Sprint(d.Partners), fmt.Sprintf("partners, %d active · %d on track, %d overdue", d.ByStage["active"], d.ByHealth[domain.HealthOnTrack], d.ByHealth[domain.HealthOverdue])})
	} else {
		ts = append(ts, tile{d.Partner.Stage, "stage of the partnership · " + d.Partner.Health(d.Now).State})
	}
	ts = append(ts,
		tile{fmt.Sprint(d.Contacts), fmt.Sprintf("contacts · %s from partners", message.Percent(d.ContactsIn, d.Contacts))},
		tile{fmt.Sprint(d.Attended), fmt.Sprintf("people at %s held", message.Plural(d.Held, "event"))},
	)
	if due := d.DueOnTime + d.DueLate + d.DueOpen; due > 0 {
		ts = append(ts, tile{message.Percent(d.DueOnTime, due), fmt.Sprintf("of %s done on time", message.Plural(due, "follow-up"))})
	} else {
		ts = append(ts, tile{"0", "follow-ups fell due"})
	}
	// The board's question first: a month on, did it change anything?
	// Until that has answers, how useful the events were.
	switch fu, fb := d.Surveys[domain.TemplateFollowUp], d.Surveys[domain.TemplateFeedback]; {
	case fu != nil && fu.Ratings > 0:
		ts = append(ts, tile{fmt.Sprintf("%.1f/5", fu.Average()), fmt.Sprintf("a month on, did it change anything? (%s)", message.Plural(fu.Ratings, "answer"))})
	case fb != nil && fb.Ratings > 0:
		ts = append(ts, tile{fmt.Sprintf("%.1f/5", fb.Average()), fmt.Sprintf("how useful events were (%s; no 30-day answers yet)", message.Plural(fb.Ratings, "rating"))})
	default:
		ts = append(ts, tile{"–", "no survey answers in this period"})
	}
	top := "none heard"
	if len(d.Needs) > 0 && d.Needs[0].Count > 0 {
		top = "most heard: " + d.Needs[0].Topic
	}
	ts = append(ts, tile{fmt.Sprint(d.NeedsTotal), "community needs heard · " + top})
	return ts
}

// wrapTo breaks s into lines no wider than width in sty.
func wrapTo(sty text.Style, s string, width vg.Length) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && sty.Width(next) > width {
			lines = append(lines, cur)
			next = w
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// letterZones are time zones of the countries that print on US Letter:
// the United States, Canada, Mexico, most of Central America, Colombia,
// Venezuela, Chile and the Philippines. Every other zone prints on A4.
var letterZones = map[string]bool{
	"America/New_York": true, "America/Chicago": true, "America/Denver": true, "America/Los_Angeles": true, "America/Phoenix": true,
	"America/Anchorage": true, "America/Juneau": true, "America/Sitka": true, "America/Metlakatla": true, "America/Yakutat": true,
	"America/Nome": true, "America/Adak": true, "America/Boise": true, "America/Detroit": true, "America/Menominee": true,
	"Pacific/Honolulu": true, "America/Puerto_Rico": true,
	"America/Toronto": true, "America/Vancouver": true, "America/Edmonton": true, "America/Winnipeg": true, "America/Halifax": true,
	"America/St_Johns": true, "America/Regina": true, "America/Moncton": true, "America/Whitehorse": true, "America/Dawson": true,
	"America/Iqaluit": true, "America/Glace_Bay": true, "America/Goose_Bay": true, "America/Rankin_Inlet": true, "America/Resolute": true,
	"America/Cambridge_Bay": true, "America/Inuvik": true, "America/Swift_Current": true, "America/Dawson_Creek": true,
	"America/Fort_Nelson": true, "America/Creston": true, "America/Atikokan": true, "America/Blanc-Sablon": true,
	"America/Mexico_City": true, "America/Cancun": true, "America/Merida": true, "America/Monterrey": true, "America/Matamoros": true,
	"America/Chihuahua": true, "America/Ojinaga": true, "America/Mazatlan": true, "America/Hermosillo": true, "America/Tijuana": true,
	"America/Bahia_Banderas": true, "America/Ciudad_Juarez": true,
	"America/Guatemala": true, "America/Costa_Rica": true, "America/El_Salvador": true, "America/Managua": true,
	"America/Tegucigalpa": true, "America/Panama": true, "America/Santo_Domingo": true,
	"America/Bogota": true, "America/Caracas": true, "America/Santiago": true, "Asia/Manila": true,
}

// PaperFor is the page size of the team's locale, told by its time zone
// (OUTREACH_TZ): US Letter for the zones of the countries that use it,
// A4 for the rest of the world.
func PaperFor(zone string) Paper {
	for _, prefix := range []string{"US/", "Canada/", "America/Indiana/", "America/Kentucky/", "America/North_Dakota/"} {
		if strings.HasPrefix(zone, prefix) {
			return Letter
		}
	}
	if letterZones[zone] {
		return Letter
	}
	return A4
}
