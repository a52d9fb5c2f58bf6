package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/outreachbot/outreachbot/store"
)

type pingOK struct{}

func (pingOK) Ping(context.Context) error { return nil }

func (pingOK) Durability(context.Context) (store.Durability, error) {
	return store.Durability{Known: true, Policy: "noeviction", AppendOnly: true}, nil
}

// TestOpsHandlerPprof: Go's profiles are served only when OUTREACH_PPROF
// asks for them; the ops endpoints are there either way.
func TestOpsHandlerPprof(t *testing.T) {
	for _, tc := range []struct {
		name      string
		withPprof bool
		want      map[string]int
	}{
		{"off", false, map[string]int{"/healthz": http.StatusOK, "/debug/pprof/": http.StatusNotFound, "/debug/pprof/cmdline": http.StatusNotFound}},
		{"on", true, map[string]int{"/healthz": http.StatusOK, "/debug/pprof/": http.StatusOK, "/debug/pprof/cmdline": http.StatusOK}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := opsHandler(prometheus.NewRegistry(), pingOK{}, nil, tc.withPprof)
			for path, want := range tc.want {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != want {
					t.Errorf("GET %s = %d; want %d", path, rec.Code, want)
				}
			}
		})
	}
}

func TestConfigPprof(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    bool
		wantErr bool
	}{{"", false, false}, {"off", false, false}, {"on", true, false}, {"ON", true, false}, {"yes", false, true}} {
		c, err := loadConfig(func(k string) string {
			if k == "OUTREACH_PPROF" {
				return tc.value
			}
			return ""
		}, "console")
		if (err != nil) != tc.wantErr || (err == nil && c.Pprof != tc.want) {
			t.Errorf("OUTREACH_PPROF=%q: Pprof %v, err %v; want %v, error %v", tc.value, c.Pprof, err, tc.want, tc.wantErr)
		}
	}
}
