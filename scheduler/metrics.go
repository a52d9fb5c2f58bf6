package scheduler

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	posts    *prometheus.CounterVec
	lag      *prometheus.HistogramVec
	failures *prometheus.CounterVec
	missed   *prometheus.CounterVec
	claims   prometheus.Counter
	reclaims prometheus.Counter
	deferred prometheus.Counter
	held     prometheus.Counter
	ended    *prometheus.CounterVec
	fenced   *prometheus.CounterVec
	ran      atomic.Int64
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		posts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "outreach_posts_sent_total", Help: "Scheduled posts Slack accepted, by job.",
		}, []string{"job"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "outreach_scheduler_lag_seconds", Help: "From due time to the post accepted, by job.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300},
		}, []string{"job"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "outreach_job_failures_total", Help: "Jobs that failed (they are retried after their lease), by job.",
		}, []string{"job"}),
		missed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "outreach_missed_occurrences_total", Help: "Recurring occurrences missed while no replica ran (only the latest is caught up).",
		}, []string{"job"}),
		claims:   prometheus.NewCounter(prometheus.CounterOpts{Name: "outreach_claims_total", Help: "Jobs claimed."}),
		reclaims: prometheus.NewCounter(prometheus.CounterOpts{Name: "outreach_reclaims_total", Help: "Jobs taken back after their lease expired."}),
		deferred: prometheus.NewCounter(prometheus.CounterOpts{Name: "outreach_quiet_deferrals_total", Help: "DMs put off to the recipient's working hours."}),
	}
	m.held = prometheus.NewCounter(prometheus.CounterOpts{Name: "outreach_held_jobs_total",
		Help: "Jobs handed back untried while Slack refused the bot's calls (a revoked token, a missing scope)."})
	m.ended = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outreach_jobs_ended_total",
		Help: "Jobs ended without their post: Slack refused it for good, could not show an earlier post, or every try failed; by job and reason."},
		[]string{"job", "reason"})
	m.fenced = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outreach_posts_fenced_total",
		Help: "Scheduled posts not sent because, as they were about to leave, the job's lease had moved to another holder (which posts it), by job."},
		[]string{"job"})
	reg.MustRegister(m.posts, m.lag, m.failures, m.missed, m.claims, m.reclaims, m.deferred, m.held, m.ended, m.fenced)
	return m
}

func (m *metrics) jobsRun() int { return int(m.ran.Load()) }
