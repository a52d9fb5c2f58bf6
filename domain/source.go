package domain

// Source is the Slack message a record was made from, through a message
// shortcut ("Log as contact", "Record as need"): who wrote it and a link
// back to it. A partner's liaison's words kept this way stay theirs.
type Source struct {
	Author     string `json:"author"`                // Slack user id of who wrote the message
	AuthorTeam string `json:"author_team,omitempty"` // their Slack team: a partner's organization for a liaison
	Link       string `json:"link,omitempty"`        // the message's permalink (chat.getPermalink)
}
