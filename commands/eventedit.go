package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

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
		fmt.Fprintf(&b, "Attendance: %d came of %d registered (%d%%)\n", e.Attended, e.Registered, e.Attended*100/e.Registered)
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
	if len(has) == 0 {
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
	if len(a.opts) == 0 {
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
