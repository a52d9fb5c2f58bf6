package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// ErrNotOpen: the follow-up is done or cancelled already.
var ErrNotOpen = errors.New("follow-up is not open")

// ErrNotLater: a snooze would not move the follow-up later than it is due.
var ErrNotLater = errors.New("snooze would not move the follow-up later")

// ErrNotSeries: the follow-up does not repeat, or its series has ended.
var ErrNotSeries = errors.New("follow-up does not repeat")

// FollowUpError carries the follow-up a failed change was about.
type FollowUpError struct {
	Err      error
	FollowUp domain.FollowUp
}

func (e *FollowUpError) Error() string { return fmt.Sprintf("F%d: %v", e.FollowUp.ID, e.Err) }
func (e *FollowUpError) Unwrap() error { return e.Err }

// AddFollowUp resolves ref and creates an open follow-up due at due, with
// its first reminder queued. With f.Rule set it is the first occurrence
// of a repeating follow-up (f.Due its first time, read in f.Zone). It
// returns the follow-up's id and the partner.
func (s *Store) AddFollowUp(ctx context.Context, team string, ref PartnerRef, f domain.FollowUp, actor string, now time.Time) (int64, domain.Partner, error) {
	k := keysFor(team)
	args := []any{f.Assignee, ms(f.Due), f.Text, ms(now), actor, auditMaxLen, boolField(f.Shared), f.Rule, f.Zone, f.RuleText}
	keys := with([]string{k.FollowUpSeq(), k.FollowUpTexts(), k.FollowUpsOpen(), k.FollowUpsOf(f.Assignee)}, k.jobs()...)
	return s.createWithPartner(ctx, "add follow-up", scriptAddFollowUp, k, ref, keys,
		func(slug string) []string { return []string{k.Partner(slug), k.PartnerFollowUps(slug)} }, args)
}

// ChangeFollowUp closes or moves an open follow-up; newDue is for
// ChangeSnooze, which only moves it later, and ChangeReschedule. Either
// re-queues its reminder in the same script. Closing the latest
// occurrence of a repeating follow-up (done or cancel) creates the next
// one, at the first time of its rule after this occurrence's (or after
// now, if that has passed), named in the closed one's Next;
// ChangeEndSeries, given any occurrence, cancels the series' open one
// and ends it. It returns the follow-up after the change. Errors wrap
// ErrNotFound, or are a *FollowUpError wrapping ErrNotOpen (carrying who
// closed it), ErrNotLater (carrying the due time a snooze must pass) or
// ErrNotSeries.
func (s *Store) ChangeFollowUp(ctx context.Context, team string, id int64, change string, newDue time.Time, actor string, now time.Time) (domain.FollowUp, error) {
	k := keysFor(team)
	if change == domain.ChangeEndSeries {
		cur, err := s.seriesCurrent(ctx, k, id)
		if err != nil {
			return domain.FollowUp{}, err
		}
		id = cur
	}
	var nextDue, occurs string
	for range 3 {
		r, err := s.run(ctx, "change follow-up", scriptChangeFollowUp,
			// The assignee's set is a guess (the one closing or moving a
			// follow-up is most often its assignee); the script asks for
			// the right one otherwise, and for a series' keys.
			with([]string{k.FollowUp(id), k.FollowUpsOpen(), k.FollowUpsDone(), k.Audit(), k.FollowUpTexts(), k.FollowUpsOf(actor), k.FollowUpSeq()}, k.jobs()...),
			k.Prefix(), id, change, actor, ms(now), ms(newDue), auditMaxLen, nextDue, occurs)
		if err != nil {
			return domain.FollowUp{}, err
		}
		if r.ok {
			return followUpFromHash(id, hashFromFlat(r.rest)), nil
		}
		switch r.code {
		case "not_found":
			return domain.FollowUp{}, fmt.Errorf("change follow-up F%d: %w", id, ErrNotFound)
		case "not_open":
			return domain.FollowUp{}, &FollowUpError{Err: ErrNotOpen, FollowUp: followUpFromHash(id, hashFromFlat(r.rest))}
		case "not_later":
			return domain.FollowUp{}, &FollowUpError{Err: ErrNotLater, FollowUp: followUpFromHash(id, hashFromFlat(r.rest))}
		case "not_series":
			return domain.FollowUp{}, &FollowUpError{Err: ErrNotSeries, FollowUp: followUpFromHash(id, hashFromFlat(r.rest))}
		case "recur":
			// The occurrence's time and rule: the next one is worked out
			// here, and the script checks it was from the time it holds.
			ss := strs(r.rest)
			if len(ss) < 3 {
				return domain.FollowUp{}, fmt.Errorf("change follow-up F%d: short reply", id)
			}
			next, err := s.nextOccurrence(ss[1], ss[2], fromMS(ss[0]), now)
			if err != nil {
				return domain.FollowUp{}, fmt.Errorf("change follow-up F%d: %w", id, err)
			}
			occurs, nextDue = ss[0], strconv.FormatInt(ms(next), 10)
			continue
		}
		return domain.FollowUp{}, fmt.Errorf("change follow-up: unexpected script error %q", r.code)
	}
	return domain.FollowUp{}, fmt.Errorf("change follow-up F%d: %w", id, ErrChanged)
}

// NextFunc is when a repeating follow-up comes round next: the first
// time of rule (as the follow-up stores it) after after, read on the
// clock of the zone named zone. The rule language is when/'s, which the
// store does not import: whoever builds the Store gives it one
// (WithNext; cmd/ gives when.NextOccurrence).
type NextFunc func(rule, zone string, after time.Time) (time.Time, error)

// WithNext sets how s works out a series' next occurrence, and returns
// s. Without one, closing an occurrence of a series fails.
func (s *Store) WithNext(next NextFunc) *Store {
	s.next = next
	return s
}

// nextOccurrence is when the series comes round next after the
// occurrence at occurs: after occurs, or after now when that is later
// (an occurrence closed after its successor's time was due brings the
// one after).
func (s *Store) nextOccurrence(rule, zone string, occurs, now time.Time) (time.Time, error) {
	if s.next == nil {
		return time.Time{}, errors.New("no way to read a repeating follow-up's rule (Store.WithNext)")
	}
	return s.next(rule, zone, later(occurs, now))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// seriesCurrent is the latest occurrence of follow-up id's series, or id
// itself when it does not repeat.
func (s *Store) seriesCurrent(ctx context.Context, k keys, id int64) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	series, err := s.rdb.HGet(ctx, k.FollowUp(id), "series").Int64()
	if errors.Is(err, redis.Nil) {
		return id, nil
	}
	if err != nil {
		return 0, s.wrap("change follow-up", err)
	}
	cur, err := s.rdb.HGet(ctx, k.FollowUpSeries(series), "current").Int64()
	if err != nil {
		return 0, s.wrap("change follow-up", err)
	}
	return cur, nil
}

// FollowUp loads one follow-up; ErrNotFound when there is none.
func (s *Store) FollowUp(ctx context.Context, team string, id int64) (domain.FollowUp, error) {
	fs, err := s.followUps(ctx, keysFor(team), []string{strconv.FormatInt(id, 10)})
	if err != nil {
		return domain.FollowUp{}, err
	}
	if len(fs) == 0 {
		return domain.FollowUp{}, fmt.Errorf("follow-up F%d: %w", id, ErrNotFound)
	}
	return fs[0], nil
}

// maxListed bounds lists of follow-ups.
const maxListed = 500

// OpenFollowUps lists open follow-ups, soonest first: all of them, or one
// assignee's when user is not "".
func (s *Store) OpenFollowUps(ctx context.Context, team, user string) ([]domain.FollowUp, error) {
	k := keysFor(team)
	key := k.FollowUpsOpen()
	if user != "" {
		key = k.FollowUpsOf(user)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.rdb.ZRange(ctx, key, 0, maxListed-1).Result()
	if err != nil {
		return nil, s.wrap("open follow-ups", err)
	}
	return s.followUps(ctx, k, ids)
}

// PartnerFollowUps lists a partner's follow-ups, open ones soonest first.
func (s *Store) PartnerFollowUps(ctx context.Context, team, slug string, openOnly bool) ([]domain.FollowUp, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.rdb.SMembers(ctx, k.PartnerFollowUps(slug)).Result()
	if err != nil {
		return nil, s.wrap("partner follow-ups", err)
	}
	all, err := s.followUps(ctx, k, ids)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, f := range all {
		if !openOnly || f.Status == domain.StatusOpen {
			out = append(out, f)
		}
	}
	sortBy(out, func(f domain.FollowUp) int64 { return f.Due.UnixMilli() })
	return out, nil
}

// FollowUpsDoneSince counts follow-ups closed as done since t.
func (s *Store) FollowUpsDoneSince(ctx context.Context, team string, t time.Time) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.rdb.ZCount(ctx, keysFor(team).FollowUpsDone(), strconv.FormatInt(ms(t), 10), "+inf").Result()
	return n, s.wrap("follow-ups done", err)
}

func (s *Store) followUps(ctx context.Context, k keys, ids []string) ([]domain.FollowUp, error) {
	if len(ids) > maxListed {
		ids = ids[:maxListed]
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.loadFollowUps(ctx, k, ids)
}

// loadFollowUps reads the follow-ups ids in one round trip; ids that no
// longer exist are left out.
func (s *Store) loadFollowUps(ctx context.Context, k keys, ids []string) ([]domain.FollowUp, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	nums, keys := numberedKeys(ids, k.FollowUp)
	var texts *redis.SliceCmd
	hs, err := s.hashes(ctx, "follow-ups", keys, func(p redis.Pipeliner) { texts = p.HMGet(ctx, k.FollowUpTexts(), ids...) })
	if err != nil {
		return nil, err
	}
	textOf := texts.Val()
	out := make([]domain.FollowUp, 0, len(ids))
	for i, m := range hs {
		if len(m) == 0 {
			continue
		}
		if t, ok := textOf[i].(string); ok {
			m["text"] = t
		}
		out = append(out, followUpFromHash(nums[i], m))
	}
	return out, nil
}

func followUpFromHash(id int64, m map[string]string) domain.FollowUp {
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	return domain.FollowUp{
		ID: id, Partner: m["partner"], Assignee: m["assignee"], Due: fromMS(m["due"]), Text: m["text"],
		Status: m["status"], Shared: m["shared"] == "1", Snoozes: atoi(m["snoozes"]), Reminders: atoi(m["reminders"]),
		Job: m["job"], CreatedBy: m["created_by"], Created: fromMS(m["created"]), DoneBy: m["done_by"],
		DoneAt: fromMS(m["done_at"]), RemindedAt: fromMS(m["reminded_at"]), MsgChannel: m["msg_channel"], MsgTS: m["msg_ts"],
		Series: int64(atoi(m["series"])), Rule: m["rule"], RuleText: m["rule_text"], Zone: m["zone"], Occurs: fromMS(m["occurs"]), Next: int64(atoi(m["next"])),
		SeriesEnded: m["series_ended"] == "1",
	}
}

var scriptRollOccurrence = load("roll_occurrence")

// RollOccurrence carries open occurrence id of a repeating follow-up over
// to its series' time to, which came while it was open: it is due then,
// its reminders counted afresh, still under job (the reminder running).
// from is the occurrence time to was worked out from. It reports false
// when the follow-up has moved since (closed, snoozed, rolled by another
// run); rolling again to the same time changes nothing.
func (s *Store) RollOccurrence(ctx context.Context, team string, id int64, job string, from, to time.Time) (domain.FollowUp, bool, error) {
	k := keysFor(team)
	r, err := s.run(ctx, "roll occurrence", scriptRollOccurrence, []string{k.FollowUp(id), k.FollowUpsOpen(), k.FollowUpTexts()},
		k.Prefix(), id, job, ms(from), ms(to))
	if err != nil || !r.ok {
		return domain.FollowUp{}, false, err
	}
	return followUpFromHash(id, hashFromFlat(r.rest)), true, nil
}
