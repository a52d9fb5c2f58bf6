package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// How a job that did not go through ends, or waits. Every job has a
// bounded number of tries; what counts as one depends on whose fault the
// failure is:
//
//   - Slack refuses the bot's calls (a revoked token, a missing scope,
//     ErrHeld): not the job's fault. It waits, its try not counted, and
//     the scheduler stops claiming but for one probe a minute until calls
//     work again. Nothing is lost; nothing spins.
//   - Slack refuses the post for good (a channel gone, a deactivated
//     user, ErrUndeliverable): the job ends, with Slack's reason stored
//     for `followups` and the digest to show; a post meant for a channel
//     goes to the admins instead.
//   - Slack cannot say whether a retried job's earlier post went out
//     (history of a channel the bot has not joined, ErrCannotCheck): the
//     job is not posted blind, which could post it twice; it ends, and
//     its message goes to the admins with what to do (README, "Scheduled
//     posts Slack refuses").
//   - Anything else (a 5xx, a timeout, Redis): tried again with backoff,
//     MaxTries in all, then it ends as above. A post that failed in a way
//     that may have half-succeeded (a timeout, a lost answer, Slack's
//     internal_error) is never retried blind: the retry looks first.
//   - The job's lease moved to another holder (ErrFenced, or renewal
//     found it taken): the run ends quietly; the holder owns the job.

// MaxTries bounds the claims of a job that keeps failing; with the
// backoff (failRetry doubling to maxBackoff) they span about an hour.
const MaxTries = 10

// failRetry is the first wait after a failure; it doubles with each try.
const failRetry = 10 * time.Second

// maxBackoff caps the wait between tries.
const maxBackoff = 15 * time.Minute

// holdRetry is how long work waits while Slack refuses the bot's calls,
// before one job probes whether they work again.
const holdRetry = time.Minute

// Errors a Poster's error wraps (through Refused) to say what Slack's
// refusal means for the job.
var (
	// ErrUndeliverable: Slack refused the post for good (no such channel,
	// a deactivated user): the job ends.
	ErrUndeliverable = errors.New("undeliverable")
	// ErrHeld: Slack refuses the bot's calls (token_revoked, missing_scope…)
	// whatever they are for: the job waits until calls work again.
	ErrHeld = errors.New("slack refuses the bot's calls")
	// ErrCannotCheck: Slack will not say whether the job's earlier post
	// went out (the bot cannot read the channel's history).
	ErrCannotCheck = errors.New("cannot check for an earlier post")
	// ErrTransient: Slack failed in a way that may pass (a 5xx, a
	// timeout): the job is tried again with backoff.
	ErrTransient = errors.New("slack failed")
	// ErrFenced: the post was not sent because, as it was about to leave,
	// the job's lease belonged to another holder (Post.Fence).
	ErrFenced = errors.New("lease moved to another holder")
)

// Refused is a Poster's error when Slack said no: Class is one of the
// errors above, Code Slack's error ("channel_not_found").
type Refused struct {
	Class error
	Code  string
	Err   error
}

func (r *Refused) Error() string { return fmt.Sprintf("%v: %v", r.Class, r.Err) }

// Unwrap gives both the class and the underlying error to errors.Is/As.
func (r *Refused) Unwrap() []error { return []error{r.Class, r.Err} }

// code is Slack's error code in err, or what err says.
func code(err error) string {
	var r *Refused
	if errors.As(err, &r) && r.Code != "" {
		return r.Code
	}
	return message.Clip(err.Error(), 120)
}

// errHandedBack: the job went back to the queue to be tried later; it is
// not a failure.
var errHandedBack = errors.New("handed back to try later")

// backoff is the wait before try n+1, after n failed tries.
func backoff(n int) time.Duration {
	d := failRetry
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// held is the scheduler's state while Slack refuses its calls.
type held struct {
	until   time.Time // no claims before then
	probing bool      // after it, one job at a time until one goes through
	probe   bool      // that one job is claimed and under way
}

// holding reports whether to claim nothing now, and otherwise how many
// jobs a claim may take. A claim of one is the probe: no other is made
// until it is done (probed).
func (s *Scheduler) holding(now time.Time) (bool, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case now.Before(s.held.until), s.held.probe:
		return true, 0
	case s.held.probing:
		s.held.probe = true
		return false, 1
	}
	return false, ClaimBatch
}

// probed says the probe claim found nothing to run.
func (s *Scheduler) probed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held.probe = false
}

// hold hands j back without counting its try, and holds every claim for
// holdRetry.
func (s *Scheduler) hold(ctx context.Context, j store.Job, token string, err error) {
	now := s.clock.Now()
	s.mu.Lock()
	first := !s.held.probing
	s.held = held{until: now.Add(holdRetry), probing: true}
	s.mu.Unlock()
	s.metrics.held.Inc()
	if first {
		s.log.Warn("Slack refuses the bot's calls; scheduled work waits and is tried again once a minute", "job", j.ID, "error", code(err))
	}
	if _, rerr := s.store.HoldJobs(ctx, s.cfg.Team, token, now.Add(holdRetry), j.ID); rerr != nil {
		s.log.Warn("hold a job; it returns when its lease ends", "job", j.ID, "err", rerr)
	}
}

// resume ends a hold: Slack answered a call on its merits.
func (s *Scheduler) resume() {
	s.mu.Lock()
	was := s.held.probing
	s.held = held{}
	s.mu.Unlock()
	if was {
		s.log.Info("Slack accepts the bot's calls again; scheduled work resumes")
	}
}

// retryLater hands j back to try again after backoff, or ends it when it
// has had its tries.
func (s *Scheduler) retryLater(ctx context.Context, kind string, j store.Job, token string, err error) {
	s.metrics.failures.WithLabelValues(kind).Inc()
	if j.Tries >= MaxTries {
		s.log.Error("job failed every try; giving up", "job", j.ID, "tries", j.Tries, "err", err)
		s.fail(ctx, j, token, domain.JobFailure{Reason: "gave_up:" + code(err)})
		return
	}
	wait := backoff(j.Tries)
	s.log.Error("job failed; trying again later", "job", j.ID, "try", j.Tries, "in", wait, "err", err)
	// It may have been posted (a timeout): the next claim looks first.
	if _, rerr := s.store.ReleaseJobs(ctx, s.cfg.Team, token, s.clock.Now().Add(wait), store.Retry, j.ID); rerr != nil {
		s.log.Warn("hand back a failed job; it returns when its lease ends", "job", j.ID, "err", rerr)
	}
}

// fail ends j, recording why.
func (s *Scheduler) fail(ctx context.Context, j store.Job, token string, f domain.JobFailure) {
	kind, _ := store.ParseJobID(j.ID)
	label, _, _ := strings.Cut(f.Reason, ":") // Slack's code, gave_up or cannot_check
	if strings.Trim(label, "abcdefghijklmnopqrstuvwxyz_") != "" {
		label = "other"
	}
	s.metrics.ended.WithLabelValues(kind, label).Inc()
	ok, err := s.store.FailJob(ctx, s.cfg.Team, j, token, s.clock.Now(), f)
	switch {
	case err != nil:
		s.log.Warn("record a failed job; it returns when its lease ends", "job", j.ID, "err", err)
	case !ok:
		s.log.Warn("lease lost before ending a job; another replica has it", "job", j.ID)
	}
}

// undeliverable ends j, which Slack refused for good; a channel's post
// goes to the admins, with the reason.
func (s *Scheduler) undeliverable(ctx context.Context, kind string, j store.Job, token string, p Post, err error) error {
	s.metrics.failures.WithLabelValues(kind).Inc()
	reason := code(err)
	s.log.Error("Slack refused a post for good; ending the job", "job", j.ID, "to", p.To, "error", reason)
	if isChannel(p.To) {
		if ferr := s.forward(ctx, j, token, p, message.NotPosted(p.To, reason, false)); ferr != nil {
			return ferr
		}
	}
	s.fail(ctx, j, token, domain.JobFailure{Reason: reason, To: p.To})
	return errHandedBack
}

// cannotCheck ends a retried job whose earlier post Slack cannot show:
// posting again could post twice, so its message goes to the admins, who
// can see whether it went out and make the bot able to check next time.
func (s *Scheduler) cannotCheck(ctx context.Context, kind string, j store.Job, token string, p Post, err error) error {
	s.metrics.failures.WithLabelValues(kind).Inc()
	reason := code(err)
	s.log.Error("cannot check whether a retried post went out; not posting it blind, sending it to the admins", "job", j.ID, "to", p.To, "error", reason)
	if ferr := s.forward(ctx, j, token, p, message.NotPosted(p.To, reason, true)); ferr != nil {
		return ferr
	}
	s.fail(ctx, j, token, domain.JobFailure{Reason: "cannot_check:" + reason, To: p.To})
	return errHandedBack
}

// forward sends p's message to each admin's DM, under note, keyed by the
// job as the post was: a DM's history is the bot's to read, so a retry
// finds the copies already sent and does not send them twice. Its
// buttons are dropped, as they belong where the post was going. A copy
// that fails for a reason that may pass returns the error: the job is
// tried again, and sends the copies still missing. An admin Slack
// refuses for good (deactivated) is skipped.
func (s *Scheduler) forward(ctx context.Context, j store.Job, token string, p Post, note message.Reply) error {
	if len(s.cfg.Admins) == 0 {
		s.log.Error("no OUTREACH_ADMINS to send a post Slack refused to; it is dropped", "job", j.ID)
		return nil
	}
	msg := message.Forwarded(note, p.Message)
	var retry error
	for _, admin := range s.cfg.Admins {
		if j.Tries > 1 {
			_, ok, err := s.post.Find(ctx, admin, p.Key, since(j))
			switch {
			case err == nil && ok:
				continue // sent by an earlier try
			case errors.Is(err, ErrHeld), errors.Is(err, context.Canceled):
				return err
			case err != nil && !errors.Is(err, ErrCannotCheck):
				// Not knowing whether this copy went out, do not send it
				// blind: the next try looks again.
				retry = fmt.Errorf("look for the copy to admin %s: %w", admin, err)
				continue
			}
			// The bot reads its DMs with admins; should Slack refuse
			// that, one copy twice beats none.
		}
		_, err := s.post.Post(ctx, Post{To: admin, Key: p.Key, Message: msg, Order: j.Due, Fence: s.fence(j, token)})
		switch {
		case err == nil:
		case errors.Is(err, ErrHeld), errors.Is(err, ErrFenced), errors.Is(err, context.Canceled):
			return err
		case errors.Is(err, ErrUndeliverable):
			s.log.Error("Slack refuses a copy to an admin for good; skipping that admin", "job", j.ID, "admin", admin, "error", code(err))
		default:
			s.log.Warn("could not send a copy to an admin; trying the job again later", "job", j.ID, "admin", admin, "error", code(err))
			retry = fmt.Errorf("copy to admin %s: %w", admin, err)
		}
	}
	return retry
}

// isChannel tells a channel id from a user id (a DM).
func isChannel(to string) bool {
	return to != "" && (to[0] == 'C' || to[0] == 'G' || to[0] == 'D')
}
