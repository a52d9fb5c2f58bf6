package store

import "time"

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

// Health computes the partner's health at now. The clock starts at the
// last contact, or at registration for a partner never contacted.
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

// Overdue returns the partners that need a nudge at now: not archived,
// tracked, and past their cadence; owned by owner unless owner is "".
// withQuiet keeps those whose nudges are snoozed.
func Overdue(ps []Partner, now time.Time, owner string, withQuiet bool) []Partner {
	var out []Partner
	for _, p := range ps {
		if p.Archived || p.Health(now).State != HealthOverdue || (owner != "" && p.Owner != owner) {
			continue
		}
		if !withQuiet && p.NudgeQuietUntil.After(now) {
			continue
		}
		out = append(out, p)
	}
	return out
}
