// Command outreachbot is Outreach Bot: `outreachbot run` serves Slack over
// Socket Mode; `outreachbot console` speaks the same commands at a
// terminal. Configuration comes from the environment (see the README).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/jonboulle/clockwork"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, clockwork.NewRealClock(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}
