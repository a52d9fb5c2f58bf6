package slacktest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// TestFileDroppedInDM: a file a user drops into their DM with the bot
// comes as a message of subtype file_share carrying the file object, and
// as file_shared; files.info (files:read) describes it; its private URL
// serves it to the bot token only (anyone else is sent to sign in, which
// slack-go reports), and a file not shared with the bot does not exist
// for it.
func TestFileDroppedInDM(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddUser(User{ID: "UALICE", Name: "alice"})
	data := []byte("name,kind\nCounty Health,public-health\n")
	id := srv.UploadFile("UALICE", "partners.csv", data)
	api := newAPI(srv)
	ctx := testCtx(t)

	if _, _, _, err := api.GetFileInfoContext(ctx, id, 0, 0); err == nil || err.Error() != "file_not_found" {
		t.Errorf("files.info on a file not shared with the bot: %v, want file_not_found", err)
	}

	got := make(chan socketmode.Event, 4)
	connect(t, srv, func(c *socketmode.Client, e socketmode.Event) {
		if e.Request != nil {
			c.Ack(*e.Request)
		}
		if e.Type == socketmode.EventTypeEventsAPI {
			got <- e
		}
	})
	if _, _, err := srv.ShareFileInDM(ctx, "UALICE", id, "here you go"); err != nil {
		t.Fatal(err)
	}
	var msg *slackevents.MessageEvent
	var shared *slackevents.FileSharedEvent
	for msg == nil || shared == nil {
		select {
		case e := <-got:
			switch in := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(type) {
			case *slackevents.MessageEvent:
				msg = in
			case *slackevents.FileSharedEvent:
				shared = in
			}
		case <-ctx.Done():
			t.Fatalf("events: message %v, file_shared %v", msg != nil, shared != nil)
		}
	}
	if msg.SubType != "file_share" || msg.ChannelType != "im" || msg.Message == nil || len(msg.Message.Files) != 1 || msg.Message.Files[0].ID != id {
		t.Errorf("the message event: %+v", msg)
	}
	if shared.FileID != id || shared.UserID != "UALICE" || shared.ChannelID != msg.Channel {
		t.Errorf("file_shared: %+v", shared)
	}

	f, _, _, err := api.GetFileInfoContext(ctx, id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "partners.csv" || f.Size != len(data) || f.Filetype != "csv" || f.URLPrivateDownload == "" {
		t.Errorf("files.info: %+v", f)
	}
	var buf bytes.Buffer
	if err := api.GetFileContext(ctx, f.URLPrivateDownload, &buf); err != nil || buf.String() != string(data) {
		t.Errorf("download with the bot token: %q, %v", buf.String(), err)
	}
	other := slack.New("xoxb-someone-else", slack.OptionAPIURL(srv.APIURL()))
	if err := other.GetFileContext(ctx, f.URLPrivateDownload, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "sign-in") {
		t.Errorf("download with another token: %v, want the sign-in page", err)
	}

	srv.RemoveScope("files:read")
	_, _, _, err = api.GetFileInfoContext(ctx, id, 0, 0)
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "missing_scope" {
		t.Errorf("files.info without files:read: %v", err)
	}
}
