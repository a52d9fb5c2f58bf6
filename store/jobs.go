package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// Job is due work claimed under a lease: a reminder, a nudge, a digest.
// Its ID says what to do ("fu:12:1", "digest:2026-11-30T09:00").
type Job struct {
	ID    string
	Due   time.Time
	Tries int // claims so far; above 1 the job may have been posted already
	// First is when the job was first claimed: an earlier post, if any,
	// went out after it, however far retries and holds have moved Due
	// since. Zero when unknown (claimed before it was kept).
	First time.Time
}

// Claim is the result of one ClaimDue.
type Claim struct {
	Jobs      []Job
	Reclaimed int       // expired leases put back before claiming
	NextDue   time.Time // the earliest queued job or lease expiry; zero when none
}

// ClaimDue takes up to limit jobs due at now under a lease until
// leaseUntil, held by token. Expired leases are first put back, so work
// held by a dead replica is taken again. One script: a job is claimed by
// one caller only. O(log N + limit) in the number of queued jobs.
func (s *Store) ClaimDue(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token string) (Claim, error) {
	return s.claim(ctx, team, now, leaseUntil, limit, token, "1")
}

// ClaimQueued is ClaimDue without taking back expired leases: a replica
// that Redis has just come back to leaves them to their holders while
// these renew them (each lease ran out during the outage, its holder
// alive or not).
func (s *Store) ClaimQueued(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token string) (Claim, error) {
	return s.claim(ctx, team, now, leaseUntil, limit, token, "0")
}

func (s *Store) claim(ctx context.Context, team string, now, leaseUntil time.Time, limit int, token, reclaim string) (Claim, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := s.eval(ctx, scriptClaimDue, []string{k.Due(), k.Leases(), k.Claims()},
		k.Prefix(), ms(now), ms(leaseUntil), limit, token, reclaim).Result()
	if err != nil {
		return Claim{}, s.wrap("claim due", err)
	}
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 {
		return Claim{}, fmt.Errorf("claim due: unexpected reply %T", v)
	}
	var c Claim
	c.Reclaimed = int(toInt(arr[0]))
	if n := toInt(arr[1]); n >= 0 {
		c.NextDue = time.UnixMilli(n).UTC()
	}
	for i := 2; i+3 < len(arr); i += 4 {
		id, _ := arr[i].(string)
		j := Job{ID: id, Due: time.UnixMilli(toInt(arr[i+1])).UTC(), Tries: int(toInt(arr[i+2]))}
		if first := toInt(arr[i+3]); first >= 0 {
			j.First = time.UnixMilli(first).UTC()
		}
		c.Jobs = append(c.Jobs, j)
	}
	return c, nil
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseFloat(x, 64)
		return int64(n)
	}
	return 0
}

// FinishJob records a claimed job as done, after its post was accepted,
// and queues next (when not "") at nextDue. It reports false when the
// lease was lost: another replica holds the job now.
func (s *Store) FinishJob(ctx context.Context, team string, job Job, token string, now time.Time, next string, nextDue time.Time) (bool, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptFinishJob, k.jobs(), k.Prefix(), job.ID, token, ms(now), next, ms(nextDue)).Int()
	if err != nil {
		return false, s.wrap("finish job", err)
	}
	return n == 1, nil
}

// ReminderSent finishes a follow-up's reminder job after its post was
// accepted: the post is recorded on the follow-up, and the next reminder
// queued at nextDue unless it is zero.
func (s *Store) ReminderSent(ctx context.Context, team string, followUp int64, job Job, token string, now, nextDue time.Time, channel, ts string) (bool, error) {
	k := keysFor(team)
	next := ""
	if !nextDue.IsZero() {
		next = strconv.FormatInt(ms(nextDue), 10)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptReminderSent, with([]string{k.FollowUp(followUp)}, k.jobs()...), k.Prefix(), job.ID, token, ms(now), next, channel, ts, followUp).Int()
	if err != nil {
		return false, s.wrap("reminder sent", err)
	}
	return n == 1, nil
}

// Ways to hand a job back (ReleaseJobs).
const (
	// Retry: the post may have gone out; the next claim looks for it first.
	Retry = true
	// Defer: nothing was posted by this claim (quiet hours); the next claim
	// is a retry only when this one was (an earlier claim may have posted).
	Defer = false
)

// ReleaseJobs hands claimed jobs back. With at zero each goes back at its
// own due time, for another replica to take at once (a stop); otherwise
// they wait until at. retry (Retry or Defer) says whether the next claim
// counts as a retry. It returns how many were still held.
func (s *Store) ReleaseJobs(ctx context.Context, team, token string, at time.Time, retry bool, jobs ...string) (int, error) {
	if retry {
		return s.release(ctx, team, token, at, "1", jobs)
	}
	// Deferred: as if this claim had not happened, like a hold.
	return s.release(ctx, team, token, at, "hold", jobs)
}

// HoldJobs hands claimed jobs back to wait until at without counting this
// claim as a try: Slack refused every call (a revoked token, a missing
// scope), which is no fault of the jobs. A job that was a retry stays one.
func (s *Store) HoldJobs(ctx context.Context, team, token string, at time.Time, jobs ...string) (int, error) {
	return s.release(ctx, team, token, at, "hold", jobs)
}

func (s *Store) release(ctx context.Context, team, token string, at time.Time, mode string, jobs []string) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	k := keysFor(team)
	due := ""
	if !at.IsZero() {
		due = strconv.FormatInt(ms(at), 10)
	}
	args := []any{k.Prefix(), token, due, mode}
	for _, j := range jobs {
		args = append(args, j)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptReleaseJobs, k.jobs(), args...).Int()
	if err != nil {
		return 0, s.wrap("release jobs", err)
	}
	return n, nil
}

// EnqueueJobs queues jobs (id → due) that are not queued, leased or done.
func (s *Store) EnqueueJobs(ctx context.Context, team string, jobs map[string]time.Time) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	k := keysFor(team)
	args := []any{k.Prefix()}
	for id, due := range jobs {
		args = append(args, id, ms(due))
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptEnqueueJobs, k.jobs(), args...).Int()
	if err != nil {
		return 0, s.wrap("enqueue jobs", err)
	}
	return n, nil
}

// ScheduleLast returns a recurring job's last occurrence; zero when it
// never ran.
func (s *Store) ScheduleLast(ctx context.Context, team, name string) (time.Time, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := s.rdb.Get(ctx, keysFor(team).Schedule(name)).Result()
	if err != nil {
		err = s.wrap("schedule", err)
		if isNotFound(err) {
			return time.Time{}, nil
		}
		return time.Time{}, err
	}
	return fromMS(v), nil
}

// AdvanceSchedule moves a recurring job's last occurrence from last to
// occ and queues job at occ (job "" only moves it). It reports whether it
// moved; false means another replica moved it first.
func (s *Store) AdvanceSchedule(ctx context.Context, team, name string, last, occ time.Time, job string) (bool, error) {
	k := keysFor(team)
	expect := ""
	if !last.IsZero() {
		expect = strconv.FormatInt(ms(last), 10)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptAdvanceSchedule, with([]string{k.Schedule(name)}, k.jobs()...), k.Prefix(), expect, ms(occ), job, ms(occ)).Int()
	if err != nil {
		return false, s.wrap("advance schedule", err)
	}
	return n >= 0, nil
}

// QueuedJobs counts jobs waiting and leased (metrics, tests).
func (s *Store) QueuedJobs(ctx context.Context, team string) (due, leased int64, err error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.rdb.Pipeline()
	d := pipe.ZCard(ctx, k.Due())
	l := pipe.ZCard(ctx, k.Leases())
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, 0, s.wrap("queued jobs", err)
	}
	return d.Val(), l.Val(), nil
}

// JobQueued reports whether job is waiting in the queue, and when.
func (s *Store) JobQueued(ctx context.Context, team, job string) (time.Time, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	score, err := s.rdb.ZScore(ctx, keysFor(team).Due(), job).Result()
	if err != nil {
		err = s.wrap("job queued", err)
		if isNotFound(err) {
			return time.Time{}, false, nil
		}
		return time.Time{}, false, err
	}
	return time.UnixMilli(int64(score)).UTC(), true, nil
}

// ExtendLeases moves the lease of jobs still held by token to until, and
// returns those it no longer holds: another claim took them back after
// the lease ran out, or they are finished. For one job it is a fence: in
// one step the lease is checked and kept for the post about to leave.
func (s *Store) ExtendLeases(ctx context.Context, team, token string, until time.Time, jobs ...string) (lost []string, err error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	k := keysFor(team)
	args := []any{k.Prefix(), token, ms(until)}
	for _, j := range jobs {
		args = append(args, j)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := s.eval(ctx, scriptExtendLeases, k.jobs(), args...).Slice()
	if err != nil {
		return nil, s.wrap("extend leases", err)
	}
	return strs(v), nil
}

// AdoptLeases hands the leases of jobs claimed under token from (a claim
// that took back this process's own expired leases) to token to, the
// claim whose runs of those jobs are still under way. It returns how many
// it handed over.
func (s *Store) AdoptLeases(ctx context.Context, team, from, to string, jobs ...string) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	k := keysFor(team)
	args := []any{k.Prefix(), from, to}
	for _, j := range jobs {
		args = append(args, j)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptAdoptLeases, k.jobs(), args...).Int()
	if err != nil {
		return 0, s.wrap("adopt leases", err)
	}
	return n, nil
}

// NextDue returns when the earliest queued job is due; zero when none.
func (s *Store) NextDue(ctx context.Context, team string) (time.Time, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	zs, err := s.rdb.ZRangeWithScores(ctx, keysFor(team).Due(), 0, 0).Result()
	if err != nil {
		return time.Time{}, s.wrap("next due", err)
	}
	if len(zs) == 0 {
		return time.Time{}, nil
	}
	return time.UnixMilli(int64(zs[0].Score)).UTC(), nil
}

// FailJob ends a claimed job Slack refused for good and records why
// (JobFailures, kept 30 days). It reports false when the lease was lost.
func (s *Store) FailJob(ctx context.Context, team string, job Job, token string, now time.Time, f domain.JobFailure) (bool, error) {
	k := keysFor(team)
	js, err := json.Marshal(f)
	if err != nil {
		return false, fmt.Errorf("fail job: %w", err)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.eval(ctx, scriptFailJob, with(k.jobs(), k.JobFailures(), k.JobFailuresAt()), k.Prefix(), job.ID, token, ms(now), string(js)).Int()
	if err != nil {
		return false, s.wrap("fail job", err)
	}
	return n == 1, nil
}

// JobFailures returns the recorded failures of jobs, by job id; jobs that
// did not fail are absent.
func (s *Store) JobFailures(ctx context.Context, team string, jobs ...string) (map[string]domain.JobFailure, error) {
	out := map[string]domain.JobFailure{}
	if len(jobs) == 0 {
		return out, nil
	}
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.rdb.Pipeline()
	reasons := pipe.HMGet(ctx, k.JobFailures(), jobs...)
	ats := make([]*redis.FloatCmd, len(jobs))
	for i, j := range jobs {
		ats[i] = pipe.ZScore(ctx, k.JobFailuresAt(), j)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.wrap("job failures", err)
	}
	for i, v := range reasons.Val() {
		js, ok := v.(string)
		if !ok {
			continue
		}
		f := domain.JobFailure{Job: jobs[i], At: time.UnixMilli(int64(ats[i].Val())).UTC()}
		if json.Unmarshal([]byte(js), &f) == nil {
			out[jobs[i]] = f
		}
	}
	return out, nil
}

// JobFailuresSince returns the jobs that failed at or after since, oldest
// first, at most limit.
func (s *Store) JobFailuresSince(ctx context.Context, team string, since time.Time, limit int) ([]domain.JobFailure, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{Key: k.JobFailuresAt(), ByScore: true,
		Start: strconv.FormatInt(ms(since), 10), Stop: "+inf", Count: int64(limit)}).Result()
	if err != nil {
		return nil, s.wrap("job failures", err)
	}
	byJob, err := s.JobFailures(ctx, team, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]domain.JobFailure, 0, len(ids))
	for _, id := range ids {
		if f, ok := byJob[id]; ok {
			out = append(out, f)
		}
	}
	return out, nil
}
