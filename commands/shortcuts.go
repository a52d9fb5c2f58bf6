package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// Shortcut is what the form of a message shortcut ("Log as contact",
// "Record as need") opens with.
type Shortcut struct {
	// Partner is the channel's linked partner (its id); "" when the
	// channel has none, and the form asks.
	Partner string
	// Direction is "in" when the message came from outside the team (a
	// partner's liaison reached us), else "out".
	Direction string
	// Topics are the need topics the message names ("diabetes", "bus"
	// for transportation), for Record as need; none when it names none.
	Topics []string
}

// MessageShortcut prepares the form a message shortcut opens on a
// message (its words, as Slack sends them) written in req.Channel by
// someone of Slack team authorTeam.
// What the form records is checked on submission exactly as if typed;
// this only fills it in, and turns away at once a liaison (Slack offers
// shortcuts only to our own workspace, so a guest) who could not record
// anything here: the reply says so. req.Role must be set.
func (h *Handler) MessageShortcut(ctx context.Context, req Request, authorTeam, text string) (Shortcut, *message.Reply) {
	sc := Shortcut{Direction: "out", Topics: h.topicsIn(Unlink(text))}
	if authorTeam != "" && authorTeam != req.Team {
		sc.Direction = "in"
	}
	p, err := h.store.ResolvePartner(ctx, req.Team, h.ref(&req, ""))
	switch {
	case err == nil:
		sc.Partner = p.Slug
	case req.Role == RoleLiaison:
		// Only the channel's own partner, and only for its organization.
		if errors.Is(err, store.ErrNoPartner) || errors.Is(err, store.ErrNotFound) {
			err = errDenied
		}
		r := h.fail(req, "shortcut", err)
		return sc, &r
	case errors.Is(err, store.ErrNoPartner), errors.Is(err, store.ErrNotFound):
		// No partner linked here: the form asks which.
	default:
		// Storage away: the form opens empty, and its submission says so
		// if storage is still away.
		h.log.Warn("shortcut: the channel's partner", "err", err)
	}
	return sc, nil
}

// topicsIn finds the known need topics text names, by a word or two
// ("mental health"), synonyms folded: at most maxTopics, in order.
func (h *Handler) topicsIn(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	known := h.cfg.Topics.Known()
	var out []string
	add := func(w string) {
		if t := h.cfg.Topics.Normalize(w); slices.Contains(known, t) && !slices.Contains(out, t) && len(out) < maxTopics {
			out = append(out, t)
		}
	}
	for i, w := range words {
		if i+1 < len(words) {
			add(w + " " + words[i+1])
		}
		add(w)
	}
	return out
}
