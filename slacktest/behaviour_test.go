package slacktest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// One test per behaviour of real Slack the fake copies, so that a bot
// test relying on it can trust it.

// TestBotMembership: where the bot has not joined, it may post into a
// public channel with chat:write.public only, may not read history nor
// post ephemeral messages there, and a private channel does not exist
// for it; joining fixes all of it.
func TestBotMembership(t *testing.T) {
	srv, api := channelsToJoin(t)
	ctx := testCtx(t)
	post := func(ch string) error {
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("hi", false))
		return err
	}
	ephemeral := func(ch string) error {
		_, err := api.PostEphemeralContext(ctx, ch, "UALICE", slack.MsgOptionText("psst", false))
		return err
	}
	history := func(ch string) error {
		_, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch})
		return err
	}
	info := func(ch string) error {
		c, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: ch})
		if err == nil && c.IsMember == (ch == "C0PUBLIC") {
			return fmt.Errorf("is_member %v", c.IsMember)
		}
		return err
	}
	tests := []struct {
		name string
		call func(string) error
		ch   string
		want string
	}{
		{"post, public, not joined (chat:write.public)", post, "C0PUBLIC", ""},
		{"post, private, not joined", post, "G0PRIVATE", "channel_not_found"},
		{"ephemeral, public, not joined", ephemeral, "C0PUBLIC", "not_in_channel"},
		{"ephemeral, private, not joined", ephemeral, "G0PRIVATE", "channel_not_found"},
		{"history, public, not joined", history, "C0PUBLIC", "not_in_channel"},
		{"history, private, not joined", history, "G0PRIVATE", "channel_not_found"},
		{"info, public, not joined", info, "C0PUBLIC", ""},
		{"info, private, not joined", info, "G0PRIVATE", "channel_not_found"},
		{"history, joined", history, "C0JOINED", ""},
		{"ephemeral, joined", ephemeral, "C0JOINED", ""},
		{"history of the bot's DM", history, "DUALICE", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call(tt.ch)); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
	srv.RemoveScope("chat:write.public")
	if got := slackErr(post("C0PUBLIC")); got != "not_in_channel" {
		t.Errorf("post to a public channel not joined, without chat:write.public: %q, want not_in_channel", got)
	}
	srv.SetJoined("C0PUBLIC", true)
	for _, call := range []func(string) error{post, ephemeral, history} {
		if err := call("C0PUBLIC"); err != nil {
			t.Errorf("after joining: %v", err)
		}
	}
}

// TestHistoryPagination: conversations.history returns pages newest first,
// with has_more and a next_cursor in Slack's shape, capped at the
// configured page size.
func TestHistoryPagination(t *testing.T) {
	srv := newServer(t, Options{HistoryLimit: 15})
	api := newAPI(srv)
	ctx := testCtx(t)
	for i := range 40 {
		if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(fmt.Sprint(i), false)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	var sizes []int
	params := &slack.GetConversationHistoryParameters{ChannelID: "C1", Limit: 200}
	for page := 0; ; page++ {
		h, err := api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(h.Messages))
		for _, m := range h.Messages {
			got = append(got, m.Text)
		}
		if h.HasMore != (h.ResponseMetaData.NextCursor != "") {
			t.Errorf("page %d: has_more %v with cursor %q", page, h.HasMore, h.ResponseMetaData.NextCursor)
		}
		if !h.HasMore {
			break
		}
		if !strings.HasPrefix(h.ResponseMetaData.NextCursor, "bmV4dF90czo") { // base64 "next_ts:"
			t.Errorf("cursor %q is not in Slack's next_ts shape", h.ResponseMetaData.NextCursor)
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	if diff := cmp.Diff([]int{15, 15, 10}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	for i, text := range got {
		if text != fmt.Sprint(39-i) {
			t.Fatalf("message %d is %q; want every message once, newest first: %q", i, text, got)
		}
	}
	_, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: "garbage"})
	if got := slackErr(err); got != "invalid_cursor" {
		t.Errorf("bad cursor: %q, want invalid_cursor", got)
	}
}

// TestEditedMentionRedelivery: editing a message that mentions the app
// delivers app_mention again with a new event_id, the same ts, the new
// text and "edited" set.
func TestEditedMentionRedelivery(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE"})
	mentions := make(chan *slackevents.AppMentionEvent, 2)
	ids := make(chan string, 2)
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeEventsAPI {
			return
		}
		ev := evt.Data.(slackevents.EventsAPIEvent)
		if m, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent); ok {
			mentions <- m
			ids <- ev.Data.(*slackevents.EventsAPICallbackEvent).EventID
		}
		_ = c.Ack(*evt.Request)
	})
	ctx := testCtx(t)
	first, _, err := srv.Mention(ctx, "UALICE", "C1", "<@UBOT> log meeting typo")
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := srv.EditMention(ctx, first, "<@UBOT> log meeting fixed")
	if err != nil {
		t.Fatal(err)
	}
	orig, edit := <-mentions, <-mentions
	if id1, id2 := <-ids, <-ids; id1 != first || id2 != second || first == second {
		t.Errorf("event ids %s, %s (returned %s, %s); want two different ones", id1, id2, first, second)
	}
	if orig.Edited != nil || edit.Edited == nil || edit.Edited.User != "UALICE" || edit.Edited.TimeStamp == "" {
		t.Errorf("edited: original %+v, edit %+v; want it set on the edit only", orig.Edited, edit.Edited)
	}
	if edit.TimeStamp != orig.TimeStamp || edit.Text != "<@UBOT> log meeting fixed" || edit.Channel != "C1" {
		t.Errorf("edit %+v; want the original ts %s and the new text", edit, orig.TimeStamp)
	}
	if _, _, err := srv.EditMention(ctx, "EvNOPE", "x"); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("EditMention of an unknown event: %v, want ErrUnknownEvent", err)
	}
}

// TestAuthErrorsSwitchable: a broken bot token fails every call with its
// error until restored, without touching Socket Mode (the app token); a
// missing scope fails the calls that need it with needed and provided.
func TestAuthErrorsSwitchable(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE"})
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Request != nil && evt.Type == socketmode.EventTypeSlashCommand {
			_ = c.Ack(*evt.Request)
		}
	})
	api := newAPI(srv)
	ctx := testCtx(t)
	post := func() error {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		return err
	}
	for _, code := range []string{"token_revoked", "invalid_auth", "account_inactive"} {
		srv.SetAuthError(code)
		_, userErr := api.GetUserInfoContext(ctx, "UALICE")
		if got, got2 := slackErr(post()), slackErr(userErr); got != code || got2 != code {
			t.Errorf("with %s: chat.postMessage %q, users.info %q", code, got, got2)
		}
		if _, err := srv.SlashCommand(ctx, "UALICE", "C1", "/outreach", "help"); err != nil {
			t.Errorf("with %s the socket stopped delivering: %v", code, err)
		}
	}
	srv.SetAuthError("")
	if err := post(); err != nil {
		t.Errorf("after restoring: %v", err)
	}

	srv.RemoveScope("chat:write")
	var se slack.SlackErrorResponse
	if err := post(); !errors.As(err, &se) || se.Err != "missing_scope" || se.Needed != "chat:write" || strings.Contains(se.Provided, "chat:write,") || !strings.Contains(se.Provided, "users:read") {
		t.Errorf("without chat:write: %+v; want missing_scope, needed chat:write, the rest provided", se)
	}
	if _, err := api.GetUserInfoContext(ctx, "UALICE"); err != nil {
		t.Errorf("users.info needs no chat:write: %v", err)
	}
	srv.GrantScope("chat:write")
	if err := post(); err != nil {
		t.Errorf("after granting: %v", err)
	}
}

// TestRateLimitsPerMethodAndWorkspace: beyond a method's rate, and beyond
// the workspace-wide chat.postMessage budget across channels, calls get
// 429 with an integer Retry-After; the other methods are unaffected.
func TestRateLimitsPerMethodAndWorkspace(t *testing.T) {
	srv := newServer(t, Options{WorkspaceRate: 2, MethodRate: map[string]float64{"chat.update": 1}})
	api := newAPI(srv)
	ctx := testCtx(t)
	var errs []string
	for _, ch := range []string{"C1", "C2", "C3"} { // three channels, one post each
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("hi", false))
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			errs = append(errs, fmt.Sprintf("429 after %v", rl.RetryAfter))
		} else {
			errs = append(errs, slackErr(err))
		}
	}
	if diff := cmp.Diff([]string{"", "", "429 after 1s"}, errs); diff != "" {
		t.Errorf("posts to three channels within a 2/s workspace budget (-want +got):\n%s", diff)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil || len(h.Messages) != 1 {
		t.Fatalf("history: %v", err)
	}
	update := func() error {
		_, _, _, err := api.UpdateMessageContext(ctx, "C1", h.Messages[0].Timestamp, slack.MsgOptionText("edited", false))
		return err
	}
	if err := update(); err != nil {
		t.Fatalf("first update: %v", err)
	}
	var rl *slack.RateLimitedError
	if err := update(); !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Errorf("second update within a second: %v, want 429 with Retry-After 1", err)
	}
	if got, want := srv.RateLimitedCalls("chat.update"), 1; got != want {
		t.Errorf("RateLimitedCalls(chat.update) = %d, want %d", got, want)
	}
	if got := TierRate("chat.update"); got < 0.8 || got > 0.9 {
		t.Errorf("TierRate(chat.update) = %v, want Tier 3's 50 a minute", got)
	}
}

// TestEnvelopesSpreadAndRefreshOne: with two connections open, envelopes
// go to both; DisconnectOne refreshes only the oldest, and envelopes sent
// while it reconnects reach the other.
func TestEnvelopesSpreadAndRefreshOne(t *testing.T) {
	srv := newServer(t, Options{PingEvery: 100 * time.Millisecond})
	var mu sync.Mutex
	seen := map[int]int{} // client → slash commands
	for i := range 2 {
		startClient(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
			if evt.Type == socketmode.EventTypeSlashCommand {
				mu.Lock()
				seen[i]++
				mu.Unlock()
				_ = c.Ack(*evt.Request)
			}
		})
	}
	ctx := testCtx(t)
	if err := srv.waitFor(ctx, func() bool { return srv.activeConnsLocked() == 2 }); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if _, err := srv.SlashCommand(ctx, "UALICE", "C1", "/outreach", "x"); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	if seen[0] == 0 || seen[1] == 0 {
		t.Errorf("slash commands per connection %v; want both used", seen)
	}
	mu.Unlock()
	srv.FailNext("apps.connections.open", 3, "internal_error") // keep the refreshed one away a while
	if !srv.DisconnectOne("refresh_requested") {
		t.Fatal("DisconnectOne found no connection")
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("%d connections take envelopes during the refresh; want the other one", got)
	}
	for range 3 { // in the gap: the other connection answers
		if _, err := srv.SlashCommand(ctx, "UALICE", "C1", "/outreach", "in the gap"); err != nil {
			t.Errorf("slash command during a refresh: %v", err)
		}
	}
	if err := srv.waitFor(ctx, func() bool { return srv.activeConnsLocked() == 2 && srv.connOpens == 3 }); err != nil {
		t.Errorf("the refreshed connection did not come back: %v", err)
	}
}

// TestChangeChannelID: a shared private channel's new id carries its
// history, and channel_id_changed reaches the app.
func TestChangeChannelID(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddChannel(Channel{ID: "G0OLD", Name: "county", IsPrivate: true})
	changes := make(chan *slackevents.ChannelIDChangedEvent, 1)
	connect(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeEventsAPI {
			if e, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.ChannelIDChangedEvent); ok {
				changes <- e
			}
			_ = c.Ack(*evt.Request)
		}
	})
	api := newAPI(srv)
	ctx := testCtx(t)
	if _, _, err := api.PostMessageContext(ctx, "G0OLD", slack.MsgOptionText("before", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ChangeChannelID(ctx, "G0OLD", "C0NEW"); err != nil {
		t.Fatal(err)
	}
	e := <-changes
	if e.OldChannelID != "G0OLD" || e.NewChannelID != "C0NEW" {
		t.Errorf("channel_id_changed %+v", e)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0NEW"})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "before" {
		t.Errorf("history under the new id: %+v, %v", h, err)
	}
	if _, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "G0OLD"}); slackErr(err) != "channel_not_found" {
		t.Errorf("the old id still resolves: %v", err)
	}
}

// TestResponseURLTakesFivePosts: a response_url works in any conversation,
// the bot a member or not, up to five times.
func TestResponseURLTakesFivePosts(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddChannel(Channel{ID: "C0PUBLIC", Name: "digest", NotJoined: true})
	api := newAPI(srv)
	ctx := testCtx(t)
	srv.mu.Lock()
	url := srv.newResponseURLLocked("C0PUBLIC", "UALICE", "")
	srv.mu.Unlock()
	var errs []string
	for i := range 6 {
		_, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionText(fmt.Sprint(i), false), slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral))
		errs = append(errs, fmt.Sprint(err))
	}
	want := []string{"<nil>", "<nil>", "<nil>", "<nil>", "<nil>", "slack server error: 404 Not Found"}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("six posts to one response_url (-want +got):\n%s", diff)
	}
	if n := len(srv.Posts()); n != 5 {
		t.Errorf("%d posts recorded; want 5", n)
	}
}
