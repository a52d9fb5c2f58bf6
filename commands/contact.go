package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// contactStore is what logging and correcting contacts needs.
type contactStore interface {
	LogContact(ctx context.Context, team string, ref store.PartnerRef, c domain.Contact, next *store.NextStep, actor string, now time.Time) (domain.Contact, int64, domain.Partner, error)
	History(ctx context.Context, team, slug string, limit int) ([]domain.Contact, error)
	HistoryIn(ctx context.Context, team, slug string, from, to time.Time, limit int) ([]domain.Contact, error)
	FindContact(ctx context.Context, team string, id int64, user string) (domain.Contact, error)
	EditContact(ctx context.Context, team string, id int64, change store.ContactChange, actor string, now time.Time) (domain.Contact, error)
	DeleteContact(ctx context.Context, team string, id int64, actor string, now time.Time) (domain.Contact, error)
}

// maxFuture is how far ahead a typed contact time may be (clock skew,
// typing "14:30" a minute early); such a contact is logged at now, never
// in the future. Planned contacts are follow-ups.
const maxFuture = time.Hour

// A contact dated more than a year back, or before 2000, is stored only
// once confirmed: such a date is most often a mistyped year.
const confirmYear = 2000

// minContactYear is the earliest year a contact may be dated: before it,
// a year is mistyped ("0219" for "2019"), not a record caught up.
const minContactYear = 1900

// needsConfirm reports whether a contact dated t asks for confirmation.
func needsConfirm(t, now time.Time, loc *time.Location) bool {
	return t.Before(now.In(loc).AddDate(-1, 0, 0)) || t.In(loc).Year() < confirmYear
}

// LogInput is a contact to log, from the command line or the log form.
type LogInput struct {
	Partner   string // as typed; "" = the channel's partner
	Method    string
	Direction string // "in" or "out"; "" = out
	When      string // as typed; "" = now
	Summary   string
	Next      string // "<when> <what>": a follow-up for the logger; "" = none
	Outcome   string // what came of it; "" = none
	// Confirmed: the date may lie more than a year back (needsConfirm).
	// A date typed with `confirm` after it confirms it too (the form).
	Confirmed bool
}

// logCommand logs a contact: `log <partner> <method> <summary…> [in] [when:]`.
// A bare `log` at the slash command opens the form.
func (h *Handler) logCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if err := a.splitText(); err != nil {
		return message.Reply{}, err
	}
	var err error
	if len(a.pos) == 0 && !a.anyOption() {
		if req.Door == DoorSlash && req.Role != RoleLiaison {
			return message.Reply{Form: a.cmd.form, FormUsage: h.cfg.Command + " " + a.cmd.synopsis()}, nil
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
	if v, ok := a.opt("outcome"); ok {
		in.Outcome = v
	}
	if v, ok := a.opt("dir"); ok {
		if in.Direction, err = oneOf("direction", v, []string{"out", "in"}); err != nil {
			return message.Reply{}, err
		}
	}
	// The partner is every word before the method, so names need no quotes:
	// `log county health dept call …`. In a linked channel it may be left out.
	pos := a.pos
	mi, mlen := -1, 0
	for i, t := range pos {
		if !t.Quoted {
			if in.Method, mlen = methodAt(pos, i); mlen > 0 {
				mi = i
				break
			}
		}
	}
	if mi < 0 {
		return message.Reply{}, h.missingMethod(pos)
	}
	if q := slices.IndexFunc(pos[:mi], func(t Token) bool { return t.Quoted }); q > 0 {
		// (A partner's name in quotes, `log "County Health" call …`,
		// is the first word: that is fine.)
		// `log county "Talked about flu" call`: the method after the
		// summary would make the summary part of the partner's name.
		order := append(append(append([]Token(nil), pos[:q]...), pos[mi:mi+mlen]...), pos[q:mi]...)
		order = append(order, pos[mi+mlen:]...)
		return message.Reply{}, userErrorf("The method goes right after the partner, before what happened: %s.", message.Code(h.typed(req, "log "+retyped(order))))
	}
	// `log eastside in email …`: `in` before the method, unless the
	// partner's name ends with it.
	if mi > 1 && !pos[mi-1].Quoted && strings.EqualFold(pos[mi-1].Text, "in") {
		if _, err := h.store.ResolvePartner(ctx, req.Team, h.ref(req, Unlink(joinText(pos[:mi])))); err != nil {
			in.Direction, pos, mi = "in", slices.Delete(slices.Clone(pos), mi-1, mi), mi-1
		}
	}
	in.Partner = Unlink(joinText(pos[:mi]))
	rest := pos[mi+mlen:]
	// A method typed as what was done (`called Dana about the fair`) is
	// the start of the sentence too, unless the summary is quoted.
	verb := ""
	if w := strings.ToLower(pos[mi].Text); mlen == 1 && strings.HasSuffix(w, "ed") && methodVerbs[w] != "" {
		verb = w
	}
	// `confirm` as the last word confirms a date that asks for it, and is
	// summary text otherwise.
	if n := len(rest); n > 0 && !rest[n-1].Quoted && strings.EqualFold(rest[n-1].Text, "confirm") && h.asksConfirm(in.When, req.Loc) {
		in.Confirmed, rest = true, rest[:n-1]
	}
	// `in` right after the method or as the last word means they reached us.
	if len(rest) > 0 && !rest[0].Quoted && strings.EqualFold(rest[0].Text, "in") {
		in.Direction, rest = "in", rest[1:]
	} else if n := len(rest); n > 0 && !rest[n-1].Quoted && strings.EqualFold(rest[n-1].Text, "in") {
		in.Direction, rest = "in", rest[:n-1]
	}
	// A date right after the method (`log county call yesterday talked
	// about flu shots`) is when it happened, if it reads as a past one.
	readDate := ""
	if in.When == "" {
		if n := leadingDate(rest, h.now(), req.Loc); n > 0 {
			readDate = joinText(rest[:n])
			in.When, rest = readDate, rest[n:]
			if len(rest) > 0 && !rest[0].Quoted && strings.EqualFold(rest[0].Text, "in") {
				in.Direction, rest = "in", rest[1:]
			}
		}
	}
	in.Summary = Unlink(joinText(rest))
	if verb != "" && len(rest) > 0 && !rest[0].Quoted {
		in.Summary = verb + " " + in.Summary
	}
	if req.Role == RoleLiaison {
		in.Direction = "in" // a note from the partner's own people is them reaching us
	}
	r, fieldErrs, err := h.LogContact(ctx, req, in)
	var ask *confirmDate
	if errors.As(err, &ask) {
		what := fmt.Sprintf("That %s with *%s* would be dated *%s*", in.Method, message.Esc(ask.partner.Name), message.Time(ask.when, h.now(), req.Loc))
		return h.confirmPrompt(req, what, "Nothing is logged yet", "Log it"), nil
	}
	if err != nil {
		return message.Reply{}, err
	}
	if len(fieldErrs) > 0 {
		return message.Reply{}, userErrorf("%s", firstFieldError(fieldErrs))
	}
	if readDate != "" {
		r.Text += fmt.Sprintf("\n_I read %s as the date. To keep it in the summary, put the summary in quotes._", message.Code(readDate))
	}
	return r, nil
}

// methodVerbs are what people type for a method (`phoned`, `e-mail`,
// `visited`); the import reads them too, beside what spreadsheets call
// them. Words that name organizations as often (`post`, `text`, `met`)
// are left out: in `log`, the partner's name runs up to the method.
var methodVerbs = map[string]string{
	"phone": "call", "telephone": "call", "phoned": "call", "called": "call",
	"e-mail": "email", "emailed": "email",
	"mailed":  "letter",
	"visited": "visit",
	"texted":  "message", "messaged": "message",
}

// methodAt reads a contact method at word i: one of ours, or what people
// call one (methodVerbs; `phone call` is a call too). It returns the
// method and how many words it took, 0 for none.
func methodAt(pos []Token, i int) (string, int) {
	w := strings.ToLower(pos[i].Text)
	if isMethod(w) {
		return w, 1
	}
	m, ok := methodVerbs[w]
	if !ok {
		return "", 0
	}
	if m == "call" && i+1 < len(pos) && !pos[i+1].Quoted && strings.EqualFold(pos[i+1].Text, "call") {
		return "call", 2
	}
	return m, 1
}

// leadingDate is how many of the first words read as the past date a
// contact happened on: a date, not followed by nothing (the summary must
// remain), and not ahead (`next week we plan…` is a summary).
func leadingDate(rest []Token, now time.Time, loc *time.Location) int {
	var words []string
	for _, t := range rest {
		if t.Quoted || t.Key != "" {
			break
		}
		words = append(words, t.Text)
	}
	if len(words) == 0 {
		return 0
	}
	t, n, err := when.ParsePast(words, now, loc)
	if err != nil || n == 0 || n >= len(rest) || t.After(now.Add(maxFuture)) {
		return 0
	}
	return n
}

func isMethod(s string) bool {
	s = strings.ToLower(s)
	for _, m := range domain.Methods {
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
			if s := closest(w, domain.Methods); s != "" && s != w {
				return userErrorf("%s isn't a contact method. Did you mean `%s`? The methods are %s.\nExample: `%s log county call \"Talked about the flu clinic\"`",
					message.Code(t.Text), s, backticks(domain.Methods), h.cfg.Command)
			}
		}
	}
	for _, t := range pos {
		// What spreadsheets and people call a method (`text`, `sms`,
		// `voicemail`), the import's words.
		if m, ok := methodWords[strings.ToLower(t.Text)]; ok && !t.Quoted {
			return userErrorf("%s isn't one of the methods here; it is `%s`. The methods are %s.\nExample: `%s log county %s \"Talked about the flu clinic\"`",
				message.Code(t.Text), m, backticks(domain.Methods), h.cfg.Command, m)
		}
	}
	return userErrorf("How did you reach them? Put a method after the partner: %s.\nExample: `%s log county call \"Talked about the flu clinic\"`",
		backticks(domain.Methods), h.cfg.Command)
}

// retyped writes tokens back as a command line to show: quoted ones in
// quotes, options as key:value, Slack's references as people read them.
func retyped(toks []Token) string { return writeBack(toks, Unlink) }

// wireLine writes tokens back as Slack sent them (a picked person stays
// <@U1|maria>): a command line to run again.
func wireLine(toks []Token) string { return writeBack(toks, func(s string) string { return s }) }

func writeBack(toks []Token, text func(string) string) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		text := text(t.Text)
		switch {
		case t.Key != "" && (t.Quoted || strings.ContainsAny(text, " \t")):
			parts[i] = t.Key + `:"` + text + `"`
		case t.Key != "":
			parts[i] = t.Key + ":" + text
		case t.Quoted:
			parts[i] = `"` + text + `"`
		default:
			parts[i] = text
		}
	}
	return strings.Join(parts, " ")
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
		errs[FieldMethod] = fmt.Sprintf("Choose a method: %s.", strings.Join(domain.Methods, ", "))
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
	at, confirmed := now, in.Confirmed
	w, typedConfirm := cutConfirm(in.When)
	confirmed = confirmed || typedConfirm
	if w != "" {
		t, msg := h.contactWhen(w, now, req.Loc)
		switch {
		case msg != "":
			errs[FieldWhen] = msg
		case needsConfirm(t, now, req.Loc) && !confirmed && req.Door == DoorForm:
			errs[FieldWhen] = fmt.Sprintf("%s is more than a year back. If that is right, add confirm: %s confirm", message.Date(t, now, req.Loc), message.Esc(w))
		default:
			at = t
		}
	}
	var next *store.NextStep
	if w := strings.TrimSpace(in.Next); w != "" {
		words := strings.Fields(w)
		t, used, err := when.ParseDue(words, now, req.Loc)
		switch {
		case err != nil && !errors.Is(err, when.ErrNoDate):
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
			if m, ok := h.partnerFieldErr(ctx, req, "log", ref.Text, err); ok {
				errs[FieldPartner] = m
			}
		}
		return message.Reply{}, errs, nil
	}
	if needsConfirm(at, now, req.Loc) && !confirmed {
		// Nothing is stored until the date is confirmed; the partner is
		// looked up so that the question names it (and a wrong partner
		// is said now, not after the confirmation).
		p, err := h.store.ResolvePartner(ctx, req.Team, ref)
		if err != nil {
			if m, ok := h.partnerFieldErr(ctx, req, "log", ref.Text, err); ok {
				return message.Reply{}, map[string]string{FieldPartner: m}, nil
			}
			return message.Reply{}, nil, err
		}
		return message.Reply{}, nil, &confirmDate{when: at, partner: p}
	}
	outcome, err := textField("outcome", in.Outcome, maxField)
	if err != nil {
		var ue *userError
		errors.As(err, &ue)
		return message.Reply{}, map[string]string{FieldSummary: ue.msg}, nil
	}
	ct := domain.Contact{Method: method, Direction: dir, Who: req.User, When: at, Summary: summary, Outcome: outcome, Source: req.Source}
	ct, fu, p, err := h.store.LogContact(ctx, req.Team, ref, ct, next, req.User, now)
	if err != nil {
		if m, ok := h.partnerFieldErr(ctx, req, "log", ref.Text, err); ok {
			return message.Reply{}, map[string]string{FieldPartner: m}, nil
		}
		return message.Reply{}, nil, err
	}
	arrow := "→"
	if dir == "in" {
		arrow = "←"
	}
	// Concatenation, not Fprintf: this runs on every log, and boxing each
	// argument was a tenth of a log's allocations.
	var b strings.Builder
	b.WriteString(":white_check_mark: Logged " + ct.Method + " " + arrow + " *" + message.Esc(p.Name) + "* as `C" + strconv.FormatInt(ct.ID, 10) +
		"` (" + message.Time(ct.When, h.now(), req.Loc) + "): " + message.Esc(message.Clip(ct.Summary, 200)))
	if src := message.SourceNote(ct.Source); src != "" {
		b.WriteString(" (" + src + ")")
	}
	if ct.Outcome != "" {
		fmt.Fprintf(&b, "\nOutcome: %s", message.Esc(message.Clip(ct.Outcome, 200)))
	}
	if fu > 0 {
		fmt.Fprintf(&b, "\n:pushpin: Next step `F%d`: %s, due %s. I'll remind you.", fu, message.Esc(next.Text), message.Time(next.Due, h.now(), req.Loc))
	}
	if hl := p.Health(now); hl.OneWay {
		fmt.Fprintf(&b, "\n:left_right_arrow: That's %d contacts in a row from us with nothing back. Try another way to reach them: a call, a visit, or someone else there.", p.OutSinceIn)
	}
	return message.Reply{
		Text: b.String(),
		Feed: message.Mention(req.User) + " logged " + message.ContactKind(ct.Method) + " " + toFrom(dir) + " *" + message.Esc(p.Name) + "*",
	}, nil, nil
}

// toFrom is the feed's word for a contact's direction.
func toFrom(dir string) string {
	switch dir {
	case "out":
		return "to"
	case "in":
		return "from"
	}
	return ""
}

// partnerFieldErr turns a failed partner lookup into the partner field's
// message; ok is false for failures that are not the user's (or refusals).
func (h *Handler) partnerFieldErr(ctx context.Context, req *Request, command, text string, err error) (string, bool) {
	if errors.Is(err, store.ErrNoPartner) {
		return h.whichPartner(req, command), true
	}
	if !errors.Is(err, store.ErrNotFound) {
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
	var de *when.DateError
	if errors.As(err, &de) {
		return fmt.Sprintf("%s: %s", message.Code(typed), de.Message)
	}
	return fmt.Sprintf("I can't read %s as a date. Try `today`, `yesterday`, `friday`, `dec 3 14:30` or `2026-12-03`.", message.Code(typed))
}

// history lists recent contacts: `history <partner> [limit] [period]`.
func (h *Handler) history(ctx context.Context, req *Request, a args) (message.Reply, error) {
	limit := 10
	// takeLimit takes a count of contacts off the end of pos; a number out
	// of range is refused unless it reads as a period (a year).
	takeLimit := func(pos []Token) ([]Token, error) {
		n := len(pos)
		if n == 0 || pos[n-1].Quoted {
			return pos, nil
		}
		v, err := strconv.Atoi(pos[n-1].Text)
		switch {
		case err != nil:
			return pos, nil
		case v >= 1 && v <= 100:
			limit = v
			return pos[:n-1], nil
		}
		if _, err := parsePeriod(pos[n-1].Text, h.now(), req.Loc); err == nil {
			return pos, nil
		}
		return pos, userErrorf("Show between 1 and 100 contacts, e.g. `%s history county 20`.", h.cfg.Command)
	}
	pos, err := takeLimit(a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	counted := len(pos) < len(a.pos)
	// A period narrows it: `history county last month`, `history county
	// 20 2026`.
	a.pos = pos
	period, rest, typed, inPeriod, err := h.periodWords(ctx, req, a)
	if err != nil {
		return message.Reply{}, err
	}
	typedPeriod := joinText(typed) // for the hint below; "" for period:
	if inPeriod && !counted {
		if rest, err = takeLimit(rest); err != nil {
			return message.Reply{}, err
		}
	}
	p, err := h.partner(ctx, req, Unlink(joinText(rest)))
	if err != nil {
		return message.Reply{}, err
	}
	var cs []domain.Contact
	if inPeriod {
		c := period.Counted(h.now())
		cs, err = h.store.HistoryIn(ctx, req.Team, p.Slug, c.From, c.To, limit)
	} else {
		cs, err = h.store.History(ctx, req.Team, p.Slug, limit)
	}
	if err != nil {
		return message.Reply{}, err
	}
	switch {
	case len(cs) == 0 && inPeriod:
		return message.Reply{Text: fmt.Sprintf("No contacts with *%s* in %s.", message.Esc(p.Name), period.Label)}, nil
	case len(cs) == 0:
		return message.Reply{Text: fmt.Sprintf("No contacts with *%s* yet. Log one with `%s log %s call \"<what happened>\"`.", message.Esc(p.Name), h.cfg.Command, p.Slug)}, nil
	}
	var b strings.Builder
	if inPeriod {
		fmt.Fprintf(&b, "*%s*: %s in %s, newest first\n", message.Esc(p.Name), message.Plural(len(cs), "contact"), period.Label)
	} else {
		fmt.Fprintf(&b, "*%s*: last %s, newest first\n", message.Esc(p.Name), message.Plural(len(cs), "contact"))
	}
	for _, ct := range cs {
		b.WriteString(message.ContactLine(ct, h.now(), req.Loc))
		b.WriteByte('\n')
	}
	if inPeriod && len(cs) == limit && limit < 100 && typedPeriod != "" {
		fmt.Fprintf(&b, "_The latest %d of the period; %s shows up to 100._\n", limit, message.Code(h.typed(req, "history "+p.Slug+" 100 "+typedPeriod)))
	}
	return message.Reply{Text: b.String()}, nil
}

// contactWhen reads when a contact happened: any past date, a weekday
// alone being the last one (ParsePast); never in the future (a minute or
// so ahead is now). msg says what is wrong, for the user; t is now when
// nothing was typed that moves it.
func (h *Handler) contactWhen(w string, now time.Time, loc *time.Location) (t time.Time, msg string) {
	words := strings.Fields(w)
	t, used, err := when.ParsePast(words, now, loc)
	switch {
	case err != nil:
		return now, dateMessage(w, err)
	case used != len(words):
		return now, fmt.Sprintf("I read %s as a date but not %s. Try `when:yesterday`, `when:\"dec 3 14:30\"` or `when:2026-12-03`.", message.Code(strings.Join(words[:used], " ")), message.Code(strings.Join(words[used:], " ")))
	case t.In(loc).Year() < minContactYear:
		return now, fmt.Sprintf("%s is before %d, which can't be right for a contact: check the year, e.g. `when:%d%s`.", message.Code(message.Date(t, now, loc)), minContactYear, now.In(loc).Year()-1, t.In(loc).Format("-01-02"))
	case t.After(now.Add(maxFuture)):
		return now, fmt.Sprintf("%s is in the future. Log contacts that happened; plan the next one as a follow-up: `%s followup <partner> <when> <what>`.", message.Code(message.Time(t, now, loc)), h.cfg.Command)
	case t.After(now):
		return now, "" // a minute or so ahead: logged as now, never in the future
	}
	return t, ""
}

// asksConfirm reports whether a contact's date as typed (w, "" for now)
// asks for confirmation; false when it cannot be read.
func (h *Handler) asksConfirm(w string, loc *time.Location) bool {
	w, _ = cutConfirm(w)
	if w == "" {
		return false
	}
	now := h.now()
	t, msg := h.contactWhen(w, now, loc)
	return msg == "" && needsConfirm(t, now, loc)
}

// cutConfirm takes a last word `confirm` off a typed date, as the log
// form takes a confirmation ("2019-03-04 confirm").
func cutConfirm(w string) (string, bool) {
	f := strings.Fields(w)
	if n := len(f); n > 1 && strings.EqualFold(f[n-1], "confirm") {
		return strings.Join(f[:n-1], " "), true
	}
	return strings.TrimSpace(w), false
}

// confirmDate is a contact's date that asks to be confirmed before
// anything is stored (needsConfirm).
type confirmDate struct {
	when    time.Time
	partner domain.Partner
}

func (c *confirmDate) Error() string { return "date to confirm" }

// confirmPrompt asks to confirm a date more than a year back: what says
// what would happen, nothing what has not.
func (h *Handler) confirmPrompt(req *Request, what, nothing, label string) message.Reply {
	return h.askConfirm(req, fmt.Sprintf(":calendar: %s, more than a year back. %s: if that date is right, ", what, nothing), "", label)
}

// askConfirm asks before running the typed command again with `confirm`:
// lead says what stands in the way, pressTo what the button does, label
// names it. The button runs the command again, checked as if typed
// (ActionConfirm); a command too long for a button's value is to be
// typed again.
func (h *Handler) askConfirm(req *Request, lead, pressTo, label string) message.Reply {
	line := stripCommand(req.Text, h.cfg.Command) + " confirm"
	r := message.Reply{Text: lead}
	if len(line) <= maxButtonValue {
		r.Text += fmt.Sprintf("press *%s*%s, or ", label, pressTo)
		r.Choices = []message.Choice{{Label: label, Action: ActionConfirm, Value: line, Style: "primary"}}
	}
	if len([]rune(line)) <= 300 {
		r.Text += fmt.Sprintf("type the command again with `confirm` at the end: %s", message.Code(h.typed(req, line)))
	} else {
		r.Text += "type the command again with `confirm` at the end."
	}
	return r
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
	if err := a.splitText(); err != nil {
		return message.Reply{}, err
	}
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
	if v, ok := a.opt("outcome"); ok {
		if ch.Outcome, err = textField("outcome", v, maxField); err != nil {
			return message.Reply{}, err
		}
		if ch.Outcome == "" {
			return message.Reply{}, userErrorf("`outcome:` is empty. Give what came of it, e.g. `outcome:\"they'll host the fair\"`.")
		}
		what = append(what, "outcome")
	}
	if v, ok := a.opt("method"); ok {
		m := strings.ToLower(strings.TrimSpace(v))
		if mv, ok := methodVerbs[m]; ok {
			m = mv // method:phone is a call
		}
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
		return message.Reply{}, userErrorf("What should change? Give a new summary, `when:`, `method:` or `outcome:`, e.g. `%s contact edit C%d \"Talked about the flu clinic\" when:yesterday method:call`.", h.cfg.Command, c.ID)
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

// SubmitLog logs a contact from the log form. Mistakes come back per field;
// other failures as a reply.
func (h *Handler) SubmitLog(ctx context.Context, req Request, in LogInput) (message.Reply, map[string]string) {
	if req.Loc == nil {
		req.Loc = h.defaultLoc()
	}
	req.Door = DoorForm // a date to confirm is a mistake shown on the form
	r, fieldErrs, err := h.LogContact(ctx, &req, in)
	if err != nil {
		return h.fail(req, "log", err), nil
	}
	if len(fieldErrs) > 0 {
		return message.Reply{Outcome: message.OutcomeUserError, Command: "log"}, fieldErrs
	}
	r.Command, r.Outcome = "log", message.OutcomeOK
	return r, nil
}
