package bot

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/outreachbot/outreachbot/message"
	"github.com/slack-go/slack"
)

// Slack's limits (docs.slack.dev/reference/block-kit/blocks).
const (
	maxSectionText = 3000
	maxBlocks      = 50
	maxButtonText  = 75
	maxFallback    = 1000 // notification text; the blocks carry the whole reply
)

// mrkdwn is a text object for text the commands produced. verbatim is
// always set: Slack then links nothing by itself, so a plain @here or
// #channel a user typed stays plain (escaping alone does not stop that).
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// replyBlocks renders a reply as Block Kit: the text in sections of at
// most 3000 characters, split at line ends, and the choices as buttons.
// Every rendering gets fresh block_ids: Slack wants them unique per
// message and per update (the actions block reference), and a message
// updated with the ids it had may keep stale state in clients.
func replyBlocks(r message.Reply) []slack.Block { return blocksWithin(r, maxBlocks, true) }

// blocksWithin renders r in at most max blocks; perMessage says whether it
// is a message, whose tables share one budget of characters, or a view,
// where each table has its own.
func blocksWithin(r message.Reply, max int, perMessage bool) []slack.Block {
	render := renderID()
	var blocks []slack.Block
	for _, chunk := range splitText(r.Text, maxSectionText) {
		if len(blocks) == max-1 {
			break
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
	}
	if len(r.Choices) > 0 {
		blocks = append(blocks, choiceBlock("choices-"+render, r.Choices))
	}
	native := newNativeBudget(perMessage)
	for i, sec := range r.Sections {
		need := 1 + btoi(sec.Chart != nil) + btoi(sec.Table != nil) + btoi(len(sec.Choices) > 0)
		if sec.Text == "" {
			need--
		}
		if len(blocks)+need > max {
			break
		}
		if sec.Text != "" {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(clipRunes(sec.Text, maxSectionText)), nil, nil))
		}
		// Slack draws a chart or a table where the limits allow; past
		// them, the section shows the same numbers as text.
		if c := sec.Chart; c != nil {
			if b, ok := native.chartBlock(*c, fmt.Sprintf("chart-%d-%s", i, render)); ok {
				blocks = append(blocks, b)
			} else {
				blocks = append(blocks, slack.NewSectionBlock(mrkdwn(clipRunes(c.Text, maxSectionText)), nil, nil))
			}
		}
		if t := sec.Table; t != nil {
			if b, ok := native.tableBlock(*t, fmt.Sprintf("table-%d-%s", i, render)); ok {
				blocks = append(blocks, b)
			} else {
				blocks = append(blocks, slack.NewSectionBlock(mrkdwn(clipRunes(t.Text, maxSectionText)), nil, nil))
			}
		}
		if len(sec.Choices) > 0 {
			blocks = append(blocks, choiceBlock(fmt.Sprintf("section-%d-%s", i, render), sec.Choices))
		}
	}
	return blocks
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// plainReply is r with its charts and tables as text: what is posted
// again when Slack refuses the blocks (a surface or client that does not
// take them).
func plainReply(r message.Reply) message.Reply {
	secs := make([]message.Section, len(r.Sections))
	for i, s := range r.Sections {
		if s.Chart != nil {
			s.Text = strings.TrimSpace(s.Text + "\n" + s.Chart.Text)
			s.Chart = nil
		}
		if s.Table != nil {
			s.Text = strings.TrimSpace(s.Text + "\n" + s.Table.Text)
			s.Table = nil
		}
		secs[i] = s
	}
	r.Sections = secs
	return r
}

// hasNative reports whether r carries a chart or a table.
func hasNative(r message.Reply) bool {
	for _, s := range r.Sections {
		if s.Chart != nil || s.Table != nil {
			return true
		}
	}
	return false
}

// renderID tells one rendering's block_ids from another's, across
// replicas too.
func renderID() string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	for i := range b {
		b[i] = chars[rand.IntN(len(chars))]
	}
	return string(b)
}

func choiceBlock(blockID string, choices []message.Choice) *slack.ActionBlock {
	var els []slack.BlockElement
	for _, c := range choices {
		btn := slack.NewButtonBlockElement(c.Action, c.Value, plain(clipRunes(c.Label, maxButtonText)))
		if c.Style != "" {
			btn.Style = slack.Style(c.Style)
		}
		els = append(els, btn)
	}
	return slack.NewActionBlock(blockID, els...)
}

// fallbackText is the message's top-level text, shown in notifications.
// It carries no link_names, so Slack does not turn @here into a mention.
func fallbackText(r message.Reply) string {
	t := r.Text
	for _, sec := range plainReply(r).Sections {
		t += "\n" + sec.Text
	}
	return clipRunes(t, maxFallback)
}

// splitText cuts s into pieces of at most n runes: at line ends where it
// can, else between words, and never inside an entity.
func splitText(s string, n int) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := lastRune(r[:n], '\n')
		if cut <= 0 {
			cut = lastRune(r[:n], ' ')
		}
		if cut <= 0 {
			cut = n
		}
		cut = entitySafe(r, cut, n)
		out = append(out, strings.TrimRight(string(r[:cut]), "\n"))
		s = strings.TrimLeft(string(r[cut:]), "\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func lastRune(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

// clipRunes shortens s to n runes with an ellipsis, never inside an entity.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:entitySafe(r, n-1, n-1)]) + "…"
}

// entitySafe moves a cut of r before the entity it would split: a
// mention, channel or link (<…>), or an escape (&amp;, &lt;, &gt;). When
// the entity starts the text, the cut goes after it if that is within
// limit, else stays at limit: there is no better place.
func entitySafe(r []rune, cut, limit int) int {
	start := openEntity(r, cut)
	switch {
	case start < 0:
		return cut
	case start > 0:
		return start
	}
	if end := entityEnd(r, 0); end > 0 && end <= limit {
		return end
	}
	return limit
}

// openEntity is where the entity open at the end of r[:cut] starts, or
// -1. In the commands' mrkdwn a bare < or & always starts one, since
// user text is escaped.
func openEntity(r []rune, cut int) int {
	for i := cut - 1; i >= 0; i-- {
		switch r[i] {
		case '>':
			return -1 // the last <…> before the cut is closed
		case '<':
			return i
		case '&':
			if lastRune(r[i:cut], ';') < 0 && cut-i < len("&amp;") {
				if outer := openEntity(r, i); outer >= 0 {
					return outer // an escape inside a link
				}
				return i
			}
		}
	}
	return -1
}

// entityEnd is the index just after the entity starting at r[start].
func entityEnd(r []rune, start int) int {
	closing := '>'
	if r[start] == '&' {
		closing = ';'
	}
	for i := start + 1; i < len(r); i++ {
		if r[i] == closing {
			return i + 1
		}
	}
	return -1
}

// ackMessage is a slash command's reply carried in the acknowledgement.
type ackMessage struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func ephemeralAck(r message.Reply) ackMessage {
	return ackMessage{ResponseType: "ephemeral", Text: fallbackText(r), Blocks: replyBlocks(r)}
}
