package bot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack/socketmode"
)

// TestAckFrame: an ack is the JSON slack-go's socketmode.Response gives,
// whatever the payload's form and the envelope id.
func TestAckFrame(t *testing.T) {
	msg := ackMessage{ResponseType: "ephemeral", Text: "Logged <call> & \"more\""}
	raw, _ := json.Marshal(msg)
	for _, tc := range []struct {
		name    string
		id      string
		payload any
		want    any // what slack-go's Response carries
	}{
		{"no payload", "6b0b4e1c-4d0f-4b5e-9c3e-0d9b1e2f3a4b", nil, nil},
		{"a value", "e1", msg, msg},
		{"encoded already", "e2", json.RawMessage(raw), msg},
		{"an id that needs escaping", "e\"3\\<é>\n", msg, msg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ackFrame(tc.id, tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(socketmode.Response{EnvelopeID: tc.id, Payload: tc.want})
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("ack %s is not JSON: %v", got, err)
			}
			_ = json.Unmarshal(want, &w)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("ack (-slack-go +ours):\n%s", diff)
			}
		})
	}
}

// TestAckOf20KBRefused: Slack drops acks of 20 KB or more; sendAck says so
// instead of sending one.
func TestAckOf20KBRefused(t *testing.T) {
	c := &conn{}
	err := c.sendAck(t.Context(), "e1", ackMessage{Text: strings.Repeat("x", 20*1024)})
	if err == nil || !strings.Contains(err.Error(), "Slack drops") {
		t.Errorf("sendAck of a 20 KB ack: %v; want it refused", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) != 0 {
		t.Errorf("%d frames queued; want none", len(c.pending))
	}
}
