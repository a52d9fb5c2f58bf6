package slacktest

import (
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestChannelCanvases: slack-go's canvas calls against the fake: one
// canvas a channel; sections a heading or a block each, found by type
// and text; section ids new after every edit, so a stale one fails; one
// change a call; the free plan's refusal; the scopes; the tiers.
func TestChannelCanvases(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddChannel(Channel{ID: "C1", Name: "county"})
	srv.AddChannel(Channel{ID: "C2", Name: "eastside"})
	api := newAPI(srv)
	ctx := testCtx(t)
	md := "# Our partnership\n\nIntro.\n\n## Upcoming events\n\nKept up to date: events.  \n• E1 Fair"
	id, err := api.CreateChannelCanvasContext(ctx, "C1", slack.DocumentContent{Type: "markdown", Markdown: md}, slack.CreateChannelCanvasOptionTitle("Partnership"))
	if err != nil || id == "" {
		t.Fatalf("create: %q, %v", id, err)
	}
	if _, err := api.CreateChannelCanvasContext(ctx, "C1", slack.DocumentContent{Type: "markdown", Markdown: "x"}); !isCode(err, "channel_canvas_already_exists") {
		t.Errorf("a second canvas in C1: %v; want channel_canvas_already_exists", err)
	}
	info, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"})
	if err != nil || info.Properties == nil || info.Properties.Canvas.FileId != id {
		t.Errorf("conversations.info's properties.canvas: %+v, %v; want %s", info, err, id)
	}
	lookup := func(types []string, text string) []slack.CanvasSection {
		t.Helper()
		secs, err := api.LookupCanvasSectionsContext(ctx, slack.LookupCanvasSectionsParams{CanvasID: id, Criteria: slack.LookupCanvasSectionsCriteria{SectionTypes: types, ContainsText: text}})
		if err != nil {
			t.Fatalf("lookup %v %q: %v", types, text, err)
		}
		return secs
	}
	if n := len(lookup([]string{"any_header"}, "")); n != 2 {
		t.Errorf("headings: %d; want 2", n)
	}
	heads, bodies := lookup([]string{"h2"}, "Upcoming events"), lookup(nil, "Kept up to date: events.")
	if len(heads) != 1 || len(bodies) != 1 || heads[0].ID == bodies[0].ID {
		t.Fatalf("the part's heading %v and body %v; want one each, apart", heads, bodies)
	}
	if err := api.EditCanvasContext(ctx, slack.EditCanvasParams{CanvasID: id, Changes: []slack.CanvasChange{
		{Operation: "replace", SectionID: bodies[0].ID, DocumentContent: slack.DocumentContent{Type: "markdown", Markdown: "Kept up to date: events.  \n• E2 Clinic"}},
	}}); err != nil {
		t.Fatal(err)
	}
	doc, _ := srv.Canvas("C1")
	if !strings.Contains(doc, "E2 Clinic") || strings.Contains(doc, "E1 Fair") || strings.Count(doc, "## Upcoming events") != 1 {
		t.Errorf("after replacing the body:\n%s", doc)
	}
	stale := heads[0].ID
	err = api.EditCanvasContext(ctx, slack.EditCanvasParams{CanvasID: id, Changes: []slack.CanvasChange{{Operation: "delete", SectionID: stale}}})
	if !isCode(err, "canvas_editing_failed") {
		t.Errorf("an edit with a section id from before the last edit: %v; want canvas_editing_failed", err)
	}
	two := []slack.CanvasChange{
		{Operation: "insert_at_end", DocumentContent: slack.DocumentContent{Type: "markdown", Markdown: "a"}},
		{Operation: "insert_at_end", DocumentContent: slack.DocumentContent{Type: "markdown", Markdown: "b"}},
	}
	if err := api.EditCanvasContext(ctx, slack.EditCanvasParams{CanvasID: id, Changes: two}); !isCode(err, "invalid_arguments") {
		t.Errorf("two changes in one call: %v; want invalid_arguments", err)
	}
	if _, err := api.LookupCanvasSectionsContext(ctx, slack.LookupCanvasSectionsParams{CanvasID: "F0NONE", Criteria: slack.LookupCanvasSectionsCriteria{ContainsText: "x"}}); !isCode(err, "canvas_not_found") {
		t.Errorf("lookup in no canvas: %v; want canvas_not_found", err)
	}

	srv.SetCanvasPlan("free")
	if _, err := api.CreateChannelCanvasContext(ctx, "C2", slack.DocumentContent{Type: "markdown", Markdown: "x"}); !isCode(err, "team_tier_cannot_create_channel_canvases") {
		t.Errorf("a free workspace's canvas: %v", err)
	}
	srv.SetCanvasPlan("")
	srv.RemoveScope("canvases:write")
	if _, err := api.CreateChannelCanvasContext(ctx, "C2", slack.DocumentContent{Type: "markdown", Markdown: "x"}); !isCode(err, "missing_scope") {
		t.Errorf("without canvases:write: %v", err)
	}
	if TierRate("conversations.canvases.create") != 20.0/60 || TierRate("canvases.edit") != 50.0/60 || TierRate("canvases.sections.lookup") != 50.0/60 {
		t.Errorf("the canvas methods' tiers: 2, 3 and 3")
	}
}

// TestMembersAndPermalink: conversations.members pages with next_cursor
// and counts the bot; chat.getPermalink links a message it knows.
func TestMembersAndPermalink(t *testing.T) {
	srv := newServer(t, Options{})
	srv.AddChannel(Channel{ID: "C1", Members: []string{"U1", "U2", "U3"}})
	api := newAPI(srv)
	ctx := testCtx(t)
	var all []string
	params := &slack.GetUsersInConversationParameters{ChannelID: "C1", Limit: 2}
	for {
		page, next, err := api.GetUsersInConversationContext(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		params.Cursor = next
	}
	if strings.Join(all, ",") != "UBOT,U1,U2,U3" {
		t.Errorf("members = %v", all)
	}
	ts, _, err := srv.UserMessage(ctx, "U1", "C1", "hello")
	if err != nil {
		t.Fatal(err)
	}
	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: ts})
	if err != nil || link != "https://t0home.slack.com/archives/C1/p"+strings.ReplaceAll(ts, ".", "") {
		t.Errorf("permalink = %q, %v", link, err)
	}
	if _, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: "1.000001"}); !isCode(err, "message_not_found") {
		t.Errorf("permalink of no message: %v", err)
	}
}

func isCode(err error, code string) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && se.Err == code
}
