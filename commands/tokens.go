package commands

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a command line. For an option written
// key:"quoted value", Key is set, Text holds the value without its quotes,
// and Quoted is false: Quoted marks a whole word in quotes.
type Token struct {
	Text   string // the word, quotes removed
	Quoted bool   // it was written in quotes: a plain word so is never an option nor a keyword; an option so (key:"…") has its value whole
	Key    string // for key:value options, the lower-cased key; Text then holds the value
}

// ErrUnclosedQuote is returned (wrapped, test with errors.Is) by Tokenize when
// a quote is opened and never closed; the error's text says which quote.
var ErrUnclosedQuote = errors.New("unclosed quote")

// Tokenize splits a command line into words.
//
// Words split on any Unicode white space. "Double quotes", “curly quotes”
// (U+201C/U+201D, either may open or close, as may the ASCII quote: phones mix
// them) and ‘single curly quotes’ (U+2018/U+2019) keep spaces; the ASCII
// apostrophe is never a quote. A quote opens only at the start of a word, or
// right after "key:" (next:"tomorrow call back" gives Key "next", Text
// "tomorrow call back"). A ’ closes a ‘ only when no letter or digit follows
// it, so ‘don’t forget’ is one word. Text right after a closing quote starts a
// new word. A quote that is never closed is an error wrapping ErrUnclosedQuote.
//
// A word is a key:value option when the key is [a-z][a-z0-9_-]* (any case; Key
// is lower-cased) and the value is not empty and does not start with "//", so
// "10:30", "https://x" and "<@U1|a>" stay plain words. key:"" is an option with
// an empty value (a way to clear a field). A quoted word is never an option;
// an option with a quoted value is Quoted.
//
// s is expected in Slack's wire format: a real < opens a reference (<@U123|maria>,
// <#C123|partners>, <mailto:a@b|a@b>, <https://x|y>, <!here>) that runs to the
// next > and is kept whole inside its word even when its label has spaces,
// because Slack escapes the & < > that people type as &amp; &lt; &gt;.
// Tokenize leaves those entities alone (Text is still Slack-escaped); decode
// with Unlink before storing or showing what was typed. Callers with raw text
// (the console) should escape & < > the same way first. A < that does not
// start a reference is an ordinary character.
func Tokenize(s string) ([]Token, error) {
	var toks []Token
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		if isOpenQuote(r) {
			text, next, err := readQuoted(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, Token{Text: text, Quoted: true})
			i = next
			continue
		}
		tok, next, err := readWord(s, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
		i = next
	}
	return toks, nil
}

// readWord reads the unquoted word starting at s[start], which is not space
// nor an opening quote, and returns it with the index just after it.
func readWord(s string, start int) (Token, int, error) {
	i := start
	colon := -1 // index of the first ':', if what precedes it is a key
	sawColon := false
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		if r == '<' {
			if end := refEnd(s, i); end > 0 {
				i = end
				continue
			}
		}
		if r == ':' && !sawColon {
			sawColon = true
			if isKey(s[start:i]) {
				colon = i
				if q, _ := utf8.DecodeRuneInString(s[i+1:]); i+1 < len(s) && isOpenQuote(q) {
					text, next, err := readQuoted(s, i+1)
					if err != nil {
						return Token{}, 0, err
					}
					return Token{Text: text, Key: strings.ToLower(s[start:i]), Quoted: true}, next, nil
				}
			}
		}
		i += size
	}
	word := s[start:i]
	if colon >= 0 {
		if v := s[colon+1 : i]; v != "" && !strings.HasPrefix(v, "//") {
			return Token{Text: v, Key: strings.ToLower(s[start:colon])}, i, nil
		}
	}
	return Token{Text: word}, i, nil
}

// isKey reports whether k is [a-zA-Z][a-zA-Z0-9_-]*.
func isKey(k string) bool {
	if k == "" {
		return false
	}
	for j, c := range []byte(k) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case j > 0 && (c >= '0' && c <= '9' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func isOpenQuote(r rune) bool {
	switch r {
	case '"', '\u201C', '\u201D', '\u2018':
		return true
	}
	return false
}

// readQuoted reads the quoted text whose opening quote is at s[open] and
// returns it without the quotes, with the index just after the closing quote.
func readQuoted(s string, open int) (string, int, error) {
	q, size := utf8.DecodeRuneInString(s[open:])
	body := open + size
	if q == '\u2018' {
		for j := body; j < len(s); {
			r, n := utf8.DecodeRuneInString(s[j:])
			if r == '\u2019' {
				next, _ := utf8.DecodeRuneInString(s[j+n:])
				if j+n == len(s) || !unicode.IsLetter(next) && !unicode.IsDigit(next) {
					return s[body:j], j + n, nil
				}
			}
			j += n
		}
		return "", 0, &quoteError{open: q, close: '\u2019', after: s[body:]}
	}
	for j := body; j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		if r == '"' || r == '\u201C' || r == '\u201D' {
			return s[body:j], j + n, nil
		}
		j += n
	}
	closing := '"'
	if q != '"' {
		closing = '\u201D'
	}
	return "", 0, &quoteError{open: q, close: closing, after: s[body:]}
}

// quoteError says which quote was left open; it matches ErrUnclosedQuote.
type quoteError struct {
	open, close rune
	after       string // the text after the opening quote
}

func (e *quoteError) Error() string {
	after := strings.Join(strings.Fields(e.after), " ")
	if r := []rune(after); len(r) > 24 {
		after = string(r[:24])
		if sp := strings.LastIndexByte(after, ' '); sp > 0 {
			after = after[:sp]
		}
		after += "…"
	}
	return fmt.Sprintf("unclosed quote: the %c in %c%s needs a closing %c.", e.open, e.open, after, e.close)
}

func (e *quoteError) Is(target error) bool { return target == ErrUnclosedQuote }

// refEnd returns the index just after the Slack reference <…> that starts at
// s[i] (which is '<'), or -1 if there is none there. The body of a reference
// starts with @, #, ! or a URL scheme and holds no <, > or newline.
func refEnd(s string, i int) int {
	body := s[i+1:]
	end := strings.IndexByte(body, '>')
	if end <= 0 {
		return -1
	}
	body = body[:end]
	if strings.ContainsAny(body, "<\n") {
		return -1
	}
	switch body[0] {
	case '@', '#', '!':
		return i + 1 + end + 1
	}
	if schemeLen(body) > 0 {
		return i + 1 + end + 1
	}
	return -1
}

// schemeLen returns the length of a leading URL scheme with its colon
// ("https:" → 6, "mailto:" → 7), or 0.
func schemeLen(s string) int {
	for j, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'):
		case j > 0 && c == ':':
			return j + 1
		default:
			return 0
		}
	}
	return 0
}

// UserRef reports whether s is a Slack user reference (<@U123>, <@U123|name>,
// <@W123>) and returns the user id.
func UserRef(s string) (id string, ok bool) {
	return slackRef(s, '@', "UW")
}

// ChannelRef reports whether s is a Slack channel reference (<#C123|name>,
// <#C123>, <#C123|>, <#G123>) and returns the channel id.
func ChannelRef(s string) (id string, ok bool) {
	return slackRef(s, '#', "CG")
}

func slackRef(s string, sigil byte, kinds string) (string, bool) {
	if len(s) < 4 || s[0] != '<' || s[1] != sigil || s[len(s)-1] != '>' {
		return "", false
	}
	id, _, _ := strings.Cut(s[2:len(s)-1], "|")
	if len(id) < 2 || !strings.ContainsRune(kinds, rune(id[0])) {
		return "", false
	}
	for _, c := range []byte(id[1:]) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", false
		}
	}
	return id, true
}

var slackEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// decodeEntities is slackEntities.Replace, which copies s even when it has
// no entity: most words of most commands have none.
func decodeEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return slackEntities.Replace(s)
}

// readable turns the body of a Slack reference into the text a person
// typed: with should_escape on, Slack sends a typed @here as <!here> and
// a picked user as <@U123|maria>. Stored as plain words, they can never
// notify anyone when shown again.
func readable(body string) string {
	target, label, hasLabel := strings.Cut(body, "|")
	switch {
	case strings.HasPrefix(target, "!subteam^"):
		if hasLabel {
			return label
		}
		return "@team"
	case strings.HasPrefix(target, "!"):
		if hasLabel && label != "" {
			return label
		}
		return "@" + strings.TrimPrefix(target, "!")
	case strings.HasPrefix(target, "@"):
		// A picked person stays a mention (its id, which names them
		// whatever they are called later); shown, it tags them, and
		// message.Esc keeps it so.
		if _, ok := UserRef("<" + target + ">"); ok {
			return "<" + target + ">"
		}
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return target
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + label
		}
		return target
	}
	return "<" + body + ">"
}

// Unlink turns Slack's escaped text back into what the user meant: a link
// keeps its address, after its words when it has some
// ("<https://x.org/a|the agenda>" → "the agenda (https://x.org/a)",
// "<https://x.org|x.org>" and "<https://x.org>" → "https://x.org"); an
// address or number is itself ("<mailto:a@b.org|a@b.org>" → "a@b.org");
// a picked person stays a mention by id (<@U1|maria> → "<@U1>"); channel
// and special references become plain words (<#C1|partners> →
// "#partners", <!here> → "@here"), so they can never notify anyone; and the
// entities &amp; &lt; &gt; are decoded.
func Unlink(s string) string {
	if !strings.Contains(s, "<") {
		return decodeEntities(s)
	}
	var b strings.Builder
	i := 0
	for {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			b.WriteString(s[i:])
			break
		}
		lt += i
		b.WriteString(s[i:lt])
		end := refEnd(s, lt)
		if end < 0 {
			b.WriteByte('<')
			i = lt + 1
			continue
		}
		body := s[lt+1 : end-1]
		if n := schemeLen(body); n > 0 {
			target, label, _ := strings.Cut(body, "|")
			switch {
			case strings.EqualFold(target[:n], "mailto:"), strings.EqualFold(target[:n], "tel:"):
				if label != "" {
					b.WriteString(label)
				} else {
					b.WriteString(target[n:])
				}
			case label == "" || label == target || label == target[n:] || label == strings.TrimPrefix(target[n:], "//"):
				b.WriteString(target)
			default:
				// A link's words and its address: "the agenda
				// (https://example.org/a)", so the address is kept.
				b.WriteString(label + " (" + target + ")")
			}
		} else {
			b.WriteString(readable(body))
		}
		i = end
	}
	return decodeEntities(b.String())
}

// joinText joins tokens' text with spaces.
func joinText(toks []Token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}
