// Package scheduler posts what falls due — follow-up reminders,
// stay-in-touch nudges, the team digest — each exactly once, with any
// number of replicas. Cron says when; Redis holds what is due and who has
// claimed it: due work sits in a sorted set, is claimed under a lease by
// one script, and is marked done only after Slack accepted the post.
// Expired leases are taken back by any replica, and reclaimed work first
// looks for its own earlier post so a crash right after posting does not
// double it. One injected clock drives everything.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// Store is what the scheduler needs from storage.
type Store interface {
	ClaimDue(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token string) (store.Claim, error)
	ClaimQueued(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token string) (store.Claim, error)
	FinishJob(ctx context.Context, team string, job store.Job, token string, now time.Time, next string, nextDue time.Time) (bool, error)
	ReminderSent(ctx context.Context, team string, followUp int64, job store.Job, token string, now, nextDue time.Time, channel, ts string) (bool, error)
	RollOccurrence(ctx context.Context, team string, id int64, job string, from, to time.Time) (domain.FollowUp, bool, error)
	ReleaseJobs(ctx context.Context, team, token string, at time.Time, retry bool, jobs ...string) (int, error)
	HoldJobs(ctx context.Context, team, token string, at time.Time, jobs ...string) (int, error)
	FailJob(ctx context.Context, team string, job store.Job, token string, now time.Time, f domain.JobFailure) (bool, error)
	JobFailuresSince(ctx context.Context, team string, since time.Time, limit int) ([]domain.JobFailure, error)
	ExtendLeases(ctx context.Context, team, token string, until time.Time, jobs ...string) (lost []string, err error)
	AdoptLeases(ctx context.Context, team, from, to string, jobs ...string) (int, error)
	EnqueueJobs(ctx context.Context, team string, jobs map[string]time.Time) (int, error)
	ScheduleLast(ctx context.Context, team, name string) (time.Time, error)
	AdvanceSchedule(ctx context.Context, team, name string, last, occ time.Time, job string) (bool, error)
	NextDue(ctx context.Context, team string) (time.Time, error)

	FollowUp(ctx context.Context, team string, id int64) (domain.FollowUp, error)
	Contact(ctx context.Context, team, slug string, id int64) (domain.Contact, error)
	OpenFollowUps(ctx context.Context, team, user string) ([]domain.FollowUp, error)
	FollowUpsDoneSince(ctx context.Context, team string, t time.Time) (int64, error)
	ListPartners(ctx context.Context, team string) ([]domain.Partner, error)
	Partner(ctx context.Context, team, slug string) (domain.Partner, error)
	MarkNudged(ctx context.Context, team string, ps []domain.Partner, now time.Time) error

	Event(ctx context.Context, team string, id int64) (domain.Event, error)
	Events(ctx context.Context, team, slug string, from, to time.Time, reverse bool, limit int) ([]domain.Event, error)
	EventEnded(ctx context.Context, team string, id int64) error
	CreateSurvey(ctx context.Context, team, origin string, sv domain.Survey, now time.Time) (int64, bool, error)
	Survey(ctx context.Context, team string, id int64) (domain.Survey, error)
	SurveyPosted(ctx context.Context, team string, id int64, channel, ts string) error
	Answered(ctx context.Context, team string, survey int64, users []string) (map[string]bool, error)
	CloseSurvey(ctx context.Context, team string, survey int64) error
	PartnerFollowUps(ctx context.Context, team, slug string, openOnly bool) ([]domain.FollowUp, error)
	PartnerSurveys(ctx context.Context, team, slug string, limit int) ([]int64, error)
	Responses(ctx context.Context, team string, survey int64) ([]domain.Response, error)

	// The partners' canvases.
	TouchCanvas(ctx context.Context, team, slug string, now time.Time, window time.Duration) error
	Canvas(ctx context.Context, team, slug string) (domain.Canvas, error)
	SetCanvas(ctx context.Context, team, slug, id, channel string) error
	CanvasWritten(ctx context.Context, team, slug, part, hash string) error
	ForgetCanvas(ctx context.Context, team, slug string) error
	CanvasRefusal(ctx context.Context, team string, now time.Time) (string, error)
	RefuseCanvases(ctx context.Context, team, code string, until, now time.Time) (bool, error)
	// The monthly report reads a page at a time.
	report.Source
}

// Post is one message to send: to a user (a DM) or a channel.
type Post struct {
	To      string // user id for a DM, or channel id
	Key     string // the job id, carried as message metadata
	Message message.Reply
	// Order is the job's due time: posts to one channel go out in this
	// order.
	Order time.Time
	// Fence, when set, is asked right before the post leaves, after any
	// wait in a queue: held false means the job's lease has moved to
	// another holder, and the post must not go (Post returns an error
	// wrapping ErrFenced); an error means it cannot tell now (Redis is
	// away), and the post waits and asks again.
	Fence func(ctx context.Context) (held bool, err error)
}

// Posted says where a post landed.
type Posted struct{ Channel, TS string }

// Poster delivers posts. Post returns once Slack accepted the message,
// retrying rate limits and transient errors itself; an error means it
// cannot be delivered (or ctx ended). The bot's Poster also holds one
// post per Key and place: a post this process already has queued, or has
// sent to the same place, is not sent again, and Post returns the first
// one's outcome.
type Poster interface {
	Post(ctx context.Context, p Post) (Posted, error)
	// Find looks for an earlier post carrying key, sent to `to` since t.
	Find(ctx context.Context, to, key string, since time.Time) (Posted, bool, error)
	// Zone is a user's time zone.
	Zone(ctx context.Context, user string) (*time.Location, error)
	// Shared reports whether people of another organization are in
	// channel (Slack Connect), asked of Slack now; an error when Slack
	// does not say, wrapping a class as Post's errors do.
	Shared(ctx context.Context, channel string) (bool, error)
}

// Config is the scheduler's part of the configuration.
type Config struct {
	Team        string
	Loc         *time.Location // OUTREACH_TZ: schedules are read on its wall clock
	Quiet       when.QuietHours
	Lease       time.Duration
	TeamChannel string
	// FeedChannel, when set, gets a line for each survey sent on schedule.
	FeedChannel string
	// Command is the slash command's name, for messages that say what to type.
	Command string
	// SurveyDelays are how long after an event its surveys go out.
	SurveyDelays store.EventDelays
	Schedules    map[string]string // a recurring job's kind → spec; defaults from Jobs
	// Poll bounds how long a replica sleeps before looking at the queue
	// again, for work another replica queued. Default 500 ms.
	Poll time.Duration
	// Workers bounds concurrent posts. Default 256.
	Workers int
	// DrainTimeout bounds how long a stop waits for posts under way.
	DrainTimeout time.Duration
	// Admins (OUTREACH_ADMINS) receive, by DM, the posts meant for a
	// channel that Slack refused or would not let the bot check.
	Admins []string
	// Canvas (OUTREACH_PARTNER_CANVAS) keeps a canvas in each partner's
	// linked channel.
	Canvas bool
}

// ClaimBatch bounds one claim; a full batch claims again at once. The
// claim script's cost is nearly flat in the batch size (five Redis calls
// a batch), so larger batches claim a burst faster; 500 keeps one script
// run near a millisecond.
const ClaimBatch = 500

// Scheduler runs due work. Run it once, or drive it step by step with
// RunDue (the console).
type Scheduler struct {
	cfg    Config
	store  Store
	post   Poster
	roster Roster // nil when the poster is none: no survey reminders
	// canvases is nil when the poster is none: no canvases.
	canvases Canvases
	clock    clockwork.Clock
	log      *slog.Logger
	metrics  *metrics

	lastClaimWarn time.Time // only the Run loop touches it

	kinds     map[string]*Job // the rows of Jobs by kind
	schedules map[string]when.Schedule
	nextOcc   map[string]time.Time // per recurring job: no need to ask Redis before then

	mu       sync.Mutex
	held     held               // while Slack refuses the bot's calls
	inflight map[string]*flight // job id → its run in this process
	// renewedAt is when every lease in flight was last renewed; while
	// renewal has failed for longer than a lease (unverified), posts wait
	// until a renewal says which leases are still this replica's.
	renewedAt  time.Time
	unverified bool
	// away: a claim or a renewal failed (Redis away) and no claim has
	// worked since. Until reclaimAfter, after it came back, claims take
	// back no expired lease: every lease ran out during the outage, and
	// live replicas renew theirs first.
	away         bool
	reclaimAfter time.Time
	wg           sync.WaitGroup
	sem          chan struct{}
}

// flight is a job's run in this process, under its claim's token.
type flight struct {
	token  string
	tries  int // the claim's Tries
	cancel context.CancelCauseFunc
}

// Why a run is cut short when its lease has moved: it ends quietly, as
// the job's new holder owns it.
var (
	// errLeaseLost: renewal found the lease held by another claim.
	errLeaseLost = errors.New("lease lost to another claim")
	// errSuperseded: this process claimed the job again after another
	// replica had held it; the new claim looks for that one's post first.
	errSuperseded = errors.New("claimed again after another replica held it")
)

// New checks the schedules and returns a scheduler.
func New(cfg Config, st Store, post Poster, clock clockwork.Clock, reg prometheus.Registerer, log *slog.Logger) (*Scheduler, error) {
	if cfg.Loc == nil {
		cfg.Loc = time.UTC
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 256
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 10 * time.Second
	}
	if cfg.Command == "" {
		cfg.Command = "/outreach"
	}
	if cfg.SurveyDelays == (store.EventDelays{}) {
		cfg.SurveyDelays = store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	}
	s := &Scheduler{
		cfg: cfg, store: st, post: post, clock: clock, log: log, metrics: newMetrics(reg),
		kinds: map[string]*Job{}, schedules: map[string]when.Schedule{}, nextOcc: map[string]time.Time{},
		inflight: map[string]*flight{}, sem: make(chan struct{}, cfg.Workers),
	}
	s.roster, _ = post.(Roster)
	s.canvases, _ = post.(Canvases)
	for i := range Jobs {
		j := &Jobs[i]
		s.kinds[j.Kind] = j
		if !j.Recurring() {
			continue
		}
		spec := j.Default
		if v, ok := cfg.Schedules[j.Kind]; ok && v != "" {
			spec = v
		}
		sch, err := when.ParseSchedule(spec, cfg.Loc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.Env, err)
		}
		if !sch.On() || (j.NeedsTeamChannel && cfg.TeamChannel == "") || (j.NeedsCanvas && !cfg.Canvas) {
			continue
		}
		s.schedules[j.Kind] = sch
	}
	return s, nil
}

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Run claims and posts due work until ctx ends, then stops claiming,
// lets posts under way finish (up to DrainTimeout) and hands back every
// lease it still holds, so another replica takes that work at once.
func (s *Scheduler) Run(ctx context.Context) error {
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	renew := s.clock.NewTicker(s.cfg.Lease / 3)
	defer renew.Stop()
	s.mu.Lock()
	s.renewedAt = s.clock.Now()
	s.mu.Unlock()
	if s.cfg.Canvas && s.canvases != nil {
		if err := s.touchCanvases(ctx); err != nil {
			s.log.Warn("queue the partners' canvases at start; the daily sweep will", "err", err)
		}
	}
	for {
		wake := s.step(ctx, work, false)
		wait := wake.Sub(s.clock.Now())
		if wait > s.cfg.Poll {
			wait = s.cfg.Poll
		}
		if wait < 0 {
			wait = 0
		}
		timer := s.clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			s.stop(cancelWork)
			return nil
		case <-renew.Chan():
			timer.Stop()
			s.renewLeases(work)
		case <-timer.Chan():
		}
	}
}

// RunDue does everything due now and waits for it: the console's
// :advance steps time and calls it at each due moment. It returns how
// many jobs ran.
func (s *Scheduler) RunDue(ctx context.Context) int {
	n := 0
	for {
		before := s.metrics.jobsRun()
		s.step(ctx, ctx, true)
		s.wg.Wait()
		ran := s.metrics.jobsRun() - before
		if ran == 0 {
			return n
		}
		n += ran
	}
}

// NextEvent is the earliest moment something will fall due: a queued job
// or a recurring occurrence. Zero when nothing is scheduled.
func (s *Scheduler) NextEvent(ctx context.Context) time.Time {
	next, err := s.store.NextDue(ctx, s.cfg.Team)
	if err != nil {
		s.log.Warn("next due", "err", err)
	}
	now := s.clock.Now()
	for _, j := range Jobs {
		if j.Background || !j.Recurring() {
			continue
		}
		name, sch := j.Kind, s.schedules[j.Kind]
		if !sch.On() {
			continue // off
		}
		occ := s.nextOcc[name]
		if occ.IsZero() {
			last, err := s.store.ScheduleLast(ctx, s.cfg.Team, name)
			if err != nil || last.IsZero() {
				last = now
			}
			occ, _ = sch.Next(last)
		}
		if next.IsZero() || occ.Before(next) {
			next = occ
		}
	}
	// While Slack refuses the bot's calls nothing is claimed before the
	// hold ends: work due meanwhile falls due then, not now.
	s.mu.Lock()
	until := s.held.until
	s.mu.Unlock()
	if !next.IsZero() && next.Before(until) {
		next = until
	}
	return next
}

// step queues recurring occurrences that came due, claims due jobs and
// starts them. It returns when to look again.
func (s *Scheduler) step(ctx, work context.Context, wait bool) time.Time {
	now := s.clock.Now()
	wake := now.Add(s.cfg.Poll)
	for name := range s.schedules {
		occ := s.advance(ctx, name, now)
		if !occ.IsZero() && occ.Before(wake) {
			wake = occ
		}
	}
	for ctx.Err() == nil {
		hold, limit := s.holding(now)
		if hold {
			// Slack refuses the bot's calls: claim nothing until the hold
			// ends, then one job at a time until one goes through.
			s.mu.Lock()
			until := s.held.until
			s.mu.Unlock()
			if until.Before(wake) {
				wake = until
			}
			return wake
		}
		token := newToken()
		s.mu.Lock()
		away, fresh := s.away, s.away || now.Before(s.reclaimAfter)
		s.mu.Unlock()
		claimDue := s.store.ClaimDue
		if fresh {
			claimDue = s.store.ClaimQueued
		}
		claim, err := claimDue(ctx, s.cfg.Team, now, now.Add(s.cfg.Lease), limit, token)
		if err != nil {
			s.mu.Lock()
			s.away = true
			s.mu.Unlock()
			if limit == 1 {
				s.probed()
			}
			// Redis away: say so once a minute, not twice a second.
			if now.Sub(s.lastClaimWarn) >= time.Minute {
				s.log.Warn("cannot claim due work; retrying", "err", err)
				s.lastClaimWarn = now
			}
			return now.Add(s.cfg.Poll)
		}
		if away {
			s.back(work, now)
		}
		if limit == 1 && len(claim.Jobs) == 0 {
			s.probed()
		}
		s.metrics.claims.Add(float64(len(claim.Jobs)))
		s.metrics.reclaims.Add(float64(claim.Reclaimed))
		if claim.Reclaimed > 0 {
			s.log.Info("took back work whose lease expired", "jobs", claim.Reclaimed)
		}
		adopt := map[string][]string{} // running claim's token → jobs
		for _, j := range claim.Jobs {
			if running, ok := s.keepRunning(j); ok {
				adopt[running] = append(adopt[running], j.ID)
				continue
			}
			s.start(work, j, token, wait)
		}
		for running, jobs := range adopt {
			// Their leases ran out (this process stalled past a lease, say)
			// and this claim took the jobs back while their runs are still
			// under way here: the runs go on, their tokens holding the new
			// leases. Should this fail, their fences stop them and the jobs
			// come back when these leases run out.
			n, err := s.store.AdoptLeases(ctx, s.cfg.Team, token, running, jobs...)
			if err != nil {
				s.log.Warn("hand work claimed again to its runs under way", "jobs", len(jobs), "err", err)
			} else {
				s.log.Info("took back own work still under way; it goes on", "jobs", n)
			}
		}
		next := claim.NextDue
		if fresh && !next.IsZero() && !next.After(now) {
			// A lease that ran out but is left to its holder until the
			// grace ends: looking again before then would find it again
			// at once, and spin.
			s.mu.Lock()
			next = s.reclaimAfter
			s.mu.Unlock()
		}
		if !next.IsZero() && next.Before(wake) {
			wake = next
		}
		if len(claim.Jobs) < limit || limit < ClaimBatch {
			break
		}
	}
	return wake
}

// advance queues the latest occurrence of a recurring job that came due
// since its last one (missed runs are caught up once), and returns the
// next occurrence.
func (s *Scheduler) advance(ctx context.Context, name string, now time.Time) time.Time {
	if next := s.nextOcc[name]; !next.IsZero() && now.Before(next) {
		return next
	}
	sch := s.schedules[name]
	last, err := s.store.ScheduleLast(ctx, s.cfg.Team, name)
	if err != nil {
		s.log.Warn("read schedule", "job", name, "err", err)
		return time.Time{}
	}
	if last.IsZero() {
		// First start ever: begin from now, with no history to catch up.
		if _, err := s.store.AdvanceSchedule(ctx, s.cfg.Team, name, last, now, ""); err != nil {
			s.log.Warn("start schedule", "job", name, "err", err)
			return time.Time{}
		}
		next, _ := sch.Next(now)
		s.nextOcc[name] = next
		return next
	}
	occ, key, n := sch.Latest(last, now)
	if n == 0 {
		next, _ := sch.Next(last)
		s.nextOcc[name] = next
		return next
	}
	if n > 1 {
		s.metrics.missed.WithLabelValues(name).Add(float64(n - 1))
		s.log.Info("catching up a recurring job missed while no replica ran", "job", name, "missed", n-1, "running", key)
	}
	if _, err := s.store.AdvanceSchedule(ctx, s.cfg.Team, name, last, occ, store.JobID(name, key)); err != nil {
		s.log.Warn("advance schedule", "job", name, "err", err)
		return time.Time{}
	}
	next, _ := sch.Next(occ)
	s.nextOcc[name] = next
	return next
}

// keepRunning reports whether j, just claimed, is already under way in
// this process, and under which token: a replica never runs a job twice
// at once. A run whose claim was the one right before this one goes on
// (nobody else held the job in between); a run from before another
// replica held the job is ended, as that replica may have posted it: the
// new claim, a retry, looks for that post first.
func (s *Scheduler) keepRunning(j store.Job) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.inflight[j.ID]
	if !ok {
		return "", false
	}
	if j.Tries == f.tries+1 {
		f.tries = j.Tries
		return f.token, true
	}
	f.cancel(errSuperseded)
	return "", false
}

// start runs one claimed job in the worker pool. A job cut short by a
// stop stays in inflight, for stop to hand back.
func (s *Scheduler) start(ctx context.Context, j store.Job, token string, wait bool) {
	ctx, cancel := context.WithCancelCause(ctx)
	f := &flight{token: token, tries: j.Tries, cancel: cancel}
	s.mu.Lock()
	s.inflight[j.ID] = f
	s.mu.Unlock()
	s.wg.Add(1)
	run := func() {
		defer s.wg.Done()
		defer cancel(nil)
		select {
		case s.sem <- struct{}{}:
		case <-ctx.Done():
			s.done(ctx, j, f)
			return
		}
		defer func() { <-s.sem }()
		if ctx.Err() == nil {
			s.runJob(ctx, j, token)
		}
		s.done(ctx, j, f)
	}
	if wait {
		run()
		return
	}
	go run()
}

// done forgets a run, unless a stop cut it short: stop hands those back.
func (s *Scheduler) done(ctx context.Context, j store.Job, f *flight) {
	if cause := context.Cause(ctx); ctx.Err() != nil && !errors.Is(cause, errLeaseLost) && !errors.Is(cause, errSuperseded) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight[j.ID] == f {
		delete(s.inflight, j.ID)
	}
}

// stop hands back work not started, waits for posts under way, then
// cancels them and hands back what is left.
func (s *Scheduler) stop(cancelWork context.CancelFunc) {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	// Posts under way may wait in the outbox longer than a lease (one
	// per second per channel): keep their leases while they drain, or
	// another replica takes them back and posts them a second time.
	renew := s.clock.NewTicker(s.cfg.Lease / 3)
	defer renew.Stop()
	deadline := s.clock.After(s.cfg.DrainTimeout)
	for draining := true; draining; {
		select {
		case <-done:
			draining = false
		case <-renew.Chan():
			s.renewLeases(context.Background())
		case <-deadline:
			s.log.Warn("stop: posts still under way; handing them back")
			cancelWork()
			<-done
			draining = false
		}
	}
	s.releaseAll(context.Background())
}

func (s *Scheduler) releaseAll(ctx context.Context) {
	byToken := s.inflightByToken()
	for tok, jobs := range byToken {
		// A post cut short may have reached Slack: the next claim checks.
		if n, err := s.store.ReleaseJobs(ctx, s.cfg.Team, tok, time.Time{}, store.Retry, jobs...); err != nil {
			s.log.Warn("hand back work", "err", err)
		} else if n > 0 {
			s.log.Info("handed back work for another replica", "jobs", n)
		}
	}
}

func (s *Scheduler) inflightByToken() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	byToken := map[string][]string{}
	for job, f := range s.inflight {
		byToken[f.token] = append(byToken[f.token], job)
	}
	return byToken
}

// renewLeases extends the lease of every job under way in this process:
// running, waiting for a worker, or waiting in the post queue. A lease
// another claim took meanwhile ends its run here. When renewal has
// failed for longer than a lease, posts wait (see fence) until it works
// again and has said which leases are still this replica's.
func (s *Scheduler) renewLeases(ctx context.Context) {
	now := s.clock.Now()
	until := now.Add(s.cfg.Lease)
	var failed error
	for tok, jobs := range s.inflightByToken() {
		lost, err := s.store.ExtendLeases(ctx, s.cfg.Team, tok, until, jobs...)
		if err != nil {
			failed = err
			continue
		}
		for _, job := range lost {
			s.leaseLost(job, tok)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if failed != nil {
		s.away = true
	}
	switch {
	case failed == nil:
		if s.unverified {
			s.log.Info("leases renewed again; posts resume")
		}
		s.renewedAt, s.unverified = now, false
	case !s.unverified && now.Sub(s.renewedAt) > s.cfg.Lease:
		s.unverified = true
		s.log.Warn("leases not renewed for longer than a lease; posts wait until they are", "err", failed)
	case !s.unverified:
		s.log.Warn("extend leases", "err", failed)
	}
}

// back is the first claim that worked after Redis was away: every lease
// ran out meanwhile, this replica's and the others'. It renews its own
// at once, and for a third of a lease takes back no expired lease, so the
// other live replicas renew theirs rather than have their work taken
// back (their runs fenced off, the jobs run again here after a look at
// conversations.history). A replica that died meanwhile is taken over
// once the grace is over.
func (s *Scheduler) back(ctx context.Context, now time.Time) {
	grace := max(s.cfg.Lease/3, 2*s.cfg.Poll)
	s.mu.Lock()
	s.away, s.reclaimAfter = false, now.Add(grace)
	s.mu.Unlock()
	s.log.Info("storage answers again; renewing own leases, and leaving others' to their holders a moment", "for", grace)
	s.renewLeases(ctx)
}

// leaseLost ends job's run under token: another claim holds the job.
func (s *Scheduler) leaseLost(job, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.inflight[job]; ok && f.token == token {
		f.cancel(errLeaseLost)
	}
}

// fence is a post's Fence: right before the post leaves, it extends the
// job's lease under its token, in one step that also says whether the
// lease is still this run's. While leases are unverified it cannot say.
func (s *Scheduler) fence(j store.Job, token string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		s.mu.Lock()
		unverified := s.unverified
		s.mu.Unlock()
		if unverified {
			return false, errUnverified
		}
		lost, err := s.store.ExtendLeases(ctx, s.cfg.Team, token, s.clock.Now().Add(s.cfg.Lease), j.ID)
		if err != nil {
			return false, fmt.Errorf("fence %s: %w", j.ID, err)
		}
		return len(lost) == 0, nil
	}
}

// errUnverified: renewal has failed for longer than a lease; a post waits
// until it works again.
var errUnverified = errors.New("leases not renewed for longer than a lease")

// runJob dispatches a job by the kind its id starts with.
func (s *Scheduler) runJob(ctx context.Context, j store.Job, token string) {
	kind, rest := store.ParseJobID(j.ID)
	s.metrics.ran.Add(1)
	var err error
	if row, ok := s.kinds[kind]; ok {
		err = row.run(s, ctx, j, token, rest)
	} else {
		s.log.Warn("unknown job; dropping it", "job", j.ID)
		err = s.finish(ctx, j, token)
	}
	if cause := context.Cause(ctx); errors.Is(err, ErrFenced) || (err != nil && (errors.Is(cause, errLeaseLost) || errors.Is(cause, errSuperseded))) {
		// The lease moved to another holder before the post left: that
		// holder owns the job now.
		s.probed() // nothing reached Slack: the next probe will
		s.metrics.fenced.WithLabelValues(kind).Inc()
		s.log.Info("not posting: the job's lease moved to another holder", "job", j.ID, "why", fencedWhy(err, cause))
		return
	}
	switch {
	case errors.Is(err, context.Canceled):
		return // stop hands it back
	case errors.Is(err, ErrHeld):
		s.hold(ctx, j, token, err)
		return
	}
	s.probed() // a probe that did not reach Slack proves nothing: the next one will
	switch {
	case err == nil, errors.Is(err, errHandedBack):
	case errors.Is(err, ErrUndeliverable):
		// A post made outside deliver (none today) that Slack refused.
		s.metrics.failures.WithLabelValues(kind).Inc()
		s.fail(ctx, j, token, domain.JobFailure{Reason: code(err)})
	default:
		s.retryLater(ctx, kind, j, token, err)
	}
}

func fencedWhy(err, cause error) string {
	if errors.Is(err, ErrFenced) {
		return "fenced"
	}
	return cause.Error()
}

// finish marks a job done after its post (or when there was nothing to
// post).
func (s *Scheduler) finish(ctx context.Context, j store.Job, token string) error {
	ok, err := s.store.FinishJob(ctx, s.cfg.Team, j, token, s.clock.Now(), "", time.Time{})
	if err != nil {
		return fmt.Errorf("finish %s: %w", j.ID, err)
	}
	if !ok {
		s.log.Warn("lease lost before finishing; another replica has the job", "job", j.ID)
	}
	return nil
}

// deliver posts p for job j: reclaimed work (tries > 1) first looks for
// its own earlier post, so a crash right after posting, or an answer
// lost on its way back, does not double it. When Slack refuses the post
// for good, or cannot show the earlier post, deliver ends the job itself
// (failures.go) and returns errHandedBack. The post is fenced: it leaves
// only while j's lease is still this run's.
func (s *Scheduler) deliver(ctx context.Context, kind string, j store.Job, token string, p Post) (Posted, error) {
	if j.Tries > 1 {
		found, ok, err := s.post.Find(ctx, p.To, p.Key, since(j))
		if err == nil || (!errors.Is(err, ErrHeld) && errors.As(err, new(*Refused))) {
			s.resume() // Slack answered: it takes the bot's calls again
		}
		switch {
		case err == nil && ok:
			s.log.Info("reclaimed work was already posted", "job", j.ID)
			return found, nil
		case errors.Is(err, ErrHeld), errors.Is(err, context.Canceled):
			return Posted{}, fmt.Errorf("look for %s: %w", j.ID, err)
		case errors.Is(err, ErrCannotCheck), err != nil && j.Tries >= MaxTries:
			return Posted{}, s.cannotCheck(ctx, kind, j, token, p, err)
		case err != nil:
			// Posting without knowing could post twice: try again later.
			s.log.Warn("could not look for an earlier post; trying the job again later", "job", j.ID, "err", err)
			if _, rerr := s.store.ReleaseJobs(ctx, s.cfg.Team, token, s.clock.Now().Add(backoff(j.Tries)), store.Retry, j.ID); rerr != nil {
				return Posted{}, fmt.Errorf("hand back %s: %w", j.ID, rerr)
			}
			return Posted{}, errHandedBack
		}
	}
	p.Order, p.Fence = j.Due, s.fence(j, token)
	posted, err := s.post.Post(ctx, p)
	if err == nil || (!errors.Is(err, ErrHeld) && errors.As(err, new(*Refused))) {
		s.resume() // Slack answered: it takes the bot's calls again
	}
	if errors.Is(err, ErrUndeliverable) {
		return Posted{}, s.undeliverable(ctx, kind, j, token, p, err)
	}
	if err != nil {
		// A timeout, a 5xx, internal_error: the post may have landed. The
		// job is tried again, and the retry looks for it first.
		return Posted{}, fmt.Errorf("post %s: %w", j.ID, err)
	}
	s.metrics.posts.WithLabelValues(kind).Inc()
	s.metrics.lag.WithLabelValues(kind).Observe(s.clock.Since(j.Due).Seconds())
	return posted, nil
}

// since is where a retry of j looks for its earlier post from: a minute
// before the job was first claimed (clocks differ), however far retries
// and holds have moved its due time since; zero (no bound) when unknown.
func since(j store.Job) time.Time {
	if j.First.IsZero() {
		return time.Time{}
	}
	return j.First.Add(-time.Minute)
}

// quiet puts a DM job off to the recipient's next working hour; it
// reports whether it did.
func (s *Scheduler) quiet(ctx context.Context, j store.Job, token string, loc *time.Location) (bool, error) {
	now := s.clock.Now()
	at := s.cfg.Quiet.NextWorking(now, loc)
	if !at.After(now) {
		return false, nil
	}
	if _, err := s.store.ReleaseJobs(ctx, s.cfg.Team, token, at, store.Defer, j.ID); err != nil {
		return true, fmt.Errorf("defer %s: %w", j.ID, err)
	}
	s.metrics.deferred.Inc()
	return true, nil
}

func (s *Scheduler) zone(ctx context.Context, user string) *time.Location {
	loc, err := s.post.Zone(ctx, user)
	if err != nil || loc == nil {
		return s.cfg.Loc
	}
	return loc
}
