package scheduler

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// Roster says who is in a channel and links to its messages, for a
// survey's reminder. The bot's poster is one (scheduler.New finds it);
// without one, as in tests that do not need it, reminders are skipped.
type Roster interface {
	// People are the members of channel (conversations.members), the
	// bot itself left out.
	People(ctx context.Context, channel string) ([]string, error)
	// IsBot reports whether user is a bot or an app: it gets no reminder.
	IsBot(ctx context.Context, user string) (bool, error)
	// Permalink links to the message at ts in channel.
	Permalink(ctx context.Context, channel, ts string) (string, error)
}

// maxReminded bounds the people one survey reminds: a partner's channel
// has a few dozen; a survey posted in a channel of thousands reminds the
// first ones Slack lists, and the log says so.
const maxReminded = 1000

// surveyNotYetPosted is how long a reminder waits when its survey has not
// gone out yet (its post retried, or held).
const surveyNotYetPosted = 10 * time.Minute

// surveyRemind is a survey's one reminder ("svremind:<survey id>"): it
// finds who in the survey's channel has not answered and queues a DM
// for each ("svremind-to:<survey id>:<user>"), which waits for that
// person's working hours. A closed survey, or one sent to its
// organizer's DM, reminds nobody.
func (s *Scheduler) surveyRemind(ctx context.Context, j store.Job, token, rest string) error {
	sv, ok, err := s.survey(ctx, rest)
	if err != nil {
		return err
	}
	if !ok || sv.Closed(s.clock.Now()) || sv.ToOrganizer() || s.roster == nil {
		return s.finish(ctx, j, token)
	}
	if sv.PostedTS == "" {
		_, err := s.store.ReleaseJobs(ctx, s.cfg.Team, token, s.clock.Now().Add(surveyNotYetPosted), store.Defer, j.ID)
		return err
	}
	people, err := s.roster.People(ctx, sv.Channel)
	if err != nil {
		return err
	}
	if len(people) > maxReminded {
		s.log.Warn("a survey's channel has more people than one reminder reaches", "survey", sv.ID, "people", len(people), "reminded", maxReminded)
		people = people[:maxReminded]
	}
	answered, err := s.store.Answered(ctx, s.cfg.Team, sv.ID, people)
	if errors.Is(err, store.ErrClosed) {
		return s.finish(ctx, j, token)
	}
	if err != nil {
		return err
	}
	jobs := map[string]time.Time{}
	for _, u := range people {
		if !answered[u] {
			jobs[store.JobID(JobSurveyReminder, rest, u)] = s.clock.Now()
		}
	}
	if _, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// surveyReminder reminds one person of a survey they have not answered
// ("svremind-to:<survey id>:<user>"), by DM, in their working hours,
// once. By then they may have answered, or it may have closed: then
// nothing is sent.
func (s *Scheduler) surveyReminder(ctx context.Context, j store.Job, token, rest string) error {
	id, user, _ := strings.Cut(rest, ":")
	sv, ok, err := s.survey(ctx, id)
	if err != nil {
		return err
	}
	if !ok || sv.Closed(s.clock.Now()) || user == "" || s.roster == nil {
		return s.finish(ctx, j, token)
	}
	if bot, err := s.roster.IsBot(ctx, user); err == nil && bot {
		return s.finish(ctx, j, token) // apps in the channel get nothing
	}
	answered, err := s.store.Answered(ctx, s.cfg.Team, sv.ID, []string{user})
	if errors.Is(err, store.ErrClosed) || answered[user] {
		return s.finish(ctx, j, token)
	}
	if err != nil {
		return err
	}
	loc := s.zone(ctx, user)
	if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
		return err
	}
	link, err := s.roster.Permalink(ctx, sv.Channel, sv.PostedTS)
	if err != nil {
		s.log.Warn("no link to a survey for its reminder; it names the channel", "survey", sv.ID, "err", err)
		link = ""
	}
	msg := message.SurveyReminder(sv, s.subject(ctx, sv), link, s.clock.Now(), loc)
	if _, err := s.deliver(ctx, "survey-reminder", j, token, Post{To: user, Key: j.ID, Message: msg}); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// surveyClose is a survey's closing time ("svclose:<survey id>"): an
// anonymous survey's secret is erased, after which its responses can be
// linked to nobody. Answers are refused from the closing time on anyway.
func (s *Scheduler) surveyClose(ctx context.Context, j store.Job, token, rest string) error {
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return s.finish(ctx, j, token)
	}
	if err := s.store.CloseSurvey(ctx, s.cfg.Team, id); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// survey loads the survey a job's id names; false when it is gone.
func (s *Scheduler) survey(ctx context.Context, idText string) (domain.Survey, bool, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return domain.Survey{}, false, nil
	}
	sv, err := s.store.Survey(ctx, s.cfg.Team, id)
	if errors.Is(err, store.ErrNotFound) {
		return domain.Survey{}, false, nil
	}
	return sv, err == nil, err
}

// subject names what a survey is about, for its prompt and reminder.
func (s *Scheduler) subject(ctx context.Context, sv domain.Survey) message.SurveySubject {
	subj := message.SurveySubject{Partner: s.partnerName(ctx, sv.Partner)}
	if sv.Event > 0 {
		if e, err := s.store.Event(ctx, s.cfg.Team, sv.Event); err == nil {
			subj.Event = e.Title
		}
	}
	return subj
}
