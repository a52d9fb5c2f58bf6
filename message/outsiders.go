package message

import "fmt"

// Notice is a message for the outreach team: a DM to To (a user id).
// Once, when set, names it so that a door sends it at most once a day
// (several refusals in a row make one notice).
type Notice struct {
	To, Text, Once string
}

// UnnamedOrgRefused tells a partner's owner that someone from another
// organization asked for something in the partner's channel and was
// refused, because the channel holds several organizations and nobody has
// said which is the partner's. command is the slash command's name.
func UnnamedOrgRefused(owner, user, channel, partnerName, slug, command string) Notice {
	return Notice{To: owner, Once: "unnamed-org:" + slug + ":" + user,
		Text: fmt.Sprintf(":lock: %s, from another organization, asked me for something in %s for *%s*, and I refused: "+
			"%s is shared with several organizations and nobody has said which one is *%s*'s. "+
			"If %s works there, name their organization with `%s partner set %s org:%s`; until then no one from outside can act for *%s*.",
			Mention(user), ChannelLink(channel), Esc(partnerName), ChannelLink(channel), Esc(partnerName),
			Mention(user), command, slug, Mention(user), Esc(partnerName))}
}

// SharedWithSeveral tells a partner's owner that the partner's channel is
// now shared with several organizations and none of them may act for the
// partner until someone says which is its own.
func SharedWithSeveral(owner, channel, partnerName, slug, command string, orgs int) Notice {
	return Notice{To: owner, Once: "shared-several:" + slug,
		Text: fmt.Sprintf(":lock: %s, linked to *%s*, is now shared with %d organizations, and I can't tell which one is *%s*'s, "+
			"so no one from outside can act for it yet. Name it with `%s partner set %s org:@<someone from it>`.",
			ChannelLink(channel), Esc(partnerName), orgs, Esc(partnerName), command, slug)}
}
