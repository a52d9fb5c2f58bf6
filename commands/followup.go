package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// followUpStore is what the follow-up commands need.
type followUpStore interface {
	AddFollowUp(ctx context.Context, team string, ref store.PartnerRef, f domain.FollowUp, actor string, now time.Time) (int64, domain.Partner, error)
	ChangeFollowUp(ctx context.Context, team string, id int64, change string, newDue time.Time, actor string, now time.Time) (domain.FollowUp, error)
	FollowUp(ctx context.Context, team string, id int64) (domain.FollowUp, error)
	OpenFollowUps(ctx context.Context, team, user string) ([]domain.FollowUp, error)
	PartnerFollowUps(ctx context.Context, team, slug string, openOnly bool) ([]domain.FollowUp, error)
	// JobFailures says which scheduled posts Slack refused, by job id.
	JobFailures(ctx context.Context, team string, jobs ...string) (map[string]domain.JobFailure, error)
}

const maxFollowUpText = 500

// followupCommand creates a follow-up: `followup <partner> <when> <text…> [to:@u] [shared]`.
func (h *Handler) followupCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var err error
	pos := a.pos
	shared := false
	if n := len(pos); n > 0 && !pos[n-1].Quoted && strings.EqualFold(pos[n-1].Text, "shared") {
		shared, pos = true, pos[:n-1]
	}
	// `followup list`, `followup F12`: the list, or a follow-up there.
	if n := len(pos); n >= 1 && n <= 2 && !pos[0].Quoted {
		first := strings.ToLower(pos[0].Text)
		id := pos[n-1].Text
		switch {
		case n == 1 && (first == "list" || first == "open"):
			return message.Reply{}, userErrorf("The list is `%s`: `followups` for yours, `followups all`, `followups county`.", h.cfg.Command+" followups")
		case (n == 1 || first == "show" || first == "list") && regexpFollowUpID.MatchString(id):
			return message.Reply{}, userErrorf("%s is a follow-up already: `done %s`, `snooze %s monday`, `reschedule %s dec 4 10am` or `cancel %s`; `followups` lists them.",
				message.Code(id), id, id, id, id)
		}
	}
	now := h.now()
	// The date is the first run of words that reads as one; the partner is
	// what comes before it (nothing in a linked channel), the text after.
	at, used := -1, 0
	var due time.Time
	var dateErr error
	var dateText string
	var rule when.Recurrence
	repeats := false
	for i := 0; i < len(pos) && at < 0; i++ {
		if pos[i].Quoted {
			// A quoted date ("next tuesday 10am") is one token: all of it
			// must read as a date, or a repeat ("every first monday").
			words := strings.Fields(pos[i].Text)
			if r, n, err := when.ParseRecurrence(words, now, req.Loc); !errors.Is(err, when.ErrNoDate) {
				switch {
				case err == nil && n == len(words):
					at, used, rule, repeats = i, 1, r, true
				case dateErr == nil:
					if err == nil {
						err = when.ErrNotRepeat // words after the repeat, inside its quotes
					}
					dateErr, dateText = err, pos[i].Text
				}
				continue
			}
			t, n, err := when.ParseDue(words, now, req.Loc)
			switch {
			case err == nil && n == len(words) && n > 0:
				at, used, due = i, 1, t
			case err != nil && !errors.Is(err, when.ErrNoDate) && dateErr == nil:
				// Quoted or not, a date that cannot be is explained.
				dateErr, dateText = err, pos[i].Text
			}
			continue
		}
		words := unquotedWords(pos[i:])
		if len(words) == 0 {
			continue
		}
		if r, n, err := when.ParseRecurrence(words, now, req.Loc); !errors.Is(err, when.ErrNoDate) {
			if err == nil {
				at, used, rule, repeats = i, n, r, true
				continue
			}
			if dateErr == nil {
				dateErr, dateText = err, strings.Join(words, " ")
			}
			// A repeat that cannot be: its words ("the 31st") are not
			// a date of their own.
			break
		}
		t, n, err := when.ParseDue(words, now, req.Loc)
		switch {
		case err == nil && n > 0:
			at, used, due = i, n, t
		case err != nil && !errors.Is(err, when.ErrNoDate) && dateErr == nil:
			dateErr, dateText = err, strings.Join(words, " ")
		}
	}
	if at < 0 {
		if dateErr != nil {
			return message.Reply{}, userErrorf("%s", dateMessage(dateText, dateErr))
		}
		// Two quoted texts: the first was meant as the date.
		var quoted []string
		for _, t := range pos {
			if t.Quoted {
				quoted = append(quoted, t.Text)
			}
		}
		if len(quoted) >= 2 {
			return message.Reply{}, userErrorf("I can't read %s as when it is due. Try `friday`, `tomorrow afternoon`, `next tuesday 10am`, `in 3 days`, `dec 3` or `the 15th`, or a repeat like `every first monday`.", message.Code(quoted[0]))
		}
		return message.Reply{}, userErrorf("When is it due? Put a date after the partner: `%s followup county friday \"Send the flyer\"` (or `tomorrow`, `next tuesday 10am`, `in 3 days`, `dec 3`).", h.cfg.Command)
	}
	text := strings.TrimSpace(Unlink(joinText(pos[at+used:])))
	switch n := len([]rune(text)); {
	case n == 0:
		return message.Reply{}, userErrorf("What is the follow-up? Add it after the date: `%s followup county friday \"Send the flyer\"`.", h.cfg.Command)
	case n > maxFollowUpText:
		return message.Reply{}, userErrorf("That follow-up is %d characters long; keep it under %d.", n, maxFollowUpText)
	}
	var f domain.FollowUp
	if repeats {
		// The first time it comes round from now; each Done brings the next.
		if due, err = rule.Next(now, req.Loc); err != nil {
			return message.Reply{}, err
		}
		f.Rule, f.RuleText, f.Zone = rule.String(), rule.Describe(), req.Loc.String()
	}
	if !due.After(now) {
		return message.Reply{}, userErrorf("%s is in the past. Give a time still ahead, e.g. `tomorrow` or `friday 10am`.", message.Code(message.Time(due, h.now(), req.Loc)))
	}
	assignee := req.User
	if v, ok := a.optRaw("to"); ok {
		if assignee, err = h.userArg(ctx, req, "to", v); err != nil {
			return message.Reply{}, err
		}
	}
	ref := h.ref(req, Unlink(joinText(pos[:at])))
	f.Assignee, f.Due, f.Text, f.Shared = assignee, due, text, shared
	id, p, err := h.store.AddFollowUp(ctx, req.Team, ref, f, req.User, now)
	if err != nil {
		if m, ok := h.partnerFieldErr(ctx, req, "followup", ref.Text, err); ok {
			return message.Reply{}, &userError{msg: m}
		}
		return message.Reply{}, err
	}
	if shared {
		h.touchCanvas(ctx, req.Team, p.Slug)
	}
	who := "you"
	if assignee != req.User {
		who = message.Mention(assignee)
	}
	msg := fmt.Sprintf(":pushpin: `F%d` for *%s*: %s\nDue %s, assigned to %s. I'll send a reminder then.", id, message.Esc(p.Name), message.Esc(text), message.Time(due, h.now(), req.Loc), who)
	if repeats {
		msg = fmt.Sprintf(":repeat: `F%d` for *%s*: %s\nIt repeats %s (your time zone), assigned to %s; first due %s. *Done* on each closes it and brings the next; `%s` ends the series.",
			id, message.Esc(p.Name), message.Esc(text), rule.Describe(), who, message.Time(due, h.now(), req.Loc), h.typed(req, fmt.Sprintf("cancel F%d all", id)))
	}
	if shared {
		msg += " Shared with the partner's channel."
	}
	return message.Reply{Text: msg, Feed: fmt.Sprintf("%s added a follow-up for *%s*", message.Mention(req.User), message.Esc(p.Name))}, nil
}

// unquotedWords returns the words of the leading unquoted tokens.
func unquotedWords(toks []Token) []string {
	var out []string
	for _, t := range toks {
		if t.Quoted || t.Key != "" {
			break
		}
		out = append(out, t.Text)
	}
	return out
}

// followupsCommand lists open follow-ups: `followups [mine|all|overdue|@u|<partner>]`.
func (h *Handler) followupsCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var err error
	now := h.now()
	// `followups list` is the list.
	if len(a.pos) > 0 && !a.pos[0].Quoted && strings.EqualFold(a.pos[0].Text, "list") {
		a.pos = a.pos[1:]
	}
	if req.Role == RoleLiaison {
		// Only the channel's partner, only what was shared with it.
		p, err := h.partner(ctx, req, "")
		if err != nil {
			return message.Reply{}, err
		}
		fs, err := h.store.PartnerFollowUps(ctx, req.Team, p.Slug, true)
		if err != nil {
			return message.Reply{}, err
		}
		var shared []domain.FollowUp
		for _, f := range fs {
			if f.Shared {
				shared = append(shared, f)
			}
		}
		if len(shared) == 0 {
			return message.Reply{Text: fmt.Sprintf("Shared follow-ups with %s: none right now. The team shares the next steps that involve you here.", message.Esc(p.Name))}, nil
		}
		return message.Reply{Text: h.followUpList(fmt.Sprintf("Shared follow-ups with %s", message.Esc(p.Name)), shared, map[string]string{p.Slug: p.Name}, nil, now, req.Loc)}, nil
	}
	pos := a.pos
	// `followups for maria`: the word people put before whose.
	if len(pos) > 1 && !pos[0].Quoted && (strings.EqualFold(pos[0].Text, "for") || strings.EqualFold(pos[0].Text, "of")) {
		pos = pos[1:]
	}
	a.pos = pos
	scope := strings.ToLower(joinText(a.pos))
	words := strings.Fields(scope)
	filters := len(a.pos) > 0 && !a.pos[0].Quoted
	for _, w := range words {
		filters = filters && slices.Contains([]string{"mine", "all", "overdue", "open"}, w)
	}
	var fs []domain.FollowUp
	title := "Your open follow-ups"
	switch {
	case scope == "" || filters:
		// mine (the default), all, overdue (everyone's, or yours with
		// mine), in any order; open is what every list is.
		who := req.User
		if slices.Contains(words, "all") || slices.Contains(words, "overdue") && !slices.Contains(words, "mine") {
			who, title = "", "All open follow-ups"
		}
		fs, err = h.store.OpenFollowUps(ctx, req.Team, who)
		if slices.Contains(words, "overdue") {
			title = "Overdue follow-ups"
			if who != "" {
				title = "Your overdue follow-ups"
			}
			fs = filterFollowUps(fs, func(f domain.FollowUp) bool { return f.Due.Before(now) })
			if len(fs) == 0 && err == nil {
				return message.Reply{Text: title + ": none, everything open is on time."}, nil
			}
		}
	case slices.Contains([]string{"done", "closed", "completed", "finished", "cancelled"}, scope):
		return message.Reply{}, userErrorf("I list open follow-ups: `%[1]s followups`, `%[1]s followups all`, `%[1]s followups overdue`, `%[1]s followups @someone` or `%[1]s followups <partner>`. The impact report counts those done (on time or late), and an admin's `%[1]s export followups` has every one, with when it was done.", h.cfg.Command)
	default:
		if len(a.pos) == 1 && !a.pos[0].Quoted {
			if id, ok := h.userRef(ctx, req, a.pos[0].Text); ok && (strings.HasPrefix(a.pos[0].Text, "<") || strings.HasPrefix(a.pos[0].Text, "@")) {
				title = "Open follow-ups of " + message.Mention(id)
				fs, err = h.store.OpenFollowUps(ctx, req.Team, id)
				break
			}
		}
		p, perr := h.partner(ctx, req, Unlink(joinText(a.pos)))
		if perr != nil && len(a.pos) == 1 && noSuchPartner(perr) {
			// `followups maria`: a person the directory knows by name,
			// or the way to name one.
			if id, ok := h.userRef(ctx, req, "@"+a.pos[0].Text); ok {
				title = "Open follow-ups of " + message.Mention(id)
				fs, err = h.store.OpenFollowUps(ctx, req.Team, id)
				break
			}
			var ue *userError
			if errors.As(perr, &ue) {
				return message.Reply{}, userErrorf("%s For a person's follow-ups, name them with @: `%s followups @%s`.", ue.msg, h.cfg.Command, message.Esc(strings.TrimPrefix(a.pos[0].Text, "@")))
			}
		}
		if perr != nil {
			return message.Reply{}, perr
		}
		title = fmt.Sprintf("Open follow-ups with %s", message.Esc(p.Name))
		fs, err = h.store.PartnerFollowUps(ctx, req.Team, p.Slug, true)
	}
	if err != nil {
		return message.Reply{}, err
	}
	names, err := h.partnerNames(ctx, req.Team)
	if err != nil {
		return message.Reply{}, err
	}
	var jobs []string
	for _, f := range fs {
		if f.Job != "" {
			jobs = append(jobs, f.Job)
		}
	}
	failed, err := h.store.JobFailures(ctx, req.Team, jobs...)
	if err != nil {
		return message.Reply{}, err
	}
	return message.Reply{Text: h.followUpList(title, fs, names, failed, now, req.Loc)}, nil
}

func filterFollowUps(fs []domain.FollowUp, keep func(domain.FollowUp) bool) []domain.FollowUp {
	var out []domain.FollowUp
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

func (h *Handler) partnerNames(ctx context.Context, team string) (map[string]string, error) {
	ps, err := h.store.ListPartners(ctx, team)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ps))
	for _, p := range ps {
		names[p.Slug] = p.Name
	}
	return names, nil
}

// followUpList lists fs; failed are the reminders Slack refused, by job.
func (h *Handler) followUpList(title string, fs []domain.FollowUp, names map[string]string, failed map[string]domain.JobFailure, now time.Time, loc *time.Location) string {
	if len(fs) == 0 {
		return title + ": none. Add one with `" + h.cfg.Command + " followup <partner> <when> <what>`."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* (%d), soonest first\n", title, len(fs))
	message.WriteLines(&b, len(fs), 40, ".", func(i int) string {
		line := message.FollowUpLine(fs[i], names[fs[i].Partner], now, loc)
		if f, ok := failed[fs[i].Job]; ok {
			line += message.UndeliveredNote(f)
		}
		return line
	})
	return b.String()
}

// followUpID reads the F-id argument of done, snooze and cancel.
func (h *Handler) followUpID(name string, toks []Token) (int64, []Token, error) {
	if len(toks) == 0 {
		return 0, nil, userErrorf("Which follow-up? Give its id: `%s %s F12`. `%s followups` lists yours.", h.cfg.Command, name, h.cfg.Command)
	}
	id, ok := domain.ParseFollowUpID(toks[0].Text)
	if !ok {
		return 0, nil, userErrorf("%s isn't a follow-up id; they look like `F12`. `%s followups` lists yours.", message.Code(toks[0].Text), h.cfg.Command)
	}
	rest := toks[1:]
	// `snooze F12 until friday`, `reschedule F12 to monday`: the word
	// people put before a date.
	if len(rest) > 1 && !rest[0].Quoted && slices.Contains([]string{"until", "till", "til", "to", "for"}, strings.ToLower(rest[0].Text)) {
		rest = rest[1:]
	}
	return id, rest, nil
}

func (h *Handler) doneCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	return h.closeFollowUp(ctx, req, a.pos, "done", domain.ChangeDone)
}

func (h *Handler) cancelCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	return h.closeFollowUp(ctx, req, a.pos, "cancel", domain.ChangeCancel)
}

func (h *Handler) closeFollowUp(ctx context.Context, req *Request, toks []Token, name, change string) (message.Reply, error) {
	id, rest, err := h.followUpID(name, toks)
	if err != nil {
		return message.Reply{}, err
	}
	if change == domain.ChangeCancel && len(rest) == 1 && !rest[0].Quoted && strings.EqualFold(rest[0].Text, "all") {
		change, rest = domain.ChangeEndSeries, nil
	}
	if len(rest) > 0 {
		if change == domain.ChangeCancel {
			return message.Reply{}, userErrorf("`cancel` takes the follow-up id, and `all` to end a repeating one: `%s cancel F%d` or `%s cancel F%d all`.", h.cfg.Command, id, h.cfg.Command, id)
		}
		return message.Reply{}, userErrorf("`%s` takes only the follow-up id: `%s %s F%d`.", name, h.cfg.Command, name, id)
	}
	f, err := h.store.ChangeFollowUp(ctx, req.Team, id, change, time.Time{}, req.User, h.now())
	if err != nil {
		return message.Reply{}, h.followUpErr(id, err, h.now(), req.Loc)
	}
	h.touchSharedFollowUp(ctx, req.Team, f)
	feed := message.FollowUpFeed(req.User, f, change, h.partnerName(ctx, req.Team, f.Partner))
	if change == domain.ChangeEndSeries {
		return message.Reply{Text: fmt.Sprintf(":heavy_multiplication_x: Ended the series of `F%d`: %s. `F%d`, its open one, is cancelled, and nothing more will come round.",
			f.Series, message.Esc(message.Clip(f.Text, 200)), f.ID), Feed: feed}, nil
	}
	verb := map[string]string{domain.ChangeDone: ":white_check_mark: Done", domain.ChangeCancel: ":heavy_multiplication_x: Cancelled"}[change]
	text := fmt.Sprintf("%s: `F%d` %s", verb, f.ID, message.Esc(message.Clip(f.Text, 200)))
	if next := h.nextOccurrence(ctx, req, f); next != "" {
		text += "\n" + next + fmt.Sprintf(" `%s` ends the series.", h.typed(req, fmt.Sprintf("cancel F%d all", f.Next)))
	}
	return message.Reply{Text: text, Feed: feed}, nil
}

// nextOccurrence says which occurrence of a repeating follow-up came
// after f when it was closed, and when it is due; "" when none did.
func (h *Handler) nextOccurrence(ctx context.Context, req *Request, f domain.FollowUp) string {
	if f.Next == 0 {
		return ""
	}
	next, err := h.store.FollowUp(ctx, req.Team, f.Next)
	if err != nil {
		return fmt.Sprintf(":repeat: Next: `F%d`.", f.Next)
	}
	return fmt.Sprintf(":repeat: Next: `F%d`, due %s.", next.ID, message.Time(next.Due, h.now(), req.Loc))
}

// snoozeCommand moves a follow-up later: `snooze <F-id> <when>`. A length
// ("3d") counts from the due time while that is still ahead, else from
// now; a time must be later than the due time (`reschedule` moves it
// earlier).
func (h *Handler) snoozeCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	id, rest, err := h.followUpID("snooze", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	if len(rest) == 0 {
		return message.Reply{}, userErrorf("Until when? `%s snooze F%d tomorrow`, `… friday 10am` or `… 3d` (3 days later).", h.cfg.Command, id)
	}
	now := h.now()
	f, err := h.openFollowUp(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	until, span, err := h.snoozeUntil(rest, f, now, req.Loc)
	if err != nil {
		return message.Reply{}, err
	}
	moved, err := h.store.ChangeFollowUp(ctx, req.Team, id, domain.ChangeSnooze, until, req.User, now)
	if err != nil {
		return message.Reply{}, h.followUpErr(id, err, now, req.Loc)
	}
	h.touchSharedFollowUp(ctx, req.Team, moved)
	by := ""
	if span != "" {
		by = " by " + span
	}
	return message.Reply{Text: fmt.Sprintf(":zzz: Snoozed `F%d`%s until %s (it was due %s): %s", moved.ID, by, message.Time(moved.Due, now, req.Loc), message.Time(f.Due, now, req.Loc), message.Esc(message.Clip(moved.Text, 200))),
		Feed: message.FollowUpFeed(req.User, moved, domain.ChangeSnooze, h.partnerName(ctx, req.Team, moved.Partner))}, nil
}

// rescheduleCommand sets a follow-up's due time to any time ahead:
// `reschedule <F-id> <when>`.
func (h *Handler) rescheduleCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	id, rest, err := h.followUpID("reschedule", a.pos)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	f, err := h.openFollowUp(ctx, req, id)
	if err != nil {
		return message.Reply{}, err
	}
	words := strings.Fields(Unlink(joinText(rest)))
	t, n, err := when.ParseDue(words, now, req.Loc)
	switch {
	case len(words) == 0 || errors.Is(err, when.ErrNoDate) || (err == nil && n != len(words)):
		return message.Reply{}, userErrorf("To when? `%s reschedule F%d monday 10am`, `… dec 3` or `… in 2 days`.", h.cfg.Command, id)
	case err != nil:
		return message.Reply{}, userErrorf("%s", dateMessage(strings.Join(words, " "), err))
	case !t.After(now):
		return message.Reply{}, userErrorf("%s is in the past; reschedule to a time ahead, e.g. `%s reschedule F%d tomorrow 10am`.", message.Code(message.Time(t, now, req.Loc)), h.cfg.Command, id)
	}
	moved, err := h.store.ChangeFollowUp(ctx, req.Team, id, domain.ChangeReschedule, t, req.User, now)
	if err != nil {
		return message.Reply{}, h.followUpErr(id, err, now, req.Loc)
	}
	h.touchSharedFollowUp(ctx, req.Team, moved)
	return message.Reply{Text: fmt.Sprintf(":calendar: Rescheduled `F%d` to %s (it was due %s): %s", moved.ID, message.Time(moved.Due, now, req.Loc), message.Time(f.Due, now, req.Loc), message.Esc(message.Clip(moved.Text, 200))),
		Feed: message.FollowUpFeed(req.User, moved, domain.ChangeReschedule, h.partnerName(ctx, req.Team, moved.Partner))}, nil
}

// openFollowUp loads a follow-up that is still open, explaining one that
// is missing or closed.
func (h *Handler) openFollowUp(ctx context.Context, req *Request, id int64) (domain.FollowUp, error) {
	f, err := h.store.FollowUp(ctx, req.Team, id)
	if err != nil {
		return f, h.followUpErr(id, err, h.now(), req.Loc)
	}
	if f.Status != domain.StatusOpen {
		return f, h.followUpErr(id, &store.FollowUpError{Err: store.ErrNotOpen, FollowUp: f}, h.now(), req.Loc)
	}
	return f, nil
}

// SnoozeBase is what a snooze by a length of time counts from: the due
// time while it is still ahead, else now. Typed snoozes and the reminder's
// Snooze buttons share it.
func SnoozeBase(f domain.FollowUp, now time.Time) time.Time {
	if f.Due.After(now) {
		return f.Due
	}
	return now
}

// snoozeUntil reads "tomorrow", "friday 10am" or a length like "2d" (then
// also returned as typed, for the reply).
func (h *Handler) snoozeUntil(toks []Token, f domain.FollowUp, now time.Time, loc *time.Location) (time.Time, string, error) {
	words := strings.Fields(Unlink(joinText(toks)))
	bad := userErrorf("Until when? `%s snooze F%d tomorrow`, `… friday 10am` or `… 3d` (3 days later).", h.cfg.Command, f.ID)
	if len(words) == 0 {
		return time.Time{}, "", bad
	}
	if sp, n, err := when.ParseSpan(words); err == nil && n == len(words) {
		return sp.AddTo(SnoozeBase(f, now).In(loc)), strings.Join(words, " "), nil
	}
	t, n, err := when.ParseDue(words, now, loc)
	switch {
	case err != nil && !errors.Is(err, when.ErrNoDate):
		return time.Time{}, "", userErrorf("%s", dateMessage(strings.Join(words, " "), err))
	case err != nil || n != len(words):
		return time.Time{}, "", bad
	case !t.After(now):
		return time.Time{}, "", userErrorf("%s is in the past; snooze to a time ahead, e.g. `%s snooze F%d tomorrow`.", message.Code(message.Time(t, now, loc)), h.cfg.Command, f.ID)
	case !t.After(f.Due):
		return time.Time{}, "", h.notLater(f, t, now, loc)
	}
	return t, "", nil
}

// notLater refuses a snooze that would not move the follow-up later.
func (h *Handler) notLater(f domain.FollowUp, to, now time.Time, loc *time.Location) error {
	return userErrorf("`F%d` is due %s, and snoozing only moves it later. To move it to %s, type `%s reschedule F%d %s`.",
		f.ID, message.Time(f.Due, now, loc), message.Time(to, now, loc), h.cfg.Command, f.ID, to.In(loc).Format("2006-01-02 15:04"))
}

// followUpErr explains a failed change to a follow-up.
func (h *Handler) followUpErr(id int64, err error, now time.Time, loc *time.Location) error {
	var fe *store.FollowUpError
	switch {
	case errors.As(err, &fe) && errors.Is(err, store.ErrNotSeries) && fe.FollowUp.SeriesEnded:
		return userErrorf("The series of `F%d` has ended already (by %s, %s).", id, message.Mention(fe.FollowUp.DoneBy), message.Time(fe.FollowUp.DoneAt, now, loc))
	case errors.As(err, &fe) && errors.Is(err, store.ErrNotSeries):
		return userErrorf("`F%d` doesn't repeat; `%s cancel F%d` drops it.", id, h.cfg.Command, id)
	case errors.As(err, &fe) && errors.Is(err, store.ErrNotLater):
		// Moved by someone else since it was read: explain from its new due time.
		return userErrorf("`F%d` is now due %s, and snoozing only moves it later. `%s reschedule F%d <when>` sets any time.", id, message.Time(fe.FollowUp.Due, now, loc), h.cfg.Command, id)
	case errors.As(err, &fe):
		return userErrorf("`F%d` is already %s (by %s, %s).", id, fe.FollowUp.Status, message.Mention(fe.FollowUp.DoneBy), message.Time(fe.FollowUp.DoneAt, now, loc))
	case errors.Is(err, store.ErrNotFound):
		return userErrorf("I can't find `F%d`. `%s followups` lists the open ones.", id, h.cfg.Command)
	}
	return err
}

func (h *Handler) pressFollowUp(ctx context.Context, req Request, action, value string) Pressed {
	id, ok := domain.ParseFollowUpID(value)
	if !ok {
		return Pressed{Ephemeral: &message.Reply{Text: "That button doesn't name a follow-up I know. Type `followups` to see yours, and `done F12` to close one.", Outcome: message.OutcomeUserError, Command: "button"}}
	}
	now := h.now()
	change, until, verb := domain.ChangeDone, time.Time{}, ""
	if action == message.ActionSnoozeDay || action == message.ActionSnoozeWeek {
		// Like a typed `snooze F12 1d`: from the due time while it is ahead.
		cur, err := h.store.FollowUp(ctx, req.Team, id)
		if err != nil {
			r := h.fail(req, "button", h.followUpErr(id, err, now, req.Loc))
			return Pressed{Ephemeral: &r}
		}
		days := map[string]int{message.ActionSnoozeDay: 1, message.ActionSnoozeWeek: 7}[action]
		change, until = domain.ChangeSnooze, SnoozeBase(cur, now).In(req.Loc).AddDate(0, 0, days)
	}
	f, err := h.store.ChangeFollowUp(ctx, req.Team, id, change, until, req.User, now)
	if err != nil {
		var fe *store.FollowUpError
		if errors.As(err, &fe) && !errors.Is(err, store.ErrNotLater) {
			// Already closed (perhaps from another device): say so, and
			// bring the message up to date.
			name := h.partnerName(ctx, req.Team, fe.FollowUp.Partner)
			upd := message.Reminder(fe.FollowUp, name, now, req.Loc, message.FollowUpStatus(fe.FollowUp, now, req.Loc))
			return Pressed{Ephemeral: &message.Reply{Text: fmt.Sprintf("`F%d` is already %s.", id, fe.FollowUp.Status), Outcome: message.OutcomeUserError, Command: "button"}, Update: &upd}
		}
		r := h.fail(req, "button", h.followUpErr(id, err, now, req.Loc))
		return Pressed{Ephemeral: &r}
	}
	h.touchSharedFollowUp(ctx, req.Team, f)
	if change == domain.ChangeSnooze {
		verb = fmt.Sprintf(":zzz: Snoozed by %s until %s", message.Mention(req.User), message.Time(f.Due, now, req.Loc))
	} else {
		verb = message.FollowUpStatus(f, now, req.Loc)
		if next := h.nextOccurrence(ctx, &req, f); next != "" {
			verb += "\n" + next
		}
	}
	name := h.partnerName(ctx, req.Team, f.Partner)
	upd := message.Reminder(f, name, now, req.Loc, verb)
	upd.Outcome, upd.Command = message.OutcomeOK, "button"
	upd.Feed = message.FollowUpFeed(req.User, f, change, name)
	return Pressed{Update: &upd}
}

// noSuchPartner reports whether err (from partnerErr) says no partner
// has that name.
func noSuchPartner(err error) bool {
	var ue *userError
	return errors.As(err, &ue) && strings.HasPrefix(ue.msg, "I don't know a partner called")
}
