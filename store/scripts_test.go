package store

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLuaBuildsNoNames: no Lua file builds a key or job id itself; each
// calls K and J (see scripts.go). It includes the check that
// grep -n "prefix *\.\." store/lua/*.lua finds nothing.
func TestLuaBuildsNoNames(t *testing.T) {
	entries, err := fs.ReadDir(luaFiles, "lua")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no Lua files found")
	}
	for _, e := range entries {
		src := luaFile(strings.TrimSuffix(e.Name(), ".lua"))
		for _, p := range namesBuilt(src) {
			t.Errorf("lua/%s: %s", e.Name(), p)
		}
	}
}

func TestNamesBuiltFindsThem(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
	}{
		{"local k = prefix .. 'partner:' .. slug", 2},
		{"local k = prefix..'due'", 2},
		{"redis.call('ZREM', ARGV[5] .. 'followups:open', id)", 1},
		{"local pk = KEYS[6]\nlocal fk = pk .. ':followups'", 1},
		{"enqueue(p, 'evend:' .. id, due)", 1},
		{"local pk = ARGV[1] .. 'partnr:' .. slug", 1},
		{`local k = "outreach:{" .. team`, 1},
		{"-- prefix..'due' in a comment is still what the grep finds", 1},
		{"local k = K.Partner(prefix, slug)", 0},
		{"audit(KEYS[4], ARGV[4], ARGV[2], ARGV[3], 'followup.' .. op, 'F' .. id)", 0},
		{"redis.call('ZADD', KEYS[6], 0, ARGV[1] .. ':' .. ARGV[1])", 0},
		{"redis.call('HSET', fk, 'due', ARGV[6])", 0},
	} {
		if got := namesBuilt(tc.src); len(got) != tc.want {
			t.Errorf("namesBuilt(%q) = %q; want %d problems", tc.src, got, tc.want)
		}
	}
}

var (
	prefixJoin = regexp.MustCompile(`prefix *\.\.`)
	joinedLit  = regexp.MustCompile(`'([^'\n]*)'\s*\.\.|\.\.\s*'([^'\n]*)'|"([^"\n]*)"\s*\.\.|\.\.\s*"([^"\n]*)"`)
)

// namesBuilt reports where src joins a piece of a key or job id name to
// something: the prefix, a literal holding a piece of a name of the
// tables, or any literal with a ':' in it (names are joined with ':').
func namesBuilt(src string) []string {
	var out []string
	for _, m := range prefixJoin.FindAllString(src, -1) {
		out = append(out, fmt.Sprintf("%q joins onto the key prefix; call K.<Name>(prefix, …)", m))
	}
	var pieces []string
	for _, s := range keyShapes {
		for _, l := range s.lits {
			if strings.Trim(l, ":") != "" {
				pieces = append(pieces, l)
			}
		}
	}
	for _, s := range jobShapes {
		if s.lits[0] != "" {
			pieces = append(pieces, s.lits[0]) // the kind and its ':'
		}
	}
	pieces = append(pieces, "outreach:")
	for _, m := range joinedLit.FindAllStringSubmatch(luaCode(src), -1) {
		lit := m[1] + m[2] + m[3] + m[4]
		if lit != ":" && strings.Contains(lit, ":") {
			out = append(out, fmt.Sprintf("%q joins a name with ':' in it; call K or J", m[0]))
			continue
		}
		for _, p := range pieces {
			if strings.Contains(lit, p) {
				out = append(out, fmt.Sprintf("%q builds a name from %q; call K or J", m[0], p))
				break
			}
		}
	}
	return out
}

// TestSourceLibs: a script gets the libraries it calls, and those they
// call, in libs order, and no others.
func TestSourceLibs(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   []string
	}{
		{"event_ended", []string{"declare"}},
		{"add_partner", []string{"audit", "search_lib"}},
		{"claim_due", []string{"jobs_lib"}},
		{"resolve_partner", []string{"declare", "partner_lib", "resolve"}},
		{"add_event", []string{"declare", "audit", "partner_lib", "jobs_lib", "resolve", "search_lib"}},
		{"log_contact", []string{"declare", "audit", "partner_lib", "jobs_lib", "followup_lib", "resolve", "search_lib"}},
	} {
		src := source(tc.script)
		var got []string
		at := 0
		for _, lib := range luaLibs {
			if i := strings.Index(src, lib.src); i >= 0 {
				if i < at {
					t.Errorf("%s: lua/%s.lua comes before the library it follows in libs", tc.script, lib.name)
				}
				got, at = append(got, lib.name), i
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: libraries (-want +got):\n%s", tc.script, diff)
		}
		if !strings.HasSuffix(src, luaFile(tc.script)) {
			t.Errorf("%s: the script's own body is not last", tc.script)
		}
	}
}

func TestReadLibsChecksOrder(t *testing.T) {
	if _, err := readLibs(libs); err != nil {
		t.Fatalf("readLibs(libs) = %v", err)
	}
	backwards := slices.Clone(libs)
	slices.Reverse(backwards)
	if _, err := readLibs(backwards); err == nil {
		t.Errorf("readLibs(%v) = nil error; want one about the order", backwards)
	}
}

func TestPrelude(t *testing.T) {
	got, err := prelude("local k = K.FollowUp(prefix, id)\nlocal j = J.Reminder(id, 1)\nlocal again = K.FollowUp(prefix, 2)")
	if err != nil {
		t.Fatal(err)
	}
	want := "local K = {\n" +
		"  FollowUp = function(p, id) return p .. 'followup:' .. id end,\n" +
		"}\n" +
		"local J = {\n" +
		"  Reminder = function(id, seq) return 'fu:' .. id .. ':' .. seq end,\n" +
		"}\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prelude (-want +got):\n%s", diff)
	}
	if _, err := prelude("K.Nope(prefix)"); err == nil {
		t.Errorf("prelude of an unknown key = nil error")
	}
}
