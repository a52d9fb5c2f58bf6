package message

// Texts the Slack door shows on its own, about how Slack behaves rather
// than about a command.

// EditedMention answers someone who edited a message that mentioned the
// bot. Slack delivers the edit as a new mention; acting on it would do
// again what the first one did (a contact logged twice), so edits are
// never run. typed is the edited command, shown back as code; member says
// whether `history` is theirs to run.
func EditedMention(typed string, member bool) Reply {
	return edited(typed, member, "mention me again in a new message", "edited mention")
}

// EditedDM is EditedMention's twin for a DM to the bot: the message ran
// when it was sent, and its edit runs nothing.
func EditedDM(typed string, member bool) Reply {
	return edited(typed, member, "send it to me again as a new message", "edited message")
}

func edited(typed string, member bool, again, command string) Reply {
	text := ":pencil2: I don't act on edited messages, so your edit changed nothing: what I did when you first sent it stands."
	if typed != "" {
		text += " To run it as edited, " + again + ": " + Code(typed) + "."
	}
	if member {
		text += " `history <partner>` shows what was logged."
	}
	return Reply{Text: text, Outcome: OutcomeOK, Command: command}
}

// SlackRefusing answers a person while Slack refuses the bot's calls (a
// revoked token, a missing scope): nothing was done, and only an admin
// can fix it.
func SlackRefusing() Reply {
	return Reply{Text: ":warning: Slack is refusing my requests right now, so I did nothing. An admin needs to reinstall the app (or renew its token); the bot's logs say which permission is missing. Try again once that's done.",
		Outcome: OutcomeUnavailable}
}
