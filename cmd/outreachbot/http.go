package main

import (
	"context"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/outreachbot/outreachbot/store"
)

type pinger interface {
	Ping(ctx context.Context) error
	durability
}

type durability interface {
	Durability(ctx context.Context) (store.Durability, error)
}

// slackState is the bot's side of readiness.
type slackState interface {
	Connected() bool // a Socket Mode connection is up
	Ready() bool     // and Slack accepts the bot's calls
}

// opsHandler serves /healthz (the process is up), /readyz (Redis answers,
// a Slack socket is connected and Slack accepts the bot's calls; a Redis
// that evicts or keeps nothing on disk is reported, and the bot stays
// ready) and /metrics; with withPprof, Go's profiles under /debug/pprof/ too.
func opsHandler(reg *prometheus.Registry, st pinger, sock slackState, withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			http.Error(w, "redis unreachable", http.StatusServiceUnavailable)
			return
		}
		if sock != nil && !sock.Connected() {
			http.Error(w, "slack socket not connected", http.StatusServiceUnavailable)
			return
		}
		if sock != nil && !sock.Ready() {
			http.Error(w, "slack refuses the bot's calls (a revoked token or a missing scope; see the logs)", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
		for _, n := range readyNotes(ctx, st) {
			_, _ = w.Write([]byte(n + "\n"))
		}
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	if withPprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return mux
}
