package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/when"
)

// The report's charts and table as Slack draws them in the message
// (data_visualization, data_table), within Slack's limits: the PNGs stay
// for slides.

// nativeTitle is "Contacts · County Health Dept · 2026 so far" within a
// chart's 50 characters, the partner's name clipped to make room.
func nativeTitle(what string, d *Data) string {
	scope, period := d.scope(), d.Period.Short
	room := message.ChartTitleMax - utf8.RuneCountInString(what+" ·  · "+period)
	switch {
	case room >= utf8.RuneCountInString(scope):
	case room >= 8:
		scope = message.Clip(scope, room)
	default:
		return message.Clip(what+" · "+period, message.ChartTitleMax)
	}
	return what + " · " + scope + " · " + period
}

// bucket is a span of time on a native chart's axis and its contacts.
type bucket struct {
	label    string
	byMethod map[string]int
}

// contactBuckets are the period's contacts by week when that makes at
// most 20 bars, else by month, quarter or year: a native chart takes 20
// points a series.
func contactBuckets(d *Data) ([]bucket, string) {
	if len(d.Weeks) <= message.ChartPointsMax {
		var out []bucket
		for i, w := range d.Weeks {
			label := w.Start.Format("Jan 2")
			if i == 0 || w.Start.Year() != d.Weeks[i-1].Start.Year() {
				label = w.Start.Format("Jan 2 2006")
			}
			out = append(out, bucket{label, w.ByMethod})
		}
		return out, "Week starting"
	}
	for _, g := range []struct {
		axis string
		key  func(time.Time) string
	}{
		{"Month", func(t time.Time) string { return t.Format("Jan 2006") }},
		{"Quarter", func(t time.Time) string { return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1) }},
		{"Year", func(t time.Time) string { return strconv.Itoa(t.Year()) }},
	} {
		var out []bucket
		for _, m := range d.Months {
			k := g.key(m.Start)
			if len(out) == 0 || out[len(out)-1].label != k {
				out = append(out, bucket{k, map[string]int{}})
			}
			for method, n := range m.ByMethod {
				out[len(out)-1].byMethod[method] += n
			}
		}
		if len(out) <= message.ChartPointsMax || g.axis == "Year" {
			return out[max(0, len(out)-message.ChartPointsMax):], g.axis
		}
	}
	return nil, ""
}

// nativeContacts is the contacts chart in the message: contacts by
// method a week (or month…), at most 6 series: the 5 most used methods
// and "other" when there are more.
func nativeContacts(d *Data) *message.Chart {
	if d.Contacts == 0 {
		return nil
	}
	buckets, axis := contactBuckets(d)
	methods := make([]string, 0, len(d.ContactsByMethod))
	for _, m := range domain.Methods {
		if d.ContactsByMethod[m] > 0 {
			methods = append(methods, m)
		}
	}
	var other []string
	if len(methods) > message.ChartSeriesMax {
		slices.SortStableFunc(methods, func(a, b string) int { return d.ContactsByMethod[b] - d.ContactsByMethod[a] })
		methods, other = methods[:message.ChartSeriesMax-1], methods[message.ChartSeriesMax-1:]
	}
	c := &message.Chart{Title: nativeTitle("Contacts", d), Kind: message.ChartBar, XLabel: axis, YLabel: "Contacts"}
	var text []string
	for _, b := range buckets {
		c.Categories = append(c.Categories, b.label)
		total := 0
		for _, n := range b.byMethod {
			total += n
		}
		text = append(text, fmt.Sprintf("%s: %d", b.label, total))
	}
	series := func(name string, ms []string) {
		s := message.ChartSeries{Name: name}
		for _, b := range buckets {
			n := 0
			for _, m := range ms {
				n += b.byMethod[m]
			}
			s.Values = append(s.Values, float64(n))
		}
		c.Series = append(c.Series, s)
	}
	for _, m := range methods {
		series(m, []string{m})
	}
	if len(other) > 0 {
		series("other", other)
	}
	c.Text = fmt.Sprintf("_Contacts by %s:_ %s", strings.ToLower(strings.TrimSuffix(axis, " starting")), strings.Join(text, " · "))
	return c
}

// nativeTopics is how many topics the message's needs chart shows.
const nativeTopics = 8

// nativeNeeds is the needs chart in the message: the most heard topics,
// this period against the one before.
func nativeNeeds(d *Data) *message.Chart {
	var topics []TopicCount
	for _, tc := range d.Needs {
		if tc.Count > 0 || tc.Previous > 0 {
			topics = append(topics, tc)
		}
	}
	if len(topics) == 0 {
		return nil
	}
	topics = topics[:min(len(topics), nativeTopics)]
	c := &message.Chart{Title: nativeTitle("Needs heard", d), Kind: message.ChartBar, XLabel: "Topic", YLabel: "Needs heard"}
	now := message.ChartSeries{Name: "this period"}
	before := message.ChartSeries{Name: "the period before"}
	var names []string
	for _, tc := range topics {
		names = append(names, tc.Topic)
		now.Values = append(now.Values, float64(tc.Count))
		before.Values = append(before.Values, float64(tc.Previous))
	}
	c.Categories = message.UniqueLabels(names, message.ChartLabelMax)
	c.Series = []message.ChartSeries{now, before}
	var text []string
	for _, tc := range topics {
		text = append(text, fmt.Sprintf("%s %d (before: %d)", message.Esc(tc.Topic), tc.Count, tc.Previous))
	}
	c.Text = "_Needs by topic:_ " + strings.Join(text, " · ")
	return c
}

// tableNameMax keeps a table's names short enough for 100 rows within
// Slack's 10,000 characters.
const tableNameMax = 40

// partnersTable is the report's table across partners: each one's
// contacts, events and the people at them in the period ("reached"
// would read as outreach's own reach), and its last contact to date
// (after the period, for a past one); the most contacted first, 100 at
// most.
func partnersTable(d *Data) *message.Table {
	rows := slices.Clone(d.ByPartner)
	if len(rows) == 0 {
		return nil
	}
	slices.SortStableFunc(rows, func(a, b PartnerRow) int {
		if a.Contacts != b.Contacts {
			return b.Contacts - a.Contacts
		}
		return strings.Compare(a.Name, b.Name)
	})
	caption := "Partners, " + d.Period.Short
	if len(rows) > message.TableRowsMax {
		caption += fmt.Sprintf(" (the %d most contacted of %d)", message.TableRowsMax, len(rows))
		rows = rows[:message.TableRowsMax]
	}
	t := &message.Table{Caption: caption, Columns: []string{"Partner", "Contacts", "Events", "Attended", "Last contact to date"}, PageSize: 10}
	var text strings.Builder
	text.WriteString("*By partner*\n")
	for i, r := range rows {
		last := message.Num(0, "never")
		lastText := "never"
		if !r.LastContact.IsZero() {
			lastText = message.Date(r.LastContact, d.Now, d.Loc)
			last = message.Num(float64(r.LastContact.UnixMilli()), lastText)
		}
		t.Rows = append(t.Rows, []message.Cell{{Text: message.Clip(r.Name, tableNameMax)},
			message.Num(float64(r.Contacts), ""), message.Num(float64(r.Events), ""), message.Num(float64(r.Reached), ""), last})
		if i < 15 {
			fmt.Fprintf(&text, "• *%s* — %s, %s, %d at its events, last contact to date %s\n", message.Esc(r.Name), message.Plural(r.Contacts, "contact"), message.Plural(r.Events, "event"), r.Reached, lastText)
		} else if i == 15 {
			fmt.Fprintf(&text, "…and %d more\n", len(rows)-15)
		}
	}
	t.Text = text.String()
	return t
}

// eventsTable is one partner's report's table: its events held in the
// period, registered and attended; the latest 100.
func eventsTable(d *Data) *message.Table {
	var held []domain.Event
	for _, e := range d.Events {
		if !e.Start.After(d.Now) {
			held = append(held, e)
		}
	}
	if len(held) == 0 {
		return nil
	}
	caption := "Events, " + d.Period.Short
	if len(held) > message.TableRowsMax {
		held = held[len(held)-message.TableRowsMax:]
	}
	if d.Held > len(held) {
		caption += fmt.Sprintf(" (the latest %d of %d)", len(held), d.Held)
	}
	t := &message.Table{Caption: caption, Columns: []string{"Date", "Event", "Registered", "Attended"}, PageSize: 10}
	count := func(n int) message.Cell {
		if n < 0 {
			return message.Num(-1, "not recorded")
		}
		return message.Num(float64(n), "")
	}
	var text strings.Builder
	text.WriteString("*Events*\n")
	for i, e := range held {
		date := message.Date(e.Start, d.Now, d.Loc)
		t.Rows = append(t.Rows, []message.Cell{message.Num(float64(e.Start.UnixMilli()), date), {Text: message.Clip(e.Title, 60)}, count(e.Registered), count(e.Attended)})
		if i < 15 {
			fmt.Fprintf(&text, "• %s `E%d` *%s* — %s\n", date, e.ID, message.Esc(e.Title), attendanceSaid(e))
		} else if i == 15 {
			fmt.Fprintf(&text, "…and %d more\n", len(held)-15)
		}
	}
	t.Text = text.String()
	return t
}

func attendanceSaid(e domain.Event) string {
	switch {
	case e.Attended < 0:
		return "attendance not recorded"
	case e.Registered >= 0:
		return fmt.Sprintf("%d of %d registered came", e.Attended, e.Registered)
	}
	return fmt.Sprintf("%d came", e.Attended)
}

// PDFValue is what the report's PDF button carries: the partner and the
// period, to be checked again when pressed.
func PDFValue(slug string, p when.Period) string {
	return fmt.Sprintf("%s|%d|%d|%s", slug, p.From.UnixMilli(), p.To.UnixMilli(), p.Name)
}

// ParsePDFValue reads a PDF button's value back: the partner's slug and
// the period, named again as of now in loc. ok is false for a value no
// report made.
func ParsePDFValue(v string, now time.Time, loc *time.Location) (slug string, p when.Period, ok bool) {
	parts := strings.SplitN(v, "|", 4)
	if len(parts) != 4 {
		return "", when.Period{}, false
	}
	from, err1 := strconv.ParseInt(parts[1], 10, 64)
	to, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || to <= from || to-from > 50*366*24*3600*1000 || utf8.RuneCountInString(parts[3]) > 40 {
		return "", when.Period{}, false
	}
	return parts[0], when.NewPeriod(parts[3], time.UnixMilli(from).In(loc), time.UnixMilli(to).In(loc), now, loc), true
}
