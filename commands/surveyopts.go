package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/when"
)

// A survey's opt-ins (`… [remind:2d] [anonymous] [closes:<when>]`).
const (
	// minRemind and maxRemind bound `remind:`: sooner nags, later is
	// forgotten.
	minRemind = time.Hour
	maxRemind = 60 * 24 * time.Hour
	// maxOpen bounds `closes:` to a year ahead.
	maxOpen = 365 * 24 * time.Hour
	// anonymousOpen is how long an anonymous survey takes answers unless
	// `closes:` says: its secret, which alone links a response to a
	// person, is erased when it closes, so it must close some day.
	anonymousOpen = 30 * 24 * time.Hour
)

// wordAnonymous is the opt-in word for an anonymous survey.
const wordAnonymous = "anonymous"

// surveyOptions reads a survey's opt-ins from a: `remind:2d`, `closes:`
// with a time (`closes:friday`, `closes:"dec 4 17:00"`) or a length from
// now (`closes:7d`), and the word `anonymous`, taken out of a.pos.
func (h *Handler) surveyOptions(req *Request, a *args) (domain.SurveyOptions, error) {
	var o domain.SurveyOptions
	now := h.now()
	var pos []Token
	for _, t := range a.pos {
		if !t.Quoted && strings.EqualFold(t.Text, wordAnonymous) {
			o.Anonymous = true
			continue
		}
		pos = append(pos, t)
	}
	a.pos = pos
	if v, ok := a.opt("remind"); ok {
		words := strings.Fields(v)
		sp, used, err := when.ParseSpan(words)
		if err != nil || used != len(words) || sp.Approx() < minRemind || sp.Approx() > maxRemind {
			return o, userErrorf("`remind:` is how long after the survey goes out I remind those in the channel who haven't answered, once: between an hour and 60 days, e.g. `remind:2d` (I got %s).", message.Code(v))
		}
		o.Remind = sp.Approx()
	}
	if v, ok := a.opt("closes"); ok {
		if err := splitDate(*a, "closes", now, req.Loc); err != nil {
			return o, err
		}
		t, err := closesAt(v, now, req.Loc)
		if err != nil {
			return o, err
		}
		o.Closes = t
	}
	if o.Anonymous && o.Closes.IsZero() {
		o.Closes = now.Add(anonymousOpen)
	}
	if o.Remind > 0 && !o.Closes.IsZero() && !now.Add(o.Remind).Before(o.Closes) {
		return o, userErrorf("The reminder (%s after it goes out) would come after the survey closes (%s): remind sooner, or close it later.",
			message.Code(lengthText(o.Remind)), message.Time(o.Closes, now, req.Loc))
	}
	return o, nil
}

// lengthText is a length of time as typed: 2d, 36h, 90m.
func lengthText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

// closesAt reads `closes:`: a time ahead, or a length of time from now.
func closesAt(v string, now time.Time, loc *time.Location) (time.Time, error) {
	words := strings.Fields(v)
	bad := func(why string) error {
		return userErrorf("`closes:` %s: a time ahead, `closes:friday` or `closes:\"dec 4 17:00\"`, or a length from now, `closes:7d` (I got %s).", why, message.Code(v))
	}
	var t time.Time
	if sp, used, err := when.ParseSpan(words); err == nil && used == len(words) {
		t = now.Add(sp.Approx())
	} else {
		d, used, err := when.ParseDue(words, now, loc)
		switch {
		case err != nil && !errors.Is(err, when.ErrNoDate):
			return time.Time{}, userErrorf("%s", dateMessage(v, err))
		case err != nil || used != len(words):
			return time.Time{}, bad("is when the survey stops taking answers")
		}
		t = d
	}
	switch {
	case !t.After(now.Add(time.Hour)):
		return time.Time{}, bad("must be more than an hour ahead")
	case t.After(now.Add(maxOpen)):
		return time.Time{}, bad("must be within a year")
	}
	return t, nil
}

// checkSurveyOptions sets a survey's opt-ins, refusing a reminder for a
// survey that goes to its organizer's DM: there is nobody to remind.
func (h *Handler) checkSurveyOptions(sv domain.Survey, o domain.SurveyOptions) (domain.SurveyOptions, error) {
	if o.Remind > 0 && sv.ToOrganizer() {
		return o, userErrorf("Its partner has no linked channel, so the survey goes to you to share, and there is nobody in a channel I could remind. Leave `remind:` out, or link the partner's channel first: `%s partner set %s channel:#…`.", h.cfg.Command, sv.Partner)
	}
	return o, nil
}

// optsLine says what a survey's opt-ins will do, for the reply that sends
// it ("" for none).
func (h *Handler) optsLine(o domain.SurveyOptions, req *Request) string {
	now := h.now()
	var parts []string
	if o.Anonymous {
		parts = append(parts, "it is *anonymous*: answers are kept without names or teams, and the prompt says so")
	}
	if o.Remind > 0 {
		parts = append(parts, fmt.Sprintf("those in the channel who haven't answered get one reminder %s (in their working hours)", message.Time(now.Add(o.Remind), now, req.Loc)))
	}
	if !o.Closes.IsZero() {
		parts = append(parts, fmt.Sprintf("it closes %s", message.Time(o.Closes, now, req.Loc)))
	}
	if len(parts) == 0 {
		return ""
	}
	s := " " + strings.ToUpper(parts[0][:1]) + parts[0][1:]
	if len(parts) > 1 {
		s += "; " + strings.Join(parts[1:], "; ")
	}
	return s + "."
}

// channelPeople is what a Directory adds that can list a channel's
// members (conversations.members): a survey's response rate.
type channelPeople interface {
	// ChannelPeople are the members of channel, the bot left out.
	ChannelPeople(ctx context.Context, channel string) ([]string, error)
}
