package domain

import "time"

// Methods are the ways a contact can happen (SPEC §2).
var Methods = []string{"call", "email", "letter", "meeting", "visit", "message", "other"}

// Contact is one logged touchpoint with a partner.
type Contact struct {
	ID        int64     `json:"-"`
	Partner   string    `json:"-"`
	Method    string    `json:"method"`
	Direction string    `json:"dir"` // "out" (we reached them) or "in"
	Who       string    `json:"who"`
	When      time.Time `json:"when"`
	Summary   string    `json:"summary"`
	Outcome   string    `json:"outcome,omitempty"`
	Created   time.Time `json:"created"`
	// Source is the Slack message the contact was logged from, if any.
	Source *Source `json:"source,omitempty"`
}

// ParseContactID reads "C12" (or "c12", "12") as 12.
func ParseContactID(s string) (int64, bool) { return parseShortID(s, "C") }
