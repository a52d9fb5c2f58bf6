package domain

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWordsAndTokens(t *testing.T) {
	for _, tc := range []struct {
		name, text   string
		words, index []string
	}{
		{"case and accents", "Clínica SALUD", []string{"clinica", "salud"}, []string{"clinica", "salud"}},
		{"punctuation splits, an apostrophe inside a word joins", "St. Mary's flu-shot day!", []string{"st", "marys", "flu", "shot", "day"}, []string{"day", "flu", "marys", "shot", "st"}},
		{"a closing quote ends a word", "the 'fair' today", []string{"the", "fair", "today"}, []string{"fair", "today"}},
		{"stopwords and single letters are not indexed", "A talk with the parents of Room 5", []string{"a", "talk", "with", "the", "parents", "of", "room", "5"}, []string{"parents", "room", "talk"}},
		{"an email", "dana@county.gov", []string{"dana", "county", "gov"}, []string{"county", "dana", "gov"}},
		{"Straße folds", "Straße", []string{"strasse"}, []string{"strasse"}},
		{"other scripts are kept", "Здоровье 健康", []string{"здоровье", "健康"}, []string{"здоровье", "健康"}},
		{"duplicates once", "flu Flu FLU", []string{"flu", "flu", "flu"}, []string{"flu"}},
		{"a very long word is cut", strings.Repeat("x", 60), []string{strings.Repeat("x", 40)}, []string{strings.Repeat("x", 40)}},
		{"nothing", " -- ", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.words, Words(tc.text)); diff != "" {
				t.Errorf("Words(%q) (-want +got):\n%s", tc.text, diff)
			}
			if diff := cmp.Diff(tc.index, SearchTokens(tc.text)); diff != "" {
				t.Errorf("SearchTokens(%q) (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestQueryMatch(t *testing.T) {
	for _, tc := range []struct {
		name             string
		words, phrases   []string
		fields           []string
		want             int
		wantEmpty        bool
		wantTokens, show string
	}{
		{"words in any order", []string{"clinic", "flu"}, nil, []string{"Talked about the flu clinic"}, 6, false, "clinic flu", "clinic flu"},
		{"a word only in a second field counts less", []string{"flu"}, nil, []string{"County", "Flu shots"}, 1, false, "flu", "flu"},
		{"a phrase in order", nil, []string{"flu clinic"}, []string{"Talked about the flu clinic"}, 3 + 3 + 10, false, "clinic flu", `"flu clinic"`},
		{"a phrase out of order does not match", nil, []string{"clinic flu"}, []string{"Talked about the flu clinic"}, 0, false, "clinic flu", `"clinic flu"`},
		{"a phrase with stopwords matches them exactly", nil, []string{"about the flu"}, []string{"Talked about the flu clinic"}, 3 + 3 + 10, false, "about flu", `"about the flu"`},
		{"a phrase must sit in one field", nil, []string{"dept flu"}, []string{"County Dept", "Flu shots"}, 0, false, "dept flu", `"dept flu"`},
		{"the whole name", []string{"county", "health"}, nil, []string{"County Health"}, 6 + 20, false, "county health", "county health"},
		{"accents either way", []string{"clínica"}, nil, []string{"Clinica Salud"}, 3, false, "clinica", "clínica"},
		{"a record that lost a word", []string{"flu"}, nil, []string{"Measles"}, 0, false, "flu", "flu"},
		{"only stopwords", []string{"the", "a"}, nil, []string{"the a"}, 0, true, "", "the a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := NewQuery(tc.words, tc.phrases)
			if q.Empty() != tc.wantEmpty {
				t.Errorf("Empty() = %v; want %v", q.Empty(), tc.wantEmpty)
			}
			if got := strings.Join(q.Tokens, " "); got != tc.wantTokens {
				t.Errorf("Tokens = %q; want %q", got, tc.wantTokens)
			}
			if q.Text != tc.show {
				t.Errorf("Text = %q; want %q", q.Text, tc.show)
			}
			if got := q.Match(tc.fields...); got != tc.want {
				t.Errorf("Match(%q) = %d; want %d", tc.fields, got, tc.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	q := NewQuery([]string{"fair"}, nil)
	long := "We called the school twice in October about the sign-up sheets and then Dana mentioned the health fair they run every spring with the clinic downtown"
	for _, tc := range []struct {
		name, text string
		limit      int
		want       string
	}{
		{"short text whole", "Planned the fair", 60, "Planned the fair"},
		{"long text around the match", long, 50, "…mentioned the health fair they run every spring…"},
		{"no match: from the start", "Nothing here about it at all, and more words", 20, "Nothing here about…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := q.Snippet(tc.text, tc.limit); got != tc.want {
				t.Errorf("Snippet = %q; want %q", got, tc.want)
			}
		})
	}
	if got := q.MatchField("County", "Runs a fair each spring", "fair"); got != 1 {
		t.Errorf("MatchField = %d; want 1", got)
	}
}
