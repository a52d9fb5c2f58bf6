package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

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
		{"hey <@UBOT> help", "hey  help"},
	} {
		if got := stripMention(tc.in, "UBOT"); got != tc.want {
			t.Errorf("stripMention(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
