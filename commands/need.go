package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
)

// needStore is what the need commands need.
type needStore interface {
	AddNeed(ctx context.Context, team string, n domain.Need, actor string, now time.Time) (int64, error)
	NeedTopics(ctx context.Context, team string) (map[string]int, error)
}

const (
	maxTopics   = 5
	maxTopicLen = 40
	// needsDefault is the period `needs` covers when none is given: needs
	// are heard slowly, so a season rather than a month.
	needsDefault = "90d"
)

// needCommand records a community need: `need <topic[,topic]> <note…>
// [partner:] [event:E7]`. A liaison's need is their partnership's.
func (h *Handler) needCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if len(a.pos) == 1 && !a.pos[0].Quoted && strings.EqualFold(a.pos[0].Text, "list") {
		return message.Reply{}, userErrorf("The list of needs is `%s`.", h.typed(req, "needs"))
	}
	if len(a.pos) < 2 {
		return message.Reply{}, userErrorf("Give the topic, then what you heard: `%s`, e.g. `%s`.", strings.TrimPrefix(a.cmd.usage(h.cfg.Command), h.cfg.Command+" "), a.cmd.examples[0])
	}
	// The topics are the first word, or a comma list over several words:
	// "mental health",nutrition. A topic of several words needs no
	// quotes: every word before a quoted note (`need Mental Health
	// "stress"`), or the longest run of first words that is a topic heard
	// before (`need flu shots asked at the fair`).
	n := 1
	for n < len(a.pos) && (strings.HasSuffix(a.pos[n-1].Text, ",") || strings.HasPrefix(a.pos[n].Text, ",")) {
		n++
	}
	if n == 1 && !a.pos[0].Quoted {
		if k, err := h.topicWords(ctx, req, a.pos); err != nil {
			return message.Reply{}, err
		} else if k > 1 {
			joined := make([]string, k)
			for i, t := range a.pos[:k] {
				joined[i] = t.Text
			}
			a.pos = append([]Token{{Text: strings.Join(joined, " ")}}, a.pos[k:]...)
		}
	}
	var typedTopics []string
	for _, t := range a.pos[:n] {
		typedTopics = append(typedTopics, Unlink(t.Text))
	}
	if n == len(a.pos) {
		return message.Reply{}, userErrorf("What did you hear? Add a note after the topics: `%s`.", h.typed(req, a.cmd.examples[0]))
	}
	topics, err := h.needTopics(ctx, req, strings.Join(typedTopics, ","))
	if err != nil {
		return message.Reply{}, err
	}
	note, err := textField("note", Unlink(joinText(a.pos[n:])), maxSummary)
	if err != nil {
		return message.Reply{}, err
	}
	if note == "" {
		return message.Reply{}, userErrorf("What did you hear? The note in quotes is empty: `%s`.", h.typed(req, a.cmd.examples[0]))
	}
	need := domain.Need{Topics: topics, Note: note, Who: req.User, Team: req.UserTeam, At: h.now(), Source: req.Source}
	if v, ok := a.opt("event"); ok {
		id, ok := domain.ParseEventID(v)
		if !ok {
			return message.Reply{}, userErrorf("%s isn't an event id; they look like `E7`.", message.Code(v))
		}
		e, err := h.loadEvent(ctx, req, id)
		if err != nil {
			return message.Reply{}, err
		}
		need.Event, need.Partner = e.ID, e.Partner
	}
	partnerText, named := a.opt("partner")
	var p domain.Partner
	switch {
	case named || req.Role == RoleLiaison:
		if p, err = h.partner(ctx, req, partnerText); err != nil {
			return message.Reply{}, err
		}
	case need.Partner == "":
		// In a channel linked to a partner the need is that partner's.
		p, err = h.store.ResolvePartner(ctx, req.Team, store.PartnerRef{Channel: req.Channel})
		if err != nil && !errors.Is(err, store.ErrNoPartner) && !errors.Is(err, store.ErrNotFound) {
			return message.Reply{}, err
		}
	}
	if p.Slug != "" {
		if need.Event != 0 && need.Partner != p.Slug {
			return message.Reply{}, userErrorf("`E%d` was run with another partner than *%s*; leave `partner:` out to file the need under the event's partner.", need.Event, message.Esc(p.Name))
		}
		need.Partner = p.Slug
	}
	if need.Partner != "" && p.Slug == "" {
		p = domain.Partner{Slug: need.Partner, Name: h.partnerName(ctx, req.Team, need.Partner)}
	}
	id, err := h.store.AddNeed(ctx, req.Team, need, req.User, h.now())
	if err != nil {
		return message.Reply{}, err
	}
	h.touchCanvas(ctx, req.Team, need.Partner)
	from, feedFrom := "", ""
	if p.Slug != "" {
		from = fmt.Sprintf(" from *%s*", message.Esc(p.Name))
		feedFrom = from
	}
	if need.Event != 0 {
		from += fmt.Sprintf(" (`E%d`)", need.Event)
	}
	if src := message.SourceNote(need.Source); src != "" {
		from += " (" + src + ")"
	}
	// Topics are as typed, decoded from Slack's escaping: escaped again here.
	about := message.Esc(strings.Join(topics, ", "))
	return message.Reply{
		Text: fmt.Sprintf(":ear: Recorded need `N%d`%s — %s: %s\n`%s` shows what the community is asking for.",
			id, from, about, message.Esc(message.Clip(note, 200)), h.typed(req, "needs")),
		Feed: fmt.Sprintf("%s recorded a community need about %s%s", message.Mention(req.User), about, feedFrom),
	}, nil
}

// topicWords is how many of the first words make one topic: those
// before a quoted note, or the longest run of up to three that is a topic
// known or heard before; 1 otherwise.
func (h *Handler) topicWords(ctx context.Context, req *Request, pos []Token) (int, error) {
	for i, t := range pos {
		if t.Quoted {
			if i > 1 && i <= maxTopicWords {
				return i, nil
			}
			break
		}
		if strings.Contains(t.Text, ",") {
			return 1, nil
		}
	}
	known, err := h.knownTopics(ctx, req)
	if err != nil {
		return 0, err
	}
	for k := min(3, len(pos)-1); k > 1; k-- {
		words := make([]string, k)
		for i, t := range pos[:k] {
			words[i] = t.Text
		}
		if slices.Contains(known, h.cfg.Topics.Normalize(strings.Join(words, " "))) {
			return k, nil
		}
	}
	return 1, nil
}

// maxTopicWords is the most words before a quoted note read as one topic.
const maxTopicWords = 4

// knownTopics are the configured topics and every one heard before.
func (h *Handler) knownTopics(ctx context.Context, req *Request) ([]string, error) {
	existing, err := h.store.NeedTopics(ctx, req.Team)
	if err != nil {
		return nil, err
	}
	known := slices.Clone(h.cfg.Topics.Known())
	for t := range existing {
		if !slices.Contains(known, t) {
			known = append(known, t)
		}
	}
	return known, nil
}

// needTopics normalises the comma-separated topics typed. A topic never
// heard before that looks like a known one is refused with did-you-mean,
// so "diabetis" does not split the count; a trailing "!" insists.
func (h *Handler) needTopics(ctx context.Context, req *Request, typed string) ([]string, error) {
	known, err := h.knownTopics(ctx, req)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, raw := range strings.Split(typed, ",") {
		insist := strings.HasSuffix(strings.TrimSpace(raw), "!")
		t := h.cfg.Topics.Normalize(strings.TrimSuffix(strings.TrimSpace(raw), "!"))
		switch {
		case t == "":
			continue
		case len([]rune(t)) > maxTopicLen:
			return nil, userErrorf("%s is a long topic; keep topics to a few words (up to %d characters) and put the rest in the note.", message.Code(t), maxTopicLen)
		case !insist && !slices.Contains(known, t):
			if s := closest(t, known); s != "" {
				return nil, userErrorf("I haven't heard %s as a topic before. Did you mean `%s`? If it really is a new topic, type it with a `!`: `%s!`.", message.Code(t), s, message.Esc(t))
			}
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	switch {
	case len(out) == 0:
		return nil, userErrorf("Which topic? e.g. `diabetes`, `mental-health`, `transportation`; several with commas: `diabetes,nutrition`.")
	case len(out) > maxTopics:
		return nil, userErrorf("That is %d topics; give at most %d, the ones that matter most.", len(out), maxTopics)
	}
	return out, nil
}

// needHint answers `needs transportation "no bus"`, a need being
// recorded, with the `need` that records it; nil when the words after
// `needs` do not start with a topic, or the lookup failed otherwise. A
// liaison is told only of the configured topics, never of those other
// partners raised.
func (h *Handler) needHint(ctx context.Context, req *Request, rest []Token, lookup error) error {
	if len(rest) == 0 || !noSuchPartner(lookup) && req.Role != RoleLiaison {
		return nil
	}
	known := h.cfg.Topics.Known()
	if req.Role != RoleLiaison {
		var err error
		if known, err = h.knownTopics(ctx, req); err != nil {
			return nil
		}
	}
	if !slices.Contains(known, h.cfg.Topics.Normalize(rest[0].Text)) {
		return nil
	}
	typed := make([]string, 0, len(rest)+1)
	for _, t := range rest {
		if t.Quoted {
			typed = append(typed, `"`+t.Text+`"`)
		} else {
			typed = append(typed, t.Text)
		}
	}
	if len(typed) == 1 {
		typed = append(typed, `"<what you heard>"`)
	}
	return userErrorf("`needs` lists the needs heard, every topic at once. To record one, it is `need`: %s.", message.Code(h.typed(req, "need "+strings.Join(typed, " "))))
}

// needsCommand lists the needs heard: `needs [period] [<partner>]`.
// A liaison sees those their organization told the team (toldBy).
func (h *Handler) needsCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	// `needs list` is the list.
	if len(a.pos) > 0 && !a.pos[0].Quoted && strings.EqualFold(a.pos[0].Text, "list") {
		a.pos = a.pos[1:]
	}
	period, rest, err := h.periodArg(ctx, req, a, needsDefault)
	if err != nil {
		return message.Reply{}, err
	}
	slug, scope, err := h.scopeArg(ctx, req, rest)
	if err != nil {
		if hint := h.needHint(ctx, req, rest, err); hint != nil {
			return message.Reply{}, hint
		}
		return message.Reply{}, err
	}
	var keep func(domain.Need) bool
	if req.Role == RoleLiaison {
		keep = toldBy(req)
	}
	topics, total, err := report.NeedsWhere(ctx, h.store, req.Team, slug, period.Counted(h.now()), keep)
	if err != nil {
		return message.Reply{}, err
	}
	if total == 0 {
		return message.Reply{Text: fmt.Sprintf("No community needs recorded for %s in %s. Record one with `%s`.", scope, period.Label, h.typed(req, `need <topic> "what you heard"`))}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, ":ear: *Community needs* — %s · %s · %s, most heard first (change from the period before)\n", scope, period.Label, message.Plural(total, "need"))
	shown := 0
	for _, tc := range topics {
		if tc.Count == 0 {
			continue
		}
		if shown == 10 {
			fmt.Fprintf(&b, "…and more: narrow it with a partner or a shorter period.\n")
			break
		}
		shown++
		fmt.Fprintf(&b, "%d. *%s* %d %s\n", shown, message.Esc(tc.Topic), tc.Count, tc.Trend())
		for _, n := range tc.Latest[:min(2, len(tc.Latest))] {
			src := ""
			if n.Partner != "" && slug == "" {
				src = " · " + message.Esc(h.partnerName(ctx, req.Team, n.Partner))
			}
			if s := message.SourceNote(n.Source); s != "" {
				src += " · " + s
			}
			fmt.Fprintf(&b, "    > %s — %s%s, %s\n", message.Esc(message.Clip(n.Note, 200)), message.Mention(n.Who), src, message.Date(n.At, h.now(), req.Loc))
		}
	}
	var gone []string
	for _, tc := range topics {
		if tc.Count == 0 {
			gone = append(gone, fmt.Sprintf("%s %s", message.Esc(tc.Topic), tc.Trend()))
		}
	}
	if len(gone) > 0 {
		fmt.Fprintf(&b, "Heard before, not this time: %s\n", strings.Join(gone, " · "))
	}
	return message.Reply{Text: b.String()}, nil
}

// typed is a command as this person types it at their door: with the
// slash command's name, or bare after a mention, in a DM, and for a
// liaison (Slack gives other organizations no slash command).
func (h *Handler) typed(req *Request, command string) string {
	if req.Door == DoorMention || req.Door == DoorDM || req.Role == RoleLiaison {
		return command
	}
	return h.cfg.Command + " " + command
}

// toldBy accepts the needs a liaison's organization recorded (a guest of
// the home team: their own). What the team itself noted about the
// partner stays the team's: liaisons see what they shared, as with
// contacts, where they see their own notes.
func toldBy(req *Request) func(domain.Need) bool {
	if req.UserTeam != "" && req.UserTeam != req.Team {
		return func(n domain.Need) bool { return n.Team == req.UserTeam }
	}
	return func(n domain.Need) bool { return n.Who == req.User }
}
