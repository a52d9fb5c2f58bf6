package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

var scriptImportRows = load("import_rows")

// Import kinds that ImportRows stores (partners and people go through
// AddPartner and UpsertPerson, which are idempotent by name).
const (
	ImportContact  = "contact"
	ImportFollowUp = "followup"
	ImportEvent    = "event"
	ImportNeed     = "need"
)

// ImportRow is one row of an imported spreadsheet, checked by the caller
// and holding one record: the one its kind names.
type ImportRow struct {
	// Identity says which row this is across imports: the kind and the
	// row's own id column, or a digest of its content. "" for a row that
	// carries an id of ours (ID), which is identity enough.
	Identity string
	// Was is an identity the row may have been imported under before,
	// by an earlier rule ("" for none): a row under either is there.
	Was string
	// ID is the record's id when the row carries one of ours (C12 → 12):
	// it is kept if free, and the row is there already if not.
	ID       int64
	Contact  domain.Contact // Partner is the slug
	FollowUp domain.FollowUp
	Event    domain.Event
	Need     domain.Need
}

// ImportSkipped and ImportGone are what ImportRows reports for a row it
// did not store: there already, or naming a partner that is gone.
const (
	ImportSkipped = 0
	ImportGone    = -1
)

// ImportRows stores rows of one kind, each in full or not at all, in one
// script; a row imported before (the same Identity, or an id of ours that
// exists) is skipped. It returns, per row, the id it was stored under,
// ImportSkipped or ImportGone. Reminders, attendance questions and
// surveys are queued only for what is still ahead; an overdue follow-up
// comes in overdue, with its reminders spent. The batch is one audit
// entry.
func (s *Store) ImportRows(ctx context.Context, team, kind string, rows []ImportRow, delays EventDelays, actor string, now time.Time) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	k := keysFor(team)
	seq := map[string]string{ImportContact: k.ContactSeq(), ImportFollowUp: k.FollowUpSeq(), ImportEvent: k.EventSeq(), ImportNeed: k.NeedSeq()}[kind]
	if seq == "" {
		return nil, fmt.Errorf("import: unknown kind %q", kind)
	}
	args := []any{k.Prefix(), kind, ms(now), actor, auditMaxLen, domain.MaxReminders, delays.Feedback.Milliseconds(), delays.FollowUp.Milliseconds()}
	// A stored record is filed in the search index in the same call: the
	// sets of its words are declared here.
	tokens := map[string]bool{}
	for _, r := range rows {
		js, words, err := importRowJSON(kind, r, actor, now)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", kind, err)
		}
		args = append(args, js)
		for _, w := range words {
			tokens[w] = true
		}
	}
	// The first round learns the keys of the rows' partners and records
	// (they depend on ids the script gives), the second writes.
	keys := with([]string{k.Imported(), seq, k.Audit()}, k.jobs()...)
	for w := range tokens {
		keys = append(keys, k.SearchToken(w))
	}
	if kind == ImportContact {
		keys = append(keys, k.ContactPartner(), k.Partners())
	}
	v, err := s.exec(ctx, "import "+kind, scriptImportRows, roundsFollow, keys, args...)
	if err != nil {
		return nil, err
	}
	vs, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("import %s: unexpected script reply %T", kind, v)
	}
	out := make([]int64, len(vs))
	for i, x := range vs {
		if out[i], ok = x.(int64); !ok {
			return nil, fmt.Errorf("import %s: unexpected script reply %T in row %d", kind, x, i+1)
		}
	}
	return out, nil
}

// ImportSeen reports which rows an import would skip as there already,
// reading only: the dry run's count.
func (s *Store) ImportSeen(ctx context.Context, team, kind string, rows []ImportRow) ([]bool, error) {
	k := keysFor(team)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.rdb.Pipeline()
	type check struct{ ident, was, id func() (bool, error) }
	checks := make([]check, len(rows))
	for i, r := range rows {
		if r.Identity != "" {
			c := pipe.HExists(ctx, k.Imported(), r.Identity)
			checks[i].ident = c.Result
		}
		if r.Was != "" {
			checks[i].was = pipe.HExists(ctx, k.Imported(), r.Was).Result
		}
		if r.ID > 0 {
			id := strconv.FormatInt(r.ID, 10)
			switch kind {
			case ImportContact:
				checks[i].id = pipe.HExists(ctx, k.ContactPartner(), id).Result
			case ImportFollowUp:
				c := pipe.Exists(ctx, k.FollowUp(r.ID))
				checks[i].id = func() (bool, error) { n, err := c.Result(); return n > 0, err }
			case ImportEvent:
				c := pipe.Exists(ctx, k.Event(r.ID))
				checks[i].id = func() (bool, error) { n, err := c.Result(); return n > 0, err }
			case ImportNeed:
				checks[i].id = pipe.HExists(ctx, k.NeedLog(), id).Result
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.wrap("import seen", err)
	}
	out := make([]bool, len(rows))
	for i, c := range checks {
		for _, f := range []func() (bool, error){c.ident, c.was, c.id} {
			if f == nil {
				continue
			}
			ok, err := f()
			if err != nil {
				return nil, s.wrap("import seen", err)
			}
			out[i] = out[i] || ok
		}
	}
	return out, nil
}

// importRowJSON is a row as import_rows.lua reads it: strings for every
// number, so that no time reaches a hash as a float.
func importRowJSON(kind string, r ImportRow, actor string, now time.Time) (string, []string, error) {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	m := map[string]any{"ident": r.Identity, "was": r.Was, "id": i(r.ID)}
	var words []string // the search index's words for the record (search.go)
	switch kind {
	case ImportContact:
		c := r.Contact
		c.Created = now
		if c.Who == "" {
			c.Who = actor
		}
		js, err := json.Marshal(c)
		if err != nil {
			return "", nil, err
		}
		m["slug"], m["when"], m["dir"], m["who"], m["json"] = c.Partner, i(ms(c.When)), c.Direction, c.Who, string(js)
		words = contactWords(c)
	case ImportFollowUp:
		f := r.FollowUp
		created, by := f.Created, f.CreatedBy
		if created.IsZero() {
			created = now
		}
		if by == "" {
			by = actor
		}
		doneAt := ""
		if !f.DoneAt.IsZero() {
			doneAt = i(ms(f.DoneAt))
		} else if f.Status != domain.StatusOpen {
			doneAt = i(ms(now))
		}
		doneBy := f.DoneBy
		if doneBy == "" && f.Status != domain.StatusOpen {
			doneBy = actor
		}
		m["slug"], m["assignee"], m["due"], m["text"], m["status"] = f.Partner, f.Assignee, i(ms(f.Due)), f.Text, f.Status
		m["shared"], m["created_by"], m["created"], m["done_by"], m["done_at"] = boolField(f.Shared), by, i(ms(created)), doneBy, doneAt
	case ImportEvent:
		e := r.Event
		org := e.Organizer
		if org == "" {
			org = actor
		}
		m["slug"], m["start"], m["end"], m["organizer"], m["created"] = e.Partner, i(ms(e.Start)), i(ms(e.End)), org, i(ms(now))
		if len(e.With) > 0 {
			m["with"] = e.With
		}
		m["fields"] = []string{"title", e.Title, "type", e.Type, "where", e.Where, "audience", e.Audience,
			"resources", strings.Join(e.Resources, ","), "registered", strconv.Itoa(e.Registered), "attended", strconv.Itoa(e.Attended)}
		words = domain.SearchTokens(e.Title)
	case ImportNeed:
		n := r.Need
		if n.Who == "" {
			n.Who = actor
		}
		js, err := json.Marshal(n)
		if err != nil {
			return "", nil, err
		}
		m["slug"], m["at"], m["json"] = n.Partner, i(ms(n.At)), string(js)
		words = needWords(n)
		if len(n.Topics) > 0 {
			m["topics"] = n.Topics
		}
	}
	if len(words) > 0 {
		m["words"] = strings.Join(words, " ")
	}
	b, err := json.Marshal(m)
	return string(b), words, err
}

// pendingImportTTL is how long a dry run waits for `import confirm`.
const pendingImportTTL = 24 * time.Hour

// SetPendingImport remembers the file (as the door names it) whose dry
// run user last saw, for `import confirm` and the Import button.
func (s *Store) SetPendingImport(ctx context.Context, team, user, file string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("pending import", s.rdb.Set(ctx, keysFor(team).ImportPending(user), file, pendingImportTTL).Err())
}

// PendingImport is the file of user's last dry run; ErrNotFound when
// there is none (or it is more than a day old).
func (s *Store) PendingImport(ctx context.Context, team, user string) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	v, err := s.rdb.Get(ctx, keysFor(team).ImportPending(user)).Result()
	return v, s.wrap("pending import", err)
}
