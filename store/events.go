package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EventTypes are the kinds of events (SPEC §2).
var EventTypes = []string{"workshop", "seminar", "health-fair", "screening", "class", "display", "other"}

// Event is something run with a partner, E<n>.
type Event struct {
	ID         int64
	Partner    string
	Title      string
	Type       string
	Start, End time.Time
	Where      string
	Audience   string
	Resources  []string
	Registered int // -1 when unknown
	Attended   int // -1 when not recorded yet
	Organizer  string
	Created    time.Time
}

// EventDelays are when an event's surveys are sent after it ends.
type EventDelays struct{ Feedback, FollowUp time.Duration }

// AddEvent resolves ref and records e, queueing what follows its end: it
// counts as contact with the partner, the organizer is asked for
// attendance, and the feedback and follow-up surveys go out after the
// delays. Returns the event id and the partner.
func (s *Store) AddEvent(ctx context.Context, team string, ref PartnerRef, e Event, delays EventDelays, actor string, now time.Time) (int64, Partner, error) {
	k := keysFor(team)
	args := append(ref.args(k), ms(e.Start), ms(e.End), ms(now), actor, auditMaxLen, delays.Feedback.Milliseconds(), delays.FollowUp.Milliseconds(),
		"title", e.Title, "type", e.Type, "where", e.Where, "audience", e.Audience,
		"resources", strings.Join(e.Resources, ","), "registered", e.Registered, "attended", -1)
	return s.createWithPartner(ctx, "add event", scriptAddEvent, k, args)
}

// Event loads one event; ErrNotFound when there is none.
func (s *Store) Event(ctx context.Context, team string, id int64) (Event, error) {
	m, err := s.record(ctx, "event", keysFor(team).Event(id), fmt.Sprintf("event E%d", id))
	if err != nil {
		return Event{}, err
	}
	return eventFromHash(id, m), nil
}

// Events lists events of one partner (or all when slug is ""), starting
// in [from, to), soonest first; reverse lists latest first.
func (s *Store) Events(ctx context.Context, team, slug string, from, to time.Time, reverse bool, limit int) ([]Event, error) {
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
	var out []Event
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
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := scriptSetAttended.Run(ctx, s.rdb, []string{k.Event(id), k.Audit()}, count, ms(now), actor, auditMaxLen, id).Int()
	if err != nil {
		return s.wrap("set attended", err)
	}
	if n == 0 {
		return fmt.Errorf("event E%d: %w", id, ErrNotFound)
	}
	return nil
}

// EventEnded makes an event's end count as contact with its partner.
func (s *Store) EventEnded(ctx context.Context, team string, id int64) error {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("event ended", scriptEventEnded.Run(ctx, s.rdb, []string{k.Event(id)}, k.Prefix()).Err())
}

func eventFromHash(id int64, m map[string]string) Event {
	atoi := func(s string, def int) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			return def
		}
		return n
	}
	var res []string
	if m["resources"] != "" {
		res = strings.Split(m["resources"], ",")
	}
	return Event{
		ID: id, Partner: m["partner"], Title: m["title"], Type: m["type"], Start: fromMS(m["start"]), End: fromMS(m["end"]),
		Where: m["where"], Audience: m["audience"], Resources: res, Registered: atoi(m["registered"], -1),
		Attended: atoi(m["attended"], -1), Organizer: m["organizer"], Created: fromMS(m["created"]),
	}
}

// ParseEventID reads "E7" (or "e7", "7") as 7.
func ParseEventID(s string) (int64, bool) { return parseShortID(s, "E") }

func parseShortID(s, prefix string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 0 && strings.EqualFold(s[:1], prefix) {
		s = s[1:]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}
