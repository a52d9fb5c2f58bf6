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

const (
	maxTitle     = 150
	maxAttendees = 100000
	defaultEvent = time.Hour
)

// eventAdd records an event: `event add <partner> "<title>" <when> [until:] [type:] [where:] [audience:] [resources:a,b] [registered:]`.
func (h *Handler) eventAdd(ctx context.Context, req *Request, a args) (message.Reply, error) {
	// The title is the first quoted words; the partner comes before it
	// (or is the channel's), the date after.
	ti := -1
	for i, t := range a.pos {
		if t.Quoted {
			ti = i
			break
		}
	}
	if ti < 0 || ti+1 >= len(a.pos) {
		return message.Reply{}, userErrorf("Give the partner, the title in quotes, then when: `%s event add county \"Flu shot clinic\" dec 3 10am until:2pm type:screening`.", h.cfg.Command)
	}
	title := strings.TrimSpace(Unlink(a.pos[ti].Text))
	if title == "" || len([]rune(title)) > maxTitle {
		return message.Reply{}, userErrorf("The title needs 1 to %d characters.", maxTitle)
	}
	now := h.now()
	words := strings.Fields(Unlink(joinText(a.pos[ti+1:])))
	start, used, err := when.ParseWhen(words, now, req.Loc)
	if err != nil || used != len(words) {
		if err != nil && !errors.Is(err, when.ErrNoDate) {
			return message.Reply{}, userErrorf("%s", dateMessage(strings.Join(words, " "), err))
		}
		return message.Reply{}, userErrorf("I can't read %s as when it starts. Try `dec 3 10am`, `friday 2pm` or `2026-12-03 14:30`.", message.Code(strings.Join(words, " ")))
	}
	e := domain.Event{Title: title, Type: "other", Start: start, End: start.Add(defaultEvent), Registered: -1}
	if v, ok := a.opt("until"); ok {
		if e.End, err = untilArg(v, start, now, req.Loc); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.opt("type"); ok {
		if e.Type, err = oneOf("type", v, domain.EventTypes); err != nil {
			return message.Reply{}, err
		}
	}
	for key, dst := range map[string]*string{"where": &e.Where, "audience": &e.Audience} {
		if v, ok := a.opt(key); ok {
			if *dst, err = textField(key, v, 200); err != nil {
				return message.Reply{}, err
			}
		}
	}
	if v, ok := a.opt("resources"); ok {
		for _, r := range strings.Split(v, ",") {
			if r = strings.TrimSpace(strings.ToLower(r)); r != "" {
				e.Resources = append(e.Resources, r)
			}
		}
		if len(e.Resources) > 20 {
			return message.Reply{}, userErrorf("That is %d resources; list at most 20.", len(e.Resources))
		}
	}
	if v, ok := a.opt("registered"); ok {
		if e.Registered, err = countArg("registered", v); err != nil {
			return message.Reply{}, err
		}
	}
	var withNames []string
	if v, ok := a.opt("with"); ok {
		for _, w := range strings.Split(v, ",") {
			if w = strings.TrimSpace(w); w == "" {
				continue
			}
			wp, err := h.partner(ctx, req, w)
			if err != nil {
				return message.Reply{}, err
			}
			if !slices.Contains(e.With, wp.Slug) {
				e.With, withNames = append(e.With, wp.Slug), append(withNames, wp.Name)
			}
		}
		if len(e.With) == 0 {
			return message.Reply{}, userErrorf("`with:` names the other partners, comma-separated: `with:eastside-clinic,main-street-pharmacy`.")
		}
	}
	ref := h.ref(req, Unlink(joinText(a.pos[:ti])))
	id, p, err := h.store.AddEvent(ctx, req.Team, ref, e, h.cfg.SurveyDelays, req.User, now)
	if err != nil {
		if m, ok := h.partnerFieldErr(ctx, req, ref.Text, err); ok {
			return message.Reply{}, &userError{msg: m}
		}
		return message.Reply{}, err
	}
	e.ID, e.Partner = id, p.Slug
	h.touchCanvas(ctx, req.Team, append([]string{p.Slug}, e.With...)...)
	var b strings.Builder
	names := []string{"*" + message.Esc(p.Name) + "*"}
	for _, n := range withNames {
		if n != p.Name {
			names = append(names, "*"+message.Esc(n)+"*")
		}
	}
	partners := andList(names)
	fmt.Fprintf(&b, ":calendar: `E%d` *%s* with %s: %s", id, message.Esc(title), partners, message.EventWhen(e, h.now(), req.Loc))
	if e.End.After(now) {
		where := "its linked channel"
		if p.Channel == "" {
			where = "you (the partner has no linked channel)"
		}
		fmt.Fprintf(&b, "\nAfter it ends I'll ask you how many came, and send its feedback survey to %s.", where)
	} else {
		fmt.Fprintf(&b, "\nRecorded as past. Add attendance with `%s event attended E%d <count>`; `%s event survey E%d` sends its survey.", h.cfg.Command, id, h.cfg.Command, id)
	}
	return message.Reply{Text: b.String(), Feed: fmt.Sprintf("%s added an event with *%s*: %s", message.Mention(req.User), message.Esc(p.Name), message.Esc(title))}, nil
}

// untilArg reads an event's end: a time that day ("2pm"), a date and
// time, or a length ("90m", "2h").
func untilArg(v string, start, now time.Time, loc *time.Location) (time.Time, error) {
	words := strings.Fields(v)
	bad := userErrorf("`until:` is when it ends: `until:2pm`, `until:\"dec 3 4pm\"` or `until:90m` (I got %s).", message.Code(v))
	var end time.Time
	if sp, n, err := when.ParseSpan(words); err == nil && n == len(words) {
		end = sp.AddTo(start)
	} else if t, n, err := when.ParseWhen(words, start, loc); err == nil && n == len(words) {
		end = t // read from the start: a bare "2pm" is 2pm that day
	} else {
		return time.Time{}, bad
	}
	if !end.After(start) {
		return time.Time{}, userErrorf("The event ends (%s) before it starts (%s).", message.Time(end, now, loc), message.Time(start, now, loc))
	}
	if end.Sub(start) > 31*24*time.Hour {
		return time.Time{}, userErrorf("That event lasts more than a month; record its days as separate events.")
	}
	return end, nil
}

// countArg reads a head count.
func countArg(key, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > maxAttendees {
		return 0, userErrorf("%s needs a number of people from 0 to %d (I got %s).", key, maxAttendees, message.Code(v))
	}
	return n, nil
}

// eventList lists events: `event list [upcoming|past] [<partner>]`.
func (h *Handler) eventList(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var err error
	pos := a.pos
	past := false
	if len(pos) > 0 && !pos[0].Quoted {
		switch strings.ToLower(pos[0].Text) {
		case "past":
			past, pos = true, pos[1:]
		case "upcoming":
			pos = pos[1:]
		}
	}
	slug, title := "", "Upcoming events"
	if req.Role == RoleLiaison {
		// Liaisons see their own partner's upcoming events, nothing else.
		if past {
			return message.Reply{}, errDenied
		}
		p, err := h.partner(ctx, req, Unlink(joinText(pos)))
		if err != nil {
			return message.Reply{}, err
		}
		slug, title = p.Slug, "Upcoming events with "+message.Esc(p.Name)
	} else if len(pos) > 0 {
		p, err := h.partner(ctx, req, Unlink(joinText(pos)))
		if err != nil {
			return message.Reply{}, err
		}
		slug = p.Slug
		title = "Upcoming events with " + message.Esc(p.Name)
		if past {
			title = "Past events with " + message.Esc(p.Name)
		}
	} else if past {
		title = "Past events"
	}
	now := h.now()
	var es []domain.Event
	if past {
		es, err = h.store.Events(ctx, req.Team, slug, now.AddDate(-5, 0, 0), now, true, 30)
	} else {
		es, err = h.store.Events(ctx, req.Team, slug, now.Add(-24*time.Hour), now.AddDate(2, 0, 0), false, 30)
		es = filterEvents(es, func(e domain.Event) bool { return e.End.After(now) })
	}
	if err != nil {
		return message.Reply{}, err
	}
	if len(es) == 0 {
		if req.Role == RoleLiaison {
			return message.Reply{Text: title + ": none yet."}, nil
		}
		return message.Reply{Text: title + ": none. Add one with `" + h.cfg.Command + " event add <partner> \"<title>\" <when>`."}, nil
	}
	names, err := h.partnerNames(ctx, req.Team)
	if err != nil {
		return message.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* (%d)\n", title, len(es))
	for _, e := range es {
		b.WriteString(message.EventLine(e, message.EventPartners(e, names), h.now(), req.Loc) + "\n")
	}
	return message.Reply{Text: b.String()}, nil
}

func filterEvents(es []domain.Event, keep func(domain.Event) bool) []domain.Event {
	var out []domain.Event
	for _, e := range es {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// eventID reads an E-id argument.
func (h *Handler) eventID(name string, toks []Token) (int64, error) {
	if len(toks) == 0 {
		return 0, userErrorf("Which event? Give its id: `%s %s E7`. `%s event list` shows them.", h.cfg.Command, name, h.cfg.Command)
	}
	id, ok := domain.ParseEventID(toks[0].Text)
	if !ok {
		return 0, userErrorf("%s isn't an event id; they look like `E7`. `%s event list` shows them.", message.Code(toks[0].Text), h.cfg.Command)
	}
	return id, nil
}

// loadEvent loads an event, explaining a missing one.
func (h *Handler) loadEvent(ctx context.Context, req *Request, id int64) (domain.Event, error) {
	e, err := h.store.Event(ctx, req.Team, id)
	if errors.Is(err, store.ErrNotFound) {
		return e, userErrorf("I can't find `E%d`. `%s event list` shows the upcoming events, `%s event list past` the others.", id, h.cfg.Command, h.cfg.Command)
	}
	return e, err
}

// liveEvent is loadEvent for commands that act on an event, which a
// cancelled one refuses.
func (h *Handler) liveEvent(ctx context.Context, req *Request, id int64) (domain.Event, error) {
	e, err := h.loadEvent(ctx, req, id)
	if err == nil && !e.Cancelled.IsZero() {
		return e, userErrorf("`E%d` *%s* was cancelled (by %s, %s). `%s event show E%d` shows what it was.", id, message.Esc(e.Title), message.Mention(e.CancelledBy), message.Time(e.Cancelled, h.now(), req.Loc), h.cfg.Command, id)
	}
	return e, err
}

// eventAttended records attendance: `event attended <E-id> <count>`.
func (h *Handler) eventAttended(ctx context.Context, req *Request, a args) (message.Reply, error) {
	id, err := h.eventID("event attended", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	if len(a.pos) != 2 {
		return message.Reply{}, userErrorf("How many came? `%s event attended E%d 42`.", h.cfg.Command, id)
	}
	n, err := countArg("Attendance", a.pos[1].Text)
	if err != nil {
		return message.Reply{}, err
	}
	e, err := h.liveEvent(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	if e.Start.After(h.now()) {
		return message.Reply{}, userErrorf("`E%d` *%s* hasn't started yet (%s); record attendance after it.", id, message.Esc(e.Title), message.Time(e.Start, h.now(), req.Loc))
	}
	if err := h.store.SetAttended(ctx, req.Team, id, n, req.User, h.now()); err != nil {
		return message.Reply{}, err
	}
	msg := fmt.Sprintf(":white_check_mark: `E%d` *%s*: %s came", id, message.Esc(e.Title), message.Plural(n, "person"))
	if n != 1 {
		msg = fmt.Sprintf(":white_check_mark: `E%d` *%s*: %d people came", id, message.Esc(e.Title), n)
	}
	if e.Registered > 0 {
		msg += fmt.Sprintf(" of %d registered (%d%%)", e.Registered, n*100/e.Registered)
	}
	r := message.Reply{Text: msg + ".", Feed: fmt.Sprintf("%s recorded attendance at `E%d` *%s*: %d came", message.Mention(req.User), id, message.Esc(e.Title), n)}
	h.offerFollowUpSurvey(ctx, req, e, &r)
	return r, nil
}
