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
}

// Follow-up changes.
const (
	ChangeDone   = "done"
	ChangeCancel = "cancel"
	ChangeSnooze = "snooze"
	// ChangeReschedule sets the due time to newDue, earlier or later.
	ChangeReschedule = "reschedule"
)

// ParseFollowUpID reads "F12" (or "f12", "12") as 12.
func ParseFollowUpID(s string) (int64, bool) { return parseShortID(s, "F") }
