package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/message"
)

// The edges where Slack's bytes meet the bot: a Socket Mode frame as
// slack-go decodes it, the button values and private_metadata that come
// back from Slack. Seeds are in testdata/fuzz; ./scripts/test.sh runs each
// target briefly.

// ackRecorder stands in for a connection's acks, refusing those of 20 KB
// or more as slack-go does.
type ackRecorder struct {
	mu   sync.Mutex
	acks []string
}

func (r *ackRecorder) ack(_ context.Context, id string, payload any) error {
	js, err := json.Marshal(socketmode.Response{EnvelopeID: id, Payload: payload})
	if err != nil {
		return err
	}
	if len(js) >= 20*1024 {
		return errors.New("socket mode response too large")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acks = append(r.acks, id)
	return nil
}

func (r *ackRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.acks
	r.acks = nil
	return out
}

// FuzzEnvelope: whatever frame arrives, the bot does not panic, and every
// envelope with an id is acknowledged exactly once, handled or not (an
// envelope left unacknowledged is redelivered, or shows the person an
// error). The frame goes the way the socket's reader sends it: decoded
// (frames.go), then dispatched. The seeds are frames as Slack sends them
// (slacktest/ writes the same shapes), and a few it should not.
func FuzzEnvelope(f *testing.F) {
	// A fake clock moves past the outbox's pacing at once.
	tb := newTestBot(f, botOptions{noRun: true, clock: testclock.New()})
	rec := &ackRecorder{}
	c := &conn{ack: rec.ack}
	f.Fuzz(func(t *testing.T, frame []byte) {
		evt := decodeFrame(frame)
		if tb.b.receive(c, frame) {
			return // a disconnect: the socket's business
		}
		tb.b.inflight.Wait()
		acks := rec.take()
		var want string
		switch {
		case evt.Type == socketmode.EventTypeHello:
		case evt.Request != nil:
			want = evt.Request.EnvelopeID
		default:
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			_ = json.Unmarshal(frame, &env)
			want = env.EnvelopeID
		}
		switch {
		case want == "" && len(acks) > 0:
			t.Errorf("acknowledged %q, for a frame without an envelope_id", acks)
		case want != "" && (len(acks) != 1 || acks[0] != want):
			t.Errorf("acks %q for envelope %q (%s); want it acknowledged once", acks, want, evt.Type)
		}
	})
}

// FuzzPrivateMetadata: the forms' private_metadata carries where a form
// was opened and the response_url its confirmation goes through. Whatever
// comes back from Slack decodes without a panic; what the bot wrote comes
// back as it was, and stays within Slack's 3,000 characters.
func FuzzPrivateMetadata(f *testing.F) {
	f.Fuzz(func(t *testing.T, value, channel, responseURL, raw string) {
		// Whatever Slack hands back: no panic.
		_, _ = logInput(slack.View{PrivateMetadata: raw})
		_, _, _ = commentInput(slack.View{PrivateMetadata: raw})

		if len(channel) > 40 || !utf8.ValidString(value) || !utf8.ValidString(channel) || !utf8.ValidString(responseURL) {
			return // channel ids are short; JSON replaces invalid UTF-8
		}
		lm := logModal(value, channel, responseURL)
		cm := commentModal(value, channel, responseURL)
		for name, pm := range map[string]string{"log": lm.PrivateMetadata, "comment": cm.PrivateMetadata} {
			if len(pm) > 3000 {
				t.Errorf("%s form: private_metadata of %d characters; Slack takes 3,000", name, len(pm))
			}
		}
		_, meta := logInput(slack.View{PrivateMetadata: lm.PrivateMetadata})
		if meta.Channel != channel || meta.ResponseURL != metaURL(responseURL) {
			t.Errorf("log form metadata came back as %+v; want channel %q, response_url %q", meta, channel, metaURL(responseURL))
		}
		_, cmeta, _ := commentInput(slack.View{PrivateMetadata: cm.PrivateMetadata})
		if cmeta.Channel != channel || cmeta.ResponseURL != metaURL(responseURL) || cmeta.Survey != value {
			t.Errorf("comment form metadata came back as %+v; want survey %q, channel %q", cmeta, value, channel)
		}
	})
}

// FuzzFrameDecode: the slash command's fast path (decodeSlash) reads a
// frame exactly as slack-go's decoders do, or leaves it to them: whatever
// it accepts, they decode to the same request and command.
func FuzzFrameDecode(f *testing.F) {
	for _, s := range []string{
		`{"envelope_id":"e1","type":"slash_commands","accepts_response_payload":true,"payload":{"token":"t","team_id":"T0HOME","channel_id":"C0TEAM","user_id":"UMARIA","command":"/outreach","text":"log county call \"Planning\" \u00e9t\u00e9","response_url":"http://127.0.0.1:1/r","trigger_id":"1.2.3","is_enterprise_install":"false"}}`,
		` { "type" : "slash_commands" , "envelope_id":"e2", "retry_attempt": 0, "retry_reason": null, "payload": {"text": "café ☕", "is_enterprise_install": true, "enterprise_id": null, "extra": [1]} } `,
		`{"type":"slash_commands","envelope_id":"e3","payload":{"Text":"upper-case key","is_enterprise_install":"1"}}`,
		`{"type":"slash_commands","envelope_id":"e4","payload":{"text":5}}`,
		`{"type":"slash_commands","envelope_id":"e5","num_connections":1.5,"payload":{}}`,
		`{"type":"slash_commands","envelope_id":"e6","payload":{"text":"bad \x`,
		`{"type":"events_api","envelope_id":"e7","payload":{"type":"event_callback"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		fast, ok := decodeSlash(frame)
		if !ok {
			return
		}
		slow := decodeSlow(frame)
		if slow.Type != socketmode.EventTypeSlashCommand {
			t.Fatalf("the fast path read a %s as a slash command; slack-go: %+v", slow.Type, slow.Data)
		}
		if diff := cmp.Diff(slow.Request, fast.Request); diff != "" {
			t.Errorf("request (-slack-go +fast):\n%s", diff)
		}
		if diff := cmp.Diff(slow.Data, fast.Data); diff != "" {
			t.Errorf("command (-slack-go +fast):\n%s", diff)
		}
	})
}

// FuzzAckJSON: a slash command's answer is encoded to the very bytes
// json.Marshal gives, whatever its text.
func FuzzAckJSON(f *testing.F) {
	for _, s := range []string{":white_check_mark: Logged call → *County* as `C12` (today 10:00): \"Planning\" <@U1> & co",
		"line\nbreak\ttab\r\b\f\x00\x1f", "bad \xff utf-8 \u2028 \u2029 é ☕", strings.Repeat("long ", 800)} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, verbatim bool) {
		for _, m := range []ackMessage{
			ephemeralAck(message.Reply{Text: text}),
			{ResponseType: "ephemeral", Text: text},
			{ResponseType: text, Text: text, Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, verbatim), nil, nil)}},
			{ResponseType: "ephemeral", Text: text, Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, text, true, false), nil, nil)}},
		} {
			want, werr := json.Marshal(m)
			got, gerr := marshalAck(m)
			if (werr != nil) != (gerr != nil) || string(got) != string(want) {
				t.Errorf("marshalAck:\n%s (%v)\njson.Marshal:\n%s (%v)", got, gerr, want, werr)
			}
		}
	})
}
