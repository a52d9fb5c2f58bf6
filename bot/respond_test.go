package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/slack-go/slack"
)

// A response_url's answer has no documented body: any 2xx is delivered
// (else the reply goes again by another way, and shows twice), unless
// it is JSON that says it is not.
func TestPostResponseAnyTwoHundredIsDelivered(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		ok                bool
	}{
		{"json ok", "application/json", `{"ok":true}`, 200, true},
		{"plain ok", "text/plain", "ok", 200, true},
		{"ok with a newline", "text/plain", "ok\n", 200, true},
		{"empty body", "", "", 200, true},
		{"json without content type", "", `{"ok":true}`, 200, true},
		{"no content", "", "", 204, true},
		{"json not ok", "application/json", `{"ok":false,"error":"invalid_blocks"}`, 200, false},
		{"expired", "application/json", `{"ok":false,"error":"expired_url"}`, 404, false},
		{"server error", "text/html", "<html>oops</html>", 500, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			err := postResponse(context.Background(), srv.URL, &slack.WebhookMessage{Text: "hi"})
			if (err == nil) != tc.ok {
				t.Errorf("postResponse = %v; want delivered %v", err, tc.ok)
			}
		})
	}
}
