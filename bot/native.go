package bot

import (
	"fmt"
	"math"
	"strings"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/message"
)

// nativeBudget counts what one message (or view) may still carry of
// Slack's charts and tables: charts per message, and characters across
// the tables' cells: every table's in a message (Slack counts them
// together there), each table's own in a view.
type nativeBudget struct {
	charts, tableChars int
	shared             bool
}

func newNativeBudget(perMessage bool) *nativeBudget {
	return &nativeBudget{charts: message.ChartsPerMessage, tableChars: message.TableCharsMax, shared: perMessage}
}

// chartBlock renders c as a data_visualization block, or says it cannot
// (past Slack's limits, or past the message's charts): the caller shows
// c.Text instead.
func (nb *nativeBudget) chartBlock(c message.Chart, blockID string) (slack.Block, bool) {
	if nb.charts == 0 {
		return nil, false
	}
	var chart slack.DataVisualizationChart
	if c.Kind == message.ChartPie {
		if len(c.Series) != 1 {
			return nil, false
		}
		var segs []slack.DataVisualizationSegment
		for i, cat := range c.Categories {
			if i < len(c.Series[0].Values) && c.Series[0].Values[i] > 0 {
				segs = append(segs, slack.NewDataVisualizationSegment(cat, c.Series[0].Values[i]))
			}
		}
		chart = slack.NewDataVisualizationPieChart(segs...)
	} else {
		axis := slack.NewDataVisualizationAxisConfig(c.Categories...).WithXLabel(c.XLabel).WithYLabel(c.YLabel)
		var series []slack.DataVisualizationDataSeries
		for _, s := range c.Series {
			if len(s.Values) != len(c.Categories) {
				return nil, false
			}
			var pts []slack.DataVisualizationDataPoint
			for i, v := range s.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, false
				}
				pts = append(pts, slack.NewDataVisualizationDataPoint(c.Categories[i], v))
			}
			series = append(series, slack.NewDataVisualizationDataSeries(s.Name, pts...))
		}
		switch c.Kind {
		case message.ChartLine:
			chart = slack.NewDataVisualizationLineChart(axis, series...)
		case message.ChartArea:
			chart = slack.NewDataVisualizationAreaChart(axis, series...)
		default:
			chart = slack.NewDataVisualizationBarChart(axis, series...)
		}
	}
	b := slack.NewDataVisualizationBlock(c.Title, chart, slack.DataVisualizationBlockOptionBlockID(blockID))
	if b.Validate() != nil {
		return nil, false
	}
	nb.charts--
	return b, true
}

// tableBlock renders t as a data_table block, or says it cannot (past
// Slack's limits): the caller shows t.Text instead.
func (nb *nativeBudget) tableBlock(t message.Table, blockID string) (slack.Block, bool) {
	cols := len(t.Columns)
	chars := t.Chars()
	if t.Caption == "" || cols == 0 || cols > message.TableColumnsMax || len(t.Rows) == 0 || len(t.Rows) > message.TableRowsMax || chars > nb.tableChars {
		return nil, false
	}
	if t.PageSize < 0 || t.PageSize > 100 {
		return nil, false
	}
	b := slack.NewDataTableBlock(t.Caption, slack.DataTableBlockOptionBlockID(blockID)).WithPageSize(t.PageSize)
	var header []slack.DataTableCell
	for _, c := range t.Columns {
		header = append(header, slack.NewDataTableRawTextCell(cellText(c)))
	}
	b.AddRow(header...)
	buttons := 0
	for _, row := range t.Rows {
		if len(row) != cols {
			return nil, false
		}
		var cells []slack.DataTableCell
		for _, c := range row {
			switch {
			case c.Choice != nil:
				// A button's action_id is unique in its block: the press
				// reads the part before '#' (actionName).
				buttons++
				btn := slack.NewButtonBlockElement(fmt.Sprintf("%s#%d", c.Choice.Action, buttons), c.Choice.Value, plain(clipRunes(c.Choice.Label, maxButtonText)))
				if c.Choice.Style != "" {
					btn.Style = slack.Style(c.Choice.Style)
				}
				cells = append(cells, slack.NewDataTableActionCell(btn).WithFallback(slack.NewDataTableRawTextCell(cellText(c.Choice.Label))))
			case c.Number != nil:
				n := slack.NewDataTableRawNumberCell(*c.Number)
				if c.Text != "" {
					n.WithText(c.Text)
				}
				cells = append(cells, n)
			default:
				cells = append(cells, slack.NewDataTableRawTextCell(cellText(c.Text)))
			}
		}
		b.AddRow(cells...)
	}
	if nb.shared {
		nb.tableChars -= chars
	}
	return b, true
}

// cellText is a cell's text; Slack wants at least one character.
func cellText(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// actionName is a button's action without what made its action_id
// unique in a table ("fu_done#12" → "fu_done").
func actionName(actionID string) string {
	name, _, _ := strings.Cut(actionID, "#")
	return name
}
