package domain

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search is word search over what the team wrote: partners' names and
// descriptions, people, contacts, needs and event titles. Words are
// compared as Fold compares names (case- and accent-insensitive), so
// "clinica" finds "Clínica". The store keeps, per workspace, a set of
// records for each word (SearchTokens); a search intersects the sets of
// its words and then checks quoted phrases against the records' text.

// maxTokenRunes is where a very long word is cut, the same way when it
// is indexed and when it is searched for, so that a pasted link makes
// no oversized key.
const maxTokenRunes = 40

// stopwords are too common to be worth a set each: they are left out of
// the index (a phrase with them in it still matches them exactly, see
// Query). English and Spanish, the languages the teams write in.
var stopwords = map[string]bool{
	"an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "but": true, "by": true,
	"for": true, "from": true, "has": true, "have": true, "he": true, "her": true, "his": true,
	"in": true, "into": true, "is": true, "it": true, "its": true, "of": true, "on": true, "or": true,
	"our": true, "she": true, "that": true, "the": true, "their": true, "them": true, "they": true,
	"this": true, "to": true, "us": true, "was": true, "we": true, "were": true, "will": true, "with": true,
	"de": true, "del": true, "el": true, "en": true, "la": true, "las": true, "los": true,
	"para": true, "por": true, "que": true, "un": true, "una": true,
}

// Words splits text into its words, folded (Fold): runs of letters,
// digits and marks, an apostrophe inside a word dropped ("Mary's" →
// "marys", as Slugify does), anything else a separator. Every word is
// kept, in order: phrases are checked against them.
func Words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			w := b.String()
			if utf8.RuneCountInString(w) > maxTokenRunes {
				w = string([]rune(w)[:maxTokenRunes])
			}
			out = append(out, w)
			b.Reset()
		}
	}
	folded := Fold(text)
	for i, r := range folded {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		case (r == '\'' || r == '’') && b.Len() > 0 && i+utf8.RuneLen(r) < len(folded):
			// Inside a word only: a closing quote ends the word.
			next, _ := utf8.DecodeRuneInString(folded[i+utf8.RuneLen(r):])
			if !unicode.IsLetter(next) && !unicode.IsDigit(next) {
				flush()
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// indexable reports whether a folded word gets a set in the index: two
// letters or more, and not a stopword.
func indexable(w string) bool {
	return utf8.RuneCountInString(w) >= 2 && !stopwords[w]
}

// SearchTokens are the distinct indexable words of texts, sorted: the
// sets a record is filed under.
func SearchTokens(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, w := range Words(t) {
			if indexable(w) {
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Query is what was searched for: words in any order, and phrases that
// must appear as typed, word after word.
type Query struct {
	// Tokens are the indexable words of the whole query: a record must be
	// filed under every one.
	Tokens []string
	// Phrases are the quoted phrases, as folded words; each must appear
	// in one field of a record, in order and adjacent.
	Phrases [][]string
	// Text is the query as it reads back: words, then "phrases".
	Text string
}

// NewQuery builds a query from the words typed and the phrases quoted.
// Empty reports a query that has nothing to look up: only stopwords or
// single letters.
func NewQuery(words, phrases []string) Query {
	var q Query
	var all, shown []string
	for _, w := range words {
		all = append(all, w)
		if s := strings.TrimSpace(w); s != "" {
			shown = append(shown, s)
		}
	}
	for _, p := range phrases {
		ws := Words(p)
		if len(ws) == 0 {
			continue
		}
		all = append(all, p)
		if len(ws) > 1 {
			q.Phrases = append(q.Phrases, ws)
		}
		shown = append(shown, `"`+strings.TrimSpace(p)+`"`)
	}
	q.Tokens = SearchTokens(all...)
	q.Text = strings.Join(shown, " ")
	return q
}

// Empty reports whether the query has no word to look up.
func (q Query) Empty() bool { return len(q.Tokens) == 0 }

// Match reports how well fields match the query: 0 when a phrase is in
// none of them (or a token in none: a record filed under words it no
// longer has does not match). fields[0] is the record's main text (a
// name, a title, a summary): a word found there counts three times, a
// phrase found there ten, and the whole of it equal to the query twenty.
func (q Query) Match(fields ...string) int {
	if len(fields) == 0 || q.Empty() {
		return 0
	}
	words := make([][]string, len(fields))
	for i, f := range fields {
		words[i] = Words(f)
	}
	score := 0
	for _, t := range q.Tokens {
		found := 0
		for i, ws := range words {
			if slices.Contains(ws, t) {
				found = 1
				if i == 0 {
					found = 3
				}
				break
			}
		}
		if found == 0 {
			return 0
		}
		score += found
	}
	for _, p := range q.Phrases {
		found := 0
		for i, ws := range words {
			if phraseAt(ws, p) >= 0 {
				found = 1
				if i == 0 {
					found = 10
				}
				break
			}
		}
		if found == 0 {
			return 0
		}
		score += found
	}
	if all := Words(q.Text); len(all) > 0 && slices.Equal(words[0], all) {
		score += 20
	}
	return score
}

// MatchField is the index of the first of fields that holds a phrase of
// the query or, without phrases, one of its words; -1 when none does.
// It picks the line of context a result shows.
func (q Query) MatchField(fields ...string) int {
	for i, f := range fields {
		ws := Words(f)
		for _, p := range q.Phrases {
			if phraseAt(ws, p) >= 0 {
				return i
			}
		}
		if len(q.Phrases) == 0 {
			for _, t := range q.Tokens {
				if slices.Contains(ws, t) {
					return i
				}
			}
		}
	}
	return -1
}

// phraseAt is where phrase starts in words, -1 when it is not there.
func phraseAt(words, phrase []string) int {
	for i := 0; i+len(phrase) <= len(words); i++ {
		if slices.Equal(words[i:i+len(phrase)], phrase) {
			return i
		}
	}
	return -1
}

// Snippet is about limit runes of text around its first word that the
// query looks for, cut at word boundaries, with "…" where text was left
// out: the line of context a result shows.
func (q Query) Snippet(text string, limit int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	fields := strings.Fields(text)
	first := -1
	for i, f := range fields {
		ws := Words(f)
		for _, w := range ws {
			if slices.Contains(q.Tokens, w) {
				first = i
				break
			}
		}
		if first >= 0 {
			break
		}
	}
	if first < 0 {
		first = 0
	}
	// Start a few words before the match, so it reads in context.
	from := max(0, first-3)
	var b strings.Builder
	n := 0
	to := from
	for to < len(fields) {
		l := utf8.RuneCountInString(fields[to]) + 1
		if n+l > limit && to > from {
			break
		}
		n += l
		to++
	}
	if from > 0 {
		b.WriteString("…")
	}
	b.WriteString(strings.Join(fields[from:to], " "))
	if to < len(fields) {
		b.WriteString("…")
	}
	return b.String()
}
