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

// eventStore is what the event commands need.
type eventStore interface {
	AddEvent(ctx context.Context, team string, ref store.PartnerRef, e domain.Event, delays store.EventDelays, actor string, now time.Time) (int64, domain.Partner, error)
	Event(ctx context.Context, team string, id int64) (domain.Event, error)
	Events(ctx context.Context, team, slug string, from, to time.Time, reverse bool, limit int) ([]domain.Event, error)
	SetAttended(ctx context.Context, team string, id int64, count int, actor string, now time.Time) error
	CancelEvent(ctx context.Context, team string, id int64, actor string, now time.Time) ([]string, error)
	EditEvent(ctx context.Context, team string, id int64, change store.EventChange, delays store.EventDelays, actor string, now time.Time) (domain.Event, error)
}

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
	// When it starts follows the title, or comes as when: or start:.
	typed, given := a.opt("when")
	if v, ok := a.opt("start"); ok {
		if given {
			return message.Reply{}, userErrorf("Give when it starts once: `when:` or `start:`, not both.")
		}
		typed, given = v, true
	}
	if ti < 0 || (ti+1 >= len(a.pos) && !given) {
		return message.Reply{}, userErrorf("Give the partner, the title in quotes, then when: `%s event add county \"Flu shot clinic\" dec 3 10am until:2pm type:screening`.", h.cfg.Command)
	}
	title := strings.TrimSpace(Unlink(a.pos[ti].Text))
	if title == "" || len([]rune(title)) > maxTitle {
		return message.Reply{}, userErrorf("The title needs 1 to %d characters.", maxTitle)
	}
	now := h.now()
	words := strings.Fields(Unlink(joinText(a.pos[ti+1:])))
	// `confirm` at the end adds an event the same as one there already.
	confirmed := false
	if n := len(words); (n > 1 || given && n == 1) && strings.EqualFold(words[n-1], "confirm") && !a.pos[len(a.pos)-1].Quoted {
		confirmed, words = true, words[:n-1]
	}
	if given {
		if len(words) > 0 {
			return message.Reply{}, userErrorf("When it starts is given twice, %s and %s: keep one.", message.Code(strings.Join(words, " ")), message.Code(typed))
		}
		words = strings.Fields(typed)
	}
	start, used, err := when.ParseWhen(words, now, req.Loc)
	if err != nil || used != len(words) {
		// `where:Main library room B`: the place's words, unquoted, ran
		// into the date.
		if terr := a.splitText(); terr != nil {
			return message.Reply{}, terr
		}
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
	if !confirmed {
		// The same partner, title and start: most likely the same line
		// typed again. Ask before adding a second one.
		if dup, err := h.sameEvent(ctx, req, ref.Text, e); err != nil {
			return message.Reply{}, err
		} else if dup != nil {
			return h.askAgain(req, fmt.Sprintf(":calendar: `E%d` *%s* with *%s* is there already, at %s. Nothing is added yet",
				dup.ID, message.Esc(dup.Title), message.Esc(h.partnerName(ctx, req.Team, dup.Partner)), message.EventWhen(*dup, now, req.Loc)), "Add another"), nil
		}
	}
	id, p, err := h.store.AddEvent(ctx, req.Team, ref, e, h.cfg.SurveyDelays, req.User, now)
	if err != nil {
		if m, ok := h.partnerFieldErr(ctx, req, "event add", ref.Text, err); ok {
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
	} else if t, n, err := when.ParseWhen(words, dayStart(start, loc).Add(-time.Nanosecond), loc); err == nil && n == len(words) {
		// Read from just before the start's day: "2pm" and "friday 4pm"
		// are that day when it is a Friday, and "1pm" for an event
		// starting at 2pm ends before it, not on the next day. Past
		// midnight ("until:2am" at 10pm, "tomorrow 1am"), read from the
		// start, when that ends it within 12 hours.
		end = t
		if !end.After(start) {
			if t2, n2, err := when.ParseWhen(words, start, loc); err == nil && n2 == len(words) && t2.After(start) && t2.Sub(start) <= overnight {
				end = t2
			}
		}
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

// overnight is the longest an event's until: may carry it past
// midnight when the words alone would end it before it starts.
const overnight = 12 * time.Hour

// dayStart is the midnight that begins t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
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
	// past or upcoming, before the partner or after it.
	for _, at := range []int{0, len(pos) - 1} {
		if at < 0 || at >= len(pos) || pos[at].Quoted {
			continue
		}
		switch strings.ToLower(pos[at].Text) {
		case "past":
			past, pos = true, slices.Delete(slices.Clone(pos), at, at+1)
		case "upcoming":
			pos = slices.Delete(slices.Clone(pos), at, at+1)
		default:
			continue
		}
		break
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
		msg += fmt.Sprintf(" of %d registered (%s)", e.Registered, message.Percent(n, e.Registered))
	}
	if e.Attended >= 0 && e.Attended != n {
		msg += fmt.Sprintf(", where %d had been recorded", e.Attended) // a correction says what it replaced
	}
	r := message.Reply{Text: msg + ".", Feed: fmt.Sprintf("%s recorded attendance at `E%d` *%s*: %d came", message.Mention(req.User), id, message.Esc(e.Title), n)}
	h.offerFollowUpSurvey(ctx, req, e, &r)
	return r, nil
}

var eventEditFields = []string{"title", "type", "where", "audience", "resources", "registered", "start", "until"}

// eventShow shows everything stored about an event: `event show <E-id>`.
func (h *Handler) eventShow(ctx context.Context, req *Request, a args) (message.Reply, error) {
	id, err := h.eventID("event show", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	e, err := h.loadEvent(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	var b strings.Builder
	fmt.Fprintf(&b, "*`E%d` %s*", e.ID, message.Esc(e.Title))
	if !e.Cancelled.IsZero() {
		fmt.Fprintf(&b, " _(cancelled by %s, %s)_", message.Mention(e.CancelledBy), message.Time(e.Cancelled, now, req.Loc))
	}
	fmt.Fprintf(&b, "\n%s · %s · with *%s* · organized by %s\n", e.Type, message.EventWhen(e, now, req.Loc), message.Esc(h.eventPartnerNames(ctx, req.Team, e)), message.Mention(e.Organizer))
	for _, f := range []struct{ label, v string }{{"Where", e.Where}, {"Audience", e.Audience}, {"Resources used", strings.Join(e.Resources, ", ")}} {
		if f.v != "" {
			fmt.Fprintf(&b, "%s: %s\n", f.label, message.Esc(f.v))
		}
	}
	switch {
	case e.Registered >= 0 && e.Attended >= 0 && e.Registered > 0:
		fmt.Fprintf(&b, "Attendance: %d came of %d registered (%s)\n", e.Attended, e.Registered, message.Percent(e.Attended, e.Registered))
	case e.Attended >= 0:
		fmt.Fprintf(&b, "Attendance: %d came\n", e.Attended)
	case e.Registered >= 0:
		fmt.Fprintf(&b, "Registered: %d; attendance not recorded yet\n", e.Registered)
	default:
		b.WriteString("Attendance not recorded yet\n")
	}
	ids, err := h.store.EventSurveys(ctx, req.Team, id)
	if err != nil {
		return message.Reply{}, err
	}
	has := map[string]bool{}
	b.WriteString("Surveys:")
	for _, sid := range ids {
		sv, err := h.store.Survey(ctx, req.Team, sid)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return message.Reply{}, err
		}
		rs, err := h.store.Responses(ctx, req.Team, sid)
		if err != nil {
			return message.Reply{}, err
		}
		has[sv.Template] = true
		status := "sent " + message.Date(sv.Created, now, req.Loc)
		if sv.PostedTS == "" {
			status = "going out now"
		}
		fmt.Fprintf(&b, "\n• `S%d` %s · %s · %s%s", sv.ID, sv.Template, status, message.Plural(len(rs), "response"), ratingAverages(sv, rs))
	}
	if e.Cancelled.IsZero() && e.End.After(e.Created) {
		for _, p := range []struct {
			template string
			at       time.Time
		}{{domain.TemplateFeedback, e.End.Add(h.cfg.SurveyDelays.Feedback)}, {domain.TemplateFollowUp, e.End.Add(h.cfg.SurveyDelays.FollowUp)}} {
			if !has[p.template] && p.at.After(now) {
				fmt.Fprintf(&b, "\n• %s · goes out %s", p.template, message.Time(p.at, now, req.Loc))
				has[p.template] = true
			}
		}
	}
	switch {
	case len(has) == 0 && !e.Cancelled.IsZero():
		b.WriteString(" none (it is cancelled).")
	case len(has) == 0:
		fmt.Fprintf(&b, " none. `%s event survey E%d` sends its feedback survey once it has started.", h.cfg.Command, id)
	}
	return message.Reply{Text: b.String()}, nil
}

// ratingAverages is " · How useful was it? 4.3" for each rating question
// with answers.
func ratingAverages(sv domain.Survey, rs []domain.Response) string {
	var out strings.Builder
	for _, q := range domain.Templates[sv.Template].Questions {
		if !q.Rating {
			continue
		}
		sum, n := 0, 0
		for _, r := range rs {
			if v, err := strconv.Atoi(r.Answers[q.ID]); err == nil {
				sum, n = sum+v, n+1
			}
		}
		if n > 0 {
			fmt.Fprintf(&out, " · %s %.1f", q.Text, float64(sum)/float64(n))
		}
	}
	return out.String()
}

// eventEdit corrects an event: `event edit <E-id> field:value…`.
func (h *Handler) eventEdit(ctx context.Context, req *Request, a args) (message.Reply, error) {
	id, err := h.eventID("event edit", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	if len(a.pos) > 1 {
		return message.Reply{}, userErrorf("I don't understand %s here. Give changes as `field:value`, e.g. `%s event edit E%d where:\"Room B\"`.", message.Code(joinText(a.pos[1:])), h.cfg.Command, id)
	}
	if !a.anyOption() {
		return message.Reply{}, userErrorf("What should change? Give one or more of %s, e.g. `%s event edit E%d registered:45`.", optionList(eventEditFields), h.cfg.Command, id)
	}
	e, err := h.liveEvent(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	var ch store.EventChange
	var what []string
	if v, ok := a.opt("title"); ok {
		v = strings.TrimSpace(v)
		if v == "" || len([]rune(v)) > maxTitle {
			return message.Reply{}, userErrorf("`title:` needs 1 to %d characters.", maxTitle)
		}
		ch.Title, what = &v, append(what, "title")
	}
	if v, ok := a.opt("type"); ok {
		t, err := oneOf("type", v, domain.EventTypes)
		if err != nil {
			return message.Reply{}, err
		}
		ch.Type, what = &t, append(what, "type")
	}
	for _, key := range []string{"where", "audience"} {
		if v, ok := a.opt(key); ok {
			v, err := textField(key, v, 200)
			if err != nil {
				return message.Reply{}, err
			}
			if key == "where" {
				ch.Where = &v
			} else {
				ch.Audience = &v
			}
			what = append(what, key)
		}
	}
	if v, ok := a.opt("resources"); ok {
		res, err := resourcesArg(v)
		if err != nil {
			return message.Reply{}, err
		}
		ch.Resources, what = &res, append(what, "resources")
	}
	if v, ok := a.opt("registered"); ok {
		n, err := countArg("registered", v)
		if err != nil {
			return message.Reply{}, err
		}
		ch.Registered, what = &n, append(what, "registration")
	}
	start, end := e.Start, e.End
	if v, ok := a.opt("start"); ok {
		if err := splitDate(a, "start", now, req.Loc); err != nil {
			return message.Reply{}, err
		}
		words := strings.Fields(v)
		t, n, err := when.ParseWhen(words, now, req.Loc)
		if err != nil || n != len(words) {
			if err != nil && !errors.Is(err, when.ErrNoDate) {
				return message.Reply{}, userErrorf("%s", dateMessage(v, err))
			}
			return message.Reply{}, userErrorf("`start:` is when it starts: `start:\"dec 3 10am\"` or `start:2026-12-03T10:00` (I got %s).", message.Code(v))
		}
		start, end = t, t.Add(e.End.Sub(e.Start)) // the same length unless until: says otherwise
		ch.Start, ch.End, what = &start, &end, append(what, "start")
	}
	if v, ok := a.opt("until"); ok {
		if end, err = untilArg(v, start, now, req.Loc); err != nil {
			return message.Reply{}, err
		}
		ch.End, what = &end, append(what, "end")
	}
	got, err := h.store.EditEvent(ctx, req.Team, id, ch, h.cfg.SurveyDelays, req.User, now)
	if errors.Is(err, store.ErrCancelled) {
		return message.Reply{}, userErrorf("`E%d` is cancelled, so it can't change. Record it again with `%s event add`.", id, h.cfg.Command)
	}
	if err != nil {
		return message.Reply{}, err
	}
	h.touchCanvas(ctx, req.Team, append([]string{got.Partner}, got.With...)...)
	name := h.eventPartnerNames(ctx, req.Team, got)
	return message.Reply{
		Text: fmt.Sprintf(":memo: Corrected the %s of `E%d`:\n%s", andList(what), id, message.EventLine(got, name, now, req.Loc)),
		Feed: fmt.Sprintf("%s corrected the event `E%d` *%s* with *%s*", message.Mention(req.User), id, message.Esc(got.Title), message.Esc(name)),
	}, nil
}

// resourcesArg reads library resources used: "room,laptops".
func resourcesArg(v string) ([]string, error) {
	var out []string
	for _, r := range strings.Split(v, ",") {
		if r = strings.TrimSpace(strings.ToLower(r)); r != "" {
			out = append(out, r)
		}
	}
	if len(out) > 20 {
		return nil, userErrorf("That is %d resources; list at most 20.", len(out))
	}
	return out, nil
}

// eventCancel cancels an event and what it still had coming: `event cancel <E-id>`.
func (h *Handler) eventCancel(ctx context.Context, req *Request, a args) (message.Reply, error) {
	id, err := h.eventID("event cancel", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	e, err := h.loadEvent(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	off, err := h.store.CancelEvent(ctx, req.Team, id, req.User, now)
	if errors.Is(err, store.ErrCancelled) {
		return message.Reply{}, userErrorf("`E%d` is already cancelled (by %s, %s).", id, message.Mention(e.CancelledBy), message.Time(e.Cancelled, now, req.Loc))
	}
	if err != nil {
		return message.Reply{}, err
	}
	h.touchCanvas(ctx, req.Team, append([]string{e.Partner}, e.With...)...)
	names := map[string]string{"attendance": "the attendance question", "feedback": "the feedback survey", "followup": "the follow-up survey"}
	var parts []string
	for _, o := range off {
		if n, ok := names[o]; ok {
			parts = append(parts, n)
		} else {
			parts = append(parts, "the survey `"+o+"`")
		}
	}
	msg := fmt.Sprintf(":heavy_multiplication_x: Cancelled `E%d` *%s* (%s).", id, message.Esc(e.Title), message.EventWhen(e, now, req.Loc))
	if len(parts) > 0 {
		msg += " Not going out now: " + andList(parts) + "."
	} else {
		msg += " It had no questions or surveys still to go out."
	}
	return message.Reply{Text: msg, Feed: fmt.Sprintf("%s cancelled the event `E%d` *%s*", message.Mention(req.User), id, message.Esc(e.Title))}, nil
}

// eventPartnerNames names an event's partners.
func (h *Handler) eventPartnerNames(ctx context.Context, team string, e domain.Event) string {
	names := map[string]string{}
	for _, slug := range append([]string{e.Partner}, e.With...) {
		names[slug] = h.partnerName(ctx, team, slug)
	}
	return message.EventPartners(e, names)
}

// sameEvent finds a standing event of the partner named with e's title
// (folded) and start; nil when there is none. A partner that cannot be
// found is left for AddEvent to explain.
func (h *Handler) sameEvent(ctx context.Context, req *Request, partner string, e domain.Event) (*domain.Event, error) {
	p, err := h.store.ResolvePartner(ctx, req.Team, h.ref(req, partner))
	if err != nil {
		return nil, nil
	}
	es, err := h.store.Events(ctx, req.Team, p.Slug, e.Start, e.Start.Add(time.Millisecond), false, 20)
	if err != nil {
		return nil, err
	}
	for _, x := range es {
		if x.Cancelled.IsZero() && domain.NameKey(x.Title) == domain.NameKey(e.Title) {
			return &x, nil
		}
	}
	return nil, nil
}

// askAgain asks before adding a second of what is there already:
// what says what stands in the way, label names the button.
func (h *Handler) askAgain(req *Request, what, label string) message.Reply {
	return h.askConfirm(req, what+": ", " to add a second one", label)
}
