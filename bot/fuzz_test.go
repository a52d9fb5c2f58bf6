package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/outreachbot/outreachbot/internal/testclock"
)

// The edges where Slack's bytes meet the bot: a Socket Mode frame as
// slack-go decodes it, the button values and private_metadata that come
// back from Slack. Seeds are in testdata/fuzz; ./scripts/test.sh runs each
// target briefly.

// parseFrame decodes a Socket Mode frame into the event the bot's
// dispatch receives, as slack-go v0.35.0's client does
// (socketmode/socket_mode_managed_conn.go, parseEvent). ok is false for a
// frame slack-go handles itself (disconnect).
func parseFrame(raw []byte) (evt socketmode.Event, ok bool) {
	bad := func(err error) (socketmode.Event, bool) {
		return socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: err, Message: raw}}, true
	}
	req := &socketmode.Request{}
	if err := json.Unmarshal(raw, req); err != nil {
		return bad(err)
	}
	switch req.Type {
	case socketmode.RequestTypeHello:
		return socketmode.Event{Type: socketmode.EventTypeHello, Request: req}, true
	case socketmode.RequestTypeEventsAPI:
		ev, err := slackevents.ParseEvent(req.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev, Request: req}, true
	case socketmode.RequestTypeDisconnect:
		return socketmode.Event{}, false
	case socketmode.RequestTypeSlashCommands:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(req.Payload, &cmd); err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: req}, true
	case socketmode.RequestTypeInteractive:
		var cb slack.InteractionCallback
		if err := json.Unmarshal(req.Payload, &cb); err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: req}, true
	}
	return bad(fmt.Errorf("unsupported type %q", req.Type))
}

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
// error). The seeds are frames as Slack sends them (slacktest/ writes
// the same shapes), and a few it should not.
func FuzzEnvelope(f *testing.F) {
	// A fake clock moves past the outbox's pacing at once.
	tb := newTestBot(f, botOptions{noRun: true, clock: testclock.New()})
	rec := &ackRecorder{}
	c := &conn{ack: rec.ack}
	f.Fuzz(func(t *testing.T, frame []byte) {
		evt, ok := parseFrame(frame)
		if !ok {
			return
		}
		tb.b.dispatch(c, evt)
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
