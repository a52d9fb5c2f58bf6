package main

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/internal/testwait"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// What a test waits for is named by what it is: a scheduled post by the
// job id it carries as metadata, an answer by its kind and who it is
// shown to. Words in a post are what the test then checks, never how it
// finds the post: a Monday "your week" DM lists the very follow-up whose
// reminder a test waits for.

// jobPost matches the scheduled post of the job id.
func jobPost(id string) func(slacktest.Post) bool {
	return func(p slacktest.Post) bool { return p.Kind == "postMessage" && postJob(p) == id }
}

// kindPost matches the scheduled posts of a job kind (store.Job…).
func kindPost(kind string) func(slacktest.Post) bool {
	return func(p slacktest.Post) bool {
		k, _ := store.ParseJobID(postJob(p))
		return p.Kind == "postMessage" && k == kind
	}
}

// reminderJob is the job id of a follow-up's seq-th reminder.
func reminderJob(id int64, seq int) string {
	return store.JobID(store.JobReminder, strconv.FormatInt(id, 10), strconv.Itoa(seq))
}

// surveyJob is the job id of a survey's post (S<id>).
func surveyJob(id int64) string {
	return store.JobID(store.JobSurveyPost, strconv.FormatInt(id, 10))
}

// ephemeralTo matches an answer shown only to user in channel.
func ephemeralTo(user, channel string) func(slacktest.Post) bool {
	return func(p slacktest.Post) bool {
		return p.Kind == "postEphemeral" && p.User == user && p.Channel == channel
	}
}

// answer matches a message the bot posted that carries no job id: an
// answer to someone, not a scheduled post.
func answer(p slacktest.Post) bool { return p.Kind == "postMessage" && postJob(p) == "" }

// dmAnswer matches the bot's answer in a DM. Each test has one person
// writing to the bot at a time.
func dmAnswer(p slacktest.Post) bool { return answer(p) && strings.HasPrefix(p.Channel, "D") }

// answerIn matches the bot's answer posted in channel: a message with no
// job id, so not a scheduled post.
func answerIn(channel string) func(slacktest.Post) bool {
	return func(p slacktest.Post) bool { return answer(p) && p.Channel == channel }
}

// responseTo matches what a command's or button's response_url carried
// to user.
func responseTo(user string) func(slacktest.Post) bool {
	return func(p slacktest.Post) bool { return p.Kind == "response_url" && p.User == user }
}

// mark is how many posts the fake has recorded: waitAfter(mark, f) waits
// for a post made after it.
func (e *e2e) mark() int { return len(e.slack.Posts()) }

// waitAfter waits for a post after the first n that matches f.
func (e *e2e) waitAfter(n int, f func(slacktest.Post) bool) slacktest.Post {
	e.t.Helper()
	var found slacktest.Post
	if !testwait.Within(testwait.Deadline, func() bool {
		posts := e.slack.Posts()
		for _, p := range posts[min(n, len(posts)):] {
			if f(p) {
				found = p
				return true
			}
		}
		return false
	}) {
		e.t.Fatalf("waited %v for a matching post; posts: %+v", testwait.Deadline, e.slack.Posts())
	}
	return found
}

// automaticJobs are the recurring jobs that post on their own (kinds of
// scheduler.Jobs): a test that moves the clock says which of them may
// post in its window (e2eOptions.may) or switches them off
// (e2eOptions.off).
var automaticJobs = func() []string {
	var out []string
	for _, j := range scheduler.Jobs {
		if j.Recurring() && !j.Background {
			out = append(out, j.Kind)
		}
	}
	return out
}()

// postedBy is the automatic job whose run makes posts of a job kind: the
// job itself, or the one that fans out into it. The check-in's surveys:
// see automaticJob.
var postedBy = func() map[string]string {
	out := map[string]string{}
	for _, j := range scheduler.Jobs {
		switch {
		case j.QueuedBy != "":
			out[j.Kind] = j.QueuedBy
		case j.Recurring() && !j.Background:
			out[j.Kind] = j.Kind
		}
	}
	return out
}()

// scheduleEnv is the OUTREACH_SCHEDULE_* variable of a recurring job.
func scheduleEnv(t *testing.T, name string) string {
	t.Helper()
	for _, j := range scheduler.Jobs {
		if j.Kind == name {
			return j.Env
		}
	}
	t.Fatalf("no recurring job %q", name)
	return ""
}

// automaticJob is the recurring job (a kind of scheduler.Jobs) whose run made
// the post p, or "": the quarterly check-in's surveys are posted under
// their survey's job id, and told from a survey someone asked for by
// having no one who asked.
func automaticJob(st *store.Store, p slacktest.Post) string {
	if p.Kind != "postMessage" {
		return ""
	}
	kind, rest := store.ParseJobID(postJob(p))
	if kind == store.JobSurveyPost {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return ""
		}
		sv, err := st.Survey(context.Background(), home, id)
		if err != nil || sv.Template != "partner-checkin" || sv.CreatedBy != "" {
			return ""
		}
		return scheduler.JobCheckins
	}
	return postedBy[kind]
}

// checkWindow fails the test for every post of an automatic job it did
// not declare: what a test takes for its own post may be another job's.
func (e *e2e) checkWindow(may []string) {
	st := store.New(e.redis.Client(), 0)
	for _, p := range e.slack.Posts() {
		if job := automaticJob(st, p); job != "" && !slices.Contains(may, job) {
			e.t.Errorf("the %s job posted in this test's window (%s to %s), which the test did not expect: "+
				"switch it off (e2eOptions.off) or say it may post (e2eOptions.may)", job, postJob(p), p.Target)
		}
	}
}
