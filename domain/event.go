package domain

import (
	"strconv"
	"strings"
	"time"
)

// EventTypes are the kinds of events (SPEC §2).
var EventTypes = []string{"workshop", "seminar", "health-fair", "screening", "class", "display", "other"}

// Event is something run with a partner, E<n>.
type Event struct {
	ID      int64
	Partner string // the partner it was added for: its surveys go to that channel
	// With are the other partners it was run with (SPEC §2's partner(s)):
	// it is in each one's events, reports and exports too.
	With       []string
	Title      string
	Type       string
	Start, End time.Time
	Where      string
	Audience   string
	Resources  []string
	Registered int // -1 when unknown
	Attended   int // -1 when not recorded yet
	Organizer  string
	Created    time.Time
	// Cancelled is when it was cancelled (zero while it stands), and by
	// whom; a cancelled event is out of the lists and reports.
	Cancelled   time.Time
	CancelledBy string
}

// ParseEventID reads "E7" (or "e7", "7") as 7.
func ParseEventID(s string) (int64, bool) { return parseShortID(s, "E") }

func parseShortID(s, prefix string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 0 && strings.EqualFold(s[:1], prefix) {
		s = s[1:]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}
