package message

// Texts the Slack door shows on its own, about how Slack behaves rather
// than about a command.

// EditedMention answers someone who edited a message that mentioned the
// bot. Slack delivers the edit as a new mention; acting on it would do
// again what the first one did (a contact logged twice), so edits are
// never run. typed is the edited command, shown back as code; member says
// whether `history` is theirs to run.
func EditedMention(typed string, member bool) Reply {
	text := ":pencil2: I don't act on edited messages, so your edit changed nothing: what I did when you first sent it stands."
	if typed != "" {
		text += " To run it as edited, mention me again in a new message: " + Code(typed) + "."
	}
	if member {
		text += " `history <partner>` shows what was logged."
	}
	return Reply{Text: text, Outcome: OutcomeOK, Command: "edited mention"}
}
