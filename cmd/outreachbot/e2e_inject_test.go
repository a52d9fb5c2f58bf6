package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// specialMention is a broadcast Slack acts on wherever it reads mrkdwn:
// <!here>, <!channel>, <!everyone> (<!group>, the legacy synonym) and
// user groups <!subteam^ID>, with or without a |label (Slack's formatting
// reference; see commands.liveBroadcast).
var specialMention = regexp.MustCompile(`(?i)<!(?:here|channel|everyone|group|subteam\^)`)

// plainBroadcast is a broadcast as typed, which Slack's automatic parsing
// turns into a mention in a mrkdwn text object without verbatim.
var plainBroadcast = regexp.MustCompile(`(?i)@(?:here|channel|everyone)\b`)

// liveBroadcasts says where a message as Slack received it would notify a
// crowd: a special mention in its top-level text (mrkdwn), in any mrkdwn
// text object, or a plain @here in a mrkdwn text object Slack parses
// (verbatim not set). plain_text objects and button values are shown or
// kept as they are and notify nobody.
func liveBroadcasts(text string, blocks json.RawMessage) []string {
	var out []string
	if m := specialMention.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("%s in the text %q", m, text))
	}
	if len(blocks) == 0 {
		return out
	}
	var v any
	if err := json.Unmarshal(blocks, &v); err != nil {
		return append(out, fmt.Sprintf("blocks that are not JSON: %v", err))
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if x["type"] == "mrkdwn" {
				s, _ := x["text"].(string)
				if m := specialMention.FindString(s); m != "" {
					out = append(out, fmt.Sprintf("%s in %q", m, s))
				}
				if verbatim, _ := x["verbatim"].(bool); !verbatim {
					if m := plainBroadcast.FindString(s); m != "" {
						out = append(out, fmt.Sprintf("%s in %q, not verbatim", m, s))
					}
				}
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// TestEndToEndNoBroadcastReachesSlack: broadcasts typed at every door,
// as Slack delivers them (a typed @channel is <!channel>, a literal
// "&lt;!channel&gt;" arrives escaped once more), into a need's topic, a
// partner's name, a contact, a follow-up, an event and a person, with
// the activity feed on. Nothing the fake Slack received — acks,
// messages, ephemeral replies, feed posts, reminders and notes the
// scheduler posted, the App Home, modals, files — carries a live
// broadcast, and the typed text is there, escaped.
func TestEndToEndNoBroadcastReachesSlack(t *testing.T) {
	// Every automatic job may post in its three hours: whatever posts is
	// read for broadcasts too.
	e := startE2EOpts(t, e2eOptions{env: map[string]string{"OUTREACH_FEED_CHANNEL": "C0FEED", "OUTREACH_QUIET_HOURS": "off"}, may: automaticJobs})
	e.slack.AddChannel(slacktest.Channel{ID: "C0FEED", Name: "outreach-feed"})
	var acks []ackReply
	slash := func(text string) {
		acks = append(acks, e.slash("U0MARIA", "C0OUTREACH", text))
	}
	slash(`partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared> owner:<@U0MARIA|maria>`)
	// As Slack delivers them: a typed @channel is <!channel>, a literal
	// "<!channel>" arrives escaped, "&lt;!channel&gt;", which the bot
	// decodes. Commands' generated test types every broadcast into every
	// command; here each door and each kind of post once. Each write posts
	// a feed line, a second apart.
	const lit = "&lt;!channel&gt;"
	writes := 1 // the partner above
	for _, text := range []string{
		`need <!channel>! "Flu shots"`,
		`need ` + lit + `! "Flu shots ` + lit + `"`,
		`partner add "Clinic ` + lit + `"`,
		`followup county "in 2 hours" "Call ` + lit + `"`,
		`log county call "Old ` + lit + `" when:"400 days ago"`, // a question: nothing stored, no feed line
	} {
		slash(text)
	}
	writes += 4
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", `<@UBOT> log meeting "Note `+lit+`"`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0MARIA", `need `+lit+`! "Heard in a DM `+lit+`"`); err != nil {
		t.Fatal(err)
	}
	writes += 2
	for _, text := range []string{"history county 100", "partner list", "needs", "partner show county", "followups all"} {
		slash(text)
	}
	if _, err := e.slack.AppHomeOpened(e.ctx(), "U0MARIA"); err != nil {
		t.Fatal(err)
	}
	feedPosts := func(p slacktest.Post) bool { return p.Channel == "C0FEED" }
	for i := 0; e.count(feedPosts) < writes; i++ {
		if i == 3000 {
			var got []string
			for _, p := range e.slack.Posts() {
				if feedPosts(p) {
					got = append(got, fmt.Sprintf("%s %q", p.At.Format("15:04:05.000"), p.Text))
				}
			}
			t.Fatalf("%d feed posts after 30 s; want %d:\n%s", e.count(feedPosts), writes, strings.Join(got, "\n"))
		}
		time.Sleep(10 * time.Millisecond) // the bot's posts under way, not time passing
	}
	// Reminders and the liaison's notes to the owner come from the
	// scheduler.
	e.tick(3 * time.Hour)
	if p := e.waitPost(kindPost(store.JobReminder)); !strings.Contains(p.Text, "Call &lt;!channel&gt;") {
		t.Errorf("the reminder reads %q; want the follow-up's text escaped", p.Text)
	}
	if p := e.waitPost(kindPost(store.JobNote)); !strings.Contains(p.Text, "Note &lt;!channel&gt;") {
		t.Errorf("the liaison's note to the owner reads %q; want the note escaped", p.Text)
	}

	feed, escaped := 0, 0
	check := func(where, text string, blocks json.RawMessage) {
		t.Helper()
		for _, live := range liveBroadcasts(text, blocks) {
			t.Errorf("%s: a live broadcast: %s", where, live)
		}
		if strings.Contains(text+string(blocks), "&lt;!channel&gt;") {
			escaped++
		}
	}
	for _, a := range acks {
		var blocks json.RawMessage
		if len(a.Blocks) > 0 {
			blocks, _ = json.Marshal(a.Blocks)
		}
		check("an ack", a.Text, blocks)
	}
	for _, p := range e.slack.Posts() {
		if p.Channel == "C0FEED" {
			feed++
		}
		check(fmt.Sprintf("%s to %s", p.Kind, p.Channel), p.Text, p.Blocks)
	}
	for _, v := range append(e.slack.PublishedViews("U0MARIA"), e.slack.OpenedViews()...) {
		check("a view", "", v)
	}
	for _, u := range e.slack.Uploads() {
		check("a file's name", u.Filename, nil)
		check("a file's title", u.Title, nil)
		check("a file's comment", u.InitialComment, nil)
	}
	if feed != writes || escaped < 8 {
		t.Errorf("%d feed posts, %d payloads with the typed text escaped; the broadcasts did not get through", feed, escaped)
	}
}
