package commands

import (
	"errors"
	"time"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/when"
)

// periodHelp says what a period may be, for errors.
const periodHelp = "`30d`, `12w`, `6mo`, `month`, `last-month`, `quarter`, `last-quarter`, `year`, `2026`, `2026-Q3`, `2026-11` or `2026-09-01..2026-11-30`"

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
		return when.Period{}, userErrorf("I can't read %s as a date in a period; write it like `2026-09-01..2026-11-30`.", message.Code(pe.Text))
	case when.Backwards:
		return when.Period{}, userErrorf("%s ends before it starts; put the earlier date first.", message.Code(pe.Text))
	}
	return when.Period{}, userErrorf("I can't read %s as a period. Try %s.", message.Code(pe.Text), periodHelp)
}

// periodArg takes the period from `period:` or the first word when it
// reads as one; rest is what remains (a partner). def is the period when
// none is given.
func (h *Handler) periodArg(req *Request, a args, def string) (when.Period, []Token, error) {
	now := h.now()
	if v, ok := a.opt("period"); ok {
		p, err := parsePeriod(v, now, req.Loc)
		return p, a.pos, err
	}
	if len(a.pos) > 0 && !a.pos[0].Quoted {
		if p, err := parsePeriod(a.pos[0].Text, now, req.Loc); err == nil {
			return p, a.pos[1:], nil
		}
	}
	p, err := parsePeriod(def, now, req.Loc)
	return p, a.pos, err
}
