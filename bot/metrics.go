package bot

import (
	"github.com/outreachbot/outreachbot/message"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	commands    *prometheus.CounterVec
	ackLatency  *prometheus.HistogramVec
	ackByType   map[string]prometheus.Observer // ackLatency of the envelope types Slack sends, looked up once
	apiErrors   *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	// authFailures and authOK: Slack refusing the token or a scope.
	authFailures *prometheus.CounterVec
	authOK       prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "outreach_commands_total", Help: "Commands served, by command and outcome.",
		}, []string{"command", "outcome"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "outreach_ack_latency_seconds",
			Help:    "Time from a Socket Mode envelope's arrival to its acknowledgement, by envelope type.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}, []string{"type"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "outreach_slack_api_errors_total", Help: "Slack Web API calls that failed, by method and error.",
		}, []string{"method", "error"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "outreach_slack_ratelimited_total", Help: "Slack Web API calls answered 429, by method.",
		}, []string{"method"}),
	}
	m.authFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "outreach_slack_auth_failures_total",
		Help: "Slack Web API calls refused for the token or a missing scope (token_revoked, missing_scope…), by method and error.",
	}, []string{"method", "error"})
	m.authOK = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "outreach_slack_auth_ok",
		Help: "1 while Slack accepts the bot's calls; 0 while it refuses the token or a scope (scheduled work is held).",
	})
	m.authOK.Set(1)
	m.ackByType = map[string]prometheus.Observer{}
	for _, t := range []string{"slash_commands", "interactive", "events_api"} {
		m.ackByType[t] = m.ackLatency.WithLabelValues(t)
	}
	reg.MustRegister(m.commands, m.ackLatency, m.apiErrors, m.rateLimited, m.authFailures, m.authOK)
	return m
}

func (m *metrics) observe(r message.Reply) {
	name := r.Command
	if name == "" {
		name = "unknown"
	}
	outcome := string(r.Outcome)
	if outcome == "" {
		outcome = string(message.OutcomeOK)
	}
	m.commands.WithLabelValues(name, outcome).Inc()
}

// ackObserver is ackLatency for envelopes of type t.
func (m *metrics) ackObserver(t string) prometheus.Observer {
	if o, ok := m.ackByType[t]; ok {
		return o
	}
	return m.ackLatency.WithLabelValues(t)
}
