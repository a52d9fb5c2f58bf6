package domain

import (
	"slices"
	"strings"
	"time"
)

// Need is a community health need heard (SPEC §2): N<n>.
type Need struct {
	ID      int64     `json:"-"`
	Topics  []string  `json:"topics"` // normalised (Topics.Normalize)
	Note    string    `json:"note"`
	Partner string    `json:"partner,omitempty"` // slug of the source partner, "" for none
	Event   int64     `json:"event,omitempty"`   // source event, 0 for none
	Who     string    `json:"who"`
	Team    string    `json:"team,omitempty"` // the recorder's Slack team (a liaison's organization)
	At      time.Time `json:"at"`
	// Source is the Slack message the need was recorded from, if any.
	Source *Source `json:"source,omitempty"`
}

// ParseNeedID reads "N12" (or "n12", "12") as 12.
func ParseNeedID(s string) (int64, bool) { return parseShortID(s, "N") }

// Topics normalises need topics: case, spaces and hyphens, and a list
// of synonyms, so that "Mental Health", "mental-health" and
// "mentalhealth" count as one.
type Topics struct {
	synonyms map[string]string // squashed alias → canonical topic
	known    []string          // canonical topics, in the order given
}

// DefaultTopicSynonyms is the built-in list: canonical topic → aliases.
// OUTREACH_NEED_TOPICS replaces it.
var DefaultTopicSynonyms = map[string][]string{
	"vaccines":        {"vaccine", "vaccination", "vaccinations", "immunization", "immunizations", "shots", "flu-shots"},
	"mental-health":   {"mental", "behavioral-health", "behavioural-health"},
	"diabetes":        {"diabetic", "blood-sugar"},
	"nutrition":       {"food", "healthy-eating", "diet"},
	"transportation":  {"transport", "transit", "bus", "rides"},
	"language-access": {"translation", "interpreter", "interpreters", "interpretation"},
	"substance-use":   {"addiction", "substance-abuse", "opioids"},
	"dental":          {"dentist", "oral-health", "teeth"},
	"maternal-health": {"prenatal", "pregnancy", "postpartum"},
	"insurance":       {"health-insurance", "coverage", "medicaid"},
	"housing":         {"homelessness", "shelter"},
	"heart-health":    {"blood-pressure", "hypertension", "cardiac"},
}

// NewTopics builds a normaliser from canonical topic → aliases.
func NewTopics(synonyms map[string][]string) Topics {
	t := Topics{synonyms: map[string]string{}}
	for canon, aliases := range synonyms {
		c := squashTopic(canon)
		t.known = append(t.known, c)
		t.synonyms[c] = c
		for _, a := range aliases {
			t.synonyms[squashTopic(a)] = c
		}
	}
	slices.Sort(t.known)
	return t
}

// Known lists the canonical topics.
func (t Topics) Known() []string { return t.known }

// Normalize returns the topic as stored: lower case, words joined by
// hyphens, a synonym replaced by its canonical topic, a plural "s"
// dropped when the singular is the canonical one. "" when nothing is left.
func (t Topics) Normalize(raw string) string {
	n := squashTopic(raw)
	if c, ok := t.synonyms[n]; ok {
		return c
	}
	if c, ok := t.synonyms[strings.TrimSuffix(n, "s")]; ok && strings.HasSuffix(n, "s") {
		return c
	}
	// "mentalhealth" for "mental-health": compare without hyphens too.
	flat := strings.ReplaceAll(n, "-", "")
	for alias, c := range t.synonyms {
		if strings.ReplaceAll(alias, "-", "") == flat {
			return c
		}
	}
	return n
}

// squashTopic lower-cases and joins words with single hyphens.
func squashTopic(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '/' || r == '\t'
	})
	return strings.Join(f, "-")
}
