package main

import (
	"context"
	"fmt"
	"time"

	"github.com/outreachbot/outreachbot/bot"
	"github.com/outreachbot/outreachbot/scheduler"
)

// slackPoster delivers the scheduler's posts through the bot's outbox.
type slackPoster struct{ b *bot.Bot }

func (p slackPoster) Post(ctx context.Context, post scheduler.Post) (scheduler.Posted, error) {
	ch, ts, err := p.b.PostScheduled(ctx, post.To, post.Key, post.Message, post.Order)
	if err != nil && bot.Permanent(err) {
		err = fmt.Errorf("%w: %w", scheduler.ErrUndeliverable, err)
	}
	return scheduler.Posted{Channel: ch, TS: ts}, err
}

func (p slackPoster) Find(ctx context.Context, to, key string, since time.Time) (scheduler.Posted, bool, error) {
	ch, ts, ok, err := p.b.FindPost(ctx, to, key, since)
	return scheduler.Posted{Channel: ch, TS: ts}, ok, err
}

func (p slackPoster) Zone(ctx context.Context, user string) (*time.Location, error) {
	return p.b.UserZone(ctx, user)
}
