package bot

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/message"
)

// Failure says what a failed Slack call means for the work that made it.
type Failure int

// Failures.
const (
	// FailRetry: the call may succeed later (a 5xx, a timeout, a rate
	// limit, a dropped connection).
	FailRetry Failure = iota
	// FailAuth: Slack refuses the bot's token, or the token lacks a
	// scope; every such call fails until an admin acts, whatever it was
	// for.
	FailAuth
	// FailDestination: Slack refused this call for good, for a reason of
	// its own (no such channel, a deactivated user, the bot not in the
	// channel, no permission there): trying again cannot help.
	FailDestination
)

// authErrors fail every call made with the token, or every call of a
// method (missing_scope), until an admin reinstalls or grants. Errors
// about one conversation are not among them, though their names sound
// alike: no_permission ("make sure your app is a member of the
// conversation"), team_access_not_granted (the token was not granted
// that conversation's workspace) and ekm_access_denied (admins disabled
// sending to that channel) refuse one destination, and every other call
// still works.
var authErrors = map[string]bool{
	"token_revoked": true, "invalid_auth": true, "account_inactive": true, "not_authed": true,
	"token_expired": true, "missing_scope": true, "not_allowed_token_type": true, "org_login_required": true,
}

// retryErrors are Slack's answers that say "not now". internal_error and
// fatal_error also say "it's possible some aspect of the operation
// succeeded" (Ambiguous).
var retryErrors = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true, "request_timeout": true,
	"ratelimited": true, "rate_limited": true, "team_added_to_org": true,
}

// Classify says what err, from a Slack call, means, with Slack's error
// code ("" when Slack gave none, e.g. a timeout).
func Classify(err error) (Failure, string) {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl):
		return FailRetry, "ratelimited"
	case errors.As(err, &se):
		switch {
		case authErrors[se.Err]:
			return FailAuth, se.Err
		case retryErrors[se.Err]:
			return FailRetry, se.Err
		}
		return FailDestination, se.Err
	case errors.As(err, &sc):
		if sc.Code >= 500 || sc.Code == 429 {
			return FailRetry, ""
		}
		if sc.Code == 401 || sc.Code == 403 {
			return FailAuth, ""
		}
		return FailDestination, ""
	}
	return FailRetry, ""
}

// Ambiguous reports whether a failed call may have done what it was for
// all the same, so that repeating it blind could do it twice (a post):
// Slack's internal_error and fatal_error ("it's possible some aspect of
// the operation succeeded before the error was raised"), an HTTP 5xx, a
// timeout, a connection lost or an answer that could not be read after
// the request was sent. A 429, Slack's other errors, and a connection
// that was never made are not.
func Ambiguous(err error) bool {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var op *net.OpError
	switch {
	case err == nil, errors.As(err, &rl):
		return false
	case errors.As(err, &se):
		return se.Err == "internal_error" || se.Err == "fatal_error"
	case errors.As(err, &sc):
		return sc.Code >= 500
	case errors.As(err, &op) && op.Op == "dial":
		return false // the request never left
	}
	return true
}

// authState remembers that Slack refuses the bot's calls: the token as a
// whole (token_revoked and the like) or one method for a missing scope.
// While it does, the bot is not ready, says so once a minute, and the
// scheduler holds its work; the first call that works again clears it.
type authState struct {
	mu       sync.Mutex
	token    string            // the token's refusal, "" when it works
	scopes   map[string]string // method → missing scope
	lastLog  time.Time
	lastCode string
}

// authLogEvery spaces the log lines while Slack refuses the bot's calls.
const authLogEvery = time.Minute

// observe notes the outcome of a Web API call: failures in metrics and
// logs, and whether Slack refuses the bot's calls. Every Web API call the
// bot makes passes through it; it returns err.
func (b *Bot) observe(method string, err error) error {
	a := &b.auth
	if err == nil {
		a.mu.Lock()
		was := a.token != "" || a.scopes[method] != ""
		a.token = ""
		delete(a.scopes, method)
		failing := a.token != "" || len(a.scopes) > 0
		a.mu.Unlock()
		if was && !failing {
			b.metrics.authOK.Set(1)
			b.log.Info("Slack accepts the bot's calls again; held work resumes", "method", method)
		}
		return nil
	}
	failure, code := Classify(err)
	label := code
	if label == "" {
		label = "other"
	}
	b.metrics.apiErrors.WithLabelValues(method, label).Inc()
	if code == "ratelimited" {
		b.metrics.rateLimited.WithLabelValues(method).Inc()
	}
	if failure != FailAuth {
		b.log.Warn("slack api call failed", "method", method, "error", label)
		return err
	}
	var se slack.SlackErrorResponse
	errors.As(err, &se)
	b.metrics.authFailures.WithLabelValues(method, label).Inc()
	b.metrics.authOK.Set(0)
	now := b.clock.Now()
	a.mu.Lock()
	if code == "missing_scope" {
		if a.scopes == nil {
			a.scopes = map[string]string{}
		}
		a.scopes[method] = se.Needed
	} else {
		a.token = label
	}
	logIt := now.Sub(a.lastLog) >= authLogEvery || a.lastCode != label
	if logIt {
		a.lastLog, a.lastCode = now, label
	}
	a.mu.Unlock()
	if !logIt {
		return err
	}
	if code == "missing_scope" {
		b.log.Error("Slack refuses a call: the app lacks a scope. Add it under OAuth & Permissions (or in manifest.yaml) and reinstall the app; scheduled posts wait until then",
			"method", method, "scope", se.Needed, "error", code)
	} else {
		b.log.Error("Slack refuses the bot token: every call fails until an admin reinstalls the app or sets a new SLACK_BOT_TOKEN; scheduled posts wait until then",
			"method", method, "error", label)
	}
	return err
}

// authFailing reports whether Slack refuses the bot's token or a scope.
func (b *Bot) authFailing() bool {
	b.auth.mu.Lock()
	defer b.auth.mu.Unlock()
	return b.auth.token != "" || len(b.auth.scopes) > 0
}

// tokenRefused reports whether Slack refuses the token as a whole.
func (b *Bot) tokenRefused() bool {
	b.auth.mu.Lock()
	defer b.auth.mu.Unlock()
	return b.auth.token != ""
}

// Ready reports whether the bot can serve: a Socket Mode connection is up
// and Slack accepts its calls (/readyz).
func (b *Bot) Ready() bool { return b.Connected() && !b.authFailing() }

// probeAuth asks, every interval while Slack refuses the bot's calls,
// whether they work again, so that readiness comes back even with no
// other call to prove it: auth.test while the token is refused, and a
// harmless call of each method refused for a missing scope that has one
// (scopeProbe; the others are proved by the work that uses them, such as
// the scheduler's probe of a post). It returns when ctx ends.
func (b *Bot) probeAuth(ctx context.Context, interval time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.clock.After(interval):
		}
		probes := map[string]func(context.Context) error{}
		if b.tokenRefused() {
			probes["auth.test"] = func(ctx context.Context) error {
				_, err := b.api.AuthTestContext(ctx)
				return err
			}
		} else {
			for _, method := range b.missingScopes() {
				if probe := b.scopeProbe(method); probe != nil {
					probes[method] = probe
				}
			}
		}
		for method, probe := range probes {
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := probe(pctx)
			cancel()
			if ctx.Err() != nil {
				return
			}
			_ = b.observe(method, err)
		}
	}
}

// missingScopes are the methods Slack refused for a missing scope.
func (b *Bot) missingScopes() []string {
	b.auth.mu.Lock()
	defer b.auth.mu.Unlock()
	var out []string
	for method := range b.auth.scopes {
		out = append(out, method)
	}
	return out
}

// scopeProbe is a call of method that changes nothing anyone sees, to
// learn whether a scope Slack said it lacked has been granted since; nil
// when there is none. An upload URL asked for and never used expires.
func (b *Bot) scopeProbe(method string) func(context.Context) error {
	switch method {
	case "files.upload":
		return func(ctx context.Context) error {
			_, err := b.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "outreach-scope-check.txt", FileSize: 1})
			return err
		}
	case "users.info":
		return func(ctx context.Context) error {
			_, err := b.api.GetUserInfoContext(ctx, b.cfg.BotUserID)
			return err
		}
	}
	return nil
}

// refusedReply is what a person is told when Slack refuses the bot's
// calls (or cannot say who they are).
func refusedReply(err error) message.Reply {
	if f, _ := Classify(err); f == FailAuth {
		return message.SlackRefusing()
	}
	return cannotIdentify()
}
