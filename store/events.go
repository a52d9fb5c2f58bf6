package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// ErrCancelled: the event was cancelled, so it cannot change.
var ErrCancelled = errors.New("event is cancelled")

// CancelEvent cancels event id and what it still had coming (see
// lua/cancel_event.lua). It returns what was called off: "attendance",
// "feedback", "followup" for the questions and surveys that were queued,
// "S<id>" for surveys created but not posted. Errors wrap ErrNotFound or
// ErrCancelled.
func (s *Store) CancelEvent(ctx context.Context, team string, id int64, actor string, now time.Time) ([]string, error) {
	k := keysFor(team)
	keys := with([]string{k.Event(id), k.Events(), k.Audit(), k.EventSurveys(id)}, k.jobs()...)
	r, err := s.run(ctx, "cancel event", scriptCancelEvent, keys, k.Prefix(), id, actor, ms(now), auditMaxLen)
	if err != nil {
		return nil, err
	}
	if !r.ok {
		return nil, eventErr("cancel event", id, r.code)
	}
	return strs(r.rest), nil
}

// EventChange corrects an event; nil fields stay as they are.
type EventChange struct {
	Title, Type, Where, Audience *string
	Resources                    *[]string
	Registered                   *int
	Start, End                   *time.Time
}

// EditEvent applies change to event id in one script, moving its queued
// jobs with a new start or end. It returns the event after the change;
// errors wrap ErrNotFound or ErrCancelled.
func (s *Store) EditEvent(ctx context.Context, team string, id int64, change EventChange, delays EventDelays, actor string, now time.Time) (domain.Event, error) {
	k := keysFor(team)
	start, end := "", ""
	if change.Start != nil {
		start = strconv.FormatInt(ms(*change.Start), 10)
	}
	if change.End != nil {
		end = strconv.FormatInt(ms(*change.End), 10)
	}
	var fields []any
	for _, f := range []struct {
		name string
		v    *string
	}{{"title", change.Title}, {"type", change.Type}, {"where", change.Where}, {"audience", change.Audience}} {
		if f.v != nil {
			fields = append(fields, f.name, *f.v)
		}
	}
	if change.Resources != nil {
		fields = append(fields, "resources", strings.Join(*change.Resources, ","))
	}
	if change.Registered != nil {
		fields = append(fields, "registered", *change.Registered)
	}
	r, err := retryStale("edit event", func() (reply, error) {
		var plan indexPlan
		if change.Title != nil {
			bctx, cancel := s.bound(ctx)
			old, err := s.rdb.HGet(bctx, k.Event(id), "title").Result()
			cancel()
			if err != nil && !errors.Is(err, redis.Nil) {
				return reply{}, s.wrap("edit event", err)
			}
			plan = changePlan(old, eventWords(old), eventWords(*change.Title))
		}
		args := append([]any{k.Prefix(), id, actor, ms(now), auditMaxLen, start, end, delays.Feedback.Milliseconds(), delays.FollowUp.Milliseconds(), plan.arg()}, fields...)
		keys := with(append([]string{k.Event(id), k.Events(), k.Audit()}, plan.keys(k)...), k.jobs()...)
		return s.run(ctx, "edit event", scriptEditEvent, keys, args...)
	})
	if err != nil {
		return domain.Event{}, err
	}
	if !r.ok {
		return domain.Event{}, eventErr("edit event", id, r.code)
	}
	return eventFromHash(id, hashFromFlat(r.rest)), nil
}

func eventErr(op string, id int64, code string) error {
	switch code {
	case "not_found":
		return fmt.Errorf("%s E%d: %w", op, id, ErrNotFound)
	case "cancelled":
		return fmt.Errorf("%s E%d: %w", op, id, ErrCancelled)
	}
	return fmt.Errorf("%s: unexpected script error %q", op, code)
}

// EventDelays are when an event's surveys are sent after it ends.
type EventDelays struct{ Feedback, FollowUp time.Duration }

// AddEvent resolves ref and records e, with e.With (slugs) as its other
// partners, queueing what follows its end: it counts as contact with its
// partners, the organizer is asked for
// attendance, and the feedback and follow-up surveys go out after the
// delays. Returns the event id and the partner.
func (s *Store) AddEvent(ctx context.Context, team string, ref PartnerRef, e domain.Event, delays EventDelays, actor string, now time.Time) (int64, domain.Partner, error) {
	k := keysFor(team)
	plan := newDocPlan(eventWords(e.Title))
	args := append([]any{}, ms(e.Start), ms(e.End), ms(now), actor, auditMaxLen, delays.Feedback.Milliseconds(), delays.FollowUp.Milliseconds(), plan.arg(),
		"title", e.Title, "type", e.Type, "where", e.Where, "audience", e.Audience,
		"resources", strings.Join(e.Resources, ","), "registered", e.Registered, "attended", -1, "with", strings.Join(e.With, ","))
	keys := with(append([]string{k.EventSeq(), k.Events()}, plan.keys(k)...), k.jobs()...)
	for _, w := range e.With {
		keys = append(keys, k.Partner(w), k.PartnerEvents(w))
	}
	return s.createWithPartner(ctx, "add event", scriptAddEvent, k, ref, keys,
		func(slug string) []string { return []string{k.Partner(slug), k.PartnerEvents(slug)} }, args)
}

// Event loads one event; ErrNotFound when there is none.
func (s *Store) Event(ctx context.Context, team string, id int64) (domain.Event, error) {
	m, err := s.record(ctx, "event", keysFor(team).Event(id), fmt.Sprintf("event E%d", id))
	if err != nil {
		return domain.Event{}, err
	}
	return eventFromHash(id, m), nil
}

// Events lists events of one partner (or all when slug is ""), starting
// in [from, to), soonest first; reverse lists latest first.
func (s *Store) Events(ctx context.Context, team, slug string, from, to time.Time, reverse bool, limit int) ([]domain.Event, error) {
	k := keysFor(team)
	key := k.Events()
	if slug != "" {
		key = k.PartnerEvents(slug)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rng := &redisRange{min: strconv.FormatInt(ms(from), 10), max: "(" + strconv.FormatInt(ms(to), 10), limit: limit}
	var ids []string
	var err error
	if reverse {
		ids, err = s.rdb.ZRevRangeByScore(ctx, key, rng.by()).Result()
	} else {
		ids, err = s.rdb.ZRangeByScore(ctx, key, rng.by()).Result()
	}
	if err != nil {
		return nil, s.wrap("events", err)
	}
	nums := make([]int64, len(ids))
	keys := make([]string, len(ids))
	for i, id := range ids {
		nums[i], _ = strconv.ParseInt(id, 10, 64)
		keys[i] = k.Event(nums[i])
	}
	hs, err := s.hashes(ctx, "events", keys, nil)
	if err != nil {
		return nil, err
	}
	var out []domain.Event
	for i, m := range hs {
		if len(m) > 0 {
			out = append(out, eventFromHash(nums[i], m))
		}
	}
	return out, nil
}

// SetAttended records how many came; ErrNotFound when there is no event.
func (s *Store) SetAttended(ctx context.Context, team string, id int64, count int, actor string, now time.Time) error {
	k := keysFor(team)
	v, err := s.exec(ctx, "set attended", scriptSetAttended, roundsFollow, []string{k.Event(id), k.Audit()}, count, ms(now), actor, auditMaxLen, id)
	if err != nil {
		return err
	}
	if n, _ := v.(int64); n == 0 {
		return fmt.Errorf("event E%d: %w", id, ErrNotFound)
	}
	return nil
}

// EventEnded makes an event's end count as contact with its partner.
func (s *Store) EventEnded(ctx context.Context, team string, id int64) error {
	k := keysFor(team)
	_, err := s.exec(ctx, "event ended", scriptEventEnded, roundsFollow, []string{k.Event(id)}, k.Prefix())
	return err
}

func eventFromHash(id int64, m map[string]string) domain.Event {
	atoi := func(s string, def int) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			return def
		}
		return n
	}
	var res, with []string
	if m["resources"] != "" {
		res = strings.Split(m["resources"], ",")
	}
	if m["with"] != "" {
		with = strings.Split(m["with"], ",")
	}
	return domain.Event{
		ID: id, Partner: m["partner"], With: with, Title: m["title"], Type: m["type"], Start: fromMS(m["start"]), End: fromMS(m["end"]),
		Where: m["where"], Audience: m["audience"], Resources: res, Registered: atoi(m["registered"], -1),
		Attended: atoi(m["attended"], -1), Organizer: m["organizer"], Created: fromMS(m["created"]),
		Cancelled: fromMS(m["cancelled_at"]), CancelledBy: m["cancelled_by"],
	}
}

// FollowUpSurveyState is where an event's 30-day follow-up survey is.
type FollowUpSurveyState int

const (
	// FollowUpSurveyNone: nothing queued or sent (an event recorded after
	// the fact queues no surveys by itself).
	FollowUpSurveyNone FollowUpSurveyState = iota
	// FollowUpSurveyQueued: it will go out (or is going out, or went).
	FollowUpSurveyQueued
)

// FollowUpSurvey says whether the event's follow-up survey is queued,
// under way, done or sent; template is the follow-up survey's.
func (s *Store) FollowUpSurvey(ctx context.Context, team string, id int64, template string) (FollowUpSurveyState, error) {
	k := keysFor(team)
	job := JobID(JobFollowUpSurvey, strconv.FormatInt(id, 10))
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.rdb.Pipeline()
	due := pipe.ZScore(ctx, k.Due(), job)
	leased := pipe.ZScore(ctx, k.Leases(), job)
	done := pipe.ZScore(ctx, k.JobsDone(), job)
	surveys := pipe.SMembers(ctx, k.EventSurveys(id))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, s.wrap("follow-up survey", err)
	}
	if due.Err() == nil || leased.Err() == nil || done.Err() == nil {
		return FollowUpSurveyQueued, nil
	}
	for _, sid := range surveys.Val() {
		n, _ := strconv.ParseInt(sid, 10, 64)
		t, err := s.rdb.HGet(ctx, k.Survey(n), "template").Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return 0, s.wrap("follow-up survey", err)
		}
		if t == template {
			return FollowUpSurveyQueued, nil
		}
	}
	return FollowUpSurveyNone, nil
}

// QueueFollowUpSurvey queues the event's follow-up survey (template) at
// due, unless it has one queued, under way, done or sent (queued is then
// false). ErrNotFound for no such event, ErrCancelled for a cancelled one.
func (s *Store) QueueFollowUpSurvey(ctx context.Context, team string, id int64, template string, due time.Time, actor string, now time.Time) (queued bool, err error) {
	k := keysFor(team)
	r, err := s.run(ctx, "queue follow-up survey", scriptQueueFollowUpSv, with([]string{k.Event(id), k.EventSurveys(id), k.Audit()}, k.jobs()...),
		k.Prefix(), id, ms(due), ms(now), actor, auditMaxLen, template)
	if err != nil {
		return false, err
	}
	if !r.ok {
		return false, eventErr("queue follow-up survey", id, r.code)
	}
	return strs(r.rest)[0] == "queued", nil
}
