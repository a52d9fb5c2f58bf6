package commands

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/when"
)

// periodHelp says what a period may be, for errors.
const periodHelp = "`30d`, `12w`, `6mo`, `month`, `last month`, `november`, `quarter`, `last quarter`, `year`, `last year`, `2026`, `2026-Q3`, `2026-11`, `since oct 1` or `2026-09-01..2026-11-30`"

// parsePeriod is when.ParsePeriod with its errors said to the person who
// typed the period, saying what to type instead.
func parsePeriod(s string, now time.Time, loc *time.Location) (when.Period, error) {
	p, err := when.ParsePeriod(s, now, loc)
	var pe *when.PeriodError
	if !errors.As(err, &pe) {
		return p, err
	}
	switch pe.Problem {
	case when.BadDay:
		if strings.HasPrefix(pe.Text, "since ") {
			return when.Period{}, userErrorf("I can't read %s as a day or a month: try `since oct 1`, `since october` or `since 2026-09-01`.", message.Code(pe.Text))
		}
		return when.Period{}, userErrorf("I can't read %s as a date in a period; write it like `2026-09-01..2026-11-30`.", message.Code(pe.Text))
	case when.Backwards:
		return when.Period{}, userErrorf("%s ends before it starts; put the earlier date first.", message.Code(pe.Text))
	case when.Ahead:
		return when.Period{}, userErrorf("%s begins after now, and a period counts what has happened: try `since oct 1`.", message.Code(pe.Text))
	}
	return when.Period{}, userErrorf("I can't read %s as a period. Try %s.", message.Code(pe.Text), periodHelp)
}

// periodArg takes the period from `period:` or the words that read as
// one (periodWords); rest is what remains (a partner). def is the period
// when none is given.
func (h *Handler) periodArg(ctx context.Context, req *Request, a args, def string) (when.Period, []Token, error) {
	if p, rest, _, ok, err := h.periodWords(ctx, req, a); ok || err != nil {
		return p, rest, err
	}
	p, err := parsePeriod(def, h.now(), req.Loc)
	return p, a.pos, err
}

// periodWords takes the period from `period:`, or from the longest run of
// first words that reads as one (`last 30 days` before `last`, `last
// month` as `last-month`), or else of last words (`county last quarter`)
// unless all the words name a partner; ok is false when there is none.
// rest is what remains, words what was read as the period (none for
// `period:`).
func (h *Handler) periodWords(ctx context.Context, req *Request, a args) (p when.Period, rest, words []Token, ok bool, err error) {
	now := h.now()
	if v, given := a.opt("period"); given {
		p, err := parsePeriod(v, now, req.Loc)
		return p, a.pos, nil, true, err
	}
	const longest = 4 // "the last 30 days"
	for n := min(longest, len(a.pos)); n >= 1; n-- {
		text := Unlink(joinText(a.pos[:n]))
		p, err := parsePeriod(text, now, req.Loc)
		if err != nil {
			continue
		}
		// A period of words alone (`march`, `may`) may begin a partner's
		// name (`March of Dimes`): it is a period when what follows is a
		// partner; else the words are left to the partner and a period
		// at the end (`march of dimes last month`).
		if n < len(a.pos) && !strings.ContainsAny(text, "0123456789") {
			if _, err := h.store.ResolvePartner(ctx, req.Team, h.ref(req, Unlink(joinText(a.pos[n:])))); err != nil {
				break
			}
		}
		return p, a.pos[n:], a.pos[:n], true, nil
	}
	// "since" begins nothing but a period: say what is wrong with it
	// rather than look for a partner called "since tomorrow".
	if len(a.pos) > 1 && !a.pos[0].Quoted && strings.EqualFold(a.pos[0].Text, "since") {
		_, err := parsePeriod(Unlink(joinText(a.pos[:2])), now, req.Loc)
		return when.Period{}, a.pos, nil, false, err
	}
	for n := min(longest, len(a.pos)-1); n >= 1; n-- {
		at := len(a.pos) - n
		p, err := parsePeriod(Unlink(joinText(a.pos[at:])), now, req.Loc)
		if err != nil {
			continue
		}
		// Only words that end like a period cost a lookup: "Class of
		// 2026" may be a partner.
		if _, err := h.store.ResolvePartner(ctx, req.Team, h.ref(req, Unlink(joinText(a.pos)))); err == nil {
			break
		}
		return p, a.pos[:at], a.pos[at:], true, nil
	}
	return when.Period{}, a.pos, nil, false, nil
}
