package commands

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/internal/golden"
	"github.com/outreachbot/outreachbot/message"
)

// These tests guard the command table: it is the one place a command is
// declared, so a row that help cannot show or a handler that reads an
// option the row does not allow is a bug the table would hide.

func tableHandler() *Handler {
	return New(nil, clockwork.NewFakeClockAt(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)), Config{Command: "/outreach"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func TestTableNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range newTable() {
		if seen[c.name] {
			t.Errorf("two table rows are named %q", c.name)
		}
		seen[c.name] = true
		if c.run == nil || c.summary == "" || len(c.examples) == 0 {
			t.Errorf("%q lacks a handler, a summary or an example", c.name)
		}
	}
}

// TestHelpListsEveryCommand renders help for each role: every command the
// role may run is listed, under a topic help knows, and `help <topic>`
// answers for each topic. Dropping a topic from topics makes its
// commands vanish from help, which fails here.
func TestHelpListsEveryCommand(t *testing.T) {
	h := tableHandler()
	for _, role := range []Role{RoleLiaison, RoleMember, RoleAdmin} {
		req := &Request{Role: role, Door: DoorSlash}
		r, err := h.help(context.Background(), req, args{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range h.table {
			if !c.allowed(role) || c.name == "help" {
				continue
			}
			if !strings.Contains(r.Text, "`/outreach "+c.name) {
				t.Errorf("role %d: help does not list %q", role, c.name)
			}
			if !slices.Contains(topics, c.topic) {
				t.Errorf("%q is under topic %q, which help does not list", c.name, c.topic.name)
			}
		}
		for _, tp := range topics {
			if _, err := h.help(context.Background(), req, args{pos: []Token{{Text: tp.name}}}); err != nil && role == RoleAdmin {
				t.Errorf("help %s: %v", tp.name, err)
			}
		}
	}
}

// TestExamplesParse runs every example help prints through the table:
// each names its own command and passes its option check.
func TestExamplesParse(t *testing.T) {
	tb := newTable()
	for _, c := range tb {
		for _, ex := range c.examples {
			toks, err := Tokenize(ex)
			if err != nil {
				t.Errorf("%q: %v", ex, err)
				continue
			}
			got, rest := tb.lookup(toks)
			if got != c {
				t.Errorf("example %q of %q dispatches to %v", ex, c.name, got)
				continue
			}
			if _, err := c.split(rest, "/outreach"); err != nil {
				t.Errorf("example %q: %v", ex, err)
			}
		}
	}
}

// TestHandlersReadOnlyDeclaredOptions reads the package's source: every
// a.opt("key") or a.optRaw("key") a handler makes (itself or through
// helpers it passes its args to) must name an option its table row
// allows, or the option could never arrive; and no code but args' own
// methods reads the options map, which this test would not see.
func TestHandlersReadOnlyDeclaredOptions(t *testing.T) {
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncDecl{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = fd
			}
		}
	}
	// optionsRead collects the literal keys passed to .opt(…) in fn and in
	// the package functions it calls with its args.
	var optionsRead func(name string, seen map[string]bool) []string
	optionsRead = func(name string, seen map[string]bool) []string {
		fd, ok := funcs[name]
		if !ok || seen[name] || fd.Body == nil {
			return nil
		}
		seen[name] = true
		var keys []string
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var callee string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				callee = fn.Sel.Name
			case *ast.Ident:
				callee = fn.Name
			}
			if (callee == "opt" || callee == "optRaw") && len(call.Args) == 1 {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok {
					k, _ := strconv.Unquote(lit.Value)
					keys = append(keys, k)
				}
			}
			for _, arg := range call.Args {
				if id, ok := arg.(*ast.Ident); ok && id.Name == "a" {
					keys = append(keys, optionsRead(callee, seen)...)
				}
			}
			return true
		})
		return keys
	}
	for name, fd := range funcs {
		if file := fset.Position(fd.Pos()).Filename; file == "table.go" {
			continue // args and split, which fills them
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "opts" {
				t.Errorf("%s (%s) reads the options map itself; read options with a.opt or a.optRaw", name, fset.Position(sel.Pos()))
			}
			return true
		})
	}
	for _, c := range newTable() {
		full := runtime.FuncForPC(reflect.ValueOf(c.run).Pointer()).Name() // …commands.(*Handler).name-fm
		name := strings.TrimSuffix(full[strings.LastIndex(full, ".")+1:], "-fm")
		if _, ok := funcs[name]; !ok {
			t.Errorf("%q: handler %s not found in the source", c.name, name)
			continue
		}
		for _, k := range optionsRead(name, map[string]bool{}) {
			if !slices.Contains(c.options, k) {
				t.Errorf("%q reads option %q, which its table row does not allow", c.name, k)
			}
		}
	}
}

// TestHelpGolden keeps what each role reads in help under review, one
// golden file per role, so that a new command changes the files of the
// roles that see it. Help in a DM is the slash command's without the
// command's name.
func TestHelpGolden(t *testing.T) {
	h := tableHandler()
	slash := h.Handle(context.Background(), Request{Role: RoleMember, Door: DoorSlash}).Text
	dm := h.Handle(context.Background(), Request{Role: RoleMember, Door: DoorDM}).Text
	if want := strings.ReplaceAll(slash, "`/outreach ", "`"); dm != want {
		t.Errorf("help in a DM is not the slash command's without /outreach:\n%s", cmp.Diff(want, dm))
	}
	for _, tc := range []struct {
		name string
		req  Request
	}{
		{"liaison-mention", Request{Role: RoleLiaison, Door: DoorMention}},
		{"member-slash", Request{Role: RoleMember, Door: DoorSlash}},
		{"admin-slash", Request{Role: RoleAdmin, Door: DoorSlash}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.Handle(context.Background(), tc.req)
			if r.Outcome != message.OutcomeOK {
				t.Fatalf("help: %s", r.Text)
			}
			golden.Check(t, "help-"+tc.name+".golden", r.Text)
		})
	}
}
