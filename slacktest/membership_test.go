package slacktest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestFileShareNeedsMembership: files.completeUploadExternal shares a
// file only where the bot is a member (not_in_channel in a public channel
// it may post into with chat:write.public; channel_not_found in a private
// one it is not in), and conversations.join, with channels:join, makes
// it a member of a public channel
// (https://docs.slack.dev/reference/methods/files.completeUploadExternal,
// https://docs.slack.dev/reference/methods/conversations.join).
func TestFileShareNeedsMembership(t *testing.T) {
	srv, api := channelsToJoin(t)
	ctx := testCtx(t)
	upload := func(ch string) error {
		_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Content: "PNG", FileSize: 3, Filename: "chart.png", Channel: ch})
		return err
	}
	join := func(ch string) (string, error) {
		_, warning, _, err := api.JoinConversationContext(ctx, ch)
		return warning, err
	}
	for _, tt := range []struct {
		name, ch, want string
	}{
		{"public, not joined", "C0PUBLIC", "not_in_channel"},
		{"private, not joined", "G0PRIVATE", "channel_not_found"},
		{"joined", "C0JOINED", ""},
		{"the bot's DM with a user", "UALICE", ""},
	} {
		t.Run("upload, "+tt.name, func(t *testing.T) {
			if got := slackErr(upload(tt.ch)); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
	var shared []string
	for _, u := range srv.Uploads() {
		shared = append(shared, u.Channel)
	}
	if strings.Join(shared, " ") != "C0JOINED UALICE" {
		t.Errorf("files shared into %v; want C0JOINED and UALICE only", shared)
	}

	for _, tt := range []struct {
		name, ch, want, warning string
	}{
		{"join a public channel", "C0PUBLIC", "", ""},
		{"join it again", "C0PUBLIC", "", "already_in_channel"},
		{"join a private channel not in", "G0PRIVATE", "channel_not_found", ""},
		{"join a DM", "DUALICE", "method_not_supported_for_channel_type", ""},
	} {
		if tt.ch == "DUALICE" {
			if _, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"UALICE"}}); err != nil {
				t.Fatal(err)
			}
		}
		warning, err := join(tt.ch)
		if got := slackErr(err); got != tt.want || warning != tt.warning {
			t.Errorf("%s: error %q, warning %q; want %q, %q", tt.name, got, warning, tt.want, tt.warning)
		}
	}
	if err := upload("C0PUBLIC"); err != nil {
		t.Errorf("upload after joining: %v", err)
	}
	srv.RemoveScope("channels:join")
	srv.SetJoined("C0PUBLIC", false)
	if _, err := join("C0PUBLIC"); slackErr(err) != "missing_scope" {
		t.Errorf("join without channels:join: %v; want missing_scope", err)
	}
}

// TestRateLimitEvery: every n-th call of the method answers 429 for the
// window given, and none after it.
func TestRateLimitEvery(t *testing.T) {
	srv := newServer(t, Options{})
	api := newAPI(srv)
	ctx := testCtx(t)
	srv.RateLimitEvery("chat.postMessage", 3, 2, 300*time.Millisecond)
	var got []bool
	for range 6 {
		_, _, err := api.PostMessageContext(ctx, "C0TEAM", slack.MsgOptionText("hi", false))
		var rl *slack.RateLimitedError
		if err != nil && (!errors.As(err, &rl) || rl.RetryAfter != 2*time.Second) {
			t.Fatalf("post: %v; want success or a 429 with Retry-After 2", err)
		}
		got = append(got, err != nil)
	}
	if want := []bool{false, false, true, false, false, true}; !slices.Equal(got, want) {
		t.Errorf("429s %v; want every third", got)
	}
	time.Sleep(300 * time.Millisecond) // the window running out on Slack's (the wall) clock
	for range 3 {
		if _, _, err := api.PostMessageContext(ctx, "C0TEAM", slack.MsgOptionText("hi", false)); err != nil {
			t.Errorf("after the window: %v", err)
		}
	}
}

// channelsToJoin is a fake with a user and three channels: a public one
// and a private one the bot has not joined, and one it has.
func channelsToJoin(t *testing.T) (*Server, *slack.Client) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE"})
	srv.AddChannel(Channel{ID: "C0PUBLIC", Name: "digest", NotJoined: true})
	srv.AddChannel(Channel{ID: "G0PRIVATE", Name: "secret", IsPrivate: true, NotJoined: true})
	srv.AddChannel(Channel{ID: "C0JOINED", Name: "team"})
	return srv, newAPI(srv)
}
