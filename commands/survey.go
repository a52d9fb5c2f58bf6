package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// surveyStore is what the survey commands need, an event's follow-up
// survey included.
type surveyStore interface {
	CreateSurvey(ctx context.Context, team, origin string, sv domain.Survey, now time.Time) (int64, bool, error)
	Survey(ctx context.Context, team string, id int64) (domain.Survey, error)
	Respond(ctx context.Context, team string, survey int64, user, userTeam, channel, question, answer, scoreQuestion string, now time.Time) (int, error)
	Responses(ctx context.Context, team string, survey int64) ([]domain.Response, error)
	PartnerSurveys(ctx context.Context, team, slug string, limit int) ([]int64, error)
	EventSurveys(ctx context.Context, team string, event int64) ([]int64, error)
	FollowUpSurvey(ctx context.Context, team string, id int64, template string) (store.FollowUpSurveyState, error)
	QueueFollowUpSurvey(ctx context.Context, team string, id int64, template string, due time.Time, actor string, now time.Time) (bool, error)
}

// pressSurvey records a rating or choice from a survey's buttons.
func (h *Handler) pressSurvey(ctx context.Context, req Request, action, value string) Pressed {
	eph := func(msg string, o message.Outcome) Pressed {
		return Pressed{Ephemeral: &message.Reply{Text: msg, Outcome: o, Command: "survey answer"}}
	}
	id, ok := domain.ParseSurveyID(value)
	parts := strings.Split(strings.TrimPrefix(action, message.ActionSurveyPrefix), ":")
	if !ok || len(parts) != 2 {
		return eph("That button doesn't belong to a survey I know. Answer with the buttons on the survey itself.", message.OutcomeUserError)
	}
	sv, err := h.store.Survey(ctx, req.Team, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return eph("That survey doesn't exist (any more). Ask the outreach team for the current one.", message.OutcomeUserError)
		}
		r := h.fail(req, "survey answer", err)
		return Pressed{Ephemeral: &r}
	}
	if sv.Closed(h.now()) {
		return h.closedSurvey(ctx, req, sv, "survey answer")
	}
	var q *domain.Question
	for i := range domain.Templates[sv.Template].Questions {
		if domain.Templates[sv.Template].Questions[i].ID == parts[0] {
			q = &domain.Templates[sv.Template].Questions[i]
		}
	}
	n, err := strconv.Atoi(parts[1])
	if q == nil || err != nil || (q.Rating && (n < 1 || n > 5)) || (!q.Rating && (n < 0 || n >= len(q.Choices))) {
		return eph("That answer isn't one this survey offers. Press one of the buttons on the survey itself.", message.OutcomeUserError)
	}
	return h.respond(ctx, req, sv, q.ID, parts[1], domain.Templates[sv.Template].Score, "survey answer",
		fmt.Sprintf("Thanks! Your answer to “%s”: *%s*. Press another to change it.", q.Text, message.Esc(q.AnswerText(parts[1]))))
}

// respond stores one answer to sv and returns the prompt, updated with
// the count, and thanks for the person who answered.
func (h *Handler) respond(ctx context.Context, req Request, sv domain.Survey, question, answer, score, command, thanks string) Pressed {
	count, err := h.store.Respond(ctx, req.Team, sv.ID, req.User, req.UserTeam, req.Channel, question, answer, score, h.now())
	if errors.Is(err, store.ErrClosed) && req.Channel == sv.Channel {
		return h.closedSurvey(ctx, req, sv, command)
	}
	if err != nil {
		r := message.Reply{Text: "That survey isn't one from this channel, so I can't take your answer here. Answer it with the buttons where it was posted.", Outcome: message.OutcomeDenied, Command: command}
		if !errors.Is(err, store.ErrWrongChannel) && !errors.Is(err, store.ErrNotFound) {
			r = h.fail(req, command, err)
		}
		return Pressed{Ephemeral: &r}
	}
	h.touchCanvas(ctx, req.Team, sv.Partner)
	upd := h.surveyPrompt(ctx, req.Team, sv, count)
	upd.Outcome, upd.Command = message.OutcomeOK, command
	// Counts only: never who answered what, nor a comment's words.
	upd.Feed = fmt.Sprintf("Survey `S%d` got an answer (%s so far)", sv.ID, message.Plural(count, "response"))
	return Pressed{Update: &upd, Channel: sv.Channel, TS: sv.PostedTS, Ephemeral: &message.Reply{Text: thanks, Outcome: message.OutcomeOK, Command: command}}
}

// closedSurvey answers a press or a comment on a survey past its closing
// time: it has closed, and its prompt (when the press came from the
// channel it is in) shows it closed, without buttons.
func (h *Handler) closedSurvey(ctx context.Context, req Request, sv domain.Survey, command string) Pressed {
	eph := &message.Reply{Text: fmt.Sprintf("This survey has closed (%s), so I didn't take your answer. Thank you all the same!", message.Time(sv.Closes, h.now(), req.Loc)),
		Outcome: message.OutcomeUserError, Command: command}
	if req.Channel != sv.Channel || sv.PostedTS == "" {
		return Pressed{Ephemeral: eph}
	}
	rs, err := h.store.Responses(ctx, req.Team, sv.ID)
	if err != nil {
		return Pressed{Ephemeral: eph}
	}
	upd := h.surveyPrompt(ctx, req.Team, sv, len(rs))
	upd.Outcome, upd.Command = message.OutcomeOK, command
	return Pressed{Update: &upd, Channel: sv.Channel, TS: sv.PostedTS, Ephemeral: eph}
}

// responseRate is what follows "12 responses": " from 40 people in
// #channel (25%)", the people now in the survey's channel
// (conversations.members, the bot left out) who answered, then from (who
// they were); just from for a survey in a DM or when Slack does not say.
// When some who answered have left the channel since, it says so rather
// than reading as more answers than people.
func (h *Handler) responseRate(ctx context.Context, sv domain.Survey, rs []domain.Response, from string) string {
	cp, ok := h.cfg.Directory.(channelPeople)
	if !ok || sv.ToOrganizer() || sv.Channel == "" || strings.HasPrefix(sv.Channel, "D") {
		return from
	}
	// This may run before a slash command's ack: a second at most.
	dctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	people, err := cp.ChannelPeople(dctx, sv.Channel)
	if err != nil || len(people) == 0 {
		if err != nil {
			h.log.Warn("channel people for a response rate", "err", err)
		}
		return from
	}
	persons := func(n int) string {
		if n == 1 {
			return "1 person"
		}
		return fmt.Sprintf("%d people", n)
	}
	who := persons(len(people))
	// Who answered among those there now; an anonymous survey keeps no
	// names, so its answers count against the channel as they are.
	answered, left := len(rs), 0
	if !sv.Anonymous {
		in := make(map[string]bool, len(people))
		for _, p := range people {
			in[p] = true
		}
		answered = 0
		for _, r := range rs {
			if in[r.User] {
				answered++
			} else {
				left++
			}
		}
	} else if answered > len(people) {
		left, answered = answered-len(people), len(people)
	}
	if left == 0 {
		return fmt.Sprintf(" from %s in %s (%s)%s", who, message.ChannelLink(sv.Channel), message.Percent(answered, len(people)), from)
	}
	has := "have"
	if left == 1 {
		has = "has"
	}
	return fmt.Sprintf("%s; %d of the %s now in %s answered (%s); %s who answered %s left it since",
		from, answered, who, message.ChannelLink(sv.Channel), message.Percent(answered, len(people)), persons(left), has)
}

// surveyPrompt renders a survey's prompt with its subject looked up.
func (h *Handler) surveyPrompt(ctx context.Context, team string, sv domain.Survey, responses int) message.Reply {
	subj := message.SurveySubject{Partner: h.partnerName(ctx, team, sv.Partner)}
	if sv.Event > 0 {
		if e, err := h.store.Event(ctx, team, sv.Event); err == nil {
			subj.Event = e.Title
		}
	}
	return message.SurveyPrompt(sv, subj, responses, h.now(), h.defaultLoc())
}

// SubmitComment records a survey comment from the comment form (or the
// console's `survey comment`). The prompt's update carries where it is.
func (h *Handler) SubmitComment(ctx context.Context, req Request, survey int64, text string) Pressed {
	text = strings.TrimSpace(text)
	eph := func(msg string, o message.Outcome) Pressed {
		return Pressed{Ephemeral: &message.Reply{Text: msg, Outcome: o, Command: "survey comment"}}
	}
	if text == "" {
		return eph("The comment was empty, so I saved nothing. Type what you would like to tell us, then send.", message.OutcomeUserError)
	}
	if n := len([]rune(text)); n > maxSummary {
		return eph(fmt.Sprintf("That comment is %d characters long; keep it under %d.", n, maxSummary), message.OutcomeUserError)
	}
	sv, err := h.store.Survey(ctx, req.Team, survey)
	if errors.Is(err, store.ErrNotFound) {
		return eph("That survey doesn't exist (any more). Ask the outreach team for the current one.", message.OutcomeUserError)
	}
	if err != nil {
		r := h.fail(req, "survey comment", err)
		return Pressed{Ephemeral: &r}
	}
	if sv.Closed(h.now()) && req.Channel == sv.Channel {
		return h.closedSurvey(ctx, req, sv, "survey comment")
	}
	// A second comment adds to the first: people write again to say more,
	// not to take back what they said.
	thanks := "Thanks, your comment is saved. Sending another adds to it."
	rs, err := h.store.Responses(ctx, req.Team, survey)
	if err != nil {
		r := h.fail(req, "survey comment", err)
		return Pressed{Ephemeral: &r}
	}
	for _, r := range rs {
		if r.User != req.User || r.Comment == "" {
			continue
		}
		if strings.Contains("\n\n"+r.Comment+"\n\n", "\n\n"+text+"\n\n") {
			return eph("You sent that comment already; it is saved once.", message.OutcomeOK)
		}
		if n := len([]rune(r.Comment)) + len([]rune(text)); n > maxSummary {
			return eph(fmt.Sprintf("With your earlier comment that is %d characters; keep both under %d together.", n, maxSummary), message.OutcomeUserError)
		}
		thanks = "Thanks, I added this to your earlier comment; both are kept, the earlier first."
	}
	return h.respond(ctx, req, sv, store.AppendComment, text, "", "survey comment", thanks)
}

// eventSurvey sends an event's feedback survey now: `event survey <E-id>`.
func (h *Handler) eventSurvey(ctx context.Context, req *Request, a args) (message.Reply, error) {
	opts, err := h.surveyOptions(req, &a)
	if err != nil {
		return message.Reply{}, err
	}
	id, err := h.eventID("event survey", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	e, err := h.liveEvent(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	if e.Start.After(now) {
		return message.Reply{}, userErrorf("`E%d` *%s* hasn't started yet (%s). Its feedback survey goes out by itself after it ends; `%s event survey E%d` sends it sooner once it has started.",
			id, message.Esc(e.Title), message.Time(e.Start, now, req.Loc), h.cfg.Command, id)
	}
	var ps []domain.Partner
	for _, slug := range append([]string{e.Partner}, e.With...) {
		p, err := h.store.Partner(ctx, req.Team, slug)
		if errors.Is(err, store.ErrNotFound) {
			continue // erased since
		}
		if err != nil {
			return message.Reply{}, err
		}
		ps = append(ps, p)
	}
	// One into each partner's channel, for an event run with several.
	var sent, wheres, had []string
	var options domain.SurveyOptions
	for _, sv := range domain.EventSurveys(ps, domain.TemplateFeedback, e.ID, req.User) {
		if sv.SurveyOptions, err = h.checkSurveyOptions(sv, opts); err != nil {
			return message.Reply{}, err
		}
		options = sv.SurveyOptions
		sid, created, err := h.store.CreateSurvey(ctx, req.Team, "", sv, now)
		if err != nil {
			return message.Reply{}, err
		}
		h.touchCanvas(ctx, req.Team, sv.Partner)
		switch {
		case sid == 0:
		case created:
			sent, wheres = append(sent, fmt.Sprintf("`S%d`", sid)), append(wheres, message.SurveyWhere(sv))
		default:
			had = append(had, fmt.Sprintf("`S%d`", sid))
		}
	}
	// Where the answers are: the one survey, or the event's together.
	resultsOf := func(ids []string) string {
		if len(ids) == 1 {
			return strings.Trim(ids[0], "`")
		}
		return fmt.Sprintf("E%d", id)
	}
	switch {
	case len(sent) == 0 && len(had) == 0:
		return message.Reply{}, userErrorf("`E%d` or its partner was just erased, so no survey went out.", id)
	case len(sent) == 0:
		// One feedback survey per event and channel, so the answers stay together.
		return message.Reply{}, userErrorf("`E%d` *%s* has its feedback survey already: %s. `%s survey results %s` shows the answers so far.",
			id, message.Esc(e.Title), andList(had), h.cfg.Command, resultsOf(had))
	}
	r := message.Reply{Text: fmt.Sprintf(":clipboard: Sending the feedback survey %s for `E%d` *%s* to %s.%s `%s survey results %s` shows the answers.",
		andList(sent), e.ID, message.Esc(e.Title), andList(wheres), h.optsLine(options, req), h.cfg.Command, resultsOf(sent)),
		Feed: fmt.Sprintf("%s sent the feedback survey %s for `E%d` *%s*", message.Mention(req.User), andList(sent), e.ID, message.Esc(e.Title))}
	h.offerFollowUpSurvey(ctx, req, e, &r)
	return r, nil
}

// surveyCheckin sends the partnership check-in now: `survey checkin <partner>`.
func (h *Handler) surveyCheckin(ctx context.Context, req *Request, a args) (message.Reply, error) {
	opts, err := h.surveyOptions(req, &a)
	if err != nil {
		return message.Reply{}, err
	}
	p, err := h.partner(ctx, req, Unlink(joinText(a.pos)))
	if err != nil {
		return message.Reply{}, err
	}
	if p.Stage == "paused" || p.Stage == "ended" {
		return message.Reply{}, userErrorf("*%s* is %s, so it gets no check-in. If the partnership is back on, say so first: `%s partner set %s stage:active`.", message.Esc(p.Name), p.Stage, h.cfg.Command, p.Slug)
	}
	sv := domain.SurveyFor(p, domain.TemplateCheckin, 0, req.User)
	if sv.SurveyOptions, err = h.checkSurveyOptions(sv, opts); err != nil {
		return message.Reply{}, err
	}
	where := message.SurveyWhere(sv)
	sid, _, err := h.store.CreateSurvey(ctx, req.Team, "", sv, h.now())
	if err != nil {
		return message.Reply{}, err
	}
	h.touchCanvas(ctx, req.Team, sv.Partner)
	return message.Reply{Text: fmt.Sprintf(":clipboard: Sending the partnership check-in `S%d` for *%s* to %s.%s", sid, message.Esc(p.Name), where, h.optsLine(sv.SurveyOptions, req)),
		Feed: fmt.Sprintf("%s sent the partnership check-in `S%d` to *%s*", message.Mention(req.User), sid, message.Esc(p.Name))}, nil
}

// surveyComment is the typed way to comment: `survey comment <S-id> <text>`.
func (h *Handler) surveyComment(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if len(a.pos) < 2 {
		return message.Reply{}, userErrorf("`%s survey comment S12 \"what you think\"`.", h.cfg.Command)
	}
	id, ok := domain.ParseSurveyID(a.pos[0].Text)
	if !ok {
		return message.Reply{}, userErrorf("%s isn't a survey id; they look like `S12`.", message.Code(a.pos[0].Text))
	}
	p := h.SubmitComment(ctx, *req, id, Unlink(joinText(a.pos[1:])))
	if p.Ephemeral != nil && p.Ephemeral.Outcome == message.OutcomeDenied {
		// The survey is another channel's: say so (it reveals nothing a
		// survey prompt in that channel did not show), not "admins only".
		return message.Reply{}, userErrorf("`S%d` isn't a survey from here: answer and comment on a survey in the channel it was posted in, with its buttons or there with `survey comment S%d …`.", id, id)
	}
	if p.Update == nil {
		return message.Reply{}, &userError{msg: p.Ephemeral.Text}
	}
	return *p.Ephemeral, nil
}

// surveyResults summarizes answers: `survey results <S-id|E-id|partner>`.
func (h *Handler) surveyResults(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if len(a.pos) == 0 {
		return message.Reply{}, userErrorf("Results of what? `%s survey results S12`, `… E7` or `… county`.", h.cfg.Command)
	}
	var ids []int64
	arg := a.pos[0].Text
	if id, ok := domain.ParseSurveyID(arg); ok && strings.HasPrefix(strings.ToUpper(arg), "S") {
		ids = []int64{id}
	} else if id, ok := domain.ParseEventID(arg); ok && strings.HasPrefix(strings.ToUpper(arg), "E") {
		if _, err := h.loadEvent(ctx, req, id); err != nil {
			return message.Reply{}, err
		}
		var err error
		if ids, err = h.store.EventSurveys(ctx, req.Team, id); err != nil {
			return message.Reply{}, err
		}
		if len(ids) == 0 {
			return message.Reply{Text: fmt.Sprintf("No survey has gone out for `E%d` yet. `%s event survey E%d` sends one now.", id, h.cfg.Command, id)}, nil
		}
	} else {
		p, err := h.partner(ctx, req, Unlink(joinText(a.pos)))
		if err != nil {
			return message.Reply{}, err
		}
		if ids, err = h.store.PartnerSurveys(ctx, req.Team, p.Slug, 5); err != nil {
			return message.Reply{}, err
		}
		if len(ids) == 0 {
			return message.Reply{Text: fmt.Sprintf("No surveys with *%s* yet. `%s survey checkin %s` sends the partnership check-in.", message.Esc(p.Name), h.cfg.Command, p.Slug)}, nil
		}
	}
	var b strings.Builder
	type answered struct {
		sv domain.Survey
		rs []domain.Response
	}
	var all []answered
	for _, id := range ids {
		sv, err := h.store.Survey(ctx, req.Team, id)
		if errors.Is(err, store.ErrNotFound) {
			return message.Reply{}, userErrorf("I can't find `S%d`.", id)
		}
		if err != nil {
			return message.Reply{}, err
		}
		rs, err := h.store.Responses(ctx, req.Team, id)
		if err != nil {
			return message.Reply{}, err
		}
		all = append(all, answered{sv, rs})
	}
	// An event run with several partners has a survey in each one's
	// channel: their answers together first, then each.
	done := map[string]bool{}
	for _, x := range all {
		if x.sv.Event == 0 || done[x.sv.Template] {
			continue
		}
		done[x.sv.Template] = true
		var ids []string
		var rs []domain.Response
		for _, y := range all {
			if y.sv.Event == x.sv.Event && y.sv.Template == x.sv.Template {
				ids = append(ids, fmt.Sprintf("`S%d`", y.sv.ID))
				rs = append(rs, y.rs...)
			}
		}
		if len(ids) > 1 {
			fmt.Fprintf(&b, "*Combined, %s* (one in each partner's channel): %s\n", andList(ids), message.Plural(len(rs), "response"))
			b.WriteString(h.answers(domain.Templates[x.sv.Template], rs, x.sv.Anonymous))
			b.WriteString("\n")
		}
	}
	for i, x := range all {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(h.results(ctx, req, x.sv, x.rs))
	}
	return message.Reply{Text: b.String()}, nil
}

// results is one survey's summary: count, average per rating, choice
// counts, comments.
func (h *Handler) results(ctx context.Context, req *Request, sv domain.Survey, rs []domain.Response) string {
	t := domain.Templates[sv.Template]
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
	now := h.now()
	fmt.Fprintf(&b, "*`S%d` %s* · %s · sent %s", sv.ID, sv.Template, message.Esc(about), message.Date(sv.Created, now, req.Loc))
	switch {
	case sv.Closed(now):
		fmt.Fprintf(&b, " · closed %s", message.Time(sv.Closes, now, req.Loc))
	case !sv.Closes.IsZero():
		fmt.Fprintf(&b, " · open until %s", message.Time(sv.Closes, now, req.Loc))
	}
	if sv.Anonymous {
		b.WriteString(" · :lock: anonymous")
	}
	from := ""
	if outside > 0 {
		from = fmt.Sprintf(" (%d from partner organizations)", outside)
	}
	fmt.Fprintf(&b, "\n%s%s", message.Plural(len(rs), "response"), h.responseRate(ctx, sv, rs, from))
	b.WriteString("\n")
	b.WriteString(h.answers(t, rs, sv.Anonymous))
	return b.String()
}

// answers sums up responses to a template's questions: average per
// rating, choice counts, comments (an anonymous survey's without names).
func (h *Handler) answers(t domain.Template, rs []domain.Response, anonymous bool) string {
	var b strings.Builder
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
			fmt.Fprintf(&b, "%d. %s *%.1f* average of %s (%s)\n", i+1, q.Text, float64(sum)/float64(n), message.Plural(n, "rating"), q.Scale)
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
	var comments []domain.Response
	for _, r := range rs {
		if r.Comment != "" {
			comments = append(comments, r)
		}
	}
	sort.Slice(comments, func(i, j int) bool { return comments[i].At < comments[j].At })
	if len(comments) > 0 {
		b.WriteString("Comments:\n")
		message.WriteLines(&b, len(comments), 10, ".", func(i int) string {
			// Comments added to earlier ones are paragraphs of one line here.
			c := strings.ReplaceAll(comments[i].Comment, "\n\n", " · then: ")
			if anonymous {
				return "> " + message.Esc(message.Clip(c, 300))
			}
			return fmt.Sprintf("> %s — %s", message.Esc(message.Clip(c, 300)), message.Mention(comments[i].User))
		})
	}
	return b.String()
}

// defaultFollowUpDelay is OUTREACH_FOLLOWUP_SURVEY_DELAY's default.
const defaultFollowUpDelay = 30 * 24 * time.Hour

// followUpSurveyDue is when a past event's follow-up survey goes out:
// the delay after the event's end, or now when that has passed (a month
// and more on, "did it change anything?" is still the question).
func (h *Handler) followUpSurveyDue(e domain.Event, now time.Time) time.Time {
	delay := h.cfg.SurveyDelays.FollowUp
	if delay <= 0 {
		delay = defaultFollowUpDelay
	}
	if due := e.End.Add(delay); due.After(now) {
		return due
	}
	return now
}

// offerFollowUpSurvey adds to r, for an event that is over and whose
// follow-up survey was never queued (it was recorded after the fact), a
// button that schedules it. A store failure leaves r as it is: the offer
// is a courtesy, the command's own work is done.
func (h *Handler) offerFollowUpSurvey(ctx context.Context, req *Request, e domain.Event, r *message.Reply) {
	now := h.now()
	if e.End.After(now) || !e.Cancelled.IsZero() {
		return
	}
	st, err := h.store.FollowUpSurvey(ctx, req.Team, e.ID, domain.TemplateFollowUp)
	if err != nil {
		h.log.Warn("follow-up survey state", "event", e.ID, "err", err)
		return
	}
	if st != store.FollowUpSurveyNone {
		return
	}
	when := "now, since a month has passed"
	if due := h.followUpSurveyDue(e, now); due.After(now) {
		when = message.Date(due, now, req.Loc) + ", a month after it"
	}
	r.Sections = append(r.Sections, message.Section{
		Text:    fmt.Sprintf("`E%d` was recorded after the fact, so its follow-up survey (*did it change anything?*, what the board asks most) is not scheduled. Schedule it to go out %s?", e.ID, when),
		Choices: []message.Choice{{Label: "Schedule the follow-up survey", Action: message.ActionFollowUpSurvey, Value: fmt.Sprintf("E%d", e.ID), Style: "primary"}},
	})
}

// pressFollowUpSurvey schedules a past event's follow-up survey from its
// button, checked again as if typed: the event exists, is over, is not
// cancelled, and has no follow-up survey yet.
func (h *Handler) pressFollowUpSurvey(ctx context.Context, req Request, value string) Pressed {
	reply := func(text string, o message.Outcome) Pressed {
		return Pressed{Ephemeral: &message.Reply{Text: text, Outcome: o, Command: "event survey"}}
	}
	id, ok := domain.ParseEventID(value)
	if !ok {
		return reply(fmt.Sprintf("That button doesn't name an event I know. `%s event list past` shows them.", h.cfg.Command), message.OutcomeUserError)
	}
	e, err := h.liveEvent(ctx, &req, id)
	if err != nil {
		r := h.fail(req, "event survey", err)
		return Pressed{Ephemeral: &r}
	}
	now := h.now()
	if e.End.After(now) {
		return reply(fmt.Sprintf("`E%d` *%s* isn't over yet; its follow-up survey goes out by itself a month after it.", id, message.Esc(e.Title)), message.OutcomeUserError)
	}
	due := h.followUpSurveyDue(e, now)
	queued, err := h.store.QueueFollowUpSurvey(ctx, req.Team, id, domain.TemplateFollowUp, due, req.User, now)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrCancelled) {
		return reply(fmt.Sprintf("`E%d` was cancelled or erased just now, so no survey is scheduled.", id), message.OutcomeUserError)
	}
	if err != nil {
		r := h.fail(req, "event survey", err)
		return Pressed{Ephemeral: &r}
	}
	if !queued {
		return reply(fmt.Sprintf("`E%d` *%s* has its follow-up survey scheduled or sent already. `%s event show E%d` shows its surveys.", id, message.Esc(e.Title), h.cfg.Command, id), message.OutcomeUserError)
	}
	when := "goes out in a few minutes"
	if due.After(now) {
		when = "goes out " + message.Time(due, now, req.Loc)
	}
	return Pressed{Ephemeral: &message.Reply{
		Text:    fmt.Sprintf(":calendar: The follow-up survey for `E%d` *%s* %s.", id, message.Esc(e.Title), when),
		Feed:    fmt.Sprintf("%s scheduled the follow-up survey for `E%d` *%s*", message.Mention(req.User), id, message.Esc(e.Title)),
		Outcome: message.OutcomeOK, Command: "event survey",
	}}
}
