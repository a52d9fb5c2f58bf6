package store

import "strings"

// A job id is its kind, then its parameters, joined by ':' ("fu:12:1",
// "digest:2026-11-30T09:00"). The kinds are defined here once: the store
// and the scheduler use these constants, and the Lua scripts build ids
// with the J functions that scripts.go generates from jobShapes.
const (
	// JobReminder: a follow-up's reminder, fu:<follow-up id>:<seq>; seq
	// grows with each snooze or repeat, so every reminder post has its
	// own id.
	JobReminder = "fu"
	// JobNudge: one owner's nudge, nudge:<occurrence>:<owner>.
	JobNudge = "nudge"
	// JobEventEnd: an event's end counts as contact, evend:<event id>.
	JobEventEnd = "evend"
	// JobAttendance: ask an event's organizer for attendance, evatt:<event id>.
	JobAttendance = "evatt"
	// JobFeedbackSurvey: an event's feedback survey, evfb:<event id>.
	JobFeedbackSurvey = "evfb"
	// JobFollowUpSurvey: an event's follow-up survey, evfu:<event id>.
	JobFollowUpSurvey = "evfu"
	// JobSurveyPost: post a survey's prompt, svpost:<survey id>.
	JobSurveyPost = "svpost"
	// JobNote: tell a partner's owner about a note its liaison left,
	// note:<slug>:<contact id>.
	JobNote = "note"
	// JobCheckin: one partner's quarterly check-in survey,
	// checkin-partner:<occurrence>:<slug>.
	JobCheckin = "checkin-partner"

	// Recurring jobs (scheduler.Jobs), <kind>:<occurrence>; the kind also
	// names the job's schedule and its environment variable.

	// JobSweep requeues follow-up reminders that went missing.
	JobSweep = "followups"
	// JobNudges fans out into one JobNudge per owner.
	JobNudges = "nudges"
	// JobDigest posts the weekly team digest.
	JobDigest = "digest"
	// JobSurveySweep requeues event jobs that went missing.
	JobSurveySweep = "surveys"
	// JobCheckins fans out into one JobCheckin per active partner.
	JobCheckins = "checkin"
	// JobReport posts last month's impact report to the team channel.
	JobReport = "report"
	// JobOwnerDigests fans out into one JobOwnerDigest per team member
	// with follow-ups or partners to mind.
	JobOwnerDigests = "owner-digests"
	// JobOwnerDigest: one person's Monday DM of what they owe this week,
	// owner-digest:<occurrence>:<user>.
	JobOwnerDigest = "owner-digest"
)

// jobShapes is the table of job ids: name is the Lua function of J.
var jobShapes = []*shape{
	jobShape("Reminder", JobReminder+":{id}:{seq}"),
	jobShape("Nudge", JobNudge+":{occurrence}:{user}"),
	jobShape("EventEnd", JobEventEnd+":{id}"),
	jobShape("Attendance", JobAttendance+":{id}"),
	jobShape("FeedbackSurvey", JobFeedbackSurvey+":{id}"),
	jobShape("FollowUpSurvey", JobFollowUpSurvey+":{id}"),
	jobShape("SurveyPost", JobSurveyPost+":{id}"),
	jobShape("Checkin", JobCheckin+":{occurrence}:{slug}"),
	jobShape("Note", JobNote+":{slug}:{id}"),
	jobShape("Sweep", JobSweep+":{occurrence}"),
	jobShape("Nudges", JobNudges+":{occurrence}"),
	jobShape("Digest", JobDigest+":{occurrence}"),
	jobShape("SurveySweep", JobSurveySweep+":{occurrence}"),
	jobShape("Checkins", JobCheckins+":{occurrence}"),
	jobShape("Report", JobReport+":{occurrence}"),
	jobShape("OwnerDigests", JobOwnerDigests+":{occurrence}"),
	jobShape("OwnerDigest", JobOwnerDigest+":{occurrence}:{user}"),
}

func jobShape(name, tmpl string) *shape {
	s := parseShape(tmpl)
	s.name = name
	return s
}

// JobID builds the id of a job of kind from its parameters.
func JobID(kind string, params ...string) string {
	return kind + ":" + strings.Join(params, ":")
}

// ParseJobID splits a job id into its kind and the rest, its parameters
// still joined (an occurrence holds a ':' itself).
func ParseJobID(id string) (kind, rest string) {
	kind, rest, _ = strings.Cut(id, ":")
	return kind, rest
}

// JobKinds lists every kind, for tests that check each has a handler.
func JobKinds() []string {
	out := make([]string, len(jobShapes))
	for i, s := range jobShapes {
		out[i] = strings.TrimSuffix(s.lits[0], ":")
	}
	return out
}
