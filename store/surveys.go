package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

// ErrWrongChannel: an answer came from a channel the survey was not
// posted in (a forged or misrouted button).
var ErrWrongChannel = errors.New("survey is not in that channel")

// CreateSurvey creates a survey and queues its post ("svpost:<id>") now.
// With origin set (a job id), creating again for the same origin returns
// the first survey: a retried job does not send two. An event has at most
// one survey of each template: when it has one, that one is returned (and
// created is false). It returns 0 when the partner or event no longer
// exists.
func (s *Store) CreateSurvey(ctx context.Context, team, origin string, sv domain.Survey, now time.Time) (int64, bool, error) {
	k := keysFor(team)
	ev := ""
	if sv.Event > 0 {
		ev = strconv.FormatInt(sv.Event, 10)
	}
	keys := with([]string{k.SurveyByOrigin(), k.Audit(), k.Partner(sv.Partner), k.PartnerSurveys(sv.Partner), k.SurveySeq()}, k.jobs()...)
	if sv.Event > 0 {
		keys = append(keys, k.Event(sv.Event), k.EventSurveys(sv.Event))
	}
	v, err := s.exec(ctx, "create survey", scriptCreateSurvey, roundsFollow, keys,
		k.Prefix(), origin, sv.Partner, ev, ms(now), sv.CreatedBy, auditMaxLen,
		"template", sv.Template, "channel", sv.Channel, "note", sv.Note)
	if err != nil {
		return 0, false, err
	}
	arr, _ := v.([]any)
	if len(arr) != 2 {
		return 0, false, fmt.Errorf("create survey: unexpected script reply %v", v)
	}
	id, _ := arr[0].(int64)
	created, _ := arr[1].(int64)
	return id, created == 1, nil
}

// Survey loads one survey; ErrNotFound when there is none.
func (s *Store) Survey(ctx context.Context, team string, id int64) (domain.Survey, error) {
	m, err := s.record(ctx, "survey", keysFor(team).Survey(id), fmt.Sprintf("survey S%d", id))
	if err != nil {
		return domain.Survey{}, err
	}
	return surveyFromHash(id, m), nil
}

func surveyFromHash(id int64, m map[string]string) domain.Survey {
	ev, _ := strconv.ParseInt(m["event"], 10, 64)
	return domain.Survey{ID: id, Template: m["template"], Partner: m["partner"], Event: ev, Channel: m["channel"], Note: m["note"],
		PostedTS: m["posted_ts"], Created: fromMS(m["created"]), CreatedBy: m["created_by"]}
}

// SurveyPosted records where the survey's prompt landed (the channel id
// Slack gives back, which for a DM differs from the user id posted to).
func (s *Store) SurveyPosted(ctx context.Context, team string, id int64, channel, ts string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.wrap("survey posted", s.rdb.HSet(ctx, keysFor(team).Survey(id), "channel", channel, "posted_ts", ts).Err())
}

// Respond records one answer (question "comment" for the comment) by
// user, replacing their earlier answer to that question. scoreQuestion,
// when set, is the rating question whose average becomes the partner's
// check-in score. It returns the number of people who responded. Errors
// wrap ErrNotFound or ErrWrongChannel.
func (s *Store) Respond(ctx context.Context, team string, survey int64, user, userTeam, channel, question, answer, scoreQuestion string, now time.Time) (int, error) {
	k := keysFor(team)
	r, err := s.run(ctx, "respond", scriptRespondSurvey, []string{k.Survey(survey), k.SurveyResponses(survey), k.Audit()},
		k.Prefix(), user, userTeam, question, answer, ms(now), channel, scoreQuestion, auditMaxLen, survey)
	if err != nil {
		return 0, err
	}
	if !r.ok {
		switch r.code {
		case "wrong_channel":
			return 0, fmt.Errorf("respond to S%d: %w", survey, ErrWrongChannel)
		default:
			return 0, fmt.Errorf("respond to S%d: %w", survey, ErrNotFound)
		}
	}
	n, _ := r.rest[0].(int64)
	return int(n), nil
}

// Responses returns a survey's responses.
func (s *Store) Responses(ctx context.Context, team string, survey int64) ([]domain.Response, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(ctx, keysFor(team).SurveyResponses(survey)).Result()
	if err != nil {
		return nil, s.wrap("responses", err)
	}
	out, err := decodeResponses(m)
	if err != nil {
		return nil, fmt.Errorf("responses: %w", err)
	}
	return out, nil
}

// decodeResponses reads a survey's responses hash (user → JSON), oldest
// answer first.
func decodeResponses(m map[string]string) ([]domain.Response, error) {
	out := make([]domain.Response, 0, len(m))
	for user, v := range m {
		var r domain.Response
		if err := json.Unmarshal([]byte(v), &r); err != nil {
			return nil, fmt.Errorf("decode response of %s: %w", user, err)
		}
		r.User = user
		out = append(out, r)
	}
	sortBy(out, func(r domain.Response) int64 { return r.At })
	return out, nil
}

// PartnerSurveys lists a partner's survey ids, newest first.
func (s *Store) PartnerSurveys(ctx context.Context, team, slug string, limit int) ([]int64, error) {
	return s.idList(ctx, "partner surveys", keysFor(team).PartnerSurveys(slug), limit)
}

// EventSurveys lists the ids of the surveys about an event.
func (s *Store) EventSurveys(ctx context.Context, team string, event int64) ([]int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.rdb.SMembers(ctx, keysFor(team).EventSurveys(event)).Result()
	if err != nil {
		return nil, s.wrap("event surveys", err)
	}
	var out []int64
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		out = append(out, n)
	}
	sortBy(out, func(n int64) int64 { return n })
	return out, nil
}

func (s *Store) idList(ctx context.Context, op, key string, limit int) ([]int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.rdb.ZRevRange(ctx, key, 0, int64(limit)-1).Result()
	if err != nil {
		return nil, s.wrap(op, err)
	}
	var out []int64
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		out = append(out, n)
	}
	return out, nil
}
