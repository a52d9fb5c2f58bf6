package domain

import "time"

// Follow-up statuses.
const (
	StatusOpen      = "open"
	StatusDone      = "done"
	StatusCancelled = "cancelled"
)

// MaxReminders is how many times a follow-up is reminded (at its due
// time, then daily) before it is left to the team digest.
const MaxReminders = 3

// FollowUp is a promised next step F<n>.
type FollowUp struct {
	ID        int64
	Partner   string // slug
	Assignee  string
	Due       time.Time
	Text      string
	Status    string
	Shared    bool // visible to the partner's liaisons in its linked channel
	Snoozes   int
	Reminders int // reminders posted since it was created or last snoozed
	Job       string
	CreatedBy string
	Created   time.Time
	DoneBy    string
	DoneAt    time.Time

	RemindedAt time.Time
	MsgChannel string // where the last reminder was posted
	MsgTS      string

	// A repeating follow-up is a series of occurrences, each a follow-up
	// of its own: Series is the first one's id (0 for a follow-up that
	// does not repeat), Rule its recurrence (when.ParseRule) read on the
	// clock of Zone, the zone it was set in, and Occurs when this
	// occurrence came round (Due moves with a snooze; Occurs does not).
	// RuleText is the rule as people say it ("every weekday at 9:00"),
	// worked out when the series was set up and kept with each
	// occurrence, for what users read.
	Series   int64
	Rule     string
	RuleText string
	Zone     string
	Occurs   time.Time
	// Next is the occurrence that followed this one when it was closed,
	// 0 for none.
	Next int64
	// SeriesEnded: the series was ended (`cancel F12 all`); no
	// occurrence follows.
	SeriesEnded bool
}

// Repeats reports whether the follow-up is an occurrence of a series
// still going.
func (f FollowUp) Repeats() bool { return f.Series != 0 && !f.SeriesEnded }

// Follow-up changes.
const (
	ChangeDone   = "done"
	ChangeCancel = "cancel"
	ChangeSnooze = "snooze"
	// ChangeReschedule sets the due time to newDue, earlier or later.
	ChangeReschedule = "reschedule"
	// ChangeEndSeries cancels a repeating follow-up's open occurrence and
	// ends the series (`cancel F12 all`).
	ChangeEndSeries = "end-series"
)

// ParseFollowUpID reads "F12" (or "f12", "12") as 12.
func ParseFollowUpID(s string) (int64, bool) { return parseShortID(s, "F") }

// DoneOnTime reports whether a follow-up done was done by the end of the
// day it was due, in loc: one done when its reminder came, an hour after
// its 9:00, was not late.
func (f FollowUp) DoneOnTime(loc *time.Location) bool {
	y, m, d := f.Due.In(loc).Date()
	return f.DoneAt.Before(time.Date(y, m, d+1, 0, 0, 0, 0, loc))
}
