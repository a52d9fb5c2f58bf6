package scheduler

import (
	"context"
	"strings"

	"github.com/outreachbot/outreachbot/store"
)

// Job is one kind of scheduled work, a row of Jobs. Its ids are
// "<Kind>:<params>". A recurring job (Env set) is queued by its schedule,
// its params the occurrence; the others are queued by commands and the
// store's scripts (a reminder, an event's surveys: store/jobkinds.go
// builds their ids) or by a recurring job's fan-out (one nudge per
// owner).
type Job struct {
	Kind string
	// Env is the environment variable of a recurring job's schedule and
	// Default the schedule when it is unset (SPEC §5); both "" for a job
	// that other work queues.
	Env, Default string
	// Background jobs run when due but do not wake NextEvent: the sweeps
	// repair, they post nothing, and waking the console every minute of
	// an :advance would only slow it down.
	Background bool
	// NeedsTeamChannel jobs run only when OUTREACH_TEAM_CHANNEL is set.
	NeedsTeamChannel bool
	// NeedsCanvas jobs run only with OUTREACH_PARTNER_CANVAS=on.
	NeedsCanvas bool
	// QueuedBy is the recurring job that fans out into this one, if any.
	QueuedBy string
	// What names one of its posts in the digest when Slack refused it
	// ({id} is the first of its params); "" for jobs that post nothing.
	What string
	// run does the job; params is its id after "<kind>:".
	run func(s *Scheduler, ctx context.Context, j store.Job, token, params string) error
}

// Recurring reports whether the job runs on a schedule of its own.
func (j Job) Recurring() bool { return j.Env != "" }

// The kinds of the jobs the scheduler queues itself.
const (
	JobSweep        = "followups"
	JobNudges       = "nudges"
	JobNudge        = "nudge" // nudge:<occurrence>:<owner>
	JobDigest       = "digest"
	JobSurveySweep  = "surveys"
	JobCheckins     = "checkin"
	JobCheckin      = "checkin-partner" // checkin-partner:<occurrence>:<slug>
	JobReport       = "report"
	JobOwnerDigests = "owner-digests"
	JobOwnerDigest  = "owner-digest" // owner-digest:<occurrence>:<user>
	// JobSurveyReminder is one person's reminder of a survey, queued by
	// its svremind: svremind-to:<survey id>:<user>.
	JobSurveyReminder = "svremind-to"
	JobCanvases       = "canvases"
)

// Jobs is the table of scheduled jobs. Adding one is a row here and its
// handler; its environment variable and schedule are read, checked and
// documented in errors from this row.
var Jobs = []Job{
	// Queued by commands, with ids store/jobkinds.go builds.
	{Kind: store.JobReminder, What: "The reminder of `F{id}`", run: (*Scheduler).reminder},
	{Kind: store.JobEventEnd, run: (*Scheduler).eventEnded},
	{Kind: store.JobAttendance, What: "The attendance question for `E{id}`", run: (*Scheduler).attendance},
	{Kind: store.JobFeedbackSurvey, run: (*Scheduler).feedbackSurvey},
	{Kind: store.JobFollowUpSurvey, run: (*Scheduler).followUpSurvey},
	{Kind: store.JobSurveyPost, What: "Survey `S{id}`", run: (*Scheduler).surveyPost},
	{Kind: store.JobNote, What: "A liaison's note", run: (*Scheduler).note},
	{Kind: store.JobSurveyRemind, What: "The reminders of survey `S{id}`", run: (*Scheduler).surveyRemind},
	{Kind: JobSurveyReminder, What: "A reminder of survey `S{id}`", run: (*Scheduler).surveyReminder},
	{Kind: store.JobSurveyClose, run: (*Scheduler).surveyClose},
	{Kind: store.JobCanvas, What: "The canvas of `{id}`", run: (*Scheduler).canvas},
	{Kind: store.JobCanvasNote, What: "The note that Slack refuses partner canvases", run: (*Scheduler).canvasNote},

	// Recurring (SPEC §5), and the jobs they fan out into.
	{Kind: JobSweep, Env: "OUTREACH_SCHEDULE_FOLLOWUPS", Default: "@every 1m", Background: true, run: (*Scheduler).sweep},
	{Kind: JobNudges, Env: "OUTREACH_SCHEDULE_NUDGES", Default: "0 9 * * 1-5", run: (*Scheduler).nudges},
	{Kind: JobNudge, QueuedBy: JobNudges, What: "A stay-in-touch nudge", run: (*Scheduler).nudge},
	{Kind: JobDigest, Env: "OUTREACH_SCHEDULE_DIGEST", Default: "0 9 * * 1", What: "The digest", run: (*Scheduler).digest},
	{Kind: JobSurveySweep, Env: "OUTREACH_SCHEDULE_SURVEYS", Default: "*/10 * * * *", Background: true, run: (*Scheduler).surveySweep},
	{Kind: JobCheckins, Env: "OUTREACH_SCHEDULE_CHECKIN", Default: "0 10 1 1,4,7,10 *", run: (*Scheduler).checkins},
	{Kind: JobCheckin, QueuedBy: JobCheckins, run: (*Scheduler).checkin},
	{Kind: JobReport, Env: "OUTREACH_SCHEDULE_REPORT", Default: "0 9 1 * *", NeedsTeamChannel: true, What: "The monthly report", run: (*Scheduler).monthlyReport},
	{Kind: JobOwnerDigests, Env: "OUTREACH_SCHEDULE_OWNER_DIGEST", Default: "0 8 * * 1", run: (*Scheduler).ownerDigests},
	{Kind: JobOwnerDigest, QueuedBy: JobOwnerDigests, What: "A weekly summary", run: (*Scheduler).ownerDigest},
	{Kind: JobCanvases, Env: "OUTREACH_SCHEDULE_CANVAS", Default: "0 6 * * *", Background: true, NeedsCanvas: true, run: (*Scheduler).canvasSweep},
}

// jobOf finds the row of a job id's kind.
func jobOf(kinds map[string]*Job, id string) (*Job, string, bool) {
	kind, params := store.ParseJobID(id)
	j, ok := kinds[kind]
	return j, params, ok
}

// what names a job's post as the digest says it when Slack refused it.
func (s *Scheduler) what(id string) string {
	j, params, ok := jobOf(s.kinds, id)
	if !ok || j.What == "" {
		return ""
	}
	first, _, _ := strings.Cut(params, ":")
	return strings.ReplaceAll(j.What, "{id}", first)
}
