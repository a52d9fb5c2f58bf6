package message

import "fmt"

// NotInTeamChannel is the note over a post for the team alone (the
// digest, the monthly report: every partner's figures) that goes to the
// admins instead of the team channel `to`, because Slack says the channel
// is shared with another organization (reason "shared_channel"), or
// because Slack would not say ("unchecked:<error>").
func NotInTeamChannel(to, reason string) Reply {
	where := ChannelLink(to)
	if reason == "shared_channel" {
		return Reply{Text: fmt.Sprintf(":lock: I didn't post this to %s: Slack says the channel is now shared with another organization, "+
			"and this shows every partner's figures. Here it is instead. Set `OUTREACH_TEAM_CHANNEL` to a channel only the team is in, "+
			"or take the other organization out of %s.", where, where)}
	}
	return Reply{Text: fmt.Sprintf(":lock: I didn't post this to %s: %s. Here it is instead; I'll check again next time.",
		where, UndeliveredReason(reason))}
}
