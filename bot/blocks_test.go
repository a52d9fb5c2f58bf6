package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/message"
)

func TestSplitText(t *testing.T) {
	long := strings.Repeat("line of text\n", 600) // 7,800 runes
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want int // pieces
	}{
		{"empty", "", 3000, 0},
		{"short", "hello", 3000, 1},
		{"long, at line ends", long, 3000, 3},
		{"one long line", strings.Repeat("é", 7000), 3000, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.in, tc.max)
			if len(got) != tc.want {
				t.Fatalf("splitText = %d pieces; want %d", len(got), tc.want)
			}
			total := 0
			for _, p := range got {
				if n := utf8.RuneCountInString(p); n > tc.max || n == 0 {
					t.Errorf("piece of %d runes; want 1 to %d", n, tc.max)
				}
				total += utf8.RuneCountInString(strings.ReplaceAll(p, "\n", ""))
			}
			if want := utf8.RuneCountInString(strings.ReplaceAll(tc.in, "\n", "")); total != want {
				t.Errorf("pieces hold %d runes of text; want %d (nothing lost)", total, want)
			}
		})
	}
}

// TestReplyBlocksAreVerbatimAndWithinLimits: every mrkdwn object is
// verbatim (Slack then links no plain @here), and a message stays within
// 50 blocks even with many sections.
func TestReplyBlocksAreVerbatimAndWithinLimits(t *testing.T) {
	r := message.Reply{Text: strings.Repeat("x\n", 5000), Choices: []message.Choice{{Label: "Done", Action: "fu_done", Value: "F1"}}}
	for range 40 {
		r.Sections = append(r.Sections, message.Section{Text: "@here section", Choices: []message.Choice{{Label: "Log contact", Action: "log_contact", Value: "p"}}})
	}
	blocks := replyBlocks(r)
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks; Slack allows %d", len(blocks), maxBlocks)
	}
	js, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if m, v := strings.Count(string(js), `"type":"mrkdwn"`), strings.Count(string(js), `"verbatim":true`); m == 0 || m != v {
		t.Errorf("%d mrkdwn objects, %d verbatim; want all verbatim", m, v)
	}
	if utf8.RuneCountInString(fallbackText(r)) > maxFallback {
		t.Errorf("fallback text longer than %d runes", maxFallback)
	}
}

func TestStripMention(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<@UBOT> partner list", "partner list"},
		{"<@UBOT|outreach>: log county call hi", "log county call hi"},
		{"  <@UBOT>   help ", "help"},
		{"hey <@UBOT> help", "help"},
		{"<@UALICE> <@UBOT> log county call hi", "log county call hi"},
		{`<@UBOT> followup county friday "Call <@UALICE>" to:<@UALICE>`, `followup county friday "Call <@UALICE>" to:<@UALICE>`},
		{"<@UBOT> log county call about <@UBOT>", "log county call about <@UBOT>"},
		{"<@UBOTTOM> help", "<@UBOTTOM> help"},
	} {
		if got := stripMention(tc.in, "UBOT"); got != tc.want {
			t.Errorf("stripMention(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// wholeEntities reports the first entity s cuts: a < without its >, or an
// & that is not a whole &amp;, &lt; or &gt;.
func wholeEntities(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			if !strings.Contains(s[i:], ">") {
				return s[i:]
			}
		case '&':
			rest := s[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
				return rest
			}
		}
	}
	return ""
}

// TestSplitKeepsEntitiesWhole: a long message is never cut inside a
// mention, a link or an escape, wherever they fall against the limit.
func TestSplitKeepsEntitiesWhole(t *testing.T) {
	entities := []string{"<@U012ABCDEF>", "&amp;", "&lt;", "<#C0COUNTY|county-health-shared>", "<https://example.org/flyer?a=1&amp;b=2|the flyer>"}
	for _, ent := range entities {
		for pad := range 60 { // the entity at every offset around the limit
			in := strings.Repeat("x", 70-pad) + ent + strings.Repeat("y", 40)
			pieces := splitText(in, 80)
			if strings.Join(pieces, "") != in {
				t.Fatalf("%q at offset %d: pieces %q lose text", ent, pad, pieces)
			}
			for _, p := range pieces {
				if bad := wholeEntities(p); bad != "" {
					t.Errorf("%q at offset %d: piece %q cuts an entity at %q", ent, pad, p, bad)
				}
			}
			if c := clipRunes(in, 75); wholeEntities(strings.TrimSuffix(c, "…")) != "" {
				t.Errorf("%q at offset %d: clipped to %q, inside an entity", ent, pad, c)
			}
		}
	}
	// Between words when there is no line end.
	if got := splitText("alpha beta gamma delta", 12); strings.Join(got, "|") != "alpha beta| gamma delta" {
		t.Errorf("splitText at words = %q", got)
	}
}

// TestBlockIDsFreshEachRendering: an update carries new block_ids, unique
// within the message.
func TestBlockIDsFreshEachRendering(t *testing.T) {
	r := message.Reply{Text: "Nudge", Choices: []message.Choice{{Label: "Done", Action: "fu_done", Value: "F1"}},
		Sections: []message.Section{{Text: "a", Choices: []message.Choice{{Label: "x", Action: "nudge_done", Value: "a"}}},
			{Text: "b", Choices: []message.Choice{{Label: "x", Action: "nudge_done", Value: "b"}}}}}
	ids := func() []string {
		var out []string
		for _, b := range replyBlocks(r) {
			if a, ok := b.(*slack.ActionBlock); ok {
				out = append(out, a.BlockID)
			}
		}
		return out
	}
	first, second := ids(), ids()
	seen := map[string]bool{}
	for _, id := range append(first, second...) {
		if seen[id] || id == "" || len(id) > 255 {
			t.Errorf("block_id %q repeated, empty or too long in %q and %q", id, first, second)
		}
		seen[id] = true
	}
	if len(first) != 3 {
		t.Errorf("%d action blocks; want 3", len(first))
	}
}

// TestChartsAndTablesRenderNativelyWithinLimits: a section's chart and
// table become Slack's data_visualization and data_table blocks; a chart
// past Slack's limits, a third chart in one message, or a table past its
// characters show their text instead.
func TestChartsAndTablesRenderNativelyWithinLimits(t *testing.T) {
	bar := func(title string, cats int) *message.Chart {
		c := &message.Chart{Title: title, Kind: message.ChartBar, Text: "numbers of " + title}
		s := message.ChartSeries{Name: "contacts"}
		for i := range cats {
			c.Categories = append(c.Categories, string(rune('a'+i)))
			s.Values = append(s.Values, float64(i))
		}
		c.Series = []message.ChartSeries{s}
		return c
	}
	table := func(rows int, cell string) *message.Table {
		t := &message.Table{Caption: "Partners", Columns: []string{"Partner", "Contacts"}, Text: "the table as text"}
		for i := range rows {
			t.Rows = append(t.Rows, []message.Cell{{Text: cell}, message.Num(float64(i), "")})
		}
		return t
	}
	types := func(r message.Reply) string {
		var out []string
		for _, b := range replyBlocks(r) {
			s := string(b.BlockType())
			if sec, ok := b.(*slack.SectionBlock); ok {
				s += "(" + sec.Text.Text + ")"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		r    message.Reply
		want string
	}{
		{"a chart and a table", message.Reply{Text: "report", Sections: []message.Section{{Text: "Contacts", Chart: bar("by week", 3)}, {Table: table(2, "County")}}},
			"section(report) section(Contacts) data_visualization data_table"},
		{"21 categories", message.Reply{Sections: []message.Section{{Chart: bar("by week", 21)}}},
			"section(numbers of by week)"},
		{"a title past 50", message.Reply{Sections: []message.Section{{Chart: bar(strings.Repeat("t", 51), 2)}}},
			"section(numbers of " + strings.Repeat("t", 51) + ")"},
		{"a third chart", message.Reply{Sections: []message.Section{{Chart: bar("one", 2)}, {Chart: bar("two", 2)}, {Chart: bar("three", 2)}}},
			"data_visualization data_visualization section(numbers of three)"},
		{"101 rows", message.Reply{Sections: []message.Section{{Table: table(101, "x")}}},
			"section(the table as text)"},
		{"10,001 characters", message.Reply{Sections: []message.Section{{Table: table(1, strings.Repeat("y", 10000-len("PartnerContacts")))}}},
			"section(the table as text)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := types(tc.r); got != tc.want {
				t.Errorf("blocks = %s; want %s", got, tc.want)
			}
		})
	}
	// Slack refusing the blocks (a surface that does not take them): the
	// same reply as text, which carries the numbers.
	r := message.Reply{Text: "report", Sections: []message.Section{{Text: "Contacts", Chart: bar("by week", 3)}}}
	if got := types(plainReply(r)); got != "section(report) section(Contacts\nnumbers of by week)" {
		t.Errorf("plain reply = %s", got)
	}
}
