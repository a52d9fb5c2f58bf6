package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/jonboulle/clockwork"
)

func TestRedactRedis(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no credentials", "redis://localhost:6379/0", "redis://localhost:6379/0"},
		{"password only", "redis://:s3cret@redis.internal:6379/0", "redis://***@redis.internal:6379/0"},
		{"user and password", "rediss://outreach:s3cret@redis.internal:6380/2?dial_timeout=3s", "rediss://***@redis.internal:6380/2?dial_timeout=3s"},
		{"password with @ and /", "redis://u:p@ss/w0rd@host:6379/1", "redis://***@host:6379/1"},
		{"not a URL", "redis//u:s3cret@host", "***@host"},
		{"no scheme", "u:s3cret@host:6379", "***@host:6379"},
		{"bad port", "redis://u:s3cret@host:port/0", "redis://***@host:port/0"},
		{"no path", "redis://u:s3cret@host", "redis://***@host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := redactRedis(tc.in); got != tc.want {
				t.Errorf("redactRedis(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestRedisPasswordNeverPrinted: a REDIS_URL (or REDIS_ADDRS entry) that
// stops the start is named in the error without its user or password,
// whether the configuration check or the Redis client refuses it.
func TestRedisPasswordNeverPrinted(t *testing.T) {
	slack := map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"scheme", map[string]string{"REDIS_URL": "http://outreach:hunter2@redis.internal:6379/0"}, "REDIS_URL: expects redis://[user:password@]host:port/db, got \"http://***@redis.internal:6379/0\""},
		{"not a URL", map[string]string{"REDIS_URL": "redis://outreach:hunter2@redis.internal:port/0"}, "got \"redis://***@redis.internal:port/0\""},
		{"database", map[string]string{"REDIS_URL": "redis://outreach:hunter2@127.0.0.1:1/zero"}, "REDIS_URL redis://***@127.0.0.1:1/zero: redis: invalid database number"},
		{"address list", map[string]string{"REDIS_ADDRS": "outreach:hunter2@redis.internal"}, "REDIS_ADDRS: expects comma-separated host:port pairs, got \"***@redis.internal\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HTTP_ADDR": "127.0.0.1:0"}
			for k, v := range slack {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			var stderr strings.Builder
			code := run(context.Background(), clockwork.NewRealClock(), []string{"run"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &stderr)
			if code == 0 {
				t.Fatalf("exit 0 with %v", tc.env)
			}
			out := stderr.String()
			if strings.Contains(out, "hunter2") || strings.Contains(out, "outreach:") {
				t.Errorf("the credentials are printed:\n%s", out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("stderr:\n%s\nwant it to say %q", out, tc.want)
			}
		})
	}
}
