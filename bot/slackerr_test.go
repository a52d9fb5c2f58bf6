package bot

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/message"
)

// TestClassifySlacksAnswers: what each of Slack's answers to a post means,
// from the answer on the wire, through slack-go, to the class: whether
// Slack refuses the bot's calls (every call, until an admin acts), this
// destination for good, or only for now, and whether the post may have
// landed despite the error.
func TestClassifySlacksAnswers(t *testing.T) {
	t.Parallel()
	slackError := func(code string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, code)
		}
	}
	status := func(code int, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(code)
		}
	}
	for _, tc := range []struct {
		name      string
		answer    http.HandlerFunc // nil: nobody listens
		want      Failure
		code      string
		ambiguous bool
	}{
		// The token, or a scope: every such call fails until an admin acts.
		{"token_revoked", slackError("token_revoked"), FailAuth, "token_revoked", false},
		{"invalid_auth", slackError("invalid_auth"), FailAuth, "invalid_auth", false},
		{"account_inactive", slackError("account_inactive"), FailAuth, "account_inactive", false},
		{"missing_scope", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"commands"}`)
		}, FailAuth, "missing_scope", false},
		// One conversation: the others still work.
		{"no_permission", slackError("no_permission"), FailDestination, "no_permission", false},
		{"team_access_not_granted", slackError("team_access_not_granted"), FailDestination, "team_access_not_granted", false},
		{"ekm_access_denied", slackError("ekm_access_denied"), FailDestination, "ekm_access_denied", false},
		{"channel_not_found", slackError("channel_not_found"), FailDestination, "channel_not_found", false},
		{"not_in_channel", slackError("not_in_channel"), FailDestination, "not_in_channel", false},
		{"is_archived", slackError("is_archived"), FailDestination, "is_archived", false},
		// Not now.
		{"internal_error: may have half-succeeded", slackError("internal_error"), FailRetry, "internal_error", true},
		{"fatal_error: may have half-succeeded", slackError("fatal_error"), FailRetry, "fatal_error", true},
		{"service_unavailable", slackError("service_unavailable"), FailRetry, "service_unavailable", false},
		{"ratelimited in the body", slackError("ratelimited"), FailRetry, "ratelimited", false},
		{"HTTP 429 with Retry-After", status(http.StatusTooManyRequests, "Retry-After", "7"), FailRetry, "ratelimited", false},
		{"HTTP 503", status(http.StatusServiceUnavailable), FailRetry, "", true},
		{"HTTP 500", status(http.StatusInternalServerError), FailRetry, "", true},
		{"connection lost after the request", func(w http.ResponseWriter, _ *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, FailRetry, "", true},
		{"no answer in time", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second): // well past the client's timeout
			}
		}, FailRetry, "", true},
		{"nobody listening", nil, FailRetry, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var url string
			if tc.answer != nil {
				srv := httptest.NewServer(tc.answer)
				t.Cleanup(srv.Close)
				url = srv.URL + "/api/"
			} else {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				url = "http://" + l.Addr().String() + "/api/"
				l.Close() // a port nobody listens on
			}
			api := slack.New("xoxb-test", slack.OptionAPIURL(url), slack.OptionHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
			_, _, err := api.PostMessageContext(context.Background(), "C0TEAM", slack.MsgOptionText("hi", false))
			if err == nil {
				t.Fatal("the post succeeded")
			}
			if f, code := Classify(err); f != tc.want || code != tc.code {
				t.Errorf("Classify(%v) = %v, %q; want %v, %q", err, f, code, tc.want, tc.code)
			}
			if got := Ambiguous(err); got != tc.ambiguous {
				t.Errorf("Ambiguous(%v) = %v; want %v", err, got, tc.ambiguous)
			}
			// Wrapped on its way up, as an upload's steps are, it means the same.
			wrapped := fmt.Errorf("CompleteUploadExternal: %w", err)
			if f, code := Classify(wrapped); f != tc.want || code != tc.code {
				t.Errorf("Classify of it wrapped = %v, %q; want %v, %q", f, code, tc.want, tc.code)
			}
		})
	}
}

// TestUploadScopeComesBack: an upload refused for a missing files:write
// makes the bot not ready; once an admin grants the scope, the bot finds
// out by itself (a harmless files.getUploadURLExternal), with no upload
// needed to prove it, and is ready again.
func TestUploadScopeComesBack(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{cfg: Config{AuthProbe: 20 * time.Millisecond}})
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		testwait.Until(t, what, cond)
	}
	waitFor("ready at the start", tb.b.Ready)
	tb.slack.RemoveScope("files:write")
	msg := message.Reply{Text: "Monthly report", Files: []message.File{chart("contacts.png")}}
	if _, _, err := tb.b.PostScheduled(tb.ctx(), "C0TEAM", "report:2026-12-01T09:00", msg, tb.clock.Now()); err != nil {
		t.Fatalf("the post itself: %v", err)
	}
	if tb.b.Ready() {
		t.Fatalf("ready with files:write missing")
	}
	calls := tb.slack.Calls("files.getUploadURLExternal")
	tb.slack.GrantScope("files:write")
	waitFor("ready once files:write is granted", tb.b.Ready)
	if tb.slack.Calls("files.getUploadURLExternal") <= calls || len(tb.slack.Uploads()) != 0 {
		t.Errorf("ready again without a probe, or the probe uploaded a file (%d uploads)", len(tb.slack.Uploads()))
	}
	if got := tb.metric("outreach_slack_auth_ok"); got != 1 {
		t.Errorf("outreach_slack_auth_ok = %v; want 1", got)
	}
}

// chart is a file for a scheduled post to carry.
func chart(name string) message.File {
	return message.File{Name: name, Title: name, Write: func(w io.Writer) error {
		_, err := io.WriteString(w, "PNG")
		return err
	}}
}
