package report

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// Charts are drawn for a slide: 14 × 7.5 inches at gonum's 96 dpi, so
// 1344 × 720 pixels, with type large enough to read from the back of a
// board room.
const (
	chartW = 14 * vg.Inch
	chartH = 7.5 * vg.Inch
)

// maxEventBars and maxTopicBars keep a chart legible; the title says
// when it shows only part.
const (
	maxEventBars = 30
	maxTopicBars = 15
)

// Charts draws the report's PNG charts: contacts per week by method
// (stacked), attendance per event, and needs by topic. A chart with
// nothing to show is left out.
func Charts(d *Data) ([]message.File, error) {
	var files []message.File
	for _, c := range []func(*Data) (*plot.Plot, string, error){contactsChart, attendanceChart, needsChart} {
		p, name, err := c(d)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		wt, err := p.WriterTo(chartW, chartH, "png")
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		files = append(files, message.File{Name: name, Title: p.Title.Text, Write: func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		}})
	}
	return files, nil
}

// newPlot is a plot with the report's title (the period included) and
// axis labels, in slide-sized type.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(22)
	p.Title.Padding = vg.Points(12)
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(16)
		a.Tick.Label.Font.Size = vg.Points(13)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(14)
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(4)
	return p
}

func contactsChart(d *Data) (*plot.Plot, string, error) {
	if d.Contacts == 0 {
		return nil, "", nil
	}
	p := newPlot(fmt.Sprintf("Contacts per week by method — %s", d.Period.Label), "Week starting", "Contacts")
	labels := make([]string, len(d.Weeks))
	every := (len(d.Weeks) + 12) / 13 // about a dozen labels whatever the period
	for i, w := range d.Weeks {
		if i%every == 0 {
			labels[i] = w.Start.Format("Jan 2")
		}
	}
	width := barWidth(chartW, len(d.Weeks), 1)
	top := 0
	for _, w := range d.Weeks {
		n := 0
		for _, c := range w.ByMethod {
			n += c
		}
		top = max(top, n)
	}
	var below *plotter.BarChart
	for i, m := range store.Methods {
		if d.ContactsByMethod[m] == 0 {
			continue
		}
		vals := make(plotter.Values, len(d.Weeks))
		for wi, w := range d.Weeks {
			vals[wi] = float64(w.ByMethod[m])
		}
		bc, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, "", fmt.Errorf("contacts chart: %w", err)
		}
		bc.Color = plotutil.Color(i)
		bc.LineStyle.Width = 0
		if below != nil {
			bc.StackOn(below)
		}
		p.Add(bc)
		p.Legend.Add(m, bc)
		below = bc
	}
	p.NominalX(labels...)
	p.Y.Min, p.Y.Max = 0, headroom(top)
	p.Y.Tick.Marker = counts{}
	return p, "contacts-per-week.png", nil
}

func attendanceChart(d *Data) (*plot.Plot, string, error) {
	var events []store.Event
	for _, e := range d.Events {
		if e.Attended >= 0 || e.Registered >= 0 {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return nil, "", nil
	}
	title := fmt.Sprintf("Attendance per event — %s", d.Period.Label)
	if len(events) > maxEventBars {
		title += fmt.Sprintf(" (latest %d of %d)", maxEventBars, len(events))
		events = events[len(events)-maxEventBars:]
	}
	p := newPlot(title, "Event", "People")
	reg := make(plotter.Values, len(events))
	came := make(plotter.Values, len(events))
	labels := make([]string, len(events))
	for i, e := range events {
		reg[i], came[i] = float64(max(e.Registered, 0)), float64(max(e.Attended, 0))
		labels[i] = fmt.Sprintf("E%d %s", e.ID, message.Clip(e.Title, 18))
	}
	width := barWidth(chartW, len(events), 2)
	top := 0
	for _, e := range events {
		top = max(top, e.Registered, e.Attended)
	}
	if err := pairedBars(p, width, false, series{"registered", reg, plotutil.Color(1)}, series{"attended", came, plotutil.Color(0)}); err != nil {
		return nil, "", fmt.Errorf("attendance chart: %w", err)
	}
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -0.9, -0.5
	p.Y.Min, p.Y.Max = 0, headroom(top)
	p.Y.Tick.Marker = counts{}
	return p, "attendance-per-event.png", nil
}

func needsChart(d *Data) (*plot.Plot, string, error) {
	var topics []TopicCount
	for _, tc := range d.Needs {
		if tc.Count > 0 || tc.Previous > 0 {
			topics = append(topics, tc)
		}
	}
	if len(topics) == 0 {
		return nil, "", nil
	}
	title := fmt.Sprintf("Community needs by topic — %s", d.Period.Label)
	if len(topics) > maxTopicBars {
		title += fmt.Sprintf(" (top %d of %d)", maxTopicBars, len(topics))
		topics = topics[:maxTopicBars]
	}
	p := newPlot(title, "Needs heard", "")
	// Horizontal bars, the most heard at the top.
	now := make(plotter.Values, len(topics))
	before := make(plotter.Values, len(topics))
	labels := make([]string, len(topics))
	for i, tc := range topics {
		j := len(topics) - 1 - i
		now[j], before[j], labels[j] = float64(tc.Count), float64(tc.Previous), tc.Topic
	}
	width := barWidth(chartH, len(topics), 2)
	top := 0
	for _, tc := range topics {
		top = max(top, tc.Count, tc.Previous)
	}
	if err := pairedBars(p, width, true, series{"the period before", before, color.Gray{Y: 0xb0}}, series{"this period", now, plotutil.Color(2)}); err != nil {
		return nil, "", fmt.Errorf("needs chart: %w", err)
	}
	p.NominalY(labels...)
	p.X.Min, p.X.Max = 0, headroom(top)
	p.X.Tick.Marker = counts{}
	return p, "needs-by-topic.png", nil
}

// series is one set of bars with its legend entry.
type series struct {
	name string
	vals plotter.Values
	c    color.Color
}

// pairedBars draws a and b side by side in each group, with a legend.
func pairedBars(p *plot.Plot, width vg.Length, horizontal bool, a, b series) error {
	for i, s := range []series{a, b} {
		bc, err := plotter.NewBarChart(s.vals, width)
		if err != nil {
			return err
		}
		bc.Horizontal = horizontal
		bc.Color, bc.LineStyle.Width = s.c, 0
		bc.Offset = vg.Length(float64(i)-0.5) * width
		p.Add(bc)
		p.Legend.Add(s.name, bc)
	}
	return nil
}

// barWidth fits n groups of per bars, with a bar's width between
// groups, along an axis of the chart of the given length.
func barWidth(length vg.Length, n, per int) vg.Length {
	w := (length - 1.5*vg.Inch) / vg.Length(n*per+n)
	return min(w, 0.6*vg.Inch)
}

// headroom is the axis maximum that leaves the legend (top right) clear
// of the tallest bar.
func headroom(top int) float64 { return math.Max(1, float64(top)*1.3) }

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
