package commands

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryHintParses reads every reply, post and help text under review
// (the golden files of commands/, message/ and report/) and runs each
// command it suggests in a code span through the grammar: the command
// exists, and its words and options pass its table row. A hint that a
// newcomer copies must work.
func TestEveryHintParses(t *testing.T) {
	var files []string
	for _, dir := range []string{"testdata", "../message/testdata", "../report/testdata"} {
		fs, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
		files = append(files, fs...)
	}
	if len(files) < 10 {
		t.Fatalf("found %d golden files; the test would check nothing", len(files))
	}
	tb := newTable()
	span := regexp.MustCompile("`([^`\n]+)`")
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range span.FindAllStringSubmatch(string(b), -1) {
			hint, slashed := strings.CutPrefix(m[1], "/outreach ")
			if strings.ContainsAny(hint, "<…[") || strings.Contains(hint, "&lt;") {
				continue // a synopsis with placeholders, not a command to copy
			}
			toks, err := Tokenize(hint)
			if err != nil || len(toks) == 0 {
				if slashed {
					t.Errorf("%s: hint %q does not tokenize: %v", filepath.Base(f), m[1], err)
				}
				continue
			}
			c, rest := tb.lookup(toks)
			if c == nil {
				if slashed {
					t.Errorf("%s: hint %q names no command", filepath.Base(f), m[1])
				}
				continue // an id, a partner, a value
			}
			if _, err := c.split(rest, "/outreach"); err != nil {
				t.Errorf("%s: hint %q: %v", filepath.Base(f), m[1], err)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("checked %d hints; the golden files should hold more", checked)
	}
}
