package message

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chart is a chart a door draws itself where it can (Slack's
// data_visualization block); Text says the same numbers in mrkdwn where
// it cannot (the console, an older client, a surface that refuses it).
type Chart struct {
	Title          string // at most ChartTitleMax characters
	Kind           string // ChartBar, ChartLine, ChartArea or ChartPie
	Categories     []string
	Series         []ChartSeries // a pie has one, a slice per category
	XLabel, YLabel string
	Text           string
}

// ChartSeries is one named set of values, one per category.
type ChartSeries struct {
	Name   string
	Values []float64
}

// Chart kinds.
const (
	ChartBar  = "bar"
	ChartLine = "line"
	ChartArea = "area"
	ChartPie  = "pie"
)

// Slack's limits for a data_visualization block
// (docs.slack.dev/reference/block-kit/blocks/data-visualization-block):
// the title, series names, categories and slice labels, the series (or
// slices) of one chart, and the points of one series. Messages with
// more than ChartsPerMessage charts are refused (not in the reference;
// found by others posting to Slack), so a reply carries at most that.
const (
	ChartTitleMax    = 50
	ChartLabelMax    = 20
	ChartAxisMax     = 50
	ChartSeriesMax   = 6
	ChartPointsMax   = 20
	ChartsPerMessage = 2
)

// Table is a table a door draws itself where it can (Slack's
// data_table block: sortable, paged); Text says the same in mrkdwn
// where it cannot.
type Table struct {
	Caption  string
	Columns  []string
	Rows     [][]Cell
	PageSize int // rows a page; 0 is the surface's default
	Text     string
}

// Cell is one cell of a table: text, a number (Number set; a column of
// numbers sorts as numbers, Text then shows it), or a button.
type Cell struct {
	Text   string
	Number *float64
	Choice *Choice
}

// Slack's limits for a data_table block
// (docs.slack.dev/reference/block-kit/blocks/data-table-block): rows
// besides the header, columns, and characters across all cells.
const (
	TableRowsMax    = 100
	TableColumnsMax = 20
	TableCharsMax   = 10000
)

// Num is a number cell shown as text.
func Num(v float64, text string) Cell { return Cell{Text: text, Number: &v} }

// Chars is how many characters a table's cells hold, what Slack counts
// against TableCharsMax: the header and every cell's text (a button's
// label, a number's digits when it has no text).
func (t Table) Chars() int {
	n := 0
	for _, c := range t.Columns {
		n += utf8.RuneCountInString(c)
	}
	for _, row := range t.Rows {
		for _, c := range row {
			switch {
			case c.Choice != nil:
				n += utf8.RuneCountInString(c.Choice.Label)
			case c.Number != nil && c.Text == "":
				n += len(strconv.FormatFloat(*c.Number, 'f', -1, 64))
			default:
				n += utf8.RuneCountInString(c.Text)
			}
		}
	}
	return n
}

// Label fits s within n characters for a chart, clipped with an
// ellipsis: category and series names are at most ChartLabelMax.
func Label(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "–"
	}
	return Clip(s, n)
}

// UniqueLabels clips each label to n characters and tells apart those
// that clip to the same text ("Flu shot clinic 2"): a chart's
// categories must be unique.
func UniqueLabels(labels []string, n int) []string {
	out := make([]string, len(labels))
	seen := map[string]int{}
	for i, l := range labels {
		c := Label(l, n)
		seen[c]++
		if k := seen[c]; k > 1 {
			suffix := fmt.Sprintf(" %d", k)
			c = Clip(c, n-utf8.RuneCountInString(suffix)) + suffix
		}
		out[i] = c
	}
	return out
}
