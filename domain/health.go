package domain

import (
	"fmt"
	"time"
)

// Health says how a partnership is doing against its stay-in-touch
// cadence (SPEC §2).
type Health struct {
	State  string    // HealthOnTrack, HealthDue or HealthOverdue
	OneWay bool      // three or more outbound contacts since the last inbound one
	DueAt  time.Time // when the cadence runs out
}

// Health states.
const (
	HealthOnTrack = "on track"
	HealthDue     = "due"
	HealthOverdue = "overdue"
	// HealthNotTracked is for paused and ended partnerships: no cadence,
	// no nudges.
	HealthNotTracked = "not tracked"
)

// OneWayAfter is how many outbound contacts in a row, with none inbound,
// flag a partner as one-way.
const OneWayAfter = 3

// Health computes the partner's health at now (SPEC §2). The clock starts
// at the last contact, whenever it was: history logged for a partner
// added today says truthfully how long it has been. Only a partner never
// contacted counts from when it was added.
func (p Partner) Health(now time.Time) Health {
	since := p.LastContact
	if since.IsZero() {
		since = p.Created
	}
	cad := p.Cadence
	if cad <= 0 {
		cad = DefaultCadenceDays
	}
	due := since.AddDate(0, 0, cad)
	// "due" covers the last 20 % of the cadence.
	warn := due.Add(-time.Duration(cad) * 24 * time.Hour / 5)
	h := Health{State: HealthOnTrack, OneWay: p.OutSinceIn >= OneWayAfter, DueAt: due}
	switch {
	case p.Stage == "paused" || p.Stage == "ended":
		h.State, h.OneWay = HealthNotTracked, false
	case !now.Before(due):
		h.State = HealthOverdue
	case !now.Before(warn):
		h.State = HealthDue
	}
	return h
}

// NudgeEvery is how often a partner past its cadence nudges its owner
// while nothing about it changes: weekly, not every working day.
const NudgeEvery = 7 * 24 * time.Hour

// Overdue returns the partners past their cadence at now: not archived,
// tracked; owned by owner unless owner is "". withQuiet keeps them all;
// without, only those due a nudge: not snoozed, and not nudged in the
// last week unless something changed since (NudgeMarkAt).
func Overdue(ps []Partner, now time.Time, owner string, withQuiet bool) []Partner {
	var out []Partner
	for _, p := range ps {
		if p.Archived || p.Health(now).State != HealthOverdue || (owner != "" && p.Owner != owner) {
			continue
		}
		if !withQuiet && (p.NudgeQuietUntil.After(now) || (now.Sub(p.NudgedAt) < NudgeEvery && p.NudgeMark == p.NudgeMarkAt(now))) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// NudgeMarkAt is what a nudge about the partner says that could change:
// its last contact, its cadence, the one-way flag.
func (p Partner) NudgeMarkAt(now time.Time) string {
	return fmt.Sprintf("%d|%d|%t", p.LastContact.UnixMilli(), p.Cadence, p.Health(now).OneWay)
}
