package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func plain(words ...string) []Token {
	toks := make([]Token, len(words))
	for i, w := range words {
		toks[i] = Token{Text: w}
	}
	return toks
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Token
	}{
		{"empty", "", nil},
		{"only spaces", " \t\n ", nil},
		{"words", "log acme call hello", plain("log", "acme", "call", "hello")},
		{"unicode white space", "log\u00a0acme\tcall\u3000hi\u2003there", plain("log", "acme", "call", "hi", "there")},
		{"double quotes", `partner add "County Health Dept" kind:public-health`, []Token{
			{Text: "partner"}, {Text: "add"}, {Text: "County Health Dept", Quoted: true}, {Text: "public-health", Key: "kind"},
		}},
		{"curly quotes", "partner add \u201cCounty Health\u201d clinic", []Token{
			{Text: "partner"}, {Text: "add"}, {Text: "County Health", Quoted: true}, {Text: "clinic"},
		}},
		{"mixed curly and straight", "say \u201chello there\" now", []Token{
			{Text: "say"}, {Text: "hello there", Quoted: true}, {Text: "now"},
		}},
		{"single curly quotes keep apostrophes", "need nutrition \u2018don\u2019t skip meals\u2019 x", []Token{
			{Text: "need"}, {Text: "nutrition"}, {Text: "don\u2019t skip meals", Quoted: true}, {Text: "x"},
		}},
		{"apostrophes are not quotes", "it's Maria's call", plain("it's", "Maria's", "call")},
		{"quote inside a word is a character", `5" screen`, plain(`5"`, "screen")},
		{"empty quotes", `say ""`, []Token{{Text: "say"}, {Text: "", Quoted: true}}},
		{"text after closing quote is a new word", `"Acme"inc`, []Token{{Text: "Acme", Quoted: true}, {Text: "inc"}}},
		{"quoted option is plain text", `"kind:clinic"`, []Token{{Text: "kind:clinic", Quoted: true}}},
		{"quoted keyword stays quoted", `log acme call "in"`, []Token{
			{Text: "log"}, {Text: "acme"}, {Text: "call"}, {Text: "in", Quoted: true},
		}},
		{"key with quoted value", `log acme call next:"tomorrow call back"`, []Token{
			{Text: "log"}, {Text: "acme"}, {Text: "call"}, {Text: "tomorrow call back", Key: "next", Quoted: true},
		}},
		{"key with curly quoted value", "next:\u201ctomorrow call back\u201d", []Token{
			{Text: "tomorrow call back", Key: "next", Quoted: true},
		}},
		{"key is lower-cased, value kept", "Stage:Active", []Token{{Text: "Active", Key: "stage"}}},
		{"key with digits dash underscore", "a_b-2:x", []Token{{Text: "x", Key: "a_b-2"}}},
		{"value may hold colons", "when:2026-12-03T14:30", []Token{{Text: "2026-12-03T14:30", Key: "when"}}},
		{"empty quoted value clears", `channel:""`, []Token{{Text: "", Key: "channel", Quoted: true}}},
		{"empty value is a plain word", "note: hello", plain("note:", "hello")},
		{"time is not an option", "tomorrow 10:30", plain("tomorrow", "10:30")},
		{"url is not an option", "see https://x.org/a", plain("see", "https://x.org/a")},
		{"key must start with a letter", "9lives:x _a:b", plain("9lives:x", "_a:b")},
		{"user reference", "owner:<@U123|maria>", []Token{{Text: "<@U123|maria>", Key: "owner"}}},
		{"references with spaces in labels", "<@U123|maria lopez> <#C123|partners and friends> <@U9>", plain(
			"<@U123|maria lopez>", "<#C123|partners and friends>", "<@U9>")},
		{"links", "<mailto:a@b.org|a@b.org> <https://x.org|the x site> <https://x.org>", plain(
			"<mailto:a@b.org|a@b.org>", "<https://x.org|the x site>", "<https://x.org>")},
		{"option holding a reference with spaces", "channel:<#C1|outreach team> x", []Token{
			{Text: "<#C1|outreach team>", Key: "channel"}, {Text: "x"},
		}},
		{"reference inside a word", "x<@U1|a b>y", plain("x<@U1|a b>y")},
		{"colon inside a reference is not a key", "<https://x.org|x: y>", plain("<https://x.org|x: y>")},
		{"quotes inside a reference label", `<@U1|"maria> x`, plain(`<@U1|"maria>`, "x")},
		{"stray angle brackets are characters", "a < b > c", plain("a", "<", "b", ">", "c")},
		{"unclosed angle bracket", "<@U1|maria", plain("<@U1|maria")},
		{"entities are left for Unlink", "R&amp;D &lt;b&gt;", plain("R&amp;D", "&lt;b&gt;")},
		{"emoji and accents", "need café 🍎", plain("need", "café", "🍎")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Tokenize(tc.in)
			if err != nil {
				t.Fatalf("Tokenize(%q) error: %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Tokenize(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestTokenizeUnclosedQuote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the missing closing quote, named in the message
	}{
		{"double", `say "hello there`, `"`},
		{"curly", "say \u201chello there", "\u201d"},
		{"single curly", "say \u2018hello there", "\u2019"},
		{"apostrophe does not close", "\u2018don\u2019t", "\u2019"},
		{"option value", `next:"tomorrow call`, `"`},
		{"second of three", `"a" "b" "c`, `"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Tokenize(tc.in)
			if !errors.Is(err, ErrUnclosedQuote) {
				t.Fatalf("Tokenize(%q) = %v, %v; want ErrUnclosedQuote", tc.in, got, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "closing "+tc.want) {
				t.Errorf("Tokenize(%q) error %q does not name the closing %s", tc.in, msg, tc.want)
			}
		})
	}
}

func TestUserRef(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantID string
		wantOK bool
	}{
		{"with label", "<@U123|maria>", "U123", true},
		{"label with spaces", "<@U123|maria lopez>", "U123", true},
		{"bare", "<@U123>", "U123", true},
		{"enterprise user", "<@W0AB12>", "W0AB12", true},
		{"channel", "<#C123|partners>", "", false},
		{"plain text", "@maria", "", false},
		{"lower-case id", "<@u123>", "", false},
		{"empty id", "<@|maria>", "", false},
		{"bot id is not a user", "<@B123>", "", false},
		{"missing bracket", "<@U123", "", false},
		{"trailing text", "<@U123>x", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := UserRef(tc.in)
			if got != tc.wantID || ok != tc.wantOK {
				t.Errorf("UserRef(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.wantID, tc.wantOK)
			}
		})
	}
}

func TestChannelRef(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantID string
		wantOK bool
	}{
		{"with label", "<#C123|partners>", "C123", true},
		{"bare", "<#C123>", "C123", true},
		{"empty label", "<#C123|>", "C123", true},
		{"private", "<#G42|secret>", "G42", true},
		{"user", "<@U123>", "", false},
		{"plain text", "#partners", "", false},
		{"dm id", "<#D123>", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ChannelRef(tc.in)
			if got != tc.wantID || ok != tc.wantOK {
				t.Errorf("ChannelRef(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.wantID, tc.wantOK)
			}
		})
	}
}

func TestUnlink(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"mailto with label", "<mailto:a@b.org|a@b.org>", "a@b.org"},
		{"mailto without label", "<mailto:a@b.org>", "a@b.org"},
		{"url labelled with itself", "<https://x.org|x.org>", "https://x.org"},
		{"url with words keeps its address", "<https://example.org/a|the agenda>", "the agenda (https://example.org/a)"},
		{"url without label", "<https://x.org>", "https://x.org"},
		{"tel", "<tel:+15551234|+1 555 1234>", "+1 555 1234"},
		{"inside text", "see <https://x.org|x.org> now", "see https://x.org now"},
		{"entities", "R&amp;D &lt;!channel&gt;", "R&D <!channel>"},
		{"entity in a link", "<https://x.org/?a=1&amp;b=2>", "https://x.org/?a=1&b=2"},
		{"double escaped stays once escaped", "&amp;lt;", "&lt;"},
		{"user reference stays a mention", "<@U123|maria>", "<@U123>"},
		{"user reference without a label", "<@U123>", "<@U123>"},
		{"channel reference as a name", "<#C1|partners>", "#partners"},
		{"special mention as plain words", "<!here>", "@here"},
		{"channel mention", "<!channel>", "@channel"},
		{"user group", "<!subteam^S123|@nurses>", "@nurses"},
		{"plain text", "hello world", "hello world"},
		{"stray bracket", "a < b", "a < b"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unlink(tc.in); got != tc.want {
				t.Errorf("Unlink(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"", `log acme call next:"tomorrow call back"`, "\u201ca b\u201d", "\u2018don\u2019t\u2019",
		"<@U1|a b> <#C1|x> <https://x|y>", "10:30 https://x k:v", `"open`, "<", "<@", "a:\"", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Tokenize(s)
		_ = Unlink(s)
		_, _ = UserRef(s)
		_, _ = ChannelRef(s)
	})
}
