package bot

import (
	"fmt"
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
func replyBlocks(r message.Reply) []slack.Block { return blocksWithin(r, maxBlocks) }

// blocksWithin renders r in at most max blocks.
func blocksWithin(r message.Reply, max int) []slack.Block {
	var blocks []slack.Block
	for _, chunk := range splitText(r.Text, maxSectionText) {
		if len(blocks) == max-1 {
			break
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
	}
	if len(r.Choices) > 0 {
		blocks = append(blocks, choiceBlock("choices", r.Choices))
	}
	for i, sec := range r.Sections {
		if len(blocks)+2 > max {
			break
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(clipRunes(sec.Text, maxSectionText)), nil, nil))
		if len(sec.Choices) > 0 {
			blocks = append(blocks, choiceBlock(fmt.Sprintf("section-%d", i), sec.Choices))
		}
	}
	return blocks
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
	for _, sec := range r.Sections {
		t += "\n" + sec.Text
	}
	return clipRunes(t, maxFallback)
}

// splitText cuts s into pieces of at most n runes, at line ends where it can.
func splitText(s string, n int) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := n
		if i := strings.LastIndex(string(r[:n]), "\n"); i > 0 {
			cut = utf8.RuneCountInString(string(r[:n])[:i])
		}
		out = append(out, strings.TrimRight(string(r[:cut]), "\n"))
		s = strings.TrimLeft(string(r[cut:]), "\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
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
