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

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

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

// args are what lua/resolve.lua takes, and the slug expected (see
// resolved there).
func (r PartnerRef) args(k keys, expect string, more ...any) []any {
	liaison := "" // a team member
	if r.Liaison {
		liaison = r.Team
		if liaison == "" {
			liaison = "?" // a liaison of no known team: no organization matches
		}
	}
	// One slice for these and the script's own (more), not two.
	return append(append(make([]any, 0, 6+len(more)), k.Prefix(), domain.Slugify(r.Text), domain.NameKey(r.Text), r.Channel, liaison, expect), more...)
}

// resolving are the keys lua/resolve.lua reads.
func (k keys) resolving() []string {
	return []string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.PartnerLex()}
}

// runResolving runs sc, a script that resolves ref (lua/resolve.lua)
// before it writes, with keys and, for the partner it resolves, the keys
// of partnerKeys. The first round declares those of Go's guess: the
// partner the same words (or, with none, the same channel) named last
// time in this process, else ref's text slugified (right when a partner
// is named by its id). A script that resolved another partner says
// which, having written nothing, and runs again with that one's keys. If
// by then the name resolves to another partner still (renamed, erased,
// or a new one matching), the error wraps ErrChanged. args are the
// script's arguments after ref's.
func (s *Store) runResolving(ctx context.Context, op string, sc *redis.Script, ref PartnerRef, k keys, keys []string,
	partnerKeys func(slug string) []string, args ...any) (reply, error) {
	named := k.Prefix() + "\x00" + ref.Text
	if ref.Text == "" {
		named = k.Prefix() + "\x01" + ref.Channel
	}
	guess, ok := s.resolved.Get(named)
	if !ok && ref.Text != "" {
		guess = domain.Slugify(ref.Text)
	}
	expect := "~" + guess
	ks := keys
	if guess != "" {
		ks = with(keys, partnerKeys(guess)...)
	}
	for {
		r, err := s.run(ctx, op, sc, ks, ref.args(k, expect, args...)...)
		if err != nil || r.code != "resolved" {
			// What the script confirmed is the next guess for the same
			// words; anything else, no guess of ours.
			if slug := strings.TrimPrefix(expect, "~"); err == nil && r.ok && slug != "" {
				s.resolved.Add(named, slug)
			} else {
				s.resolved.Remove(named)
			}
			return r, err
		}
		if !strings.HasPrefix(expect, "~") {
			s.resolved.Remove(named)
			return reply{}, fmt.Errorf("%s: %w", op, ErrChanged)
		}
		slug := ""
		if len(r.rest) > 0 {
			slug, _ = r.rest[0].(string)
		}
		expect, ks = slug, keys
		if slug != "" {
			ks = with(keys, partnerKeys(slug)...)
		}
	}
}

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
func (s *Store) ResolvePartner(ctx context.Context, team string, ref PartnerRef) (domain.Partner, error) {
	k := keysFor(team)
	r, err := s.runResolving(ctx, "resolve partner", scriptResolvePartner, ref, k, k.resolving(),
		func(slug string) []string { return []string{k.Partner(slug)} })
	if err != nil {
		return domain.Partner{}, err
	}
	if !r.ok {
		return domain.Partner{}, resolveErr("resolve partner", r.code, r.rest)
	}
	slug, _ := r.rest[0].(string)
	return partnerFromReply(slug, r.rest[1:]), nil
}

// Partner loads the partner with this slug; ErrNotFound when there is none.
func (s *Store) Partner(ctx context.Context, team, slug string) (domain.Partner, error) {
	m, err := s.record(ctx, "partner", keysFor(team).Partner(slug), "partner "+slug)
	if err != nil {
		return domain.Partner{}, err
	}
	return partnerFromHash(slug, m), nil
}

// AddPartner registers p, whose Slug must be set (see Slugify). It returns
// a *PartnerError wrapping ErrExists or ErrChannelTaken when the slug, name
// or channel is already used.
func (s *Store) AddPartner(ctx context.Context, team string, p domain.Partner, actor string, now time.Time) error {
	k := keysFor(team)
	p.Created, p.Updated = now, now
	plan := newDocPlan(partnerWords(p.Name, p.Services, p.Audience, p.Programs, p.Goals))
	args := []any{p.Slug, domain.NameKey(p.Name), p.Channel, ms(now), actor, auditMaxLen, domain.Slugify(p.Name), k.Prefix(), plan.arg()}
	args = append(args, partnerFields(p)...)
	r, err := s.run(ctx, "add partner", scriptAddPartner,
		append([]string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.Partner(p.Slug), k.Audit(), k.PartnerLex()}, plan.keys(k)...), args...)
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
		nameKey, nameSlug = domain.NameKey(*change.Name), domain.Slugify(*change.Name)
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
	r, err := retryStale("update partner", func() (reply, error) {
		plan, err := s.partnerPlan(ctx, k, slug, change)
		if err != nil {
			return reply{}, err
		}
		args := append([]any{slug, ms(now), actor, auditMaxLen, op, nameKey, channel, nameSlug, k.Prefix(), plan.arg()}, fields...)
		return s.run(ctx, "update partner", scriptUpdatePartner,
			append([]string{k.PartnerNames(), k.ChannelIndex(), k.Partner(slug), k.Audit(), k.PartnerLex()}, plan.keys(k)...), args...)
	})
	if err != nil {
		return err
	}
	return conflictErr("update partner", r)
}

// partnerPlan is how change moves the partner in the search index: none
// when it leaves its text alone, else read from its stored text.
func (s *Store) partnerPlan(ctx context.Context, k keys, slug string, change PartnerChange) (indexPlan, error) {
	if change.Name == nil && change.Services == nil && change.Audience == nil && change.Programs == nil && change.Goals == nil {
		return indexPlan{}, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	vals, err := s.rdb.HMGet(ctx, k.Partner(slug), "name", "services", "audience", "programs", "goals").Result()
	if err != nil {
		return indexPlan{}, s.wrap("update partner", err)
	}
	old := make([]string, len(vals))
	for i, v := range vals {
		old[i], _ = v.(string)
	}
	now := slices.Clone(old)
	for i, v := range []*string{change.Name, change.Services, change.Audience, change.Programs, change.Goals} {
		if v != nil {
			now[i] = *v
		}
	}
	return changePlan(partnerText(old[0], old[1], old[2], old[3], old[4]),
		partnerWords(old[0], old[1], old[2], old[3], old[4]), partnerWords(now[0], now[1], now[2], now[3], now[4])), nil
}

// UpsertPerson adds a person at the partner, or updates the one of that
// name (case-insensitively): a role, email or phone left empty keeps what
// is stored, unless clear names it ("role", "email", "phone"). It reports
// whether the person is new.
func (s *Store) UpsertPerson(ctx context.Context, team, slug string, p domain.Person, actor string, now time.Time, clear ...string) (added bool, err error) {
	k := keysFor(team)
	nameKey := domain.NameKey(p.Name)
	r, err := retryStale("upsert person", func() (reply, error) {
		bctx, cancel := s.bound(ctx)
		raw, err := s.rdb.HGet(bctx, k.People(slug), nameKey).Result()
		cancel()
		if err != nil && !errors.Is(err, redis.Nil) {
			return reply{}, s.wrap("upsert person", err)
		}
		old, err := docWords("h", raw)
		if err != nil {
			return reply{}, fmt.Errorf("upsert person: %w", err)
		}
		merged := p
		if raw != "" {
			var was domain.Person
			if err := json.Unmarshal([]byte(raw), &was); err != nil {
				return reply{}, fmt.Errorf("upsert person: decode: %w", err)
			}
			for _, f := range []struct {
				name     string
				dst, was *string
			}{{"role", &merged.Role, &was.Role}, {"email", &merged.Email, &was.Email}, {"phone", &merged.Phone, &was.Phone}} {
				if *f.dst == "" && !slices.Contains(clear, f.name) {
					*f.dst = *f.was
				}
			}
		}
		js, err := json.Marshal(merged)
		if err != nil {
			return reply{}, fmt.Errorf("upsert person: %w", err)
		}
		plan := changePlan(raw, old, personWords(merged))
		return s.run(ctx, "upsert person", scriptUpsertPerson, append([]string{k.Partner(slug), k.People(slug), k.Audit()}, plan.keys(k)...),
			slug, nameKey, string(js), ms(now), actor, auditMaxLen, k.Prefix(), plan.arg())
	})
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
func (s *Store) People(ctx context.Context, team, slug string) ([]domain.Person, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(ctx, keysFor(team).People(slug)).Result()
	if err != nil {
		return nil, s.wrap("people", err)
	}
	out := make([]domain.Person, 0, len(m))
	for _, v := range m {
		var p domain.Person
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return nil, fmt.Errorf("people: decode: %w", err)
		}
		out = append(out, p)
	}
	sortBy(out, func(p domain.Person) string { return domain.NameKey(p.Name) })
	return out, nil
}

// maxPartners bounds a listing; a workspace with more partners than this
// is far beyond what one outreach team tracks.
const maxPartners = 5000

// ListPartners returns every partner, archived ones too, ordered by slug.
// Two round trips: the slugs, then one pipeline of hashes.
func (s *Store) ListPartners(ctx context.Context, team string) ([]domain.Partner, error) {
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
	out := make([]domain.Partner, 0, len(slugs))
	for i, m := range hs {
		if len(m) > 0 {
			out = append(out, partnerFromHash(slugs[i], m))
		}
	}
	return out, nil
}

// ErasePartner deletes the partner and everything about it. Its short ids
// are not reused. Its records are read first, for the words they are
// filed under in the search index.
func (s *Store) ErasePartner(ctx context.Context, team, slug, actor string, now time.Time) error {
	k := keysFor(team)
	ks := []string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.Audit(), k.PartnerLex()}
	own := []string{k.Partner(slug), k.People(slug), k.Contacts(slug), k.ContactLog(slug), k.PartnerFollowUps(slug),
		k.PartnerEvents(slug), k.PartnerSurveys(slug), k.PartnerNeeds(slug)}
	ks = append(ks, own...)
	ks = append(ks, k.FollowUpsOpen(), k.FollowUpsDone(), k.FollowUpTexts(), k.Events(), k.ContactPartner(),
		k.NeedLog(), k.Needs(), k.NeedTopics())
	ks = append(ks, k.jobs()...)
	r, err := retryStale("erase partner", func() (reply, error) {
		plans, words, err := s.erasePlans(ctx, k, slug)
		if err != nil {
			return reply{}, err
		}
		js, err := json.Marshal(plans)
		if err != nil {
			return reply{}, fmt.Errorf("erase partner: %w", err)
		}
		keys := append(slices.Clone(ks), indexPlan{remove: words}.keys(k)...)
		return s.run(ctx, "erase partner", scriptErasePartner, keys, slug, ms(now), actor, auditMaxLen, k.Prefix(), len(own), string(js))
	})
	if err != nil {
		return err
	}
	return conflictErr("erase partner", r)
}

// erasePlans reads every record erasing the partner may delete (its
// events run with others too: the script decides) and returns, for
// each, the SHA-1 of its stored text and its words (lua/search_lib.lua's
// index_plans_fit), with all their words.
func (s *Store) erasePlans(ctx context.Context, k keys, slug string) (map[string][2]string, []string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.rdb.Pipeline()
	fields := pipe.HMGet(ctx, k.Partner(slug), "name", "services", "audience", "programs", "goals")
	people := pipe.HGetAll(ctx, k.People(slug))
	contacts := pipe.HGetAll(ctx, k.ContactLog(slug))
	needIDs := pipe.ZRange(ctx, k.PartnerNeeds(slug), 0, -1)
	eventIDs := pipe.ZRange(ctx, k.PartnerEvents(slug), 0, -1)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, s.wrap("erase partner", err)
	}
	texts := map[string]string{}
	var f [5]string
	for i, v := range fields.Val() {
		f[i], _ = v.(string)
	}
	texts[partnerDoc(slug)] = partnerText(f[0], f[1], f[2], f[3], f[4])
	for name, js := range people.Val() {
		texts[peopleDoc(slug)+name] = js
	}
	for id, js := range contacts.Val() {
		texts["c"+id] = js
	}
	pipe = s.rdb.Pipeline()
	var needs *redis.SliceCmd
	if ids := needIDs.Val(); len(ids) > 0 {
		needs = pipe.HMGet(ctx, k.NeedLog(), ids...)
	}
	titles := make([]*redis.StringCmd, len(eventIDs.Val()))
	for i, id := range eventIDs.Val() {
		n, _ := strconv.ParseInt(id, 10, 64)
		titles[i] = pipe.HGet(ctx, k.Event(n), "title")
	}
	if needs != nil || len(titles) > 0 {
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, nil, s.wrap("erase partner", err)
		}
	}
	if needs != nil {
		for i, v := range needs.Val() {
			js, _ := v.(string)
			texts["n"+needIDs.Val()[i]] = js
		}
	}
	for i, c := range titles {
		texts["e"+eventIDs.Val()[i]] = c.Val()
	}
	plans := make(map[string][2]string, len(texts))
	var all []string
	for doc, raw := range texts {
		words, err := docWords(doc, raw)
		if err != nil {
			return nil, nil, fmt.Errorf("erase partner: %w", err)
		}
		plans[doc] = [2]string{sha1Hex(raw), strings.Join(words, " ")}
		all = append(all, words...)
	}
	slices.Sort(all)
	return plans, slices.Compact(all), nil
}

func partnerFields(p domain.Partner) []any {
	cad := p.Cadence
	if cad <= 0 {
		cad = domain.DefaultCadenceDays
	}
	return []any{
		"name", p.Name, "name_key", domain.NameKey(p.Name), "name_slug", domain.Slugify(p.Name), "kind", p.Kind, "stage", p.Stage,
		"owner", p.Owner, "channel", p.Channel, "cadence_days", cad,
		"services", p.Services, "audience", p.Audience, "programs", p.Programs, "goals", p.Goals,
		"archived", boolField(p.Archived), "created", ms(p.Created), "updated", ms(p.Updated),
		"org_teams", strings.Join(p.OrgTeams, ","),
	}
}

func partnerFromHash(slug string, m map[string]string) domain.Partner {
	p := domain.Partner{Slug: slug}
	for f, v := range m {
		setPartnerField(&p, f, v)
	}
	return partnerDefaults(p)
}

// partnerReplyFields are the fields of a partner's hash that a script
// returns the values of (lua/partner_lib.lua), in its order.
var partnerReplyFields = []string{"name", "kind", "stage", "owner", "channel", "cadence_days", "services", "audience", "programs", "goals", "archived", "created", "updated", "last_contact", "last_inbound", "out_since_in", "nudge_quiet_until", "checkin_score", "checkin_count", "checkin_at", "org_teams", "nudged_at", "nudge_mark"}

// partnerFromReply is partnerFromHash of a script's partner_reply: the
// values of partnerReplyFields as a JSON array, false where the hash has
// none. A value without escapes is a substring of the reply, not a copy.
func partnerFromReply(slug string, vs []any) domain.Partner {
	p := domain.Partner{Slug: slug}
	packed := ""
	if len(vs) > 0 {
		packed, _ = vs[0].(string)
	}
	rest, ok := strings.CutPrefix(packed, "[")
	for _, f := range partnerReplyFields {
		if !ok {
			break
		}
		var v string
		var present bool
		v, present, rest, ok = nextReplyValue(rest)
		if ok && present {
			setPartnerField(&p, f, v)
		}
	}
	return partnerDefaults(p)
}

// nextReplyValue reads the first item of what is left of a JSON array of
// strings and falses, and its comma or closing bracket. ok is false on
// anything else, so a garbled reply yields only what came before.
func nextReplyValue(s string) (v string, present bool, rest string, ok bool) {
	if after, found := strings.CutPrefix(s, "false"); found {
		rest = after
	} else {
		if !strings.HasPrefix(s, `"`) {
			return "", false, "", false
		}
		end, escaped := 1, false
		for ; end < len(s) && s[end] != '"'; end++ {
			if s[end] == '\\' {
				escaped = true
				end++
			}
		}
		if end >= len(s) {
			return "", false, "", false
		}
		v, present, rest = s[1:end], true, s[end+1:]
		if escaped {
			var unq string // not &v: that would move every v to the heap
			if json.Unmarshal([]byte(s[:end+1]), &unq) != nil {
				return "", false, "", false
			}
			v = unq
		}
	}
	if len(rest) == 0 || (rest[0] != ',' && rest[0] != ']') {
		return "", false, "", false
	}
	return v, present, rest[1:], true
}

// setPartnerField reads one field of the partner's hash.
func setPartnerField(p *domain.Partner, field, v string) {
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

func partnerDefaults(p domain.Partner) domain.Partner {
	if p.Cadence <= 0 {
		p.Cadence = domain.DefaultCadenceDays
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

// createWithPartner runs a script that resolves ref and creates a record
// for the partner (a follow-up, an event), replying {'ok', id, slug,
// partner hash…}; it returns the new id and the partner. keys follow the
// resolver's and the audit's; partnerKeys are those of the partner's
// keys the script touches.
func (s *Store) createWithPartner(ctx context.Context, op string, sc *redis.Script, k keys, ref PartnerRef, keys []string,
	partnerKeys func(slug string) []string, args []any) (int64, domain.Partner, error) {
	fixed := []string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.Audit(), k.PartnerLex()}
	r, err := s.runResolving(ctx, op, sc, ref, k, append(fixed, keys...), partnerKeys, args...)
	if err != nil {
		return 0, domain.Partner{}, err
	}
	if !r.ok {
		return 0, domain.Partner{}, resolveErr(op, r.code, r.rest)
	}
	id, _ := r.rest[0].(int64)
	slug, _ := r.rest[1].(string)
	return id, partnerFromReply(slug, r.rest[2:]), nil
}

// FoldPartnerIndex brings the name indexes of partners added before names
// were folded up to date, so that `clinica` finds "Clínica Salud" and its
// old id `clínica-salud` still resolves. It is idempotent and cheap when
// there is nothing to do; it is the first of the migrations (migrate.go),
// which run it once. It reports how many partners it changed.
func (s *Store) FoldPartnerIndex(ctx context.Context, team string) (int, error) {
	ps, err := s.ListPartners(ctx, team)
	if err != nil || len(ps) == 0 {
		return 0, err
	}
	k := keysFor(team)
	args := []any{k.Prefix()}
	for _, p := range ps {
		args = append(args, p.Slug, domain.NameKey(p.Name), domain.Slugify(p.Name), domain.Slugify(p.Slug))
	}
	ks := []string{k.PartnerNames(), k.PartnerLex()}
	for _, p := range ps {
		ks = append(ks, k.Partner(p.Slug))
	}
	r, err := s.run(ctx, "fold partner index", scriptFoldIndex, ks, args...)
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
