package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/bot"
	"github.com/outreachbot/outreachbot/scheduler"
)

// TestRefusalClasses: what a failed post or history look-up means for its
// job, from Slack's own error strings as slack-go surfaces them. Slack
// refusing the bot's calls holds every job; one conversation refusing
// ends that job (or, for a look-up, says its earlier post cannot be
// checked); anything that may pass is tried again, looking first.
func TestRefusalClasses(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "https://slack.com/api/chat.postMessage", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	timeout := &url.Error{Op: "Post", URL: "https://slack.com/api/chat.postMessage", Err: context.DeadlineExceeded}
	for _, tc := range []struct {
		err        error
		post, find error // the class for a post and for a look-up; nil: a plain error, tried again
		code       string
	}{
		{slack.SlackErrorResponse{Err: "token_revoked"}, scheduler.ErrHeld, scheduler.ErrHeld, "token_revoked"},
		{slack.SlackErrorResponse{Err: "missing_scope"}, scheduler.ErrHeld, scheduler.ErrHeld, "missing_scope"},
		{slack.SlackErrorResponse{Err: "no_permission"}, scheduler.ErrUndeliverable, scheduler.ErrCannotCheck, "no_permission"},
		{slack.SlackErrorResponse{Err: "team_access_not_granted"}, scheduler.ErrUndeliverable, scheduler.ErrCannotCheck, "team_access_not_granted"},
		{slack.SlackErrorResponse{Err: "not_in_channel"}, scheduler.ErrUndeliverable, scheduler.ErrCannotCheck, "not_in_channel"},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, scheduler.ErrUndeliverable, scheduler.ErrCannotCheck, "channel_not_found"},
		{slack.SlackErrorResponse{Err: "internal_error"}, scheduler.ErrTransient, scheduler.ErrTransient, "internal_error"},
		{slack.SlackErrorResponse{Err: "fatal_error"}, scheduler.ErrTransient, scheduler.ErrTransient, "fatal_error"},
		{&slack.RateLimitedError{RetryAfter: 30 * time.Second}, scheduler.ErrTransient, scheduler.ErrTransient, "ratelimited"},
		{slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, nil, nil, ""},
		{dial, nil, nil, ""},
		{timeout, nil, nil, ""},
	} {
		t.Run(fmt.Sprint(tc.err), func(t *testing.T) {
			for _, c := range []struct {
				what        string
				destination error
				want        error
			}{{"post", scheduler.ErrUndeliverable, tc.post}, {"look-up", scheduler.ErrCannotCheck, tc.find}} {
				got := refusal(fmt.Errorf("chat.postMessage: %w", tc.err), c.destination)
				var r *scheduler.Refused
				switch {
				case c.want == nil && errors.As(got, &r):
					t.Errorf("%s: %v; want a plain error, tried again", c.what, got)
				case c.want != nil && (!errors.Is(got, c.want) || !errors.As(got, &r) || r.Code != tc.code):
					t.Errorf("%s: %v; want %v with code %q", c.what, got, c.want, tc.code)
				}
			}
		})
	}
	if err := postError(bot.ErrFenced); !errors.Is(err, scheduler.ErrFenced) {
		t.Errorf("a fenced post: %v; want scheduler.ErrFenced", err)
	}
}
