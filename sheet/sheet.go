// Package sheet reads spreadsheets a row at a time: a CSV file (comma or
// semicolon, with or without a byte order mark) or each tab of an .xlsx
// workbook, and matches their header cells to the fields a caller knows,
// by name, case- and accent-insensitively and with synonyms. It stores
// nothing and knows nothing of what the rows mean.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/outreachbot/outreachbot/domain"
)

// ErrFormat means the file is neither a CSV nor an .xlsx workbook.
var ErrFormat = errors.New("not a CSV or .xlsx file")

// Table is one table of a file: a CSV file, or one tab of a workbook.
// Its first non-empty row is the header.
type Table struct {
	Name   string   // the tab's name, or the file's name without its extension
	Header []string // the header row's cells, trimmed
	// next returns the next row and, when it knows better than counting,
	// its number (0 to count).
	next func() ([]string, int, error)
	row  int
	held []string // a row read with the header, for Next to return first
}

// Next returns the next row that has any cell filled, and its number as a
// spreadsheet shows it (the header's row counts). It returns io.EOF after
// the last row.
func (t *Table) Next() ([]string, int, error) {
	if t.held != nil {
		cells := t.held
		t.held = nil
		return cells, t.row, nil
	}
	for {
		cells, n, err := t.next()
		if err != nil {
			return nil, 0, err
		}
		t.row++
		if n > 0 {
			t.row = n
		}
		if !blank(cells) {
			for i, c := range cells {
				cells[i] = strings.TrimSpace(c)
			}
			return cells, t.row, nil
		}
	}
}

// header reads the table's header: its first row with any cell filled,
// or, when that row is a title (one cell filled: "Outreach contact log
// FY2026") and the next has several, the next.
func (t *Table) header() ([]string, error) {
	first, _, err := t.Next()
	if err != nil || filled(first) != 1 {
		return first, err
	}
	second, _, err := t.Next()
	if errors.Is(err, io.EOF) {
		return first, nil
	}
	if err != nil {
		return nil, err
	}
	if filled(second) > 1 {
		return second, nil
	}
	// One column: the first row was its header, and this a row of it.
	t.held = second
	return first, nil
}

// filled counts the cells with something in them.
func filled(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// IsWorkbook reports whether a file of this name is read as a workbook.
func IsWorkbook(name string) bool { return strings.EqualFold(path.Ext(name), ".xlsx") }

// Supported reports whether a file of this name can be read.
func Supported(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".csv" || ext == ".xlsx" || ext == ".txt" || ext == ".tsv"
}

// Read hands each table of the file to f, in order: a CSV file has one,
// a workbook one per tab that has a header. name decides the format
// (.xlsx is a workbook; anything else is read as CSV). A CSV is read as
// it streams; a workbook is read whole by excelize, then its rows one at
// a time. f must be done with its table when it returns.
func Read(r io.Reader, name string, f func(*Table) error) error {
	if IsWorkbook(name) {
		return readWorkbook(r, f)
	}
	return readCSV(r, name, f)
}

func readCSV(r io.Reader, name string, f func(*Table) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	// A byte order mark (our exports and Excel's "CSV UTF-8" start with
	// one) is not part of the first header.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	// Spreadsheets set to a European locale write semicolons; so does a
	// tab-separated export. The first line tells.
	first, _ := br.Peek(4096) // what there is, at the end of a short file
	line, _, _ := bytes.Cut(first, []byte("\n"))
	switch {
	case bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")):
		cr.Comma = ';'
	case bytes.Count(line, []byte("\t")) > bytes.Count(line, []byte(",")):
		cr.Comma = '\t'
	}
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	// A spreadsheet numbers records, blank lines included (which the csv
	// package skips), and a cell of several lines is one row: a row's
	// number is its first line less the lines cells took before it.
	inCells := 0
	t := &Table{Name: base, next: func() ([]string, int, error) {
		rec, err := cr.Read()
		var pe *csv.ParseError
		if err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)) {
			return rec, 0, err
		}
		line, _ := cr.FieldPos(0)
		row := line - inCells
		for _, c := range rec {
			inCells += strings.Count(c, "\n")
		}
		return rec, row, nil
	}}
	h, err := t.header()
	if errors.Is(err, io.EOF) {
		return nil // an empty file has no table
	}
	if err != nil {
		return fmt.Errorf("read csv: %w", err)
	}
	if !textual(h) {
		return ErrFormat
	}
	t.Header = h
	return f(t)
}

// textual reports whether header cells look like text (a binary file read
// as CSV does not).
func textual(cells []string) bool {
	for _, c := range cells {
		for _, r := range c {
			if r == unicode.ReplacementChar || (r < 0x20 && r != '\t') {
				return false
			}
		}
	}
	return true
}

func readWorkbook(r io.Reader, f func(*Table) error) error {
	wb, err := excelize.OpenReader(r)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	defer wb.Close()
	for _, name := range wb.GetSheetList() {
		rows, err := wb.Rows(name)
		if err != nil {
			return fmt.Errorf("read tab %q: %w", name, err)
		}
		t := &Table{Name: name, next: func() ([]string, int, error) {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, 0, err
				}
				return nil, 0, io.EOF
			}
			cells, err := rows.Columns()
			return cells, 0, err
		}}
		h, err := t.header()
		if errors.Is(err, io.EOF) {
			rows.Close()
			continue // an empty tab
		}
		if err != nil {
			rows.Close()
			return fmt.Errorf("read tab %q: %w", name, err)
		}
		t.Header = h
		err = f(t)
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Field is a field a caller knows, and the header names that mean it.
type Field struct {
	Key      string   // the field's own name, also a header that means it
	Synonyms []string // other headers that mean it
}

// Columns says which column holds which field.
type Columns struct {
	index map[string]int
	// Unknown are the headers no field matched, as written.
	Unknown []string
}

// Has reports whether a column holds the field.
func (c Columns) Has(key string) bool { _, ok := c.index[key]; return ok }

// Get is the field's cell in row, "" when no column holds it.
func (c Columns) Get(row []string, key string) string {
	i, ok := c.index[key]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// Match finds the columns of fields in header, each header folded as
// HeaderKey folds it. The first column that names a field holds it; a
// header that names none is Unknown, unless ignore (folded the same way)
// lists it.
func Match(header []string, fields []Field, ignore []string) Columns {
	want := map[string]string{}
	for _, f := range fields {
		want[HeaderKey(f.Key)] = f.Key
		for _, s := range f.Synonyms {
			want[HeaderKey(s)] = f.Key
		}
	}
	skip := map[string]bool{}
	for _, s := range ignore {
		skip[HeaderKey(s)] = true
	}
	c := Columns{index: map[string]int{}}
	for i, h := range header {
		k := HeaderKey(h)
		if k == "" {
			continue
		}
		if key, ok := want[k]; ok {
			if _, dup := c.index[key]; !dup {
				c.index[key] = i
			}
			continue
		}
		if !skip[k] {
			c.Unknown = append(c.Unknown, h)
		}
	}
	return c
}

// HeaderKey is how headers are compared: folded (no case, no accents),
// and every run of what is not a letter or a digit one space:
// "Date/Time", "date_time" and "DATE TIME" are one.
func HeaderKey(s string) string {
	return strings.Join(strings.FieldsFunc(domain.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
