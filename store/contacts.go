package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/redis/go-redis/v9"
)

// NextStep is a follow-up created with a contact (`log … next:`).
type NextStep struct {
	Due  time.Time
	Text string
}

// LogContact resolves ref and records c with that partner in one round
// trip, with next (when not nil) as a follow-up for the actor. It returns
// the stored contact (with its id), the follow-up id (0 for none) and the
// partner as it is after the write. Resolution errors are those of
// ResolvePartner.
func (s *Store) LogContact(ctx context.Context, team string, ref PartnerRef, c domain.Contact, next *NextStep, actor string, now time.Time) (domain.Contact, int64, domain.Partner, error) {
	k := keysFor(team)
	c.Created = now
	if c.Who == "" {
		c.Who = actor
	}
	js, err := json.Marshal(c)
	if err != nil {
		return domain.Contact{}, 0, domain.Partner{}, fmt.Errorf("log contact: %w", err)
	}
	nextDue, nextText := "", ""
	if next != nil {
		nextDue, nextText = strconv.FormatInt(ms(next.Due), 10), next.Text
	}
	plan := newDocPlan(contactWords(c))
	keys := []string{k.Partners(), k.PartnerNames(), k.ChannelIndex(), k.ContactSeq(), k.Audit(), k.PartnerLex(),
		k.ContactPartner(), k.ContactsBy(c.Who)}
	keys = append(keys, plan.keys(k)...)
	if ref.Liaison {
		keys = append(keys, k.jobs()...) // the note for the partner's owner
	}
	if next != nil {
		keys = append(keys, k.FollowUpSeq(), k.FollowUpTexts(), k.FollowUpsOpen())
		keys = append(keys, k.jobs()...)
	}
	partnerKeys := func(slug string) []string { return []string{k.Partner(slug), k.Contacts(slug), k.ContactLog(slug)} }
	r, err := s.runResolving(ctx, "log contact", scriptLogContact, ref, k, keys, partnerKeys,
		ms(c.When), c.Direction, string(js), ms(now), actor, auditMaxLen, nextDue, nextText, c.Who, plan.arg())
	if err != nil {
		return domain.Contact{}, 0, domain.Partner{}, err
	}
	if !r.ok {
		return domain.Contact{}, 0, domain.Partner{}, resolveErr("log contact", r.code, r.rest)
	}
	c.ID, _ = r.rest[0].(int64)
	slug, _ := r.rest[1].(string)
	fu, _ := r.rest[2].(int64)
	c.Partner = slug
	return c, fu, partnerFromReply(slug, r.rest[3:]), nil
}

// History returns up to limit contacts with the partner, newest first by
// when they happened (so backdated contacts fall into place).
func (s *Store) History(ctx context.Context, team, slug string, limit int) ([]domain.Contact, error) {
	return s.history(ctx, team, slug, "-inf", "+inf", limit)
}

// HistoryIn is History within [from, to).
func (s *Store) HistoryIn(ctx context.Context, team, slug string, from, to time.Time, limit int) ([]domain.Contact, error) {
	return s.history(ctx, team, slug, strconv.FormatInt(ms(from), 10), "("+strconv.FormatInt(ms(to), 10), limit)
}

// history reads up to limit contacts whose time is within min and max
// (ZRANGEBYSCORE bounds), newest first.
func (s *Store) history(ctx context.Context, team, slug, min, max string, limit int) ([]domain.Contact, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.rdb.ZRevRangeByScore(ctx, k.Contacts(slug), &redis.ZRangeBy{Min: min, Max: max, Count: int64(limit)}).Result()
	if err != nil {
		return nil, s.wrap("history", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	out := make([]domain.Contact, 0, len(ids))
	err = s.contacts(ctx, k, slug, ids, func(c domain.Contact) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// contacts reads the partner's contacts ids in one round trip and hands
// each to f, in the order of ids; ids deleted since are left out.
func (s *Store) contacts(ctx context.Context, k keys, slug string, ids []string, f func(domain.Contact) error) error {
	vals, err := s.rdb.HMGet(ctx, k.ContactLog(slug), ids...).Result()
	if err != nil {
		return s.wrap("contacts", err)
	}
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var c domain.Contact
		if err := json.Unmarshal([]byte(str), &c); err != nil {
			return fmt.Errorf("decode contact %s: %w", ids[i], err)
		}
		c.ID, _ = strconv.ParseInt(ids[i], 10, 64)
		c.Partner = slug
		if err := f(c); err != nil {
			return err
		}
	}
	return nil
}

// Contact loads one contact with the partner; ErrNotFound when there is
// none (deleted, or erased with its partner).
func (s *Store) Contact(ctx context.Context, team, slug string, id int64) (domain.Contact, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	js, err := s.rdb.HGet(ctx, keysFor(team).ContactLog(slug), strconv.FormatInt(id, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return domain.Contact{}, fmt.Errorf("contact C%d: %w", id, ErrNotFound)
	}
	if err != nil {
		return domain.Contact{}, s.wrap("contact", err)
	}
	var c domain.Contact
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		return domain.Contact{}, fmt.Errorf("contact C%d: decode: %w", id, err)
	}
	c.ID, c.Partner = id, slug
	return c, nil
}

// CountContacts reports how many contacts are logged with the partner.
func (s *Store) CountContacts(ctx context.Context, team, slug string) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.rdb.ZCard(ctx, keysFor(team).Contacts(slug)).Result()
	return n, s.wrap("count contacts", err)
}

// FirstDelivery records that the Events API event id has been seen and
// reports whether this is its first delivery. Slack redelivers events
// (with retry_attempt) for minutes after a missed acknowledgement; ttl must
// outlast that.
func (s *Store) FirstDelivery(ctx context.Context, team, eventID string, ttl time.Duration) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ok, err := s.rdb.SetNX(ctx, keysFor(team).SeenEvent(eventID), 1, ttl).Result()
	if err != nil {
		return false, s.wrap("first delivery", err)
	}
	return ok, nil
}

// FindContact loads the contact with this id, whatever its partner, or
// with id 0 the latest contact user logged (`contact edit last`).
// ErrNotFound when there is none.
func (s *Store) FindContact(ctx context.Context, team string, id int64, user string) (domain.Contact, error) {
	k := keysFor(team)
	ref := ""
	if id > 0 {
		ref = strconv.FormatInt(id, 10)
	}
	r, err := s.run(ctx, "contact", scriptFindContact, []string{k.ContactPartner(), k.ContactsBy(user), k.Partners()}, k.Prefix(), ref, user)
	if err != nil {
		return domain.Contact{}, err
	}
	if !r.ok {
		return domain.Contact{}, fmt.Errorf("contact C%d: %w", id, ErrNotFound)
	}
	return contactFromReply("contact", r.rest)
}

func contactFromReply(op string, rest []any) (domain.Contact, error) {
	ss := strs(rest)
	if len(ss) < 3 {
		return domain.Contact{}, fmt.Errorf("%s: short script reply", op)
	}
	var c domain.Contact
	if err := json.Unmarshal([]byte(ss[2]), &c); err != nil {
		return domain.Contact{}, fmt.Errorf("%s: decode contact %s: %w", op, ss[0], err)
	}
	c.ID, _ = strconv.ParseInt(ss[0], 10, 64)
	c.Partner = ss[1]
	return c, nil
}

// ContactChange corrects a contact; zero fields stay as they are.
type ContactChange struct {
	Summary string
	When    time.Time
	Method  string
	Outcome string
}

// EditContact applies change to contact id and recomputes its partner's
// last contact and one-way figures, in one script. It returns the contact
// after the change; ErrNotFound when there is none.
func (s *Store) EditContact(ctx context.Context, team string, id int64, change ContactChange, actor string, now time.Time) (domain.Contact, error) {
	when, whenJSON := "", ""
	if !change.When.IsZero() {
		b, err := json.Marshal(change.When)
		if err != nil {
			return domain.Contact{}, fmt.Errorf("edit contact: %w", err)
		}
		when, whenJSON = strconv.FormatInt(ms(change.When), 10), strings.Trim(string(b), `"`)
	}
	return s.changeContact(ctx, team, id, "edit", actor, now, change, when, whenJSON)
}

// DeleteContact removes contact id and recomputes its partner's figures,
// in one script. It returns the contact as it was; ErrNotFound when there
// is none.
func (s *Store) DeleteContact(ctx context.Context, team string, id int64, actor string, now time.Time) (domain.Contact, error) {
	return s.changeContact(ctx, team, id, "delete", actor, now, ContactChange{}, "", "")
}

// changeContact runs change_contact. The contact is read first, for the
// words it is filed under in the search index.
func (s *Store) changeContact(ctx context.Context, team string, id int64, op, actor string, now time.Time, change ContactChange, when, whenJSON string) (domain.Contact, error) {
	k := keysFor(team)
	r, err := retryStale(op+" contact", func() (reply, error) {
		old, raw, err := s.contactText(ctx, k, id)
		if errors.Is(err, ErrNotFound) {
			return reply{code: "not_found"}, nil
		}
		if err != nil {
			return reply{}, err
		}
		var words []string
		if op == "edit" {
			edited := old
			if change.Summary != "" {
				edited.Summary = change.Summary
			}
			if change.Outcome != "" {
				edited.Outcome = change.Outcome
			}
			words = contactWords(edited)
		}
		plan := changePlan(raw, contactWords(old), words)
		return s.run(ctx, op+" contact", scriptChangeContact, append([]string{k.ContactPartner(), k.Audit(), k.Partners()}, plan.keys(k)...),
			k.Prefix(), id, op, actor, ms(now), auditMaxLen, change.Summary, when, whenJSON, change.Method, plan.arg(), change.Outcome)
	})
	if err != nil {
		return domain.Contact{}, err
	}
	if !r.ok {
		return domain.Contact{}, fmt.Errorf("%s contact C%d: %w", op, id, ErrNotFound)
	}
	c, err := contactFromReply(op+" contact", append([]any{strconv.FormatInt(id, 10)}, r.rest...))
	return c, err
}

// contactText loads contact id with its stored JSON; ErrNotFound when
// there is none.
func (s *Store) contactText(ctx context.Context, k keys, id int64) (domain.Contact, string, error) {
	r, err := s.run(ctx, "contact", scriptFindContact, []string{k.ContactPartner(), k.Partners()}, k.Prefix(), strconv.FormatInt(id, 10), "")
	if err != nil {
		return domain.Contact{}, "", err
	}
	if !r.ok {
		return domain.Contact{}, "", fmt.Errorf("contact C%d: %w", id, ErrNotFound)
	}
	c, err := contactFromReply("contact", r.rest)
	if err != nil {
		return domain.Contact{}, "", err
	}
	raw, _ := r.rest[2].(string)
	return c, raw, nil
}
