package bot

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// postWithButtons posts r as the bot (a reminder) and returns where.
func (tb *testBot) postWithButtons(to string, r message.Reply) (channel, ts string) {
	tb.t.Helper()
	channel, ts, err := tb.b.PostScheduled(tb.ctx(), to, "fu:1:1", r, tb.clock.Now())
	if err != nil {
		tb.t.Fatalf("post: %v", err)
	}
	return channel, ts
}

// press presses the button with action on the message channel/ts,
// finding its block and value in the message as posted.
func (tb *testBot) press(user, channel, ts, action string) slacktest.Ack {
	tb.t.Helper()
	var blocks json.RawMessage
	for _, p := range tb.slack.Posts() {
		if p.Channel == channel && p.TS == ts {
			blocks = p.Blocks
		}
	}
	var bs []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		tb.t.Fatalf("blocks of %s: %v", ts, err)
	}
	for _, b := range bs {
		for _, el := range b.Elements {
			if el.ActionID == action {
				a, err := tb.slack.BlockAction(tb.ctx(), user, channel, ts, action, b.BlockID, el.Value)
				if err != nil {
					tb.t.Fatalf("press %s: %v", action, err)
				}
				return a
			}
		}
	}
	tb.t.Fatalf("no %s button in %s", action, blocks)
	return slacktest.Ack{}
}

var reminder = message.Reply{Text: "⏰ Send the flyer", Choices: []message.Choice{
	{Label: "Done", Action: message.ActionDone, Value: "F1", Style: "primary"},
	{Label: "Snooze 1 day", Action: message.ActionSnoozeDay, Value: "F1"},
	{Label: "Log contact", Action: message.ActionLogContact, Value: "county"},
}}

// TestButtonPressUpdatesInPlaceAndTellsThePresser: a press runs Press
// with the button's action and value; the message is replaced in place
// (chat.update of the same ts) and the presser alone gets a note through
// the interaction's response_url.
func TestButtonPressUpdatesInPlaceAndTellsThePresser(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.cmds.press = func(req commands.Request, action, value string) commands.Pressed {
		if req.User != "UMARIA" || req.Role != commands.RoleMember {
			t.Errorf("press by %s as %v; want UMARIA as a member", req.User, req.Role)
		}
		upd := message.Reply{Text: "✅ Send the flyer: done by " + message.Mention(req.User)}
		return commands.Pressed{Update: &upd, Ephemeral: &message.Reply{Text: "Closed `" + value + "`."}}
	}
	channel, ts := tb.postWithButtons("UMARIA", reminder)
	if a := tb.press("UMARIA", channel, ts, message.ActionDone); len(a.Payload) != 0 {
		t.Errorf("ack payload %s; want an empty ack", a.Payload)
	}
	tb.idle()
	if diff := cmp.Diff([]string{"fu_done F1"}, tb.cmds.pressed); diff != "" {
		t.Errorf("presses (-want +got):\n%s", diff)
	}
	upd := tb.posts("update")
	if len(upd) != 1 || upd[0].Channel != channel || upd[0].TS != ts || upd[0].Text != "✅ Send the flyer: done by <@UMARIA>" {
		t.Fatalf("updates %+v; want the pressed message replaced in place", upd)
	}
	if strings.Contains(string(upd[0].Blocks), "fu_done") {
		t.Errorf("updated blocks %s still carry the buttons", upd[0].Blocks)
	}
	eph := tb.posts("response_url")
	if len(eph) != 1 || eph[0].User != "UMARIA" || eph[0].ResponseType != "ephemeral" || eph[0].Text != "Closed `F1`." || eph[0].ReplaceOriginal {
		t.Errorf("response_url posts %+v; want one ephemeral note to the presser", eph)
	}
}

// TestLogContactButtonOpensTheForm: the Log contact button opens the log
// form on the press's trigger, the partner filled in, without a command.
func TestLogContactButtonOpensTheForm(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	channel, ts := tb.postWithButtons("UMARIA", reminder)
	tb.press("UMARIA", channel, ts, message.ActionLogContact)
	tb.idle()
	views := tb.slack.OpenedViews()
	if len(views) != 1 || !strings.Contains(string(views[0]), `"initial_value":"county"`) {
		t.Errorf("opened views %s; want the log form for county", views)
	}
	if len(tb.cmds.pressed) != 0 {
		t.Errorf("presses %q; opening a form runs no command", tb.cmds.pressed)
	}
}

// openedView returns the id and JSON of the last modal opened.
func (tb *testBot) openedView() (string, json.RawMessage) {
	tb.t.Helper()
	views := tb.slack.OpenedViews()
	if len(views) == 0 {
		tb.t.Fatalf("no view opened")
	}
	var v struct {
		ID string `json:"id"`
	}
	last := views[len(views)-1]
	if err := json.Unmarshal(last, &v); err != nil {
		tb.t.Fatal(err)
	}
	return v.ID, last
}

func textInput(s string) map[string]any {
	return map[string]any{"type": "plain_text_input", "value": s}
}

func logValues(partner, method, summary string) map[string]map[string]any {
	return map[string]map[string]any{
		"partner":   {"value": textInput(partner)},
		"method":    {"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": method}}},
		"direction": {"value": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "in"}}},
		"when":      {"value": textInput("yesterday")},
		"summary":   {"value": textInput(summary)},
	}
}

// TestLogFormSubmission: a form with mistakes is answered with errors
// under its fields (plain text, within Slack's length); a good one closes
// and the confirmation reaches the person.
func TestLogFormSubmission(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.cmds.handle = func(commands.Request) message.Reply { return message.Reply{Form: message.FormLog} }
	tb.cmds.submitLog = func(req commands.Request, in commands.LogInput) (message.Reply, map[string]string) {
		if in.Partner == "contyhealth" {
			return message.Reply{Outcome: message.OutcomeUserError}, map[string]string{
				commands.FieldPartner: "I don't know a partner called `contyhealth`. Did you mean `county-health-dept`? " + strings.Repeat("More. ", 40),
			}
		}
		return message.Reply{Text: "✅ Logged " + in.Method + " ← *County Health Dept*: " + in.Summary}, nil
	}
	if _, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0TEAM", "/outreach", "log"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	viewID, _ := tb.openedView()

	ack, err := tb.slack.SubmitView(tb.ctx(), "UMARIA", viewID, nil, logValues("contyhealth", "call", "Talked"))
	if err != nil {
		t.Fatal(err)
	}
	var errs struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack.Payload, &errs); err != nil {
		t.Fatalf("ack %s: %v", ack.Payload, err)
	}
	msg := errs.Errors[commands.FieldPartner]
	if errs.Action != "errors" || !strings.HasPrefix(msg, "I don't know a partner called contyhealth. Did you mean county-health-dept?") ||
		len([]rune(msg)) > 150 {
		t.Errorf("errors ack %s; want the partner field's error as plain text of at most 150 characters", ack.Payload)
	}

	ack, err = tb.slack.SubmitView(tb.ctx(), "UMARIA", viewID, nil, logValues("county", "call", "Talked about the flu clinic"))
	if err != nil || len(ack.Payload) != 0 {
		t.Fatalf("good form: ack %s, %v; want an empty ack that closes it", ack.Payload, err)
	}
	tb.idle()
	want := commands.LogInput{Partner: "county", Method: "call", Direction: "in", When: "yesterday", Summary: "Talked about the flu clinic"}
	if diff := cmp.Diff(want, tb.cmds.logs[len(tb.cmds.logs)-1]); diff != "" {
		t.Errorf("form read as (-want +got):\n%s", diff)
	}
	p := tb.waitPost(func(p slacktest.Post) bool { return strings.Contains(p.Text, "Logged call") })
	if p.User != "UMARIA" || p.Channel != "C0TEAM" {
		t.Errorf("confirmation %+v; want it shown to UMARIA where the form was opened", p)
	}
}

// TestCommentForm: the Add a comment button opens the comment form for
// its survey; an empty comment is refused under the field; a comment is
// passed on with the survey id, the prompt updated in place and the
// person thanked.
func TestCommentForm(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	prompt := message.Reply{Text: "How useful was the workshop?", Choices: []message.Choice{{Label: "Add a comment", Action: message.ActionComment, Value: "S7"}}}
	channel, ts := tb.postWithButtons("C0SHARED", prompt)
	tb.cmds.onComment = func(req commands.Request, survey int64, text string) commands.Pressed {
		if text == "" {
			return commands.Pressed{Ephemeral: &message.Reply{Text: "The comment was *empty*, so I saved nothing.", Outcome: message.OutcomeUserError}}
		}
		if req.Role != commands.RoleLiaison || req.Channel != channel {
			t.Errorf("comment by %v in %s; want a liaison in %s", req.Role, req.Channel, channel)
		}
		upd := message.Reply{Text: "How useful was the workshop? (1 response)"}
		return commands.Pressed{Update: &upd, Channel: channel, TS: ts, Ephemeral: &message.Reply{Text: "Thanks, your comment is saved."}}
	}
	tb.press("UDANA", channel, ts, message.ActionComment)
	tb.idle()
	viewID, view := tb.openedView()
	if !strings.Contains(string(view), `"callback_id":"survey_comment"`) {
		t.Fatalf("opened %s; want the comment form", view)
	}
	comment := func(text string) map[string]map[string]any {
		return map[string]map[string]any{"comment": {"value": textInput(text)}}
	}
	ack, err := tb.slack.SubmitView(tb.ctx(), "UDANA", viewID, nil, comment(""))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(ack.Payload), `{"response_action":"errors","errors":{"comment":"The comment was empty, so I saved nothing."}}`; got != want {
		t.Errorf("empty comment: ack %s; want %s", got, want)
	}
	if ack, err = tb.slack.SubmitView(tb.ctx(), "UDANA", viewID, nil, comment("More evening sessions please")); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("comment: ack %s, %v; want an empty ack", ack.Payload, err)
	}
	tb.idle()
	if diff := cmp.Diff([]string{"7 ", "7 More evening sessions please"}, tb.cmds.comment); diff != "" {
		t.Errorf("comments passed on (-want +got):\n%s", diff)
	}
	if upd := tb.posts("update"); len(upd) != 1 || upd[0].TS != ts || upd[0].Text != "How useful was the workshop? (1 response)" {
		t.Errorf("updates %+v; want the prompt updated in place", upd)
	}
	tb.waitPost(func(p slacktest.Post) bool { return p.User == "UDANA" && p.Text == "Thanks, your comment is saved." })
}

// TestConfirmationsReachThePersonWhereTheBotIsNot: in a public channel
// the bot never joined (it posts there with chat:write.public, but may not
// post ephemeral messages), a form's confirmation goes through the
// response_url of the command or press that opened it, carried in the
// form's private_metadata; when that is used up, to the person's DM.
func TestConfirmationsReachThePersonWhereTheBotIsNot(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.slack.AddChannel(slacktest.Channel{ID: "C0PUBLIC", Name: "community", NotJoined: true})
	tb.cmds.handle = func(commands.Request) message.Reply { return message.Reply{Form: message.FormLog} }
	thanks := func(text string) func(commands.Request, int64, string) commands.Pressed {
		return func(commands.Request, int64, string) commands.Pressed {
			return commands.Pressed{Update: &message.Reply{Text: "How was the fair? (1 response)"}, Ephemeral: &message.Reply{Text: text}}
		}
	}
	tb.cmds.onComment = thanks("Thanks, your comment is saved.")
	confirmed := func(text string) slacktest.Post {
		t.Helper()
		tb.idle()
		for _, p := range tb.slack.Posts() {
			if strings.Contains(p.Text, text) {
				return p
			}
		}
		t.Fatalf("no confirmation %q; posts %+v", text, tb.slack.Posts())
		return slacktest.Post{}
	}

	// The log form, from the slash command.
	if _, err := tb.slack.SlashCommand(tb.ctx(), "UMARIA", "C0PUBLIC", "/outreach", "log"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	viewID, _ := tb.openedView()
	if _, err := tb.slack.SubmitView(tb.ctx(), "UMARIA", viewID, nil, logValues("county", "call", "Talked")); err != nil {
		t.Fatal(err)
	}
	if p := confirmed("Logged call"); p.Kind != "response_url" || p.User != "UMARIA" || p.Channel != "C0PUBLIC" {
		t.Errorf("log confirmation %+v; want it shown to UMARIA in C0PUBLIC through the command's response_url", p)
	}

	// The comment form, from a survey prompt posted there.
	prompt := message.Reply{Text: "How was the fair?", Choices: []message.Choice{{Label: "Add a comment", Action: message.ActionComment, Value: "S3"}}}
	channel, ts := tb.postWithButtons("C0PUBLIC", prompt)
	tb.press("ULEAD", channel, ts, message.ActionComment)
	tb.idle()
	commentID, commentView := tb.openedView()
	if _, err := tb.slack.SubmitView(tb.ctx(), "ULEAD", commentID, nil, map[string]map[string]any{"comment": {"value": textInput("More of these")}}); err != nil {
		t.Fatal(err)
	}
	if p := confirmed("comment is saved"); p.Kind != "response_url" || p.User != "ULEAD" {
		t.Errorf("comment thanks %+v; want it through the press's response_url", p)
	}

	// The press's response_url used up (five posts): the DM.
	var v struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal(commentView, &v); err != nil {
		t.Fatal(err)
	}
	var meta struct {
		R string `json:"r"`
	}
	if err := json.Unmarshal([]byte(v.PrivateMetadata), &meta); err != nil || meta.R == "" {
		t.Fatalf("private_metadata %q lacks the response_url", v.PrivateMetadata)
	}
	for i := range 4 {
		if err := tb.b.respond(meta.R, message.Reply{Text: "filler " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	tb.cmds.onComment = thanks("Thanks again, your comment is replaced.")
	if _, err := tb.slack.SubmitView(tb.ctx(), "ULEAD", commentID, nil, map[string]map[string]any{"comment": {"value": textInput("And more")}}); err != nil {
		t.Fatal(err)
	}
	if p := confirmed("comment is replaced"); p.Kind != "postMessage" || p.Target != "ULEAD" {
		t.Errorf("thanks after the response_url was used up: %+v; want a DM to ULEAD", p)
	}
}

// TestPressOnEphemeralReplacesIt: an ephemeral message (a question to
// confirm) can only be changed through the press's response_url; a press
// whose outcome replaces the pressed message replaces it there
// (replace_original), never with chat.update, and its feed line is posted.
func TestPressOnEphemeralReplacesIt(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{cfg: Config{FeedChannel: "C0FEED"}})
	tb.cmds.handle = func(req commands.Request) message.Reply {
		return message.Reply{Text: "That call would be dated Mon Mar 4 2019", Outcome: message.OutcomeOK,
			Choices: []message.Choice{{Label: "Log it", Action: commands.ActionConfirm, Value: req.Text + " confirm", Style: "primary"}}}
	}
	tb.cmds.press = func(req commands.Request, action, value string) commands.Pressed {
		return commands.Pressed{Update: &message.Reply{Text: "Logged call (Mon Mar 4 2019)", Feed: "<@UMARIA> logged a call", Outcome: message.OutcomeOK}}
	}
	if _, _, err := tb.slack.Mention(tb.ctx(), "UMARIA", "C0TEAM", `<@UBOT> log county call "Old" when:2019-03-04`); err != nil {
		t.Fatal(err)
	}
	q := tb.waitPost(func(p slacktest.Post) bool { return p.Kind == "postEphemeral" })
	tb.press("UMARIA", q.Channel, q.TS, commands.ActionConfirm)
	tb.idle()
	if diff := cmp.Diff([]string{`confirm log county call "Old" when:2019-03-04 confirm`}, tb.cmds.pressed); diff != "" {
		t.Errorf("presses (-want +got):\n%s", diff)
	}
	if upd := tb.posts("update"); len(upd) != 0 {
		t.Errorf("chat.update of an ephemeral message: %+v", upd)
	}
	r := tb.posts("response_url")
	if len(r) != 1 || !r[0].ReplaceOriginal || r[0].TS != q.TS || r[0].User != "UMARIA" || r[0].Text != "Logged call (Mon Mar 4 2019)" {
		t.Errorf("response_url posts %+v; want the question replaced by the outcome", r)
	}
	feed := tb.waitPost(func(p slacktest.Post) bool { return p.Channel == "C0FEED" })
	if feed.Text != "<@UMARIA> logged a call" {
		t.Errorf("feed post %+v", feed)
	}
}
