package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// Limits on what users type, so a reply or a record never outgrows Slack.
const (
	maxName    = 80
	maxSummary = 2000
	maxField   = 500
)

func optionList(keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "`" + k + ":`"
	}
	return strings.Join(out, ", ")
}

var bareUser = regexp.MustCompile(`^@?([UW][A-Z0-9]{2,})$`)
var bareChannel = regexp.MustCompile(`^#?([CG][A-Z0-9]{2,})$`)

// userArg reads a person: <@U123|maria> as Slack sends a picked user, a
// bare id, @me or @you for the person typing, or a name the directory
// knows (the console's people). ok is false when raw is none of these.
func (h *Handler) userRef(ctx context.Context, req *Request, raw string) (string, bool) {
	if id, ok := UserRef(raw); ok {
		return id, true
	}
	if m := bareUser.FindStringSubmatch(raw); m != nil {
		return m[1], true
	}
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(Unlink(raw)), "@"))
	if name == "me" || name == "you" {
		return req.User, true
	}
	if h.cfg.Directory != nil && strings.HasPrefix(strings.TrimSpace(raw), "@") {
		if id, ok := h.cfg.Directory.UserNamed(ctx, name); ok {
			return id, true
		}
	}
	return "", false
}

// userArg reads the person an option names (see userRef).
func (h *Handler) userArg(ctx context.Context, req *Request, key, raw string) (string, error) {
	if id, ok := h.userRef(ctx, req, raw); ok {
		return id, nil
	}
	return "", userErrorf("`%s:` needs a Slack user: type `%s:@` and pick someone from the list (I got %s).", key, key, message.Code(Unlink(raw)))
}

// channelArg reads a channel: <#C123|partners> as Slack sends a picked
// one, a bare id, or #name where the directory knows channels by name
// (the console, where nothing is picked from a list).
func (h *Handler) channelArg(ctx context.Context, key, raw string) (string, error) {
	if id, ok := h.channelCell(ctx, raw); ok {
		return id, nil
	}
	return "", userErrorf("`%s:` needs a channel: type `%s:#` and pick one from the list (I got %s).", key, key, message.Code(Unlink(raw)))
}

// cadenceWords are the cadences people (and spreadsheets) name, in days.
var cadenceWords = map[string]int{
	"daily": 1, "weekly": 7, "biweekly": 14, "bi-weekly": 14, "fortnightly": 14, "every other week": 14,
	"monthly": 30, "bimonthly": 60, "bi-monthly": 60, "quarterly": 90, "twice a year": 180, "semiannually": 180,
	"yearly": 365, "annually": 365,
}

// splitCadence refuses `cadence:2 weeks`: unquoted, "weeks" would become
// part of the partner's name.
func splitCadence(a args) error {
	next, ok := a.after["cadence"]
	if !ok {
		return nil
	}
	v, _ := a.opt("cadence")
	joined := v + " " + Unlink(next.Text)
	days, err := cadenceArg(joined)
	if err != nil {
		return nil
	}
	return userErrorf("A cadence with a space goes in quotes: `cadence:\"%s\"`, or write `cadence:%dd`.", message.Esc(joined), days)
}

// cadenceArg reads a stay-in-touch cadence in days: 30, 30d, 2w, 3mo,
// monthly.
func cadenceArg(raw string) (int, error) {
	bad := userErrorf("`cadence:` is how often to stay in touch, between 1 day and a year: `cadence:30d`, `cadence:2w`, `cadence:3mo` or `cadence:monthly` (I got %s).", message.Code(raw))
	if n, ok := cadenceWords[strings.ToLower(strings.Join(strings.Fields(raw), " "))]; ok {
		return n, nil
	}
	if n, err := strconv.Atoi(raw); err == nil {
		if n < 1 || n > 365 {
			return 0, bad
		}
		return n, nil
	}
	words := strings.Fields(raw)
	sp, used, err := when.ParseSpan(words)
	if err != nil || used != len(words) {
		return 0, bad
	}
	days := sp.Months*30 + sp.Days + int(sp.Clock.Hours()/24)
	if days < 1 || days > 365 {
		return 0, bad
	}
	return days, nil
}

// oneOf checks a value against a fixed list, with did-you-mean.
func oneOf(key, raw string, allowed []string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(raw))
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	article := "a"
	if strings.ContainsRune("aeiou", rune(key[0])) {
		article = "an"
	}
	msg := fmt.Sprintf("%s isn't %s %s I know.", message.Code(raw), article, key)
	if s := closest(v, allowed); s != "" {
		msg += fmt.Sprintf(" Did you mean `%s`?", s)
	}
	return "", userErrorf("%s The %ss are %s.", msg, key, "`"+strings.Join(allowed, "`, `")+"`")
}

// textField checks free text a user typed into a field.
func textField(key, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if n := len([]rune(v)); n > max {
		return "", userErrorf("`%s:` is %d characters long; keep it under %d.", key, n, max)
	}
	return v, nil
}

// ref is a partner reference as req typed it: for a liaison, scoped to
// the channel's partner and their own organization.
func (h *Handler) ref(req *Request, text string) store.PartnerRef {
	return store.PartnerRef{Text: text, Channel: req.Channel, Liaison: req.Role == RoleLiaison, Team: req.UserTeam}
}

// partner finds the partner a user named, turning failures into replies
// with did-you-mean. text "" means the channel's linked partner.
func (h *Handler) partner(ctx context.Context, req *Request, text string) (domain.Partner, error) {
	ref := h.ref(req, text)
	p, err := h.store.ResolvePartner(ctx, req.Team, ref)
	if err == nil {
		return p, nil
	}
	return domain.Partner{}, h.partnerErr(ctx, req, text, err)
}

// partnerErr explains a failed partner lookup.
func (h *Handler) partnerErr(ctx context.Context, req *Request, text string, err error) error {
	switch {
	case errors.Is(err, store.ErrNoPartner):
		return errWhichPartner
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if pe, ok := store.IsConflict(err); ok && len(pe.Candidates) > 1 {
		return userErrorf("%s matches several partners: %s. Type more of the name.", message.Code(text), backticks(pe.Candidates))
	}
	msg := fmt.Sprintf("I don't know a partner called %s.", message.Code(text))
	all, lerr := h.store.ListPartners(ctx, req.Team)
	if lerr != nil {
		return userErrorf("%s Check the spelling, or see `%s partner list`.", msg, h.cfg.Command)
	}
	bySlug := map[string]string{}
	var cands []string
	for _, p := range all {
		bySlug[p.Slug] = p.Slug
		bySlug[domain.NameKey(p.Name)] = p.Slug
		cands = append(cands, p.Slug, domain.NameKey(p.Name))
	}
	var sugg []string
	seen := map[string]bool{}
	for _, c := range nearest(domain.Fold(text), cands, 6) {
		if s := bySlug[c]; !seen[s] {
			seen[s] = true
			sugg = append(sugg, s)
		}
	}
	if slug := domain.Slugify(text); len(sugg) == 0 && slug != "" {
		for _, c := range nearest(slug, cands, 6) {
			if s := bySlug[c]; !seen[s] {
				seen[s] = true
				sugg = append(sugg, s)
			}
		}
	}
	if len(sugg) > 3 {
		sugg = sugg[:3]
	}
	if len(sugg) > 0 {
		return userErrorf("%s Did you mean %s?", msg, strings.Join(quoteAll(sugg), " or "))
	}
	return userErrorf("%s See `%s partner list`, or add it with `%s partner add \"<name>\"`.", msg, h.cfg.Command, h.cfg.Command)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}

func backticks(ss []string) string { return strings.Join(quoteAll(ss), ", ") }

// splitDate refuses a date option whose date went on past a space
// (`when:yesterday 25:00`, `when:feb 30`): unquoted, the rest would become
// text. The error is the one the quoted date gets, and says to quote it.
// An option that is wrong on its own is left to its own check.
func splitDate(a args, key string, now time.Time, loc *time.Location) error {
	next, ok := a.after[key]
	if !ok {
		return nil
	}
	v, _ := a.opt(key)
	own := strings.Fields(v)
	if _, _, err := when.ParseWhen(own, now, loc); err != nil && !errors.Is(err, when.ErrNoDate) {
		return nil
	}
	words := append(append([]string(nil), own...), strings.Fields(Unlink(next.Text))...)
	joined := strings.Join(words, " ")
	quote := fmt.Sprintf("A date with a space goes in quotes: `%s:\"%s\"`.", key, message.Esc(strings.ReplaceAll(joined, "`", "'")))
	_, n, err := when.ParseWhen(words, now, loc)
	switch {
	case err != nil && !errors.Is(err, when.ErrNoDate):
		return userErrorf("%s. %s", strings.TrimSuffix(dateMessage(joined, err), "."), quote)
	case err == nil && n > len(own):
		return userErrorf("I read `%s:%s` as the date and %s as text. %s", key, message.Esc(v), message.Code(next.Text), quote)
	}
	return nil
}
