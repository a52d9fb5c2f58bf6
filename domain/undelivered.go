package domain

import "time"

// JobFailure is why Slack refused a job's post for good.
type JobFailure struct {
	Job    string    `json:"-"`
	Reason string    `json:"error"`        // Slack's error, e.g. channel_not_found
	To     string    `json:"to,omitempty"` // where the post was going
	At     time.Time `json:"-"`
	// What names the post as the digest says it ("The digest", "The
	// reminder of `F12`"); the scheduler fills it in from the job's kind.
	What string `json:"-"`
}
