package slacktest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Block validation, as Slack's schema does it for the blocks the bot's
// newer surfaces use: data_visualization
// (docs.slack.dev/reference/block-kit/blocks/data-visualization-block)
// and data_table (docs.slack.dev/reference/block-kit/blocks/data-table-block),
// with every block's block_id (at most 255 characters, unique in the
// message). Slack answers a message it refuses with invalid_blocks and a
// message per problem naming where it is, and a view with
// invalid_arguments; so does the fake. Other block types pass unchecked.

// blockProblems lists what is wrong with blocks, each message ending
// with the JSON pointer of the field, under base ("/blocks" for a
// message, "/view/blocks" for a view).
func blockProblems(blocks json.RawMessage, base string) []string {
	if blocks == nil {
		return nil
	}
	var bs []json.RawMessage
	if json.Unmarshal(blocks, &bs) != nil {
		return []string{"[ERROR] must be an array [json-pointer:" + base + "]"}
	}
	v := &validator{}
	ids := map[string]bool{}
	for i, raw := range bs {
		at := fmt.Sprintf("%s/%d", base, i)
		var b map[string]json.RawMessage
		if json.Unmarshal(raw, &b) != nil {
			v.add(at, "must be an object")
			continue
		}
		if id, ok := v.str(b, "block_id", at, false); ok {
			switch {
			case utf8.RuneCountInString(id) > 255:
				v.add(at+"/block_id", "must be less than 256 characters")
			case ids[id]:
				v.add(at+"/block_id", "must be unique in the message")
			}
			ids[id] = true
		}
		switch typ, _ := v.str(b, "type", at, true); typ {
		case "data_visualization":
			v.dataVisualization(b, at)
		case "data_table":
			v.dataTable(b, at)
		}
	}
	return v.msgs
}

type validator struct{ msgs []string }

func (v *validator) add(at, msg string) {
	v.msgs = append(v.msgs, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", msg, at))
}

// only refuses fields the schema does not have, as Slack's does.
func (v *validator) only(obj map[string]json.RawMessage, at string, fields ...string) {
	for k := range obj {
		if !slices.Contains(fields, k) {
			v.add(at, "invalid additional property: "+k)
		}
	}
}

// str reads a string field; a missing required one, or one of another
// type, is a problem.
func (v *validator) str(obj map[string]json.RawMessage, k, at string, required bool) (string, bool) {
	raw, ok := obj[k]
	if !ok {
		if required {
			v.add(at, "missing required field: "+k)
		}
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		v.add(at+"/"+k, "must be a string")
		return "", false
	}
	return s, true
}

// text reads a string field of min to max characters.
func (v *validator) text(obj map[string]json.RawMessage, k, at string, required bool, minLen, maxLen int) (string, bool) {
	s, ok := v.str(obj, k, at, required)
	if !ok {
		return "", false
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n < minLen:
		v.add(at+"/"+k, fmt.Sprintf("must be at least %d characters", minLen))
		return s, false
	case maxLen > 0 && n > maxLen:
		v.add(at+"/"+k, fmt.Sprintf("must be less than %d characters", maxLen+1))
		return s, false
	}
	return s, true
}

func (v *validator) number(obj map[string]json.RawMessage, k, at string, required bool) (float64, bool) {
	raw, ok := obj[k]
	if !ok {
		if required {
			v.add(at, "missing required field: "+k)
		}
		return 0, false
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		v.add(at+"/"+k, "must be a number")
		return 0, false
	}
	return f, true
}

func (v *validator) object(obj map[string]json.RawMessage, k, at string, required bool) (map[string]json.RawMessage, bool) {
	raw, ok := obj[k]
	if !ok {
		if required {
			v.add(at, "missing required field: "+k)
		}
		return nil, false
	}
	var o map[string]json.RawMessage
	if json.Unmarshal(raw, &o) != nil || o == nil {
		v.add(at+"/"+k, "must be an object")
		return nil, false
	}
	return o, true
}

// array reads an array field of min to max items.
func (v *validator) array(obj map[string]json.RawMessage, k, at string, required bool, minItems, maxItems int) ([]json.RawMessage, bool) {
	raw, ok := obj[k]
	if !ok {
		if required {
			v.add(at, "missing required field: "+k)
		}
		return nil, false
	}
	var a []json.RawMessage
	if json.Unmarshal(raw, &a) != nil || a == nil {
		v.add(at+"/"+k, "must be an array")
		return nil, false
	}
	switch {
	case len(a) < minItems:
		v.add(at+"/"+k, fmt.Sprintf("must provide at least %d items", minItems))
		return a, false
	case len(a) > maxItems:
		v.add(at+"/"+k, fmt.Sprintf("no more than %d items allowed", maxItems))
		return a, false
	}
	return a, true
}

func objects(a []json.RawMessage) []map[string]json.RawMessage {
	out := make([]map[string]json.RawMessage, len(a))
	for i, raw := range a {
		_ = json.Unmarshal(raw, &out[i]) // a non-object stays nil, refused where it is read
	}
	return out
}

// dataVisualization checks a chart: a title of 1–50 characters and a
// pie (1–6 segments, labels of 1–20 characters, values above 0) or a
// bar, area or line chart (1–6 series with unique names of 1–20
// characters, each with 1–20 points, exactly one per category of
// axis_config, whose categories are unique and of 1–20 characters, and
// whose axis labels are of at most 50).
func (v *validator) dataVisualization(b map[string]json.RawMessage, at string) {
	v.only(b, at, "type", "block_id", "title", "chart")
	v.text(b, "title", at, true, 1, 50)
	chart, ok := v.object(b, "chart", at, true)
	if !ok {
		return
	}
	at += "/chart"
	typ, _ := v.str(chart, "type", at, true)
	switch typ {
	case "pie":
		v.only(chart, at, "type", "segments")
		segs, _ := v.array(chart, "segments", at, true, 1, 6)
		for i, seg := range objects(segs) {
			sat := fmt.Sprintf("%s/segments/%d", at, i)
			if seg == nil {
				v.add(sat, "must be an object")
				continue
			}
			v.only(seg, sat, "label", "value")
			v.text(seg, "label", sat, true, 1, 20)
			if val, ok := v.number(seg, "value", sat, true); ok && val <= 0 {
				v.add(sat+"/value", "must be greater than 0")
			}
		}
	case "bar", "area", "line":
		v.only(chart, at, "type", "series", "axis_config")
		var cats []string
		if axis, ok := v.object(chart, "axis_config", at, true); ok {
			aat := at + "/axis_config"
			v.only(axis, aat, "categories", "x_label", "y_label")
			v.text(axis, "x_label", aat, false, 0, 50)
			v.text(axis, "y_label", aat, false, 0, 50)
			raw, _ := v.array(axis, "categories", aat, true, 1, math.MaxInt)
			for i, r := range raw {
				var c string
				cat := fmt.Sprintf("%s/categories/%d", aat, i)
				if json.Unmarshal(r, &c) != nil {
					v.add(cat, "must be a string")
					continue
				}
				if n := utf8.RuneCountInString(c); n < 1 || n > 20 {
					v.add(cat, "must be between 1 and 20 characters")
				}
				if slices.Contains(cats, c) {
					v.add(cat, "must be unique")
				}
				cats = append(cats, c)
			}
		}
		series, _ := v.array(chart, "series", at, true, 1, 6)
		names := map[string]bool{}
		for i, s := range objects(series) {
			sat := fmt.Sprintf("%s/series/%d", at, i)
			if s == nil {
				v.add(sat, "must be an object")
				continue
			}
			v.only(s, sat, "name", "data")
			if name, ok := v.text(s, "name", sat, true, 1, 20); ok {
				if names[name] {
					v.add(sat+"/name", "must be unique across the chart's series")
				}
				names[name] = true
			}
			data, ok := v.array(s, "data", sat, true, 1, 20)
			if !ok {
				continue
			}
			if len(data) != len(cats) {
				v.add(sat+"/data", "must have exactly one point for every category")
			}
			seen := map[string]bool{}
			for j, p := range objects(data) {
				pat := fmt.Sprintf("%s/data/%d", sat, j)
				if p == nil {
					v.add(pat, "must be an object")
					continue
				}
				v.only(p, pat, "label", "value")
				v.number(p, "value", pat, true)
				label, ok := v.text(p, "label", pat, true, 1, 20)
				switch {
				case !ok:
				case !slices.Contains(cats, label):
					v.add(pat+"/label", "must be one of axis_config.categories")
				case seen[label]:
					v.add(pat+"/label", "must be unique in the series")
				}
				seen[label] = true
			}
		}
	case "":
	default:
		v.add(at+"/type", "must be one of pie, bar, area, line")
	}
}

// dataTable checks a table: a caption; 2–101 rows (a header and 1–100
// more) of the same 1–20 cells; header cells raw_text only; cells
// raw_text, raw_number, rich_text or action_cell (a button, with a
// raw_text or raw_number fallback); at most 10,000 characters across
// all cells; page_size 1–100; row_header_column_index a column.
func (v *validator) dataTable(b map[string]json.RawMessage, at string) {
	v.only(b, at, "type", "block_id", "caption", "rows", "page_size", "row_header_column_index")
	v.str(b, "caption", at, true)
	if ps, ok := v.number(b, "page_size", at, false); ok && (ps != math.Trunc(ps) || ps < 1 || ps > 100) {
		v.add(at+"/page_size", "must be an integer from 1 to 100")
	}
	rows, ok := v.array(b, "rows", at, true, 2, 101)
	if !ok {
		return
	}
	width, chars := -1, 0
	actions := map[string]bool{}
	for i, raw := range rows {
		rat := fmt.Sprintf("%s/rows/%d", at, i)
		var cells []json.RawMessage
		if json.Unmarshal(raw, &cells) != nil {
			v.add(rat, "must be an array")
			continue
		}
		switch {
		case len(cells) < 1 || len(cells) > 20:
			v.add(rat, "must have from 1 to 20 cells")
		case width >= 0 && len(cells) != width:
			v.add(rat, "must have as many cells as the other rows")
		}
		if width < 0 {
			width = len(cells)
		}
		for j, c := range objects(cells) {
			cat := fmt.Sprintf("%s/%d", rat, j)
			if c == nil {
				v.add(cat, "must be an object")
				continue
			}
			typ, _ := v.str(c, "type", cat, true)
			if i == 0 && typ != "raw_text" {
				v.add(cat+"/type", "header cells must be raw_text")
				continue
			}
			chars += v.cell(c, typ, cat, actions)
		}
	}
	if idx, ok := v.number(b, "row_header_column_index", at, false); ok && (idx != math.Trunc(idx) || idx < 0 || int(idx) >= max(width, 1)) {
		v.add(at+"/row_header_column_index", "must be the index of a column")
	}
	if chars > 10000 {
		v.add(at+"/rows", fmt.Sprintf("cells hold %d characters; no more than 10000 allowed", chars))
	}
}

// cell checks one cell of a data table and returns its characters.
func (v *validator) cell(c map[string]json.RawMessage, typ, at string, actions map[string]bool) int {
	switch typ {
	case "raw_text":
		v.only(c, at, "type", "text")
		s, _ := v.text(c, "text", at, true, 1, 0)
		return utf8.RuneCountInString(s)
	case "raw_number":
		v.only(c, at, "type", "value", "text")
		f, _ := v.number(c, "value", at, true)
		if s, ok := v.text(c, "text", at, false, 1, 0); ok {
			return utf8.RuneCountInString(s)
		}
		return len(strconv.FormatFloat(f, 'f', -1, 64))
	case "rich_text":
		v.only(c, at, "type", "elements")
		_, _ = v.array(c, "elements", at, true, 1, math.MaxInt)
		return 0
	case "action_cell":
		v.only(c, at, "type", "element", "fallback")
		n := 0
		if el, ok := v.object(c, "element", at, true); ok {
			n = v.button(el, at+"/element", actions)
		}
		if fb, ok := v.object(c, "fallback", at, false); ok {
			fat := at + "/fallback"
			switch t, _ := v.str(fb, "type", fat, true); t {
			case "raw_text", "raw_number":
				v.cell(fb, t, fat, actions)
			default:
				v.add(fat+"/type", "must be raw_text or raw_number")
			}
		}
		return n
	case "":
		return 0
	}
	v.add(at+"/type", "must be one of raw_text, raw_number, rich_text, action_cell")
	return 0
}

// button checks a button element (docs.slack.dev/reference/block-kit/
// block-elements/button-element): plain_text text of at most 75
// characters, an action_id of at most 255 unique in its block, a value
// of at most 2000, style primary or danger. It returns the text's
// characters.
func (v *validator) button(el map[string]json.RawMessage, at string, actions map[string]bool) int {
	v.only(el, at, "type", "text", "action_id", "value", "style", "url", "confirm", "accessibility_label")
	if typ, _ := v.str(el, "type", at, true); typ != "button" {
		v.add(at+"/type", "must be button")
		return 0
	}
	if id, ok := v.text(el, "action_id", at, false, 1, 255); ok {
		if actions[id] {
			v.add(at+"/action_id", "must be unique in the block")
		}
		actions[id] = true
	}
	v.text(el, "value", at, false, 0, 2000)
	if st, ok := v.str(el, "style", at, false); ok && st != "primary" && st != "danger" {
		v.add(at+"/style", "must be primary or danger")
	}
	txt, ok := v.object(el, "text", at, true)
	if !ok {
		return 0
	}
	if t, _ := v.str(txt, "type", at+"/text", true); t != "plain_text" {
		v.add(at+"/text/type", "must be plain_text")
	}
	s, _ := v.text(txt, "text", at+"/text", true, 1, 75)
	return utf8.RuneCountInString(s)
}
