package message

import (
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

// What people read about scheduled posts Slack would not take: in the
// admins' DM when one is forwarded to them, on the follow-up in
// `followups`, and in the digest.

// UndeliveredReason says in words why Slack refused a post; reason is
// Slack's error, or "gave_up:<error>", "cannot_check:<error>".
func UndeliveredReason(reason string) string {
	kind, slackErr, ok := strings.Cut(reason, ":")
	if ok {
		switch kind {
		case "gave_up":
			return fmt.Sprintf("every try failed, for an hour (%s)", Code(slackErr))
		case "cannot_check":
			return fmt.Sprintf("after a retry I couldn't check whether it had gone out (%s), so it went to the admins", UndeliveredReason(slackErr))
		case "unchecked":
			return fmt.Sprintf("I couldn't check that only the team is in the channel (%s), so it went to the admins", Code(slackErr))
		}
	}
	switch reason {
	case "shared_channel":
		return "the channel is shared with another organization, so it went to the admins"
	case "not_in_channel":
		return "I'm not a member of that channel"
	case "channel_not_found":
		return "Slack says the channel doesn't exist, or it is private and I'm not in it"
	case "is_archived":
		return "the channel is archived"
	case "user_not_found", "user_disabled", "user_is_deactivated":
		return "the person's Slack account is deactivated or gone"
	case "cannot_dm_bot":
		return "that's a bot, which I can't message"
	case "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel":
		return "the channel's settings don't let me post there"
	}
	return fmt.Sprintf("Slack refused it (%s)", Code(reason))
}

// NotPosted is the note over a post meant for `to` that goes to the
// admins instead: Slack refused it for reason, or (cannotCheck) it was
// being tried again and Slack would not show whether the first try went
// out, so posting it could have doubled it.
func NotPosted(to, reason string, cannotCheck bool) Reply {
	where := ChannelLink(to)
	if !isChannelID(to) {
		where = Mention(to) + "'s DM"
	}
	if cannotCheck {
		return Reply{Text: fmt.Sprintf(":warning: I didn't post this to %s. I was trying again after a restart or a timeout, and "+
			"I couldn't check whether the first try had gone out (%s), so posting it could have doubled it. "+
			"If it isn't there, please pass it on. So that I can check next time, invite me: `/invite @Outreach` in %s.",
			where, UndeliveredReason(reason), where)}
	}
	fix := "Check the channel, or set another one (`partner set <partner> channel:#…`; for the digest, `OUTREACH_TEAM_CHANNEL`)."
	if reason == "not_in_channel" || reason == "channel_not_found" {
		fix = fmt.Sprintf("Invite me with `/invite @Outreach` in %s, or set another channel (`partner set <partner> channel:#…`; for the digest, `OUTREACH_TEAM_CHANNEL`).", where)
	}
	return Reply{Text: fmt.Sprintf(":warning: I couldn't post this to %s: %s. Here it is instead. %s", where, UndeliveredReason(reason), fix)}
}

// Forwarded is msg under note, as text, with its files (a report's
// charts): its buttons belong where it was going.
func Forwarded(note, msg Reply) Reply {
	var b strings.Builder
	b.WriteString(note.Text + "\n\n" + msg.Text)
	for _, s := range msg.Sections {
		b.WriteString("\n" + s.Text)
	}
	return Reply{Text: b.String(), Files: msg.Files}
}

// UndeliveredNote marks a follow-up whose reminder Slack refused.
func UndeliveredNote(f domain.JobFailure) string {
	return " · :warning: reminder not delivered: " + UndeliveredReason(f.Reason)
}

// UndeliveredLine is one refused post in the digest.
func UndeliveredLine(f domain.JobFailure, now time.Time, loc *time.Location) string {
	what := f.What
	if what == "" {
		what = "A scheduled post"
	}
	to := ""
	switch {
	case isChannelID(f.To):
		to = " to " + ChannelLink(f.To)
	case f.To != "":
		to = " to " + Mention(f.To)
	}
	return fmt.Sprintf("• %s%s, %s: %s", what, to, Ago(now, f.At, loc), UndeliveredReason(f.Reason))
}

func isChannelID(id string) bool {
	return id != "" && (id[0] == 'C' || id[0] == 'G' || id[0] == 'D') && slackID.MatchString(id)
}
