package commands

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

// contactStore is what correcting contacts needs.
type contactStore interface {
	FindContact(ctx context.Context, team string, id int64, user string) (domain.Contact, error)
	EditContact(ctx context.Context, team string, id int64, change store.ContactChange, actor string, now time.Time) (domain.Contact, error)
	DeleteContact(ctx context.Context, team string, id int64, actor string, now time.Time) (domain.Contact, error)
}

// loadContact finds the contact the first word names: `C12`, or `last`,
// the person's own latest.
func (h *Handler) loadContact(ctx context.Context, req *Request, name string, toks []Token) (domain.Contact, error) {
	if len(toks) == 0 {
		return domain.Contact{}, userErrorf("Which contact? Give its id from `%s history <partner>`, e.g. `%s %s C12`, or `last` for the latest you logged.", h.cfg.Command, h.cfg.Command, name)
	}
	id, user := int64(0), req.User
	if !strings.EqualFold(toks[0].Text, "last") || toks[0].Quoted {
		var ok bool
		if id, ok = domain.ParseContactID(toks[0].Text); !ok {
			return domain.Contact{}, userErrorf("%s isn't a contact id; they look like `C12` (see `%s history <partner>`), or type `last` for the latest you logged.", message.Code(toks[0].Text), h.cfg.Command)
		}
		user = ""
	}
	c, err := h.store.FindContact(ctx, req.Team, id, user)
	switch {
	case errors.Is(err, store.ErrNotFound) && id == 0:
		return c, userErrorf("You haven't logged a contact I can find. Name one by its id from `%s history <partner>`, e.g. `%s %s C12`.", h.cfg.Command, h.cfg.Command, name)
	case errors.Is(err, store.ErrNotFound):
		return c, userErrorf("I can't find `C%d`. `%s history <partner>` lists a partner's contacts with their ids.", id, h.cfg.Command)
	}
	return c, err
}

// contactEdit corrects a contact: `contact edit <C-id|last> [summary] [when:] [method:]`.
// Any team member may correct any contact: the audit stream keeps who did.
func (h *Handler) contactEdit(ctx context.Context, req *Request, a args) (message.Reply, error) {
	c, err := h.loadContact(ctx, req, "contact edit", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	var ch store.ContactChange
	var what []string
	words, confirmed := a.pos[1:], false
	when, _ := a.opt("when")
	// `confirm` as the last word confirms a date that asks for it, and is
	// summary text otherwise.
	if n := len(words); n > 0 && !words[n-1].Quoted && strings.EqualFold(words[n-1].Text, "confirm") && h.asksConfirm(when, req.Loc) {
		words, confirmed = words[:n-1], true
	}
	if summary := strings.TrimSpace(Unlink(joinText(words))); summary != "" {
		if n := len([]rune(summary)); n > maxSummary {
			return message.Reply{}, userErrorf("That summary is %d characters long; keep it under %d.", n, maxSummary)
		}
		ch.Summary, what = summary, append(what, "summary")
	}
	if v, ok := a.opt("method"); ok {
		m := strings.ToLower(strings.TrimSpace(v))
		if !isMethod(m) {
			msg := fmt.Sprintf("%s isn't a contact method.", message.Code(v))
			if s := closest(m, domain.Methods); s != "" {
				msg += fmt.Sprintf(" Did you mean `%s`?", s)
			}
			return message.Reply{}, userErrorf("%s The methods are %s.", msg, backticks(domain.Methods))
		}
		ch.Method, what = m, append(what, "method")
	}
	if v, ok := a.opt("when"); ok {
		if strings.TrimSpace(v) == "" {
			return message.Reply{}, userErrorf("`when:` is empty. Give when it happened, e.g. `when:yesterday` or `when:\"dec 3 14:30\"`.")
		}
		if err := splitDate(a, "when", now, req.Loc); err != nil {
			return message.Reply{}, err
		}
		v, typedConfirm := cutConfirm(v)
		t, msg := h.contactWhen(v, now, req.Loc)
		if msg != "" {
			return message.Reply{}, userErrorf("%s", msg)
		}
		if needsConfirm(t, now, req.Loc) && !confirmed && !typedConfirm {
			what := fmt.Sprintf("`C%d` with *%s* would be dated *%s*", c.ID, message.Esc(h.partnerName(ctx, req.Team, c.Partner)), message.Time(t, now, req.Loc))
			return h.confirmPrompt(req, what, "Nothing is changed yet", "Change it"), nil
		}
		ch.When, what = t, append(what, "date")
	}
	if len(what) == 0 {
		return message.Reply{}, userErrorf("What should change? Give a new summary, `when:` or `method:`, e.g. `%s contact edit C%d \"Talked about the flu clinic\" when:yesterday method:call`.", h.cfg.Command, c.ID)
	}
	got, err := h.store.EditContact(ctx, req.Team, c.ID, ch, req.User, now)
	if errors.Is(err, store.ErrNotFound) {
		return message.Reply{}, userErrorf("`C%d` was deleted just now, so there is nothing to correct.", c.ID)
	}
	if err != nil {
		return message.Reply{}, err
	}
	name := h.partnerName(ctx, req.Team, got.Partner)
	return message.Reply{
		Text: fmt.Sprintf(":memo: Corrected the %s of `C%d` with *%s*:\n%s", andList(what), got.ID, message.Esc(name), message.ContactLine(got, now, req.Loc)),
		Feed: fmt.Sprintf("%s corrected %s with *%s* (`C%d`)", message.Mention(req.User), message.ContactKind(got.Method), message.Esc(name), got.ID),
	}, nil
}

// contactDelete removes a contact: `contact delete <C-id|last>`. Only its
// author or an admin may: it is someone's record of what they did.
func (h *Handler) contactDelete(ctx context.Context, req *Request, a args) (message.Reply, error) {
	c, err := h.loadContact(ctx, req, "contact delete", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	if len(a.pos) > 1 {
		return message.Reply{}, userErrorf("`contact delete` takes only the contact: `%s contact delete C%d`.", h.cfg.Command, c.ID)
	}
	if c.Who != req.User && req.Role < RoleAdmin {
		return message.Reply{}, userErrorf("Only %s, who logged `C%d`, or an admin can delete it. To fix it instead, `%s contact edit C%d \"<summary>\" when:<when> method:<method>`.", message.Mention(c.Who), c.ID, h.cfg.Command, c.ID)
	}
	now := h.now()
	got, err := h.store.DeleteContact(ctx, req.Team, c.ID, req.User, now)
	if errors.Is(err, store.ErrNotFound) {
		return message.Reply{}, userErrorf("`C%d` is already deleted.", c.ID)
	}
	if err != nil {
		return message.Reply{}, err
	}
	name := h.partnerName(ctx, req.Team, got.Partner)
	return message.Reply{
		Text: fmt.Sprintf(":wastebasket: Deleted `C%d` with *%s*:\n%s", got.ID, message.Esc(name), strings.TrimPrefix(message.ContactLine(got, now, req.Loc), "• ")),
		Feed: fmt.Sprintf("%s deleted %s with *%s* (`C%d`)", message.Mention(req.User), message.ContactKind(got.Method), message.Esc(name), got.ID),
	}, nil
}

// andList is "a", "a and b", "a, b and c".
func andList(ss []string) string { return message.And(ss) }
