package slacktest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// inner collects the inner events an unmodified slack-go client receives,
// acknowledging each.
type inner struct {
	mu     sync.Mutex
	events []any
	ids    []string
}

func (in *inner) handle(c *socketmode.Client, evt socketmode.Event) {
	if evt.Type != socketmode.EventTypeEventsAPI {
		return
	}
	ev := evt.Data.(slackevents.EventsAPIEvent)
	in.mu.Lock()
	in.events = append(in.events, ev.InnerEvent.Data)
	in.ids = append(in.ids, ev.Data.(*slackevents.EventsAPICallbackEvent).EventID)
	in.mu.Unlock()
	_ = c.Ack(*evt.Request)
}

func (in *inner) all() []any {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]any(nil), in.events...)
}

// TestArchivedChannel: an archived channel says so in conversations.info,
// keeps its history, and refuses posts and ephemeral messages with
// is_archived; brought back, it takes them again.
func TestArchivedChannel(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE"})
	srv.AddChannel(Channel{ID: "C0OLD", Name: "old-team"})
	api := newAPI(srv)
	ctx := testCtx(t)
	if _, _, err := api.PostMessageContext(ctx, "C0OLD", slack.MsgOptionText("before", false)); err != nil {
		t.Fatal(err)
	}
	srv.SetArchived("C0OLD", true)
	c, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0OLD"})
	if err != nil || !c.IsArchived {
		t.Errorf("conversations.info of an archived channel: %+v, %v; want is_archived", c, err)
	}
	_, _, err = api.PostMessageContext(ctx, "C0OLD", slack.MsgOptionText("hi", false))
	if got := slackErr(err); got != "is_archived" {
		t.Errorf("chat.postMessage into an archived channel: %q; want is_archived", got)
	}
	_, err = api.PostEphemeralContext(ctx, "C0OLD", "UALICE", slack.MsgOptionText("psst", false))
	if got := slackErr(err); got != "is_archived" {
		t.Errorf("chat.postEphemeral into an archived channel: %q; want is_archived", got)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0OLD"})
	if err != nil || len(h.Messages) != 1 {
		t.Errorf("history of an archived channel: %+v, %v; want the one message", h, err)
	}
	srv.SetArchived("C0OLD", false)
	if _, _, err := api.PostMessageContext(ctx, "C0OLD", slack.MsgOptionText("back", false)); err != nil {
		t.Errorf("posting after unarchiving: %v", err)
	}
}

// TestResponseURLExpiresAfterThirtyMinutes: a response_url takes posts
// for 30 minutes of Slack's clock, then answers 404, like a forgotten one.
func TestResponseURLExpiresAfterThirtyMinutes(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 7, 5, 30, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := newServer(t, Options{Now: clock})
	api := newAPI(srv)
	ctx := testCtx(t)
	srv.mu.Lock()
	url := srv.newResponseURLLocked("C1", "UALICE", "")
	srv.mu.Unlock()
	post := func() string {
		_, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionText("x", false), slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral))
		return fmt.Sprint(err)
	}
	var got []string
	got = append(got, post())
	advance(29*time.Minute + 59*time.Second)
	got = append(got, post())
	advance(2 * time.Second)
	got = append(got, post())
	want := []string{"<nil>", "<nil>", "slack server error: 404 Not Found"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("posts at 0, 29:59 and 30:01 (-want +got):\n%s", diff)
	}
}

// TestMessageChangedInDM: editing a DM to the app brings message_changed,
// with the message as it is now (original ts, new text, edited) and as it
// was.
func TestMessageChangedInDM(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", TeamID: "T0HOME"})
	var in inner
	connect(t, srv, in.handle)
	ctx := testCtx(t)
	if _, _, err := srv.DirectMessage(ctx, "UALICE", "log county call typo"); err != nil {
		t.Fatal(err)
	}
	orig := in.all()[0].(*slackevents.MessageEvent)
	if _, _, err := srv.EditMessage(ctx, orig.Channel, orig.TimeStamp, "log county call fixed"); err != nil {
		t.Fatal(err)
	}
	evs := in.all()
	if len(evs) != 2 {
		t.Fatalf("%d events; want the message and its change", len(evs))
	}
	ch, ok := evs[1].(*slackevents.MessageEvent)
	if !ok || ch.SubType != "message_changed" || ch.Channel != orig.Channel || ch.ChannelType != "im" {
		t.Fatalf("the edit arrived as %+v; want message_changed in the DM", evs[1])
	}
	if ch.Message == nil || ch.Message.Text != "log county call fixed" || ch.Message.Timestamp != orig.TimeStamp ||
		ch.Message.User != "UALICE" || ch.Message.Edited == nil || ch.Message.Edited.Timestamp != ch.TimeStamp {
		t.Errorf("message %+v; want the new text under the original ts, edited at the event's ts %s", ch.Message, ch.TimeStamp)
	}
	if ch.PreviousMessage == nil || ch.PreviousMessage.Text != "log county call typo" || ch.PreviousMessage.Edited != nil {
		t.Errorf("previous_message %+v; want the text as first sent", ch.PreviousMessage)
	}
	if _, _, err := srv.EditMessage(ctx, orig.Channel, "1.000001", "x"); err == nil {
		t.Errorf("editing a message that was never sent: no error")
	}
}

// TestEditThatAddsTheMention: a channel message without a mention brings
// the app nothing; edited to mention it, it comes as app_mention with the
// original ts and "edited"; an edit that drops the mention brings nothing.
func TestEditThatAddsTheMention(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE"})
	var in inner
	connect(t, srv, in.handle)
	ctx := testCtx(t)
	ts, id, err := srv.UserMessage(ctx, "UALICE", "C1", `log county call "hi"`)
	if err != nil || id != "" {
		t.Fatalf("a message without a mention: event %q, %v; want none", id, err)
	}
	id, _, err = srv.EditMessage(ctx, "C1", ts, `<@UBOT> log county call "hi"`)
	if err != nil || id == "" {
		t.Fatalf("the edit adding the mention: event %q, %v; want one", id, err)
	}
	if id, _, err := srv.EditMessage(ctx, "C1", ts, `log county call "hi again"`); err != nil || id != "" {
		t.Errorf("an edit without the mention: event %q, %v; want none", id, err)
	}
	evs := in.all()
	if len(evs) != 1 {
		t.Fatalf("%d events; want 1", len(evs))
	}
	m, ok := evs[0].(*slackevents.AppMentionEvent)
	if !ok || m.TimeStamp != ts || m.Edited == nil || m.Edited.User != "UALICE" || m.Text != `<@UBOT> log county call "hi"` {
		t.Errorf("the edit arrived as %+v; want app_mention of ts %s, edited", evs[0], ts)
	}
}

// TestChannelSharedAndMemberJoined: sharing a channel with two
// organizations brings channel_shared for each, and conversations.info
// then names them; someone joining a channel the bot is in brings
// member_joined_channel; neither comes without the scope, or from a
// private channel the bot is not in.
func TestChannelSharedAndMemberJoined(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UDANA", TeamID: "T0PARTNER"})
	srv.AddChannel(Channel{ID: "C0COUNTY", Name: "county"})
	srv.AddChannel(Channel{ID: "G0SECRET", Name: "secret", IsPrivate: true, NotJoined: true})
	var in inner
	connect(t, srv, in.handle)
	api := newAPI(srv)
	ctx := testCtx(t)
	if err := srv.ShareChannel(ctx, "C0COUNTY", "T0PARTNER", "T0OTHER"); err != nil {
		t.Fatal(err)
	}
	if err := srv.JoinChannel(ctx, "UDANA", "C0COUNTY"); err != nil {
		t.Fatal(err)
	}
	if err := srv.ShareChannel(ctx, "G0SECRET", "T0PARTNER"); err != nil {
		t.Fatal(err)
	}
	if err := srv.JoinChannel(ctx, "UDANA", "G0SECRET"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range in.all() {
		switch e := ev.(type) {
		case *slackevents.ChannelSharedEvent:
			got = append(got, "shared "+e.Channel+" "+e.ConnectedTeamID)
		case *slackevents.MemberJoinedChannelEvent:
			got = append(got, "joined "+e.Channel+" "+e.User+" "+e.ChannelType+" "+e.Team)
		default:
			got = append(got, fmt.Sprintf("%T", ev))
		}
	}
	want := []string{"shared C0COUNTY T0PARTNER", "shared C0COUNTY T0OTHER", "joined C0COUNTY UDANA C T0PARTNER"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	c, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0COUNTY"})
	if err != nil {
		t.Fatal(err)
	}
	teams := []string{"T0HOME", "T0PARTNER", "T0OTHER"}
	if !c.IsShared || !c.IsExtShared || !cmp.Equal(c.SharedTeamIDs, teams) || !cmp.Equal(c.ConnectedTeamIDs, teams) || c.ConversationHostID != "T0HOME" {
		t.Errorf("conversations.info after sharing: shared %v ext %v shared_team_ids %v connected_team_ids %v host %q",
			c.IsShared, c.IsExtShared, c.SharedTeamIDs, c.ConnectedTeamIDs, c.ConversationHostID)
	}

	srv.RemoveScope("channels:read")
	srv.AddChannel(Channel{ID: "C0LATER", Name: "later"})
	before := len(in.all())
	if err := srv.ShareChannel(context.Background(), "C0LATER", "T0PARTNER"); err != nil {
		t.Fatal(err)
	}
	if err := srv.JoinChannel(context.Background(), "UDANA", "C0LATER"); err != nil {
		t.Fatal(err)
	}
	if n := len(in.all()) - before; n != 0 {
		t.Errorf("%d events without channels:read; want none", n)
	}
}
