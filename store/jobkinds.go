package store

import "strings"

// A job id is its kind, then its parameters, joined by ':' ("fu:12:1",
// "digest:2026-11-30T09:00"). The scheduler's table of jobs
// (scheduler/table.go) has every kind; the kinds defined here are those
// whose ids the store builds itself: the Lua scripts build them with the
// J functions that scripts.go generates from jobShapes.
const (
	// JobReminder: a follow-up's reminder, fu:<follow-up id>:<seq>; seq
	// grows with each snooze or repeat, so every reminder post has its
	// own id.
	JobReminder = "fu"
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
	// JobSurveyRemind: a survey's one reminder to those in its channel
	// who have not answered, svremind:<survey id>.
	JobSurveyRemind = "svremind"
	// JobSurveyClose: a survey stops taking answers (an anonymous one's
	// secret is erased), svclose:<survey id>.
	JobSurveyClose = "svclose"
	// JobCanvas: bring a partner's channel canvas up to date,
	// canvas:<slug>:<batch>; the batch numbers the moment it is due
	// (TouchCanvas), so the writes of one batch share one job.
	JobCanvas = "canvas"
	// JobCanvasNote: tell an admin, once, that Slack refuses the
	// workspace's canvases, canvasnote:<user>.
	JobCanvasNote = "canvasnote"
)

// jobShapes is the table of job ids: name is the Lua function of J.
var jobShapes = []*shape{
	jobShape("Reminder", JobReminder+":{id}:{seq}"),
	jobShape("EventEnd", JobEventEnd+":{id}"),
	jobShape("Attendance", JobAttendance+":{id}"),
	jobShape("FeedbackSurvey", JobFeedbackSurvey+":{id}"),
	jobShape("FollowUpSurvey", JobFollowUpSurvey+":{id}"),
	jobShape("SurveyPost", JobSurveyPost+":{id}"),
	jobShape("Note", JobNote+":{slug}:{id}"),
	jobShape("SurveyRemind", JobSurveyRemind+":{id}"),
	jobShape("SurveyClose", JobSurveyClose+":{id}"),
	jobShape("Canvas", JobCanvas+":{slug}:{seq}"),
	jobShape("CanvasNote", JobCanvasNote+":{user}"),
	// The scheduler's own: a recurring job's occurrence, and the per
	// person or per partner jobs one fans out into.
	jobShape("Recurring", "{kind}:{occurrence}"),
	jobShape("FannedOut", "{kind}:{occurrence}:{slug}"),
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

// JobKinds lists the kinds defined here, for tests that check each has a
// row in the scheduler's table.
func JobKinds() []string {
	var out []string
	for _, s := range jobShapes {
		if s.lits[0] != "" {
			out = append(out, strings.TrimSuffix(s.lits[0], ":"))
		}
	}
	return out
}
