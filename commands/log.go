package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// maxFuture is how far ahead a typed contact time may be (clock skew,
// typing "14:30" a minute early); such a contact is logged at now, never
// in the future. Planned contacts are follow-ups.
const maxFuture = time.Hour

// maxBack is how far back a contact may be dated without typing the year:
// "400 days ago" is more likely a slip than a record being caught up.
const maxBack = 365 * 24 * time.Hour

// LogInput is a contact to log, from the command line or the log form.
type LogInput struct {
	Partner   string // as typed; "" = the channel's partner
	Method    string
	Direction string // "in" or "out"; "" = out
	When      string // as typed; "" = now
	Summary   string
	Next      string // "<when> <what>": a follow-up for the logger; "" = none
}

// logCommand logs a contact: `log <partner> <method> <summary…> [in] [when:]`.
// A bare `log` at the slash command opens the form.
func (h *Handler) logCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var err error
	if len(a.pos) == 0 && len(a.opts) == 0 {
		if req.Door == DoorSlash && req.Role != RoleLiaison {
			return message.Reply{Form: message.FormLog}, nil
		}
		return message.Reply{}, userErrorf("Tell me who, how and what: `%s`, e.g. `%s`.", strings.TrimPrefix(a.cmd.usage(h.cfg.Command), h.cfg.Command+" "), a.cmd.examples[0])
	}
	in := LogInput{Direction: "out"}
	if v, ok := a.opt("when"); ok {
		if strings.TrimSpace(v) == "" {
			return message.Reply{}, userErrorf("`when:` is empty. Give when it happened, e.g. `when:yesterday` or `when:\"dec 3 14:30\"`, or leave it out for now.")
		}
		if err := splitDate(a, "when", h.now(), req.Loc); err != nil {
			return message.Reply{}, err
		}
		in.When = v
	}
	if v, ok := a.opt("next"); ok {
		if req.Role == RoleLiaison {
			return message.Reply{}, errDenied
		}
		in.Next = v
	}
	if v, ok := a.opt("dir"); ok {
		if in.Direction, err = oneOf("direction", v, []string{"out", "in"}); err != nil {
			return message.Reply{}, err
		}
	}
	// The partner is every word before the method, so names need no quotes:
	// `log county health dept call …`. In a linked channel it may be left out.
	pos := a.pos
	mi := -1
	for i, t := range pos {
		if !t.Quoted && isMethod(t.Text) {
			mi = i
			break
		}
	}
	if mi < 0 {
		return message.Reply{}, h.missingMethod(pos)
	}
	in.Partner = Unlink(joinText(pos[:mi]))
	in.Method = strings.ToLower(pos[mi].Text)
	rest := pos[mi+1:]
	// `in` right after the method or as the last word means they reached us.
	if len(rest) > 0 && !rest[0].Quoted && strings.EqualFold(rest[0].Text, "in") {
		in.Direction, rest = "in", rest[1:]
	} else if n := len(rest); n > 0 && !rest[n-1].Quoted && strings.EqualFold(rest[n-1].Text, "in") {
		in.Direction, rest = "in", rest[:n-1]
	}
	in.Summary = Unlink(joinText(rest))
	if req.Role == RoleLiaison {
		in.Direction = "in" // a note from the partner's own people is them reaching us
	}
	r, fieldErrs, err := h.LogContact(ctx, req, in)
	if err != nil {
		return message.Reply{}, err
	}
	if len(fieldErrs) > 0 {
		return message.Reply{}, userErrorf("%s", firstFieldError(fieldErrs))
	}
	return r, nil
}

func isMethod(s string) bool {
	s = strings.ToLower(s)
	for _, m := range store.Methods {
		if s == m {
			return true
		}
	}
	return false
}

// missingMethod explains a log line without a method, suggesting one when a
// word looks like a misspelt method.
func (h *Handler) missingMethod(pos []Token) error {
	for _, t := range pos {
		if t.Quoted {
			continue
		}
		w := strings.ToLower(t.Text)
		if len(w) >= 3 {
			if s := closest(w, store.Methods); s != "" && s != w {
				return userErrorf("%s isn't a contact method. Did you mean `%s`? The methods are %s.\nExample: `%s log county call \"Talked about the flu clinic\"`",
					message.Code(t.Text), s, backticks(store.Methods), h.cfg.Command)
			}
		}
	}
	return userErrorf("How did you reach them? Put a method after the partner: %s.\nExample: `%s log county call \"Talked about the flu clinic\"`",
		backticks(store.Methods), h.cfg.Command)
}

// Field names of LogInput, as the form's error map uses them.
const (
	FieldPartner = "partner"
	FieldMethod  = "method"
	FieldWhen    = "when"
	FieldSummary = "summary"
	FieldNext    = "next"
)

// LogContact validates and stores one contact. Mistakes come back per
// field (for the form to show beside each input); err is for failures
// that are not the user's (storage) or for refusals.
func (h *Handler) LogContact(ctx context.Context, req *Request, in LogInput) (message.Reply, map[string]string, error) {
	now := h.now()
	errs := map[string]string{}
	method := strings.ToLower(strings.TrimSpace(in.Method))
	if !isMethod(method) {
		errs[FieldMethod] = fmt.Sprintf("Choose a method: %s.", strings.Join(store.Methods, ", "))
	}
	dir := in.Direction
	if dir == "" {
		dir = "out"
	}
	summary := strings.TrimSpace(in.Summary)
	switch n := len([]rune(summary)); {
	case n == 0:
		errs[FieldSummary] = "Add a few words on what happened, e.g. \"Talked about the flu clinic\"."
	case n > maxSummary:
		errs[FieldSummary] = fmt.Sprintf("That summary is %d characters long; keep it under %d (put long notes in a document and link it).", n, maxSummary)
	}
	when, backdated := now, false
	if w := strings.TrimSpace(in.When); w != "" {
		t, msg := h.contactWhen(w, now, req.Loc)
		switch {
		case msg != "":
			errs[FieldWhen] = msg
		case t.Before(now):
			when, backdated = t, true
		}
	}
	var next *store.NextStep
	if w := strings.TrimSpace(in.Next); w != "" {
		words := strings.Fields(w)
		t, used, err := ParseDue(words, now, req.Loc)
		switch {
		case err != nil && !errors.Is(err, ErrNoDate):
			errs[FieldNext] = dateMessage(w, err)
		case err != nil || used == 0:
			errs[FieldNext] = "`next:` starts with when, then what: `next:\"friday Send the flyer\"`."
		case used == len(words):
			errs[FieldNext] = "`next:` needs what to do after the date: `next:\"friday Send the flyer\"`."
		case !t.After(now):
			errs[FieldNext] = "The next step's date is in the past; give one still ahead."
		case len([]rune(strings.Join(words[used:], " "))) > maxFollowUpText:
			errs[FieldNext] = fmt.Sprintf("The next step is too long; keep it under %d characters.", maxFollowUpText)
		default:
			next = &store.NextStep{Due: t, Text: strings.Join(words[used:], " ")}
		}
	}
	ref := h.ref(req, strings.TrimSpace(in.Partner))
	if len(errs) > 0 {
		// Check the partner too, so a form shows every mistake at once.
		if _, err := h.store.ResolvePartner(ctx, req.Team, ref); err != nil {
			if m, ok := h.partnerFieldErr(ctx, req, ref.Text, err); ok {
				errs[FieldPartner] = m
			}
		}
		return message.Reply{}, errs, nil
	}
	if backdated {
		// Costs a round trip, so only for backdated contacts: none may
		// predate its partner (a mistyped year, most often).
		p, err := h.store.ResolvePartner(ctx, req.Team, ref)
		if err != nil {
			if m, ok := h.partnerFieldErr(ctx, req, ref.Text, err); ok {
				return message.Reply{}, map[string]string{FieldPartner: m}, nil
			}
			return message.Reply{}, nil, err
		}
		if msg := predates(in.When, when, p, now, req.Loc); msg != "" {
			return message.Reply{}, map[string]string{FieldWhen: msg}, nil
		}
	}
	ct := store.Contact{Method: method, Direction: dir, Who: req.User, When: when, Summary: summary}
	ct, fu, p, err := h.store.LogContact(ctx, req.Team, ref, ct, next, req.User, now)
	if err != nil {
		if m, ok := h.partnerFieldErr(ctx, req, ref.Text, err); ok {
			return message.Reply{}, map[string]string{FieldPartner: m}, nil
		}
		return message.Reply{}, nil, err
	}
	arrow := "→"
	if dir == "in" {
		arrow = "←"
	}
	var b strings.Builder
	fmt.Fprintf(&b, ":white_check_mark: Logged %s %s *%s* as `C%d` (%s): %s", ct.Method, arrow, message.Esc(p.Name), ct.ID, message.Time(ct.When, h.now(), req.Loc), message.Esc(message.Clip(ct.Summary, 200)))
	if fu > 0 {
		fmt.Fprintf(&b, "\n:pushpin: Next step `F%d`: %s, due %s. I'll remind you.", fu, message.Esc(next.Text), message.Time(next.Due, h.now(), req.Loc))
	}
	if hl := p.Health(now); hl.OneWay {
		fmt.Fprintf(&b, "\n:left_right_arrow: That's %d contacts in a row from us with nothing back. Try another way to reach them: a call, a visit, or someone else there.", p.OutSinceIn)
	}
	return message.Reply{
		Text: b.String(),
		Feed: fmt.Sprintf("%s logged %s %s *%s*", message.Mention(req.User), message.ContactKind(ct.Method), map[string]string{"out": "to", "in": "from"}[dir], message.Esc(p.Name)),
	}, nil, nil
}

// partnerFieldErr turns a failed partner lookup into the partner field's
// message; ok is false for failures that are not the user's (or refusals).
func (h *Handler) partnerFieldErr(ctx context.Context, req *Request, text string, err error) (string, bool) {
	if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrNoPartner) {
		return "", false
	}
	var ue *userError
	if errors.As(h.partnerErr(ctx, req, text, err), &ue) {
		return ue.msg, true
	}
	return "", false
}

// firstFieldError picks one message in a stable order for text doors.
func firstFieldError(errs map[string]string) string {
	for _, f := range []string{FieldPartner, FieldMethod, FieldSummary, FieldWhen, FieldNext} {
		if m, ok := errs[f]; ok {
			return m
		}
	}
	return ""
}

// dateMessage explains a date that could not be read.
func dateMessage(typed string, err error) string {
	var de *DateError
	if errors.As(err, &de) {
		return fmt.Sprintf("%s: %s", message.Code(typed), de.Message)
	}
	return fmt.Sprintf("I can't read %s as a date. Try `today`, `yesterday`, `friday`, `dec 3 14:30` or `2026-12-03`.", message.Code(typed))
}

// history lists recent contacts: `history <partner> [limit]`.
func (h *Handler) history(ctx context.Context, req *Request, a args) (message.Reply, error) {
	pos := a.pos
	limit := 10
	if n := len(pos); n > 0 && !pos[n-1].Quoted {
		if v, err := strconv.Atoi(pos[n-1].Text); err == nil {
			if v < 1 || v > 100 {
				return message.Reply{}, userErrorf("Show between 1 and 100 contacts, e.g. `%s history county 20`.", h.cfg.Command)
			}
			limit, pos = v, pos[:n-1]
		}
	}
	p, err := h.partner(ctx, req, Unlink(joinText(pos)))
	if err != nil {
		return message.Reply{}, err
	}
	cs, err := h.store.History(ctx, req.Team, p.Slug, limit)
	if err != nil {
		return message.Reply{}, err
	}
	if len(cs) == 0 {
		return message.Reply{Text: fmt.Sprintf("No contacts with *%s* yet. Log one with `%s log %s call \"<what happened>\"`.", message.Esc(p.Name), h.cfg.Command, p.Slug)}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*: last %s, newest first\n", message.Esc(p.Name), message.Plural(len(cs), "contact"))
	for _, ct := range cs {
		b.WriteString(message.ContactLine(ct, h.now(), req.Loc))
		b.WriteByte('\n')
	}
	return message.Reply{Text: b.String()}, nil
}

// contactWhen reads when a contact happened: not in the future (a minute
// or so ahead is now), not more than a year back unless the year is typed.
// msg says what is wrong, for the user; t is now when nothing was typed
// that moves it.
func (h *Handler) contactWhen(w string, now time.Time, loc *time.Location) (t time.Time, msg string) {
	words := strings.Fields(w)
	t, used, yearTyped, err := ParseWhenYear(words, now, loc)
	switch {
	case err != nil:
		return now, dateMessage(w, err)
	case used != len(words):
		return now, fmt.Sprintf("I read %s as a date but not %s. Try `when:yesterday`, `when:\"dec 3 14:30\"` or `when:2026-12-03`.", message.Code(strings.Join(words[:used], " ")), message.Code(strings.Join(words[used:], " ")))
	case t.After(now.Add(maxFuture)):
		return now, fmt.Sprintf("%s is in the future. Log contacts that happened; plan the next one as a follow-up: `%s followup <partner> <when> <what>`.", message.Code(message.Time(t, now, loc)), h.cfg.Command)
	case t.Before(now.Add(-maxBack)) && !yearTyped:
		return now, fmt.Sprintf("%s is %s, more than a year back. If that is right, type the date with its year: `when:%s`.", message.Code(w), message.Time(t, now, loc), t.In(loc).Format("2006-01-02"))
	case t.After(now):
		return now, "" // a minute or so ahead: logged as now, never in the future
	}
	return t, ""
}

// predates explains a contact dated (typed as typed) before its partner
// was added, "" when it is not.
func predates(typed string, when time.Time, p store.Partner, now time.Time, loc *time.Location) string {
	if !beforeDay(when, p.Created, loc) {
		return ""
	}
	return fmt.Sprintf("%s is before *%s* was added (%s); a contact can't predate its partner. Check the date (`when:yesterday`, `when:\"dec 3\"`); if it happened before you added the partner, log it on the day you did: `when:%s`.",
		message.Code(strings.TrimSpace(typed)), message.Esc(p.Name), message.Date(p.Created, now, loc), p.Created.In(loc).Format("2006-01-02"))
}

// beforeDay reports whether t falls on a calendar day (in loc) before
// ref's: a contact of the morning a partner was added that day counts.
func beforeDay(t, ref time.Time, loc *time.Location) bool {
	ty, tm, td := t.In(loc).Date()
	ry, rm, rd := ref.In(loc).Date()
	return time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Before(time.Date(ry, rm, rd, 0, 0, 0, 0, time.UTC))
}
