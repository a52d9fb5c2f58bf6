package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/redis/go-redis/v9"
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
		{"address list", map[string]string{"REDIS_ADDRS": "outreach:hunter2@redis.internal"}, "REDIS_ADDRS: expects comma-separated host:port pairs (or rediss://host:port for TLS), got \"***@redis.internal\""},
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

// TestRedisCredentials: REDIS_USERNAME, REDIS_PASSWORD (or _FILE),
// REDIS_SENTINEL_PASSWORD, REDIS_TLS and REDIS_TLS_CA_FILE reach the
// client of every topology, and a password shows nowhere: not in a
// configuration error, not when the configuration is printed.
func TestRedisCredentials(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte("hunter2-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(caFile, testCA(t), 0o600); err != nil {
		t.Fatal(err)
	}
	type got struct {
		Kind, Username, Password, SentinelPassword string
		TLS, CA                                    bool
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    got
		wantErr string
	}{
		{"cluster with a password and TLS", map[string]string{"REDIS_ADDRS": "10.0.0.1:6379,10.0.0.2:6379", "REDIS_USERNAME": "bot",
			"REDIS_PASSWORD": "hunter2", "REDIS_TLS": "on", "REDIS_TLS_CA_FILE": caFile},
			got{Kind: "cluster", Username: "bot", Password: "hunter2", TLS: true, CA: true}, ""},
		{"rediss:// addresses mean TLS", map[string]string{"REDIS_ADDRS": "rediss://10.0.0.1:6380,rediss://10.0.0.2:6380", "REDIS_PASSWORD_FILE": pwFile},
			got{Kind: "cluster", Password: "hunter2-from-file", TLS: true}, ""},
		{"sentinel with both passwords", map[string]string{"REDIS_ADDRS": "10.0.0.1:26379", "REDIS_MASTER_NAME": "mymaster",
			"REDIS_PASSWORD": "hunter2", "REDIS_SENTINEL_PASSWORD": "hunter3"},
			got{Kind: "sentinel", Password: "hunter2", SentinelPassword: "hunter3"}, ""},
		{"one node, the password from a file, TLS", map[string]string{"REDIS_URL": "redis://10.0.0.1:6379/0", "REDIS_PASSWORD_FILE": pwFile, "REDIS_TLS": "on"},
			got{Kind: "node", Password: "hunter2-from-file", TLS: true}, ""},
		{"one node, rediss:// and a CA", map[string]string{"REDIS_URL": "rediss://10.0.0.1:6380/0", "REDIS_TLS_CA_FILE": caFile},
			got{Kind: "node", TLS: true, CA: true}, ""},
		{"credentials in an address", map[string]string{"REDIS_ADDRS": "rediss://bot:hunter2@10.0.0.1:6380"}, got{},
			`REDIS_ADDRS: expects comma-separated host:port pairs (or rediss://host:port for TLS), got "rediss://***@10.0.0.1:6380"; credentials go in REDIS_USERNAME and REDIS_PASSWORD`},
		{"both a password and its file", map[string]string{"REDIS_URL": "redis://10.0.0.1:6379/0", "REDIS_PASSWORD": "hunter2", "REDIS_PASSWORD_FILE": pwFile}, got{},
			"REDIS_PASSWORD_FILE: set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both"},
		{"a password file missing", map[string]string{"REDIS_URL": "redis://10.0.0.1:6379/0", "REDIS_PASSWORD_FILE": "/nonexistent/pw"}, got{},
			`REDIS_PASSWORD_FILE: cannot read "/nonexistent/pw": no such file or directory`},
		{"a password in the URL and the variable", map[string]string{"REDIS_URL": "redis://:hunter2@10.0.0.1:6379/0", "REDIS_PASSWORD": "hunter2"}, got{},
			"REDIS_PASSWORD: REDIS_URL carries credentials already; give them in one place"},
		{"mixed addresses", map[string]string{"REDIS_ADDRS": "rediss://10.0.0.1:6380,10.0.0.2:6379"}, got{},
			"REDIS_ADDRS: mixes rediss:// (TLS) and plain addresses; use one kind, or REDIS_TLS=on"},
		{"TLS yes", map[string]string{"REDIS_ADDRS": "10.0.0.1:6379", "REDIS_TLS": "yes"}, got{}, `REDIS_TLS: expects on or off, got "yes"`},
		{"a CA file that is not one", map[string]string{"REDIS_ADDRS": "10.0.0.1:6379", "REDIS_TLS": "on", "REDIS_TLS_CA_FILE": pwFile}, got{},
			`REDIS_TLS_CA_FILE: expects PEM certificates (the CA that signed Redis's), found none in "` + pwFile + `"`},
		{"a sentinel password without Sentinel", map[string]string{"REDIS_ADDRS": "10.0.0.1:6379", "REDIS_SENTINEL_PASSWORD": "hunter3"}, got{},
			"REDIS_SENTINEL_PASSWORD: is the sentinels' password: it needs REDIS_MASTER_NAME and REDIS_ADDRS (Sentinel)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := loadConfig(func(k string) string { return env[k] }, "run")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("loadConfig = %v; want it to say %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "hunter") {
					t.Errorf("the error prints a password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"%v", "%+v", "%#v"} {
				if s := fmt.Sprintf(format, cfg); strings.Contains(s, "hunter") {
					t.Errorf("Sprintf(%q, config) prints a password: %s", format, s)
				}
			}
			rdb, err := newRedis(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer rdb.Close()
			var g got
			var tlsc *tls.Config
			switch c := rdb.(type) {
			case *redis.ClusterClient:
				o := c.Options()
				g = got{Kind: "cluster", Username: o.Username, Password: o.Password}
				tlsc = o.TLSConfig
			case *redis.Client:
				o := c.Options()
				g = got{Kind: "node", Username: o.Username, Password: o.Password}
				tlsc = o.TLSConfig
				if cfg.RedisMasterName != "" {
					g.Kind = "sentinel"
					g.SentinelPassword = string(cfg.RedisSentinelPassword)
				}
			default:
				t.Fatalf("client %T", rdb)
			}
			g.TLS, g.CA = tlsc != nil, tlsc != nil && tlsc.RootCAs != nil
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("client options (-want +got):\n%s", diff)
			}
		})
	}
}

// testCA is a self-signed CA certificate, PEM-encoded.
func testCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		BasicConstraintsValid: true, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<33, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestTokenMistakes: a missing, swapped or wrong Slack token is named
// with what it holds and what it needs, and its value is never printed.
func TestTokenMistakes(t *testing.T) {
	for _, tc := range []struct {
		name, app, bot string
		want           []string
	}{
		{"missing", "", "", []string{"SLACK_APP_TOKEN: required: the app-level token (xapp-…)", "SLACK_BOT_TOKEN: required: the bot token (xoxb-…)"}},
		{"swapped", "xoxb-secret-1", "xapp-secret-2", []string{"SLACK_APP_TOKEN: holds a bot token (xoxb-…): SLACK_APP_TOKEN and SLACK_BOT_TOKEN look swapped", "SLACK_BOT_TOKEN: holds an app-level token (xapp-…): SLACK_APP_TOKEN and SLACK_BOT_TOKEN look swapped"}},
		{"a user token", "xapp-secret-1", "xoxp-secret-2", []string{"SLACK_BOT_TOKEN: holds a user token (xoxp-…); it needs the bot token (xoxb-…)"}},
		{"not a token", "secret-1", "xoxb-secret-2", []string{"SLACK_APP_TOKEN: holds something that is not a Slack token; it needs the app-level token"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"SLACK_APP_TOKEN": tc.app, "SLACK_BOT_TOKEN": tc.bot}
			_, err := loadConfig(func(k string) string { return env[k] }, "run")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("a token is printed:\n%v", err)
			}
		})
	}
}
