package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
)

// waitOpened waits for the n-th form the bot opened (views.open) and
// returns it with its id.
func (e *e2e) waitOpened(n int) (json.RawMessage, string) {
	e.t.Helper()
	for range 500 {
		if vs := e.slack.OpenedViews(); len(vs) >= n {
			var v struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(vs[n-1], &v)
			return vs[n-1], v.ID
		}
		time.Sleep(10 * time.Millisecond) // the bot's views.open, not time passing
	}
	e.t.Fatalf("form %d not opened; opened: %d", n, len(e.slack.OpenedViews()))
	return nil, ""
}

// unescapeJSON undoes encoding/json's escaping of <, > and &, to read
// mrkdwn in a view as Slack shows it.
func unescapeJSON(b json.RawMessage) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// initial is the value an opened form's input block starts with: its text,
// or its chosen option's value.
func initial(t *testing.T, view json.RawMessage, block string) string {
	t.Helper()
	var v struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialValue  string `json:"initial_value"`
				InitialOption struct {
					Value string `json:"value"`
				} `json:"initial_option"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(view, &v); err != nil {
		t.Fatal(err)
	}
	for _, b := range v.Blocks {
		if b.BlockID == block {
			if b.Element.InitialValue != "" {
				return b.Element.InitialValue
			}
			return b.Element.InitialOption.Value
		}
	}
	t.Fatalf("form has no input %q: %s", block, view)
	return ""
}

// TestEndToEndMessageShortcuts: in a partner's shared channel, the
// liaison's words become a need and a contact in two clicks each (the
// shortcut, then the form's button), with the author and a link back to
// the message; the global shortcut opens the log form. A liaison gets
// nothing: Slack offers shortcuts to our own workspace only, and a guest
// of it, who acts for no partner, is turned away, also with a form
// opened for someone else.
func TestEndToEndMessageShortcuts(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "Eastside Clinic"`)
	said := "Our parents keep asking for diabetes cooking classes in Spanish &lt;!channel&gt;"
	ts, _, err := e.slack.UserMessage(e.ctx(), "U0DANA", "C0COUNTY", said)
	if err != nil {
		t.Fatal(err)
	}
	link := "https://t0home.slack.com/archives/C0COUNTY/p" + strings.ReplaceAll(ts, ".", "")

	// Record as need: the form opens filled in.
	if _, err := e.slack.MessageShortcut(e.ctx(), "U0MARIA", "C0COUNTY", ts, "record_as_need"); err != nil {
		t.Fatal(err)
	}
	view, id := e.waitOpened(1)
	for block, want := range map[string]string{
		"note":    "Our parents keep asking for diabetes cooking classes in Spanish <!channel>", // as Slack shows it, to edit
		"partner": "county-health-dept",
		"topics":  "diabetes",
	} {
		if got := initial(t, view, block); got != want {
			t.Errorf("need form's %s starts as %q; want %q", block, got, want)
		}
	}
	if !strings.Contains(unescapeJSON(view), "From <@U0DANA>'s <"+link+"|message> in <#C0COUNTY>") {
		t.Errorf("need form does not show its author and a link back: %s", view)
	}
	mark := e.mark()
	if ack, err := e.slack.SubmitView(e.ctx(), "U0MARIA", id, nil, nil); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("the need form as it opened: ack %s, %v; want it closed", ack.Payload, err)
	}
	if p := e.waitAfter(mark, responseTo("U0MARIA")); !strings.Contains(p.Text, "Recorded need `N1` from *County Health Dept*") || !strings.Contains(p.Text, "<"+link+"|message>") {
		t.Errorf("need confirmation = %q", p.Text)
	}
	needs := e.slash("U0MARIA", "C0OUTREACH", "needs county")
	if !strings.Contains(needs.Text, "cooking classes in Spanish") || !strings.Contains(needs.Text, "<@U0DANA>'s <"+link+"|message>") {
		t.Errorf("needs county = %q; want the note, inert, with its author and link", needs.Text)
	}
	assertInert(t, needs.raw)

	// Log as contact: they reached us, by message, the words as summary.
	if _, err := e.slack.MessageShortcut(e.ctx(), "U0MARIA", "C0COUNTY", ts, "log_as_contact"); err != nil {
		t.Fatal(err)
	}
	view, id = e.waitOpened(2)
	for block, want := range map[string]string{"partner": "county-health-dept", "method": "message", "direction": "in"} {
		if got := initial(t, view, block); got != want {
			t.Errorf("log form's %s starts as %q; want %q", block, got, want)
		}
	}
	if ack, err := e.slack.SubmitView(e.ctx(), "U0MARIA", id, nil, nil); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("the log form as it opened: ack %s, %v; want it closed", ack.Payload, err)
	}
	hist := e.slash("U0MARIA", "C0OUTREACH", "history county")
	if !strings.Contains(hist.Text, "message ← · <@U0MARIA> — Our parents keep asking") || !strings.Contains(hist.Text, "<@U0DANA>'s <"+link+"|message>") {
		t.Errorf("history county = %q; want the message logged in, with its author and link", hist.Text)
	}

	// The global shortcut: the log form, no partner yet.
	if _, err := e.slack.GlobalShortcut(e.ctx(), "U0MARIA", "log_a_contact"); err != nil {
		t.Fatal(err)
	}
	view, id = e.waitOpened(3)
	if got := initial(t, view, "partner"); got != "" {
		t.Errorf("global log form's partner = %q; want empty", got)
	}
	value := func(s string) map[string]any { return map[string]any{"type": "plain_text_input", "value": s} }
	mark = e.mark()
	if _, err := e.slack.SubmitView(e.ctx(), "U0MARIA", id, nil, map[string]map[string]any{
		"partner": {"value": value("eastside")}, "summary": {"value": value("Dropped off flyers")},
	}); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, dmAnswer); !strings.Contains(p.Text, "Logged call → *Eastside Clinic*") {
		t.Errorf("global shortcut's confirmation (no channel: the DM) = %q", p.Text)
	}

	// Liaisons. Slack offers another organization's people no shortcut.
	if _, err := e.slack.MessageShortcut(e.ctx(), "U0DANA", "C0COUNTY", ts, "record_as_need"); !errors.Is(err, slacktest.ErrNotOffered) {
		t.Errorf("a shortcut from the partner's organization: %v; want it never delivered", err)
	}
	// A guest is offered them, and acts for no partner: told at once, no form.
	mark = e.mark()
	if _, err := e.slack.MessageShortcut(e.ctx(), "U0GUEST", "C0COUNTY", ts, "log_as_contact"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, responseTo("U0GUEST")); !strings.Contains(p.Text, "isn't something I can do for you here") {
		t.Errorf("guest's shortcut answered %q; want the polite refusal", p.Text)
	}
	// A form opened for someone else, submitted by the guest for another
	// partner: refused on the form, nothing stored.
	if _, err := e.slack.MessageShortcut(e.ctx(), "U0MARIA", "C0COUNTY", ts, "record_as_need"); err != nil {
		t.Fatal(err)
	}
	view, _ = e.waitOpened(4)
	if n := len(e.slack.OpenedViews()); n != 4 {
		t.Errorf("forms opened = %d; want 4 (none for the guest)", n)
	}
	ack, err := e.slack.SubmitView(e.ctx(), "U0GUEST", "", view, map[string]map[string]any{"partner": {"value": value("eastside")}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"response_action":"errors"`) || strings.Contains(string(ack.Payload), "Eastside") {
		t.Errorf("guest's need for another partner: ack %s; want a refusal on the form that names no partner", ack.Payload)
	}
	if needs := e.slash("U0MARIA", "C0OUTREACH", "needs"); strings.Contains(needs.Text, "2 needs") || strings.Contains(needs.Text, "Eastside") {
		t.Errorf("needs after the guest's form = %q; want the one need", needs.Text)
	}
}
