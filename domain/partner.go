package domain

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kinds and Stages are the values SPEC §2 allows, in display order.
var (
	Kinds  = []string{"clinic", "hospital", "public-health", "nonprofit", "school", "pharmacy", "faith", "other"}
	Stages = []string{"prospect", "researching", "contacted", "engaged", "active", "paused", "ended"}
)

// DefaultCadenceDays is the stay-in-touch cadence of a new partner.
const DefaultCadenceDays = 30

// Partner is an organization the team works with.
type Partner struct {
	Slug     string
	Name     string
	Kind     string
	Stage    string
	Owner    string // Slack user id
	Channel  string // linked channel id, often a Slack Connect channel
	Cadence  int    // stay-in-touch cadence in days
	Services string
	Audience string
	Programs string
	Goals    string
	Archived bool

	Created     time.Time
	Updated     time.Time
	LastContact time.Time // zero when never contacted
	LastInbound time.Time
	// OutSinceIn counts outbound contacts after the latest inbound one; three
	// or more make the partner one-way.
	OutSinceIn int
	// NudgeQuietUntil: no stay-in-touch nudge about this partner before
	// then (a nudge's Snooze or Done button).
	NudgeQuietUntil time.Time
	// CheckinScore is the average satisfaction (1–5) of the latest
	// partnership check-in, CheckinCount its responses; 0 when none.
	CheckinScore float64
	CheckinCount int
	CheckinAt    time.Time
	// NudgedAt is when the owner was last nudged about the partner, and
	// NudgeMark what the partner looked like then (NudgeMarkAt): a nudge
	// comes at most weekly unless the mark changes.
	NudgedAt  time.Time
	NudgeMark string
	// OrgTeams are the Slack teams of the partner's own organization,
	// found in its linked shared channel (or named with `org:`): its
	// liaisons are the people of those teams. Empty while unknown (an
	// internal channel, or none; LearnOrg fills it in when the channel is
	// shared), and OrgUnnamed while the channel holds several: either way
	// no liaison acts for the partner.
	OrgTeams []string
}

// HasOrg reports whether a liaison of Slack team userTeam belongs to the
// partner's organization. An unknown or unnamed organization has nobody.
func (p Partner) HasOrg(userTeam string) bool {
	if userTeam == "" || userTeam == OrgUnnamed || p.OrgUnknown() || p.OrgUnnamed() {
		return false
	}
	return slices.Contains(p.OrgTeams, userTeam)
}

// OrgUnknown reports whether nobody has found the partner's organization
// yet (its channel was internal when linked, or it has none).
func (p Partner) OrgUnknown() bool { return len(p.OrgTeams) == 0 }

// OrgUnnamed reports whether the partner's channel is shared with several
// organizations and nobody has said which is the partner's.
func (p Partner) OrgUnnamed() bool { return slices.Equal(p.OrgTeams, []string{OrgUnnamed}) }

// Person is someone at a partner organization.
type Person struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Slugify makes a partner's id from its name: "County Health Dept" →
// "county-health-dept", "Clínica Salud" → "clinica-salud". Letters of any
// script are kept, folded as Fold does. (Partners added before folding
// keep their accented ids, which still resolve: see FoldPartnerIndex.)
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		if r == '\'' || r == '’' {
			continue // "St. Mary's" → "st-marys"
		}
		dash = true
	}
	s := b.String()
	const max = 48
	if len(s) > max {
		s = strings.TrimRight(truncateUTF8(s, max), "-")
	}
	return s
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// NameKey is how names are compared: folded (Fold), spaces collapsed.
func NameKey(name string) string { return strings.Join(strings.Fields(Fold(name)), " ") }

// Fold is how partner names and ids are matched: case-folded and without
// accents ("Clínica" → "clinica", "Straße" → "strasse"), letters of other
// scripts kept. Go computes it, for the lookups in Lua as well, which
// read only the folded forms stored in the indexes.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	// Transformers keep state, so each call makes its own.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), cases.Fold(), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// OrgUnnamed is Partner.OrgTeams's one element when the partner's linked
// channel is shared with several organizations and nobody said which is
// the partner's: no liaison may act for it until someone does.
const OrgUnnamed = "?"
