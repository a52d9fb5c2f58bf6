package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/store"
)

// Question is one survey question: a 1–5 rating or a single choice.
type Question struct {
	ID      string
	Text    string
	Rating  bool     // 1–5
	Scale   string   // what 1 and 5 mean, for ratings
	Choices []string // for single choice
}

// Template is a survey's questions. Every survey also takes a free-text
// comment.
type Template struct {
	Name      string
	Title     string // "%s" is the event or partner
	Questions []Question
	// Score is the rating question averaged into the partner's check-in
	// score ("" for none).
	Score string
}

// Templates (SPEC §2): right after an event, a while later (the
// immediate-plus-later pattern of library outcome surveys), and the
// quarterly partnership check-in.
var Templates = map[string]Template{
	"event-feedback": {Name: "event-feedback", Title: "How was %s?", Questions: []Question{
		{ID: "q1", Text: "How useful was it?", Rating: true, Scale: "1 = not at all, 5 = very"},
		{ID: "q2", Text: "Will you use what you learned?", Choices: []string{"Yes", "Maybe", "No"}},
	}},
	"event-followup": {Name: "event-followup", Title: "A month after %s", Questions: []Question{
		{ID: "q1", Text: "Have you used what you learned?", Choices: []string{"Yes, often", "Once or twice", "Not yet"}},
		{ID: "q2", Text: "Did it change anything for you or your family?", Rating: true, Scale: "1 = nothing, 5 = a lot"},
	}},
	"partner-checkin": {Name: "partner-checkin", Title: "How is our partnership with %s going?", Score: "q1", Questions: []Question{
		{ID: "q1", Text: "How satisfied are you with our partnership?", Rating: true, Scale: "1 = not at all, 5 = very"},
		{ID: "q2", Text: "What should we do more of?", Choices: []string{"Workshops", "Health fairs", "Screenings", "Materials & displays", "Something else"}},
	}},
}

// Survey button actions: "sv:<question>:<answer>" with the survey id as
// value, and the comment button.
const (
	actionSurveyPrefix = "sv:"
	ActionComment      = "sv_comment"
)

// SurveySubject names what a survey is about, for its prompt.
type SurveySubject struct {
	Partner string // partner name
	Event   string // event title, "" for a partnership check-in
}

// SurveyPrompt is the survey message: a section per question with its
// buttons, and the comment button with the count so far.
func SurveyPrompt(sv store.Survey, subj SurveySubject, responses int) Reply {
	t, ok := Templates[sv.Template]
	if !ok {
		return Reply{Text: fmt.Sprintf("Survey `S%d` uses a template I no longer have.", sv.ID)}
	}
	about := subj.Partner
	if subj.Event != "" {
		about = "“" + subj.Event + "”"
	}
	var b strings.Builder
	fmt.Fprintf(&b, ":clipboard: *%s* (`S%d`)\n", esc(fmt.Sprintf(t.Title, about)), sv.ID)
	if sv.Note != "" {
		b.WriteString(esc(sv.Note) + "\n")
	}
	b.WriteString("A few quick questions from the outreach team. Anyone here can answer with one click; answering again replaces your answer.")
	r := Reply{Text: b.String()}
	value := fmt.Sprintf("S%d", sv.ID)
	for i, q := range t.Questions {
		sec := Section{Text: fmt.Sprintf("*%d. %s*", i+1, q.Text)}
		if q.Rating {
			sec.Text += fmt.Sprintf(" (%s)", q.Scale)
			for n := 1; n <= 5; n++ {
				sec.Choices = append(sec.Choices, Choice{Label: strconv.Itoa(n), Action: fmt.Sprintf("%s%s:%d", actionSurveyPrefix, q.ID, n), Value: value})
			}
		}
		for ci, c := range q.Choices {
			sec.Choices = append(sec.Choices, Choice{Label: c, Action: fmt.Sprintf("%s%s:%d", actionSurveyPrefix, q.ID, ci), Value: value})
		}
		r.Sections = append(r.Sections, sec)
	}
	r.Sections = append(r.Sections, Section{
		Text:    fmt.Sprintf("_%s so far._", plural(responses, "response")),
		Choices: []Choice{{Label: "Add a comment", Action: ActionComment, Value: value}},
	})
	return r
}

// answerText is what an answer reads as.
func answerText(q Question, raw string) string {
	if q.Rating {
		return raw
	}
	if i, err := strconv.Atoi(raw); err == nil && i >= 0 && i < len(q.Choices) {
		return q.Choices[i]
	}
	return raw
}

// pressSurvey records a rating or choice from a survey's buttons.
func (h *Handler) pressSurvey(ctx context.Context, req Request, action, value string) Pressed {
	eph := func(msg string, o Outcome) Pressed {
		return Pressed{Ephemeral: &Reply{Text: msg, Outcome: o, Command: "survey answer"}}
	}
	id, ok := store.ParseSurveyID(value)
	parts := strings.Split(strings.TrimPrefix(action, actionSurveyPrefix), ":")
	if !ok || len(parts) != 2 {
		return eph("That button doesn't belong to a survey I know. Answer with the buttons on the survey itself.", OutcomeUserError)
	}
	sv, err := h.store.Survey(ctx, req.Team, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return eph("That survey doesn't exist (any more). Ask the outreach team for the current one.", OutcomeUserError)
		}
		r := h.fail(req, "survey answer", err)
		return Pressed{Ephemeral: &r}
	}
	var q *Question
	for i := range Templates[sv.Template].Questions {
		if Templates[sv.Template].Questions[i].ID == parts[0] {
			q = &Templates[sv.Template].Questions[i]
		}
	}
	n, err := strconv.Atoi(parts[1])
	if q == nil || err != nil || (q.Rating && (n < 1 || n > 5)) || (!q.Rating && (n < 0 || n >= len(q.Choices))) {
		return eph("That answer isn't one this survey offers. Press one of the buttons on the survey itself.", OutcomeUserError)
	}
	return h.respond(ctx, req, sv, q.ID, parts[1], Templates[sv.Template].Score, "survey answer",
		fmt.Sprintf("Thanks! Your answer to “%s”: *%s*. Press another to change it.", q.Text, esc(answerText(*q, parts[1]))))
}

// respond stores one answer to sv and returns the prompt, updated with
// the count, and thanks for the person who answered.
func (h *Handler) respond(ctx context.Context, req Request, sv store.Survey, question, answer, score, command, thanks string) Pressed {
	count, err := h.store.Respond(ctx, req.Team, sv.ID, req.User, req.UserTeam, req.Channel, question, answer, score, h.now())
	if err != nil {
		r := Reply{Text: "That survey isn't one from this channel, so I can't take your answer here. Answer it with the buttons where it was posted.", Outcome: OutcomeDenied, Command: command}
		if !errors.Is(err, store.ErrWrongChannel) && !errors.Is(err, store.ErrNotFound) {
			r = h.fail(req, command, err)
		}
		return Pressed{Ephemeral: &r}
	}
	upd := h.surveyPrompt(ctx, req.Team, sv, count)
	upd.Outcome, upd.Command = OutcomeOK, command
	return Pressed{Update: &upd, Channel: sv.Channel, TS: sv.PostedTS, Ephemeral: &Reply{Text: thanks, Outcome: OutcomeOK, Command: command}}
}

// surveyPrompt renders a survey's prompt with its subject looked up.
func (h *Handler) surveyPrompt(ctx context.Context, team string, sv store.Survey, responses int) Reply {
	subj := SurveySubject{Partner: h.partnerName(ctx, team, sv.Partner)}
	if sv.Event > 0 {
		if e, err := h.store.Event(ctx, team, sv.Event); err == nil {
			subj.Event = e.Title
		}
	}
	return SurveyPrompt(sv, subj, responses)
}

// SubmitComment records a survey comment from the comment form (or the
// console's `survey comment`). The prompt's update carries where it is.
func (h *Handler) SubmitComment(ctx context.Context, req Request, survey int64, text string) Pressed {
	text = strings.TrimSpace(text)
	eph := func(msg string, o Outcome) Pressed {
		return Pressed{Ephemeral: &Reply{Text: msg, Outcome: o, Command: "survey comment"}}
	}
	if text == "" {
		return eph("The comment was empty, so I saved nothing. Type what you would like to tell us, then send.", OutcomeUserError)
	}
	if n := len([]rune(text)); n > maxSummary {
		return eph(fmt.Sprintf("That comment is %d characters long; keep it under %d.", n, maxSummary), OutcomeUserError)
	}
	sv, err := h.store.Survey(ctx, req.Team, survey)
	if errors.Is(err, store.ErrNotFound) {
		return eph("That survey doesn't exist (any more). Ask the outreach team for the current one.", OutcomeUserError)
	}
	if err != nil {
		r := h.fail(req, "survey comment", err)
		return Pressed{Ephemeral: &r}
	}
	return h.respond(ctx, req, sv, "comment", text, "", "survey comment", "Thanks, your comment is saved. Sending another replaces it.")
}

// eventSurvey sends an event's feedback survey now: `event survey <E-id>`.
func (h *Handler) eventSurvey(ctx context.Context, req *Request, toks []Token) (Reply, error) {
	id, err := h.eventID("event survey", toks)
	if err != nil {
		return Reply{}, err
	}
	e, err := h.loadEvent(ctx, req, id)
	if err != nil {
		return Reply{}, err
	}
	p, err := h.store.Partner(ctx, req.Team, e.Partner)
	if err != nil {
		return Reply{}, err
	}
	sv, where := SurveyFor(p, "event-feedback", e.ID, req.User)
	sid, _, err := h.store.CreateSurvey(ctx, req.Team, "", sv, h.now())
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf(":clipboard: Sending the feedback survey `S%d` for `E%d` *%s* to %s. `%s survey results S%d` shows the answers.",
		sid, e.ID, esc(e.Title), where, h.cfg.Command, sid)}, nil
}

// SurveyFor is a survey of template about partner p (and event, when not
// 0): to the partner's linked channel, or to the organizer with a note
// when there is none. where says where it goes.
func SurveyFor(p store.Partner, template string, event int64, organizer string) (store.Survey, string) {
	sv := store.Survey{Template: template, Partner: p.Slug, Event: event, Channel: p.Channel, CreatedBy: organizer}
	if p.Channel != "" {
		return sv, channelLink(p.Channel)
	}
	sv.Channel = organizer
	sv.Note = fmt.Sprintf("%s has no linked channel, so this survey came to you: share it with the participants, or link a channel with `partner set %s channel:#…`.", p.Name, p.Slug)
	return sv, "you (the partner has no linked channel)"
}

// surveyCheckin sends the partnership check-in now: `survey checkin <partner>`.
func (h *Handler) surveyCheckin(ctx context.Context, req *Request, toks []Token) (Reply, error) {
	p, err := h.partner(ctx, req, Unlink(joinText(toks)))
	if err != nil {
		return Reply{}, err
	}
	sv, where := SurveyFor(p, "partner-checkin", 0, req.User)
	sid, _, err := h.store.CreateSurvey(ctx, req.Team, "", sv, h.now())
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf(":clipboard: Sending the partnership check-in `S%d` for *%s* to %s.", sid, esc(p.Name), where)}, nil
}

// surveyComment is the typed way to comment: `survey comment <S-id> <text>`.
func (h *Handler) surveyComment(ctx context.Context, req *Request, toks []Token) (Reply, error) {
	if len(toks) < 2 {
		return Reply{}, userErrorf("`%s survey comment S12 \"what you think\"`.", h.cfg.Command)
	}
	id, ok := store.ParseSurveyID(toks[0].Text)
	if !ok {
		return Reply{}, userErrorf("%s isn't a survey id; they look like `S12`.", code(toks[0].Text))
	}
	p := h.SubmitComment(ctx, *req, id, Unlink(joinText(toks[1:])))
	if p.Ephemeral != nil && p.Ephemeral.Outcome == OutcomeDenied {
		return Reply{}, errDenied
	}
	if p.Update == nil {
		return Reply{}, &userError{msg: p.Ephemeral.Text}
	}
	return *p.Ephemeral, nil
}

// surveyResults summarizes answers: `survey results <S-id|E-id|partner>`.
func (h *Handler) surveyResults(ctx context.Context, req *Request, toks []Token) (Reply, error) {
	if len(toks) == 0 {
		return Reply{}, userErrorf("Results of what? `%s survey results S12`, `… E7` or `… county`.", h.cfg.Command)
	}
	var ids []int64
	arg := toks[0].Text
	if id, ok := store.ParseSurveyID(arg); ok && strings.HasPrefix(strings.ToUpper(arg), "S") {
		ids = []int64{id}
	} else if id, ok := store.ParseEventID(arg); ok && strings.HasPrefix(strings.ToUpper(arg), "E") {
		if _, err := h.loadEvent(ctx, req, id); err != nil {
			return Reply{}, err
		}
		var err error
		if ids, err = h.store.EventSurveys(ctx, req.Team, id); err != nil {
			return Reply{}, err
		}
		if len(ids) == 0 {
			return Reply{Text: fmt.Sprintf("No survey has gone out for `E%d` yet. `%s event survey E%d` sends one now.", id, h.cfg.Command, id)}, nil
		}
	} else {
		p, err := h.partner(ctx, req, Unlink(joinText(toks)))
		if err != nil {
			return Reply{}, err
		}
		if ids, err = h.store.PartnerSurveys(ctx, req.Team, p.Slug, 5); err != nil {
			return Reply{}, err
		}
		if len(ids) == 0 {
			return Reply{Text: fmt.Sprintf("No surveys with *%s* yet. `%s survey checkin %s` sends the partnership check-in.", esc(p.Name), h.cfg.Command, p.Slug)}, nil
		}
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString("\n")
		}
		sv, err := h.store.Survey(ctx, req.Team, id)
		if errors.Is(err, store.ErrNotFound) {
			return Reply{}, userErrorf("I can't find `S%d`.", id)
		}
		if err != nil {
			return Reply{}, err
		}
		rs, err := h.store.Responses(ctx, req.Team, id)
		if err != nil {
			return Reply{}, err
		}
		b.WriteString(h.results(ctx, req, sv, rs))
	}
	return Reply{Text: b.String()}, nil
}

// results is one survey's summary: count, average per rating, choice
// counts, comments.
func (h *Handler) results(ctx context.Context, req *Request, sv store.Survey, rs []store.Response) string {
	t := Templates[sv.Template]
	about := h.partnerName(ctx, req.Team, sv.Partner)
	if sv.Event > 0 {
		if e, err := h.store.Event(ctx, req.Team, sv.Event); err == nil {
			about = fmt.Sprintf("`E%d` %s", e.ID, e.Title)
		}
	}
	var b strings.Builder
	outside := 0
	for _, r := range rs {
		if r.Team != "" && r.Team != req.Team {
			outside++
		}
	}
	fmt.Fprintf(&b, "*`S%d` %s* · %s · sent %s\n%s", sv.ID, sv.Template, esc(about), showDate(sv.Created, req.Loc), plural(len(rs), "response"))
	if outside > 0 {
		fmt.Fprintf(&b, " (%d from partner organizations)", outside)
	}
	b.WriteString("\n")
	for i, q := range t.Questions {
		if q.Rating {
			sum, n := 0, 0
			for _, r := range rs {
				if v, err := strconv.Atoi(r.Answers[q.ID]); err == nil {
					sum, n = sum+v, n+1
				}
			}
			if n == 0 {
				fmt.Fprintf(&b, "%d. %s no ratings yet\n", i+1, q.Text)
				continue
			}
			fmt.Fprintf(&b, "%d. %s *%.1f* average of %s (%s)\n", i+1, q.Text, float64(sum)/float64(n), plural(n, "rating"), q.Scale)
			continue
		}
		counts := make([]string, len(q.Choices))
		for ci, c := range q.Choices {
			k := 0
			for _, r := range rs {
				if r.Answers[q.ID] == strconv.Itoa(ci) {
					k++
				}
			}
			counts[ci] = fmt.Sprintf("%s %d", c, k)
		}
		fmt.Fprintf(&b, "%d. %s %s\n", i+1, q.Text, strings.Join(counts, " · "))
	}
	var comments []store.Response
	for _, r := range rs {
		if r.Comment != "" {
			comments = append(comments, r)
		}
	}
	sort.Slice(comments, func(i, j int) bool { return comments[i].At < comments[j].At })
	if len(comments) > 0 {
		b.WriteString("Comments:\n")
		writeLines(&b, len(comments), 10, ".", func(i int) string {
			return fmt.Sprintf("> %s — %s", esc(clip(comments[i].Comment, 300)), mention(comments[i].User))
		})
	}
	return b.String()
}

// checkinLine is a partner's latest check-in score, for lists.
func checkinLine(p store.Partner, loc *time.Location) string {
	if p.CheckinCount == 0 {
		return ""
	}
	return fmt.Sprintf("check-in %.1f/5 (%s, %s)", p.CheckinScore, plural(p.CheckinCount, "answer"), showDate(p.CheckinAt, loc))
}
