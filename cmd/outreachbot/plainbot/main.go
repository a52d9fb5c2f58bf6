//go:build bench

// Command plainbot is the yardstick of `make bench`'s bot-CPU row: a Slack
// bot as slack-go's Socket Mode examples write one, with go-redis. It
// decodes each slash command, appends it to a Redis list (one write), and
// acknowledges with an ephemeral "Logged call" message; other envelopes it
// acknowledges at once. It has no dedupe, identity, audit, feed or
// scheduler: what it costs per command is the cost of the Socket Mode path
// and a Redis round trip.
//
// Built and run only by the benchmark (cmd/outreachbot/bench_plain_test.go):
//
//	go build -tags bench ./cmd/outreachbot/plainbot
//
// It reads SLACK_APP_TOKEN, SLACK_BOT_TOKEN, SLACK_API_URL and REDIS_URL,
// serves Go's profiles under /debug/pprof/ on HTTP_ADDR when set, and
// exits 0 on SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "plainbot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	opt, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	api := slack.New(os.Getenv("SLACK_BOT_TOKEN"), slack.OptionAppLevelToken(os.Getenv("SLACK_APP_TOKEN")), slack.OptionAPIURL(os.Getenv("SLACK_API_URL")))
	sm := socketmode.New(api)

	if addr := os.Getenv("HTTP_ADDR"); addr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		go func() { _ = http.ListenAndServe(addr, mux) }()
	}

	go func() {
		for evt := range sm.Events {
			switch evt.Type {
			case socketmode.EventTypeSlashCommand:
				cmd, ok := evt.Data.(slack.SlashCommand)
				if !ok {
					continue
				}
				go func() {
					text := "Logged call: " + cmd.Text
					if err := rdb.RPush(ctx, "plainbot:contacts", cmd.UserID+" "+cmd.ChannelID+" "+cmd.Text).Err(); err != nil {
						text = "Could not save that: " + err.Error()
					}
					_ = sm.Ack(*evt.Request, map[string]any{"response_type": "ephemeral", "text": text})
				}()
			case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive:
				_ = sm.Ack(*evt.Request)
			}
		}
	}()
	if err := sm.RunContext(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("socket mode: %w", err)
	}
	return nil
}
