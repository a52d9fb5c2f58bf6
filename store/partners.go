package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
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

// PartnerRef names a partner as a user typed it, where they typed it.
type PartnerRef struct {
	Text    string // slug, name or unique prefix; "" for the channel's partner
	Channel string // channel the command came from
	// Liaison: only the channel's own partner may be touched, and only
	// when the partner's organization (Partner.OrgTeams) includes Team,
	// the liaison's Slack team, where it is known.
	Liaison bool
	Team    string
}

func (r PartnerRef) args(k keys) []any {
	liaison := "" // a team member
	if r.Liaison {
		liaison = r.Team
		if liaison == "" {
			liaison = "?" // a liaison of no known team: no organization matches
		}
	}
	return []any{k.Prefix(), Slugify(r.Text), NameKey(r.Text), r.Channel, liaison}
}

// OrgUnnamed is Partner.OrgTeams's one element when the partner's linked
// channel is shared with several organizations and nobody said which is
// the partner's: no liaison may act for it until someone does.
const OrgUnnamed = "?"

// resolveErr turns a resolver error code into an error for callers.
func resolveErr(op, code string, rest []any) error {
	switch code {
	case "no_partner":
		return fmt.Errorf("%s: %w", op, ErrNoPartner)
	case "denied":
		return fmt.Errorf("%s: %w", op, ErrDenied)
	case "ambiguous":
		return fmt.Errorf("%s: %w", op, &PartnerError{Err: ErrNotFound, Candidates: strs(rest)})
	case "not_found":
		return fmt.Errorf("%s: %w", op, &PartnerError{Err: ErrNotFound})
	}
	return fmt.Errorf("%s: unexpected script error %q", op, code)
}

// ResolvePartner finds the partner ref names. It returns an error wrapping
// ErrNotFound (a *PartnerError with candidates when a prefix is
// ambiguous), ErrNoPartner or ErrDenied.
func (s *Store) ResolvePartner(ctx context.Context, team string, ref PartnerRef) (Partner, error) {
	k := keysFor(team)
	r, err := s.run(ctx, "resolve partner", scriptResolvePartner,
		[]string{k.Partners(), k.PartnerNames(), k.ChannelIndex()}, ref.args(k)...)
	if err != nil {
		return Partner{}, err
	}
	if !r.ok {
		return Partner{}, resolveErr("resolve partner", r.code, r.rest)
	}
	slug, _ := r.rest[0].(string)
	return partnerFromFlat(slug, r.rest[1:]), nil
}

// Partner loads the partner with this slug; ErrNotFound when there is none.
func (s *Store) Partner(ctx context.Context, team, slug string) (Partner, error) {
	m, err := s.record(ctx, "partner", keysFor(team).Partner(slug), "partner "+slug)
	if err != nil {
		return Partner{}, err
	}
	return partnerFromHash(slug, m), nil
}

// AddPartner registers p, whose Slug must be set (see Slugify). It returns
// a *PartnerError wrapping ErrExists or ErrChannelTaken when the slug, name
// or channel is already used.
func (s *Store) AddPartner(ctx context.Context, team string, p Partner, actor string, now time.Time) error {
	k := keysFor(team)
	p.Created, p.Updated = now, now
	args := []any{p.Slug, NameKey(p.Name), p.Channel, ms(now), actor, auditMaxLen, Slugify(p.Name)}
	args = append(args, partnerFields(p)...)
	r, err := s.run(ctx, "add partner", scriptAddPartner,
		[]string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.Partner(p.Slug), k.Audit(), k.PartnerLex()}, args...)
	if err != nil {
		return err
	}
	return conflictErr("add partner", r)
}

func conflictErr(op string, r reply) error {
	if r.ok {
		return nil
	}
	holder := ""
	if len(r.rest) > 0 {
		holder, _ = r.rest[0].(string)
	}
	switch r.code {
	case "exists":
		return fmt.Errorf("%s: %w", op, &PartnerError{Err: ErrExists, Slug: holder})
	case "channel_taken":
		return fmt.Errorf("%s: %w", op, &PartnerError{Err: ErrChannelTaken, Slug: holder})
	case "not_found":
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return fmt.Errorf("%s: unexpected script error %q", op, r.code)
}

// PartnerChange is a set of field changes to one partner. Nil fields stay.
type PartnerChange struct {
	Name, Kind, Stage, Owner, Channel   *string
	Services, Audience, Programs, Goals *string
	Cadence                             *int
	Archived                            *bool
	NudgeQuietUntil                     *time.Time
	OrgTeams                            *[]string
}

// UpdatePartner applies change to the partner slug. Errors wrap ErrNotFound,
// or are a *PartnerError wrapping ErrExists / ErrChannelTaken.
func (s *Store) UpdatePartner(ctx context.Context, team, slug string, change PartnerChange, actor string, now time.Time) error {
	k := keysFor(team)
	nameKey, nameSlug, channel := "", "", "-"
	var fields []any
	set := func(field string, v *string) {
		if v != nil {
			fields = append(fields, field, *v)
		}
	}
	if change.Name != nil {
		nameKey, nameSlug = NameKey(*change.Name), Slugify(*change.Name)
		fields = append(fields, "name_key", nameKey, "name_slug", nameSlug)
	}
	if change.Channel != nil {
		channel = *change.Channel
	}
	set("name", change.Name)
	set("kind", change.Kind)
	set("stage", change.Stage)
	set("owner", change.Owner)
	set("channel", change.Channel)
	set("services", change.Services)
	set("audience", change.Audience)
	set("programs", change.Programs)
	set("goals", change.Goals)
	if change.Cadence != nil {
		fields = append(fields, "cadence_days", *change.Cadence)
	}
	if change.NudgeQuietUntil != nil {
		fields = append(fields, "nudge_quiet_until", ms(*change.NudgeQuietUntil))
	}
	if change.OrgTeams != nil {
		fields = append(fields, "org_teams", strings.Join(*change.OrgTeams, ","))
	}
	op := "partner.set"
	if change.Archived != nil {
		op = "partner.archive"
		if !*change.Archived {
			op = "partner.unarchive"
		}
		fields = append(fields, "archived", boolField(*change.Archived))
	}
	fields = append(fields, "updated", ms(now))
	args := append([]any{slug, ms(now), actor, auditMaxLen, op, nameKey, channel, nameSlug}, fields...)
	r, err := s.run(ctx, "update partner", scriptUpdatePartner,
		[]string{k.PartnerNames(), k.ChannelIndex(), k.Partner(slug), k.Audit(), k.PartnerLex()}, args...)
	if err != nil {
		return err
	}
	return conflictErr("update partner", r)
}

// UpsertPerson adds or replaces (by name, case-insensitively) a person at
// the partner. It reports whether the person is new.
func (s *Store) UpsertPerson(ctx context.Context, team, slug string, p Person, actor string, now time.Time) (added bool, err error) {
	k := keysFor(team)
	js, err := json.Marshal(p)
	if err != nil {
		return false, fmt.Errorf("upsert person: %w", err)
	}
	r, err := s.run(ctx, "upsert person", scriptUpsertPerson,
		[]string{k.Partner(slug), k.People(slug), k.Audit()}, slug, NameKey(p.Name), string(js), ms(now), actor, auditMaxLen)
	if err != nil {
		return false, err
	}
	if !r.ok {
		return false, conflictErr("upsert person", r)
	}
	n, _ := r.rest[0].(int64)
	return n == 1, nil
}

// People lists the people at a partner, by name.
func (s *Store) People(ctx context.Context, team, slug string) ([]Person, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(ctx, keysFor(team).People(slug)).Result()
	if err != nil {
		return nil, s.wrap("people", err)
	}
	out := make([]Person, 0, len(m))
	for _, v := range m {
		var p Person
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return nil, fmt.Errorf("people: decode: %w", err)
		}
		out = append(out, p)
	}
	sortBy(out, func(p Person) string { return NameKey(p.Name) })
	return out, nil
}

// maxPartners bounds a listing; a workspace with more partners than this
// is far beyond what one outreach team tracks.
const maxPartners = 5000

// ListPartners returns every partner, archived ones too, ordered by slug.
// Two round trips: the slugs, then one pipeline of hashes.
func (s *Store) ListPartners(ctx context.Context, team string) ([]Partner, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	slugs, err := s.rdb.ZRange(ctx, k.Partners(), 0, maxPartners-1).Result()
	if err != nil {
		return nil, s.wrap("list partners", err)
	}
	if len(slugs) == 0 {
		return nil, nil
	}
	keys := make([]string, len(slugs))
	for i, slug := range slugs {
		keys[i] = k.Partner(slug)
	}
	hs, err := s.hashes(ctx, "list partners", keys, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Partner, 0, len(slugs))
	for i, m := range hs {
		if len(m) > 0 {
			out = append(out, partnerFromHash(slugs[i], m))
		}
	}
	return out, nil
}

// ErasePartner deletes the partner and everything about it. Its short ids
// are not reused.
func (s *Store) ErasePartner(ctx context.Context, team, slug, actor string, now time.Time) error {
	k := keysFor(team)
	ks := []string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.Audit(), k.PartnerLex()}
	ks = append(ks, k.Partner(slug), k.People(slug), k.Contacts(slug), k.ContactLog(slug), k.PartnerFollowUps(slug),
		k.PartnerEvents(slug), k.PartnerSurveys(slug), k.PartnerNeeds(slug))
	r, err := s.run(ctx, "erase partner", scriptErasePartner, ks, slug, ms(now), actor, auditMaxLen, k.Prefix())
	if err != nil {
		return err
	}
	return conflictErr("erase partner", r)
}

func partnerFields(p Partner) []any {
	cad := p.Cadence
	if cad <= 0 {
		cad = DefaultCadenceDays
	}
	return []any{
		"name", p.Name, "name_key", NameKey(p.Name), "name_slug", Slugify(p.Name), "kind", p.Kind, "stage", p.Stage,
		"owner", p.Owner, "channel", p.Channel, "cadence_days", cad,
		"services", p.Services, "audience", p.Audience, "programs", p.Programs, "goals", p.Goals,
		"archived", boolField(p.Archived), "created", ms(p.Created), "updated", ms(p.Updated),
		"org_teams", strings.Join(p.OrgTeams, ","),
	}
}

func partnerFromHash(slug string, m map[string]string) Partner {
	p := Partner{Slug: slug}
	for f, v := range m {
		p.set(f, v)
	}
	return p.defaults()
}

// partnerFromFlat is partnerFromHash of HGETALL's flat field/value list,
// as a script returns it.
func partnerFromFlat(slug string, vs []any) Partner {
	p := Partner{Slug: slug}
	for i := 0; i+1 < len(vs); i += 2 {
		f, _ := vs[i].(string)
		switch v := vs[i+1].(type) {
		case string:
			p.set(f, v)
		case int64:
			p.set(f, strconv.FormatInt(v, 10))
		}
	}
	return p.defaults()
}

// set reads one field of the partner's hash.
func (p *Partner) set(field, v string) {
	switch field {
	case "name":
		p.Name = v
	case "kind":
		p.Kind = v
	case "stage":
		p.Stage = v
	case "owner":
		p.Owner = v
	case "channel":
		p.Channel = v
	case "cadence_days":
		p.Cadence, _ = strconv.Atoi(v)
	case "services":
		p.Services = v
	case "audience":
		p.Audience = v
	case "programs":
		p.Programs = v
	case "goals":
		p.Goals = v
	case "archived":
		p.Archived = v == "1"
	case "created":
		p.Created = fromMS(v)
	case "updated":
		p.Updated = fromMS(v)
	case "last_contact":
		p.LastContact = fromMS(v)
	case "last_inbound":
		p.LastInbound = fromMS(v)
	case "out_since_in":
		p.OutSinceIn, _ = strconv.Atoi(v)
	case "nudge_quiet_until":
		p.NudgeQuietUntil = fromMS(v)
	case "checkin_score":
		p.CheckinScore, _ = strconv.ParseFloat(v, 64)
	case "checkin_count":
		p.CheckinCount, _ = strconv.Atoi(v)
	case "checkin_at":
		p.CheckinAt = fromMS(v)
	case "org_teams":
		p.OrgTeams = splitList(v)
	case "nudged_at":
		p.NudgedAt = fromMS(v)
	case "nudge_mark":
		p.NudgeMark = v
	}
}

func (p Partner) defaults() Partner {
	if p.Cadence <= 0 {
		p.Cadence = DefaultCadenceDays
	}
	return p
}

// splitList reads a comma-separated field; "" is none.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// IsConflict reports whether err is a partner conflict, and returns it.
func IsConflict(err error) (*PartnerError, bool) {
	var pe *PartnerError
	if errors.As(err, &pe) {
		return pe, true
	}
	return nil, false
}

// createWithPartner runs a script that resolves a partner and creates a
// record for it (a follow-up, an event), replying {'ok', id, slug,
// partner hash…}; it returns the new id and the partner.
func (s *Store) createWithPartner(ctx context.Context, op string, sc *redis.Script, k keys, args []any) (int64, Partner, error) {
	r, err := s.run(ctx, op, sc, []string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.Audit()}, args...)
	if err != nil {
		return 0, Partner{}, err
	}
	if !r.ok {
		return 0, Partner{}, resolveErr(op, r.code, r.rest)
	}
	id, _ := r.rest[0].(int64)
	slug, _ := r.rest[1].(string)
	return id, partnerFromFlat(slug, r.rest[2:]), nil
}

// FoldPartnerIndex brings the name indexes of partners added before names
// were folded up to date, so that `clinica` finds "Clínica Salud" and its
// old id `clínica-salud` still resolves. It is idempotent and cheap when
// there is nothing to do; run it once at start. It reports how many
// partners it changed.
func (s *Store) FoldPartnerIndex(ctx context.Context, team string) (int, error) {
	ps, err := s.ListPartners(ctx, team)
	if err != nil || len(ps) == 0 {
		return 0, err
	}
	k := keysFor(team)
	args := []any{k.Prefix()}
	for _, p := range ps {
		args = append(args, p.Slug, NameKey(p.Name), Slugify(p.Name), Slugify(p.Slug))
	}
	r, err := s.run(ctx, "fold partner index", scriptFoldIndex, []string{k.PartnerNames(), k.PartnerLex()}, args...)
	if err != nil {
		return 0, err
	}
	n, _ := r.rest[0].(int64)
	return int(n), nil
}

// RelinkChannel follows a channel to its new id (Slack gives a private
// channel one when it is shared with another organization): the partner
// linked to oldID, and its surveys posted there, move to newID. It
// returns the partner's slug, "" when none was linked to oldID.
func (s *Store) RelinkChannel(ctx context.Context, team, oldID, newID, actor string, now time.Time) (string, error) {
	k := keysFor(team)
	r, err := s.run(ctx, "relink channel", scriptRelinkChannel, []string{k.ChannelIndex(), k.Audit()},
		k.Prefix(), oldID, newID, ms(now), actor, auditMaxLen)
	if err != nil {
		return "", err
	}
	if !r.ok {
		return "", fmt.Errorf("relink channel %s: %s", oldID, r.code)
	}
	if len(r.rest) == 0 {
		return "", nil
	}
	slug, _ := r.rest[0].(string)
	return slug, nil
}
