package domain

// Canvas is what the bot knows of a partner's channel canvas: its id in
// Slack, the channel it is in, and for each of its parts (by title) a
// hash of the markdown last written there, so that only parts that
// changed are written again.
type Canvas struct {
	ID      string
	Channel string
	Written map[string]string
}
