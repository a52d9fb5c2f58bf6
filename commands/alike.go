package commands

import (
	"strings"

	"github.com/outreachbot/outreachbot/domain"
)

// nameWords are a partner name's words for likeness: folded as ids are
// (case, accents), without the small words names differ by.
func nameWords(name string) []string {
	var out []string
	for _, w := range strings.Split(domain.Slugify(name), "-") {
		switch w {
		case "", "the", "of", "and", "for", "de", "la", "el", "y":
			continue
		}
		out = append(out, w)
	}
	return out
}

// abbreviates reports whether short is long or a shortening of it that
// keeps its first letter and the order of its letters ("dept" of
// "department", "ctr" of "center").
func abbreviates(short, long string) bool {
	if short == long {
		return true
	}
	if len(short) < 2 || len(short) >= len(long) || short[0] != long[0] {
		return false
	}
	i := 0
	for j := 0; j < len(long) && i < len(short); j++ {
		if long[j] == short[i] {
			i++
		}
	}
	return i == len(short)
}

// looksAlike reports whether two partner names are likely one
// organization written two ways: every word of the shorter name matches,
// in order, a word of the longer one (the same word, or one shortened),
// and the longer has at most one word more ("County Health Dept" and
// "County Health Department"; "Eastside Clinic" and "Eastside Community
// Clinic"). A name of one word is alike only to one of one word.
func looksAlike(a, b string) bool {
	s, l := nameWords(a), nameWords(b)
	if len(s) > len(l) {
		s, l = l, s
	}
	if len(s) == 0 || len(l)-len(s) > 1 || len(s) == 1 && len(l) > 1 {
		return false
	}
	j := 0
	for _, w := range s {
		for j < len(l) && !abbreviates(w, l[j]) && !abbreviates(l[j], w) {
			j++
		}
		if j == len(l) {
			return false
		}
		j++
	}
	return true
}
