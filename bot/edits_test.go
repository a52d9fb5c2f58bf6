package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/slacktest"
)

// TestEditThatAddsTheMentionRuns: a message sent without the bot's
// mention reaches nothing; edited to add it, it is the first time the bot
// is asked, and its command runs, once: a redelivery of that edit, or a
// later edit, runs nothing, and the later edit is answered so.
func TestEditThatAddsTheMentionRuns(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	ts, id, err := tb.slack.UserMessage(tb.ctx(), "UMARIA", "C0TEAM", `log county call "Flu clinic"`)
	if err != nil || id != "" {
		t.Fatalf("a message without the mention: event %q, %v; want none", id, err)
	}
	id, _, err = tb.slack.EditMessage(tb.ctx(), "C0TEAM", ts, `<@UBOT> log county call "Flu clinic"`)
	if err != nil {
		t.Fatal(err)
	}
	tb.idle()
	p := tb.waitPost(func(p slacktest.Post) bool { return p.Kind == "postEphemeral" && p.User == "UMARIA" })
	if p.Text != `ok: log county call "Flu clinic"` {
		t.Errorf("answer to the edit that added the mention: %q; want the command's answer", p.Text)
	}
	if _, err := tb.slack.RedeliverEvent(tb.ctx(), id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tb.slack.EditMessage(tb.ctx(), "C0TEAM", ts, `<@UBOT> log county call "Flu clinic, 40 people"`); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if diff := cmp.Diff([]string{`log county call "Flu clinic"`}, tb.cmds.texts()); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
	p = tb.waitPost(func(p slacktest.Post) bool { return p.User == "UMARIA" && strings.Contains(p.Text, "changed nothing") })
	if !strings.Contains(p.Text, "mention me again in a new message: `log county call \"Flu clinic, 40 people\"`") {
		t.Errorf("answer to the second edit: %q; want the edited command to send anew", p.Text)
	}
}

// TestMentionRunsOnceWhateverComesFirst: a mention that arrives after an
// edit of its message ran (the edit reached another replica first) runs
// nothing more.
func TestMentionRunsOnceWhateverComesFirst(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	ts, _, err := tb.slack.UserMessage(tb.ctx(), "UMARIA", "C0TEAM", `log county call "Flu clinic"`)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tb.slack.EditMessage(tb.ctx(), "C0TEAM", ts, `<@UBOT> log county call "Flu clinic"`); err != nil {
		t.Fatal(err)
	}
	// The mention as first sent, delivered late with the same ts.
	if _, _, err := tb.slack.SendEvent(tb.ctx(), map[string]any{
		"type": "app_mention", "user": "UMARIA", "text": `<@UBOT> log county call "Flu clinic"`, "ts": ts, "channel": "C0TEAM", "event_ts": ts,
	}, false); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if got := tb.cmds.texts(); len(got) != 1 {
		t.Errorf("commands run %q; want one", got)
	}
}

// TestEditsRunNothingWhenUnsure: when the bot cannot tell whether a
// message ran (storage unreachable), an edit runs nothing and says so,
// while a mention as sent still runs.
func TestEditsRunNothingWhenUnsure(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.dedup.mu.Lock()
	tb.dedup.runsDown = true
	tb.dedup.mu.Unlock()
	ts, _, err := tb.slack.UserMessage(tb.ctx(), "UMARIA", "C0TEAM", `log county call "Flu clinic"`)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tb.slack.EditMessage(tb.ctx(), "C0TEAM", ts, `<@UBOT> log county call "Flu clinic"`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tb.slack.Mention(tb.ctx(), "UMARIA", "C0TEAM", "<@UBOT> partner list"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if diff := cmp.Diff([]string{"partner list"}, tb.cmds.texts()); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
	tb.waitPost(func(p slacktest.Post) bool { return p.User == "UMARIA" && strings.Contains(p.Text, "changed nothing") })
}

// TestEditedDMAnswered: an edited DM (message_changed) runs nothing and is
// answered in the DM with the edited command to send anew; the bot's own
// messages updated, and changes that leave the text alone (a link
// preview), pass in silence.
func TestEditedDMAnswered(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	for _, tc := range []struct{ user, wantHint string }{
		{"UMARIA", "`history <partner>`"},
		{"UDANA", ""},
	} {
		id, _, err := tb.slack.DirectMessage(tb.ctx(), tc.user, `log meeting "Planing call"`)
		if err != nil {
			t.Fatal(err)
		}
		ts, ok := tb.slack.MessageTS(id)
		if !ok {
			t.Fatal("no ts for the DM")
		}
		if _, _, err := tb.slack.EditMessage(tb.ctx(), "D"+tc.user, ts, `log meeting "Planning call"`); err != nil {
			t.Fatal(err)
		}
		tb.idle()
		p := tb.waitPost(func(p slacktest.Post) bool {
			return p.Channel == "D"+tc.user && strings.Contains(p.Text, "changed nothing")
		})
		if !strings.Contains(p.Text, "send it to me again as a new message: `log meeting \"Planning call\"`") ||
			strings.Contains(p.Text, "history") != (tc.wantHint != "") {
			t.Errorf("%s: answer to the edited DM %q; want the edited command to send anew, history hint %v", tc.user, p.Text, tc.wantHint != "")
		}
	}
	before := len(tb.slack.Posts())
	for _, ev := range []map[string]any{
		{"type": "message", "subtype": "message_changed", "hidden": true, "channel": "DUMARIA", "channel_type": "im", "ts": "2.000001",
			"message":          map[string]any{"type": "message", "user": botUser, "bot_id": "B0FAKEBOT", "text": "Done by maria", "ts": "1.000001"},
			"previous_message": map[string]any{"type": "message", "user": botUser, "bot_id": "B0FAKEBOT", "text": "Reminder", "ts": "1.000001"}},
		{"type": "message", "subtype": "message_changed", "hidden": true, "channel": "DUMARIA", "channel_type": "im", "ts": "2.000002",
			"message":          map[string]any{"type": "message", "user": "UMARIA", "text": "see https://example.org", "ts": "1.000002", "attachments": []any{map[string]any{"title": "Example"}}},
			"previous_message": map[string]any{"type": "message", "user": "UMARIA", "text": "see https://example.org", "ts": "1.000002"}},
	} {
		if _, _, err := tb.slack.SendEvent(tb.ctx(), ev, false); err != nil {
			t.Fatal(err)
		}
	}
	tb.idle()
	if posts := tb.slack.Posts()[before:]; len(posts) != 0 {
		t.Errorf("posts %+v; want none for the bot's own update and a link preview", posts)
	}
	if diff := cmp.Diff([]string{`log meeting "Planing call"`, `log meeting "Planing call"`}, tb.cmds.texts()); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
}

// TestLateEditRunsNothing: an edit that adds the mention long after its
// message was sent runs nothing, and says so.
func TestLateEditRunsNothing(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	now := tb.clock.Now()
	sent := now.Add(-2 * time.Hour)
	ts := fmt.Sprintf("%d.000100", sent.Unix())
	if _, _, err := tb.slack.SendEvent(tb.ctx(), map[string]any{
		"type": "app_mention", "user": "UMARIA", "text": `<@UBOT> log county call "Flu clinic"`, "ts": ts, "channel": "C0TEAM",
		"event_ts": fmt.Sprintf("%d.000200", now.Unix()), "edited": map[string]any{"user": "UMARIA", "ts": fmt.Sprintf("%d.000200", now.Unix())},
	}, false); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if got := tb.cmds.texts(); len(got) != 0 {
		t.Errorf("commands run %q; want none", got)
	}
	tb.waitPost(func(p slacktest.Post) bool { return p.User == "UMARIA" && strings.Contains(p.Text, "changed nothing") })
}
