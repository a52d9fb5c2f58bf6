package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/outreachbot/outreachbot/bot"
	"github.com/outreachbot/outreachbot/scheduler"
)

// slackPoster delivers the scheduler's posts through the bot's outbox,
// and tells it what Slack's refusals mean for the job.
type slackPoster struct{ b *bot.Bot }

func (p slackPoster) Post(ctx context.Context, post scheduler.Post) (scheduler.Posted, error) {
	ch, ts, err := p.b.PostScheduledFenced(ctx, post.To, post.Key, post.Message, post.Order, post.Fence)
	return scheduler.Posted{Channel: ch, TS: ts}, postError(err)
}

// postError says what a failed post means for its job: not sent because
// its lease moved, or as refusal says.
func postError(err error) error {
	if errors.Is(err, bot.ErrFenced) {
		return fmt.Errorf("%w: %w", scheduler.ErrFenced, err)
	}
	return refusal(err, scheduler.ErrUndeliverable)
}

func (p slackPoster) Find(ctx context.Context, to, key string, since time.Time) (scheduler.Posted, bool, error) {
	ch, ts, ok, err := p.b.FindPost(ctx, to, key, since)
	return scheduler.Posted{Channel: ch, TS: ts}, ok, refusal(err, scheduler.ErrCannotCheck)
}

func (p slackPoster) Zone(ctx context.Context, user string) (*time.Location, error) {
	return p.b.UserZone(ctx, user)
}

func (p slackPoster) Shared(ctx context.Context, channel string) (bool, error) {
	shared, err := p.b.ChannelShared(ctx, channel)
	return shared, refusal(err, scheduler.ErrUndeliverable)
}

// People, IsBot and Permalink make the poster the scheduler's Roster:
// a survey's reminder goes to the people of its channel who have not
// answered, with a link to it.
func (p slackPoster) People(ctx context.Context, channel string) ([]string, error) {
	people, err := p.b.ChannelPeople(ctx, channel)
	return people, refusal(err, scheduler.ErrUndeliverable)
}

func (p slackPoster) IsBot(ctx context.Context, user string) (bool, error) {
	return p.b.IsBot(ctx, user)
}

func (p slackPoster) Permalink(ctx context.Context, channel, ts string) (string, error) {
	link, err := p.b.Permalink(ctx, channel, ts)
	return link, refusal(err, scheduler.ErrUndeliverable)
}

// CreateCanvas, LookupSections and EditCanvas make the poster the
// scheduler's Canvases: partners' channel canvases.
func (p slackPoster) CreateCanvas(ctx context.Context, channel, title, markdown string) (string, error) {
	id, err := p.b.CreateChannelCanvas(ctx, channel, title, markdown)
	return id, canvasError(err)
}

func (p slackPoster) LookupSections(ctx context.Context, canvas string, types []string, text string) ([]string, error) {
	ids, err := p.b.LookupCanvasSections(ctx, canvas, types, text)
	return ids, canvasError(err)
}

func (p slackPoster) EditCanvas(ctx context.Context, canvas, op, section, markdown string) error {
	return canvasError(p.b.EditCanvas(ctx, canvas, op, section, markdown))
}

// canvasError says what a failed canvas call means for its job: the
// workspace refuses canvases, the channel has one, the canvas is gone,
// or as refusal says.
func canvasError(err error) error {
	var refused *bot.CanvasRefusedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refused):
		return &scheduler.Refused{Class: scheduler.ErrCanvasRefused, Code: refused.Code, Err: err}
	case errors.Is(err, bot.ErrCanvasExists):
		return fmt.Errorf("%w: %w", scheduler.ErrCanvasExists, err)
	case errors.Is(err, bot.ErrCanvasGone):
		return fmt.Errorf("%w: %w", scheduler.ErrCanvasGone, err)
	}
	return refusal(err, scheduler.ErrUndeliverable)
}

// refusal says what a failed Slack call means for a job: Slack refusing
// the bot's calls holds it; Slack refusing this call for good is
// destination (the post cannot go, or its earlier post cannot be
// checked); anything else may pass.
func refusal(err, destination error) error {
	if err == nil {
		return nil
	}
	f, code := bot.Classify(err)
	switch f {
	case bot.FailAuth:
		return &scheduler.Refused{Class: scheduler.ErrHeld, Code: code, Err: err}
	case bot.FailDestination:
		return &scheduler.Refused{Class: destination, Code: code, Err: err}
	}
	if code == "" {
		return err // a timeout, a stop: nothing from Slack to record
	}
	return &scheduler.Refused{Class: scheduler.ErrTransient, Code: code, Err: err}
}
