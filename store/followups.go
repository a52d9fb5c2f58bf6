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

// FollowUpError carries the follow-up a failed change was about.
type FollowUpError struct {
	Err      error
	FollowUp domain.FollowUp
}

func (e *FollowUpError) Error() string { return fmt.Sprintf("F%d: %v", e.FollowUp.ID, e.Err) }
func (e *FollowUpError) Unwrap() error { return e.Err }

// AddFollowUp resolves ref and creates an open follow-up due at due, with
// its first reminder queued. It returns the follow-up's id and the partner.
func (s *Store) AddFollowUp(ctx context.Context, team string, ref PartnerRef, f domain.FollowUp, actor string, now time.Time) (int64, domain.Partner, error) {
	k := keysFor(team)
	args := []any{f.Assignee, ms(f.Due), f.Text, ms(now), actor, auditMaxLen, boolField(f.Shared)}
	keys := with([]string{k.FollowUpSeq(), k.FollowUpTexts(), k.FollowUpsOpen(), k.FollowUpsOf(f.Assignee)}, k.jobs()...)
	return s.createWithPartner(ctx, "add follow-up", scriptAddFollowUp, k, ref, keys,
		func(slug string) []string { return []string{k.Partner(slug), k.PartnerFollowUps(slug)} }, args)
}

// ChangeFollowUp closes or moves an open follow-up; newDue is for
// ChangeSnooze, which only moves it later, and ChangeReschedule. Either
// re-queues its reminder in the same script. It returns the follow-up
// after the change. Errors wrap ErrNotFound, or are a *FollowUpError
// wrapping ErrNotOpen (carrying who closed it) or ErrNotLater (carrying
// the due time a snooze must pass).
func (s *Store) ChangeFollowUp(ctx context.Context, team string, id int64, change string, newDue time.Time, actor string, now time.Time) (domain.FollowUp, error) {
	k := keysFor(team)
	r, err := s.run(ctx, "change follow-up", scriptChangeFollowUp,
		// The assignee's set is a guess (the one closing or moving a
		// follow-up is most often its assignee); the script asks for the
		// right one otherwise.
		with([]string{k.FollowUp(id), k.FollowUpsOpen(), k.FollowUpsDone(), k.Audit(), k.FollowUpTexts(), k.FollowUpsOf(actor)}, k.jobs()...),
		k.Prefix(), id, change, actor, ms(now), ms(newDue), auditMaxLen)
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
	}
	return domain.FollowUp{}, fmt.Errorf("change follow-up: unexpected script error %q", r.code)
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
	}
}
