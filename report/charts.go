package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
)

// Chart is one chart's numbers as it is drawn: the slide's PNG, the
// PDF page and Slack's own chart are made from it, and the tests check it
// rather than pixels.
type Chart struct {
	File           string // the file name's first part: "contacts-per-week"
	What           string // "Contacts per week by method"
	Scope          string // "all partners" or the partner's name
	Period         string // the period as the report says it
	XLabel, YLabel string
	// Categories are the bar groups in reading order: left to right, or
	// top to bottom for a horizontal chart.
	Categories []string
	Series     []Series
	Stacked    bool // the series stack (contacts by method)
	Horizontal bool
	Note       string // what the chart leaves out: "the latest 15 of 41"
	// Total is how many categories there were, when Categories holds
	// only the latest of them.
	Total int
	// Missing is what the main (last) series' unknown values say.
	Missing string
}

// Series is one set of bars. A NaN value is not recorded, which a chart
// says in words rather than drawing a bar of 0.
type Series struct {
	Name   string
	Values []float64
}

// Title is the chart's title: what it shows and whose, then the period.
func (c Chart) Title() string {
	t := fmt.Sprintf("%s — %s\n%s", c.What, c.Scope, c.Period)
	if c.Note != "" {
		t += " · " + c.Note
	}
	return t
}

// first keeps the first n categories (the most heard topics) and says
// so in the note: note has the kept and the total counts as %d.
func (c Chart) first(n int, note string) Chart {
	if len(c.Categories) <= n {
		return c
	}
	c.Note = fmt.Sprintf(note, n, len(c.Categories))
	c.Categories = c.Categories[:n]
	series := make([]Series, len(c.Series))
	for i, s := range c.Series {
		series[i] = Series{Name: s.Name, Values: s.Values[:n]}
	}
	c.Series = series
	return c
}

// last keeps the last n categories (the latest events) and says so in
// the note, out of Total when the chart holds only the latest already.
func (c Chart) last(n int, note string) Chart {
	total := max(c.Total, len(c.Categories))
	if total <= n {
		return c
	}
	c.Note = fmt.Sprintf(note, min(n, len(c.Categories)), total)
	if len(c.Categories) <= n {
		return c
	}
	from := len(c.Categories) - n
	c.Categories = c.Categories[from:]
	series := make([]Series, len(c.Series))
	for i, s := range c.Series {
		series[i] = Series{Name: s.Name, Values: s.Values[from:]}
	}
	c.Series = series
	return c
}

// look is the type and bar sizes of one medium: a slide or a page.
type look struct {
	title, axis, tick, legend, value vg.Length
	maxBars                          int       // events or topics drawn
	wrap                             int       // characters per line of an event's label
	maxBar                           vg.Length // the widest a bar gets
}

var (
	// Charts are drawn for a slide: 14 × 7.5 inches at gonum's 96 dpi,
	// 1344 × 720 pixels, with type large enough to read from the back of
	// a board room.
	slide = look{title: 22, axis: 16, tick: 13, legend: 14, value: 12, maxBars: 15, wrap: 46, maxBar: 0.6 * vg.Inch}
	// page is a chart on the one-page PDF: a third of a page's height.
	page = look{title: 10, axis: 8, tick: 6.5, legend: 7, value: 6.5, maxBars: 8, wrap: 50, maxBar: 0.3 * vg.Inch}
)

const (
	slideW = 14 * vg.Inch
	slideH = 7.5 * vg.Inch
)

// Colours that say which series, never good or bad (Okabe and Ito's
// palette, legible to colour-blind readers): what the period did in
// blue, what it is compared with in grey.
var (
	palette = []color.Color{
		rgb(0x00, 0x72, 0xb2), rgb(0xe6, 0x9f, 0x00), rgb(0x00, 0x9e, 0x73), rgb(0xcc, 0x79, 0xa7),
		rgb(0x56, 0xb4, 0xe9), rgb(0xd5, 0x5e, 0x00), rgb(0xf0, 0xe4, 0x42),
	}
	mainColour = palette[0]
	refColour  = rgb(0xb4, 0xb4, 0xb4)
	noteColour = rgb(0x60, 0x60, 0x60)
)

func rgb(r, g, b uint8) color.Color { return color.RGBA{R: r, G: g, B: b, A: 0xff} }

// chartFont is the one type family of every chart: a sans from the
// fonts gonum/plot embeds, plain on a projector.
var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// ChartData is the report's charts as numbers: contacts per week by
// method, attendance per event, needs by topic. A chart with nothing to
// show is left out.
func ChartData(d *Data) []Chart {
	var out []Chart
	for _, c := range []func(*Data) (Chart, bool){contactsChart, attendanceChart, needsChart} {
		if ch, ok := c(d); ok {
			out = append(out, ch)
		}
	}
	return out
}

// Charts draws the report's charts as PNGs for a slide, each file named
// by the chart, the scope and the period, so that one report's files
// never take another's names.
func Charts(d *Data) ([]message.File, error) {
	var files []message.File
	stem := d.fileStem()
	for _, c := range ChartData(d) {
		p, err := c.plot(slide, slideW, slideH)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.File, err)
		}
		wt, err := draw.NewFormattedCanvas(slideW, slideH, "png")
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.File, err)
		}
		p.Draw(margins(draw.New(wt), slide))
		files = append(files, message.File{Name: c.File + "-" + stem + ".png", Title: strings.ReplaceAll(c.Title(), "\n", ", "), Write: func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		}})
	}
	return files, nil
}

func (d *Data) scope() string {
	if d.Partner != nil {
		return d.Partner.Name
	}
	return "all partners"
}

func (d *Data) fileStem() string {
	slug := ""
	if d.Partner != nil {
		slug = d.Partner.Slug
	}
	return FileStem(slug, d.Period)
}

func contactsChart(d *Data) (Chart, bool) {
	if d.Contacts == 0 {
		return Chart{}, false
	}
	c := Chart{File: "contacts-per-week", What: "Contacts per week by method", Scope: d.scope(), Period: d.Period.Label,
		XLabel: "Week starting", YLabel: "Contacts", Stacked: true}
	c.Categories = weekLabels(d.Weeks)
	for _, m := range domain.Methods {
		if d.ContactsByMethod[m] == 0 {
			continue
		}
		s := Series{Name: m, Values: make([]float64, len(d.Weeks))}
		for i, w := range d.Weeks {
			s.Values[i] = float64(w.ByMethod[m])
		}
		c.Series = append(c.Series, s)
	}
	return c, true
}

// weekLabels names each week by its Monday, with the year on the first
// week and wherever the year changes.
func weekLabels(ws []Week) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		if i == 0 || w.Start.Year() != ws[i-1].Start.Year() {
			out[i] = w.Start.Format("Jan 2, 2006")
		} else {
			out[i] = w.Start.Format("Jan 2")
		}
	}
	return out
}

func attendanceChart(d *Data) (Chart, bool) {
	var held []domain.Event
	for _, e := range d.Events {
		if !e.Start.After(d.Now) {
			held = append(held, e)
		}
	}
	if len(held) == 0 {
		return Chart{}, false
	}
	slices.SortStableFunc(held, func(a, b domain.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	c := Chart{File: "attendance-per-event", What: "Attendance per event", Scope: d.scope(), Period: d.Period.Label,
		XLabel: "People", Horizontal: true, Missing: "attendance not recorded", Total: d.Held}
	reg := Series{Name: "registered"}
	came := Series{Name: "attended"}
	loc := d.Period.From.Location()
	for _, e := range held {
		c.Categories = append(c.Categories, eventLabel(e, loc, d.Now))
		reg.Values = append(reg.Values, known(e.Registered))
		came.Values = append(came.Values, known(e.Attended))
	}
	c.Series = []Series{reg, came}
	return c, true
}

// eventLabel is an event as a chart names it: "Nov 5 · Flu shot clinic",
// the date with its year when that is not now's.
func eventLabel(e domain.Event, loc *time.Location, now time.Time) string {
	date := e.Start.In(loc).Format("Jan 2")
	if e.Start.In(loc).Year() != now.In(loc).Year() {
		date = e.Start.In(loc).Format("Jan 2, 2006")
	}
	return date + " · " + e.Title
}

// known is a head count, or NaN when it was not recorded.
func known(n int) float64 {
	if n < 0 {
		return math.NaN()
	}
	return float64(n)
}

func needsChart(d *Data) (Chart, bool) {
	c := Chart{File: "needs-by-topic", What: "Community needs by topic", Scope: d.scope(), Period: d.Period.Label,
		XLabel: "Needs heard", Horizontal: true}
	before := Series{Name: "the period before"}
	now := Series{Name: "this period"}
	for _, tc := range d.Needs {
		if tc.Count == 0 && tc.Previous == 0 {
			continue
		}
		c.Categories = append(c.Categories, tc.Topic)
		before.Values = append(before.Values, float64(tc.Previous))
		now.Values = append(now.Values, float64(tc.Count))
	}
	if len(c.Categories) == 0 {
		return Chart{}, false
	}
	c.Series = []Series{before, now}
	return c, true
}

// forLook trims c to what one medium can show legibly: the latest
// events, the most heard topics.
func (c Chart) forLook(l look) Chart {
	switch c.File {
	case "attendance-per-event":
		return c.last(l.maxBars, "the latest %d of %d events")
	case "needs-by-topic":
		return c.first(l.maxBars, "the top %d of %d topics")
	}
	return c
}

// plot draws c in look l, for a canvas of w × h.
func (c Chart) plot(l look, w, h vg.Length) (*plot.Plot, error) {
	c = c.forLook(l)
	p := plot.New()
	p.Title.Text = c.Title()
	p.Title.Padding = l.title / 2
	p.X.Label.Text, p.Y.Label.Text = c.XLabel, c.YLabel
	if c.Horizontal {
		p.X.Label.Text, p.Y.Label.Text = c.XLabel, ""
	}
	setFonts(p, l)
	p.Legend.Top = true
	p.Legend.Padding = l.legend / 3
	p.Legend.XOffs = -l.legend
	var err error
	if c.Stacked {
		err = c.stacked(p, l, w)
	} else {
		err = c.paired(p, l, w, h)
	}
	return p, err
}

// margins keeps a chart's labels and legend off the edges of c.
func margins(c draw.Canvas, l look) draw.Canvas {
	m := l.tick * 1.2
	return draw.Crop(c, m, -m, m/2, -m/2)
}

func setFonts(p *plot.Plot, l look) {
	p.Title.TextStyle.Font = font.From(chartFont, l.title)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(chartFont, l.axis)
		a.Tick.Label.Font = font.From(chartFont, l.tick)
	}
	p.Legend.TextStyle.Font = font.From(chartFont, l.legend)
}

// stacked draws vertical bars, one stack per category, with each
// stack's total above it when there is room, and a bar's width of space
// at either end so the last bar stands clear of the edge.
func (c Chart) stacked(p *plot.Plot, l look, w vg.Length) error {
	n := len(c.Categories)
	width := barWidth(w, n, 1, l)
	var below *plotter.BarChart
	totals := make([]float64, n)
	for i, s := range c.Series {
		bc, err := plotter.NewBarChart(plotter.Values(s.Values), width)
		if err != nil {
			return err
		}
		bc.Color = palette[i%len(palette)]
		bc.LineStyle.Width = 0
		if below != nil {
			bc.StackOn(below)
		}
		p.Add(bc)
		p.Legend.Add(s.Name, bc)
		below = bc
		for j, v := range s.Values {
			totals[j] += v
		}
	}
	labels := make([]string, n)
	every := (n + 12) / 13 // about a dozen labels whatever the period
	for i, cat := range c.Categories {
		if i%every == 0 {
			labels[i] = cat
		}
	}
	p.NominalX(labels...)
	top := slices.Max(totals)
	p.X.Min, p.X.Max = -1, float64(n)
	p.Y.Min, p.Y.Max = 0, headroom(top, len(c.Series))
	p.Y.Tick.Marker = counts{}
	if n <= 26 {
		return addValues(p, l, totals, false, "", 0)
	}
	return nil
}

// paired draws two series side by side in each category, horizontally
// when the labels are long (events, topics), each bar with its value, and
// "not recorded" where a value is unknown.
func (c Chart) paired(p *plot.Plot, l look, w, h vg.Length) error {
	n := len(c.Categories)
	length := w
	if c.Horizontal {
		length = h
	}
	width := barWidth(length, n, 2, l)
	colours := []color.Color{refColour, mainColour}
	// A horizontal chart reads top down, and gonum counts up.
	at := func(i int) int {
		if c.Horizontal {
			return n - 1 - i
		}
		return i
	}
	top := 0.0
	// A reference series with nothing in it (no registration recorded,
	// nothing heard the period before) keeps its legend but no room:
	// the main series' bars then sit on their labels.
	empty := func(s Series) bool {
		return !slices.ContainsFunc(s.Values, func(v float64) bool { return v != 0 && !math.IsNaN(v) })
	}
	single := len(c.Series) == 2 && empty(c.Series[0])
	for si, s := range c.Series {
		vals := make(plotter.Values, n)
		for i, v := range s.Values {
			if !math.IsNaN(v) {
				vals[at(i)] = v
				top = math.Max(top, v)
			}
		}
		bc, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return err
		}
		bc.Horizontal = c.Horizontal
		bc.Color, bc.LineStyle.Width = colours[si%2], 0
		bc.Offset = vg.Length(float64(si)-0.5) * width
		if c.Horizontal {
			bc.Offset = -bc.Offset // the first series above the second
		}
		if single {
			bc.Offset = 0
		}
		p.Legend.Add(s.Name, bc)
		if single && si == 0 {
			continue
		}
		p.Add(bc)
		shown := make([]float64, n)
		for i, v := range s.Values {
			shown[at(i)] = v
		}
		// Only the main series says what is unknown (an unknown
		// registration is common, an unknown attendance is a gap) and
		// what is 0 (what is compared with stays quiet).
		missing := ""
		if si == len(c.Series)-1 {
			missing = c.Missing
		}
		if err := addValues(p, l, shown, c.Horizontal, missing, bc.Offset); err != nil {
			return err
		}
	}
	labels := make([]string, n)
	for i, cat := range c.Categories {
		labels[at(i)] = wrap(cat, l.wrap, 2)
	}
	if c.Horizontal {
		p.NominalY(labels...)
		// Room above the first category for the legend.
		p.Y.Min, p.Y.Max = -0.75, float64(n)-0.25+0.6
		p.X.Min, p.X.Max = 0, headroom(top, 0)
		p.X.Tick.Marker = counts{}
	} else {
		p.NominalX(labels...)
		p.Y.Min, p.Y.Max = 0, headroom(top, len(c.Series))
		p.Y.Tick.Marker = counts{}
	}
	return nil
}

// addValues writes each bar's value at its end, or missing in grey
// italics where it is NaN. offset is the bar's offset across its
// category.
// A bar of 0 gets no label unless missing is set: the main series of a
// paired chart says 0 where a stack or the grey series stay quiet.
func addValues(p *plot.Plot, l look, vals []float64, horizontal bool, missing string, offset vg.Length) error {
	var xys plotter.XYs
	var texts []string
	var styles []text.Style
	for i, v := range vals {
		st := text.Style{Font: font.From(chartFont, l.value), Handler: p.TextHandler, Color: color.Black}
		label := fmt.Sprintf("%.0f", v)
		pos := v
		if v == 0 && missing == "" {
			continue
		}
		if math.IsNaN(v) {
			if missing == "" {
				continue
			}
			label, pos = missing, 0
			st.Color = noteColour // one face: see winAnsiCanvas
		}
		if horizontal {
			xys = append(xys, plotter.XY{X: pos, Y: float64(i)})
			st.XAlign, st.YAlign = draw.XLeft, draw.YCenter // after the bar's end
		} else {
			xys = append(xys, plotter.XY{X: float64(i), Y: pos})
			st.XAlign, st.YAlign = draw.XCenter, draw.YBottom // above the bar
		}
		texts = append(texts, label)
		styles = append(styles, st)
	}
	if len(xys) == 0 {
		return nil
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
	if err != nil {
		return err
	}
	lb.TextStyle = styles
	if horizontal {
		lb.Offset = vg.Point{X: vg.Points(3), Y: offset}
	} else {
		lb.Offset = vg.Point{X: offset, Y: vg.Points(2)}
	}
	p.Add(lb)
	return nil
}

// wrap breaks s into lines of at most width characters at spaces, at
// most lines of them, the last clipped with an ellipsis.
func wrap(s string, width, lines int) string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	if len(out) > lines {
		out = append(out[:lines-1], strings.Join(out[lines-1:], " "))
	}
	for i, line := range out {
		out[i] = message.Clip(line, width)
	}
	return strings.Join(out, "\n")
}

// barWidth fits n groups of per bars, with a bar's width between
// groups, along an axis of a chart of the given length, about a quarter
// of which goes to the title, the other axis and the margins.
func barWidth(length vg.Length, n, per int, l look) vg.Length {
	w := length * 0.72 / vg.Length(n*per+n)
	return min(w, l.maxBar)
}

// headroom is the value axis's maximum that leaves the value labels,
// and the legend's entries (top right, over the bars), clear of the
// highest bar: about a twentieth of the axis an entry.
func headroom(top float64, entries int) float64 {
	return math.Max(1, top*1.1/(1-math.Min(0.5, 0.05*float64(entries))))
}

// counts marks an axis of counts with whole numbers only, at a step of
// 1, 2 or 5 times a power of ten, about eight of them.
type counts struct{}

func (counts) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for p := 1.0; (hi-lo)/step > 8; p *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if step = m * p; (hi-lo)/step <= 8 {
				break
			}
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return ticks
}

// DumpCharts writes charts' numbers as text, for golden files and
// review: each title, the categories in drawing order, and each series
// ("–" where a value was not recorded).
func DumpCharts(cs []Chart) string {
	var b strings.Builder
	for _, c := range cs {
		kind := "vertical bars"
		if c.Horizontal {
			kind = "horizontal bars"
		}
		if c.Stacked {
			kind += ", stacked"
		}
		fmt.Fprintf(&b, "== %s (%s)\n%s\n", c.File, kind, c.Title())
		for i, cat := range c.Categories {
			fmt.Fprintf(&b, "  %-44s", cat)
			for _, s := range c.Series {
				v := "–"
				if !math.IsNaN(s.Values[i]) {
					v = fmt.Sprintf("%.0f", s.Values[i])
				}
				fmt.Fprintf(&b, " %s %s;", s.Name, v)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
