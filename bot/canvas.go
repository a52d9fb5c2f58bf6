package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// Partners' channel canvases (OUTREACH_PARTNER_CANVAS), through Slack's
// canvas methods: conversations.canvases.create (Tier 2),
// canvases.sections.lookup and canvases.edit (Tier 3).

// Canvas errors the scheduler tells apart.
var (
	// ErrCanvasExists: the channel has its canvas already
	// (channel_canvas_already_exists).
	ErrCanvasExists = errors.New("the channel has a canvas already")
	// ErrCanvasGone: the canvas was deleted (canvas_not_found,
	// canvas_deleted).
	ErrCanvasGone = errors.New("the canvas is gone")
)

// CanvasRefusedError: Slack refuses canvases in this workspace, whatever
// the channel: its plan, its admins, or a scope the app was not granted.
type CanvasRefusedError struct {
	Code string
	Err  error
}

func (e *CanvasRefusedError) Error() string { return "canvases refused: " + e.Code }
func (e *CanvasRefusedError) Unwrap() error { return e.Err }

// canvasRefusals are Slack's answers that refuse every canvas of the
// workspace (the methods' documented errors), and missing_scope: an app
// installed before canvases:read and canvases:write were in its manifest.
var canvasRefusals = map[string]bool{
	"team_tier_cannot_create_channel_canvases": true, "free_team_canvas_tab_already_exists": true,
	"canvas_disabled_user_team": true, "free_teams_cannot_edit_standalone_canvases": true,
	"restricted_action": true, "missing_scope": true,
}

// canvasRateWait bounds how long a canvas call waits out a 429 before
// the job is left to try again later.
const canvasRateWait = time.Minute

// canvasCall makes one canvas call (method names it), waiting out a
// rate limit up to canvasRateWait, and says what Slack's answer means. A
// missing scope here is the canvases' refusal, not the bot's: the rest
// of the bot does not wait for an admin.
func (b *Bot) canvasCall(ctx context.Context, method string, call func() error) error {
	deadline := b.clock.Now().Add(canvasRateWait)
	for {
		err := call()
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) && b.clock.Now().Add(rl.RetryAfter).Before(deadline) {
			b.metrics.rateLimited.WithLabelValues(method).Inc()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-b.clock.After(rl.RetryAfter):
			}
			continue
		}
		var se slack.SlackErrorResponse
		if errors.As(err, &se) {
			switch {
			case canvasRefusals[se.Err]:
				b.metrics.apiErrors.WithLabelValues(method, se.Err).Inc()
				return &CanvasRefusedError{Code: se.Err, Err: err}
			case se.Err == "channel_canvas_already_exists":
				return fmt.Errorf("%s: %w", method, ErrCanvasExists)
			case se.Err == "canvas_not_found", se.Err == "canvas_deleted":
				return fmt.Errorf("%s: %w: %w", method, ErrCanvasGone, err)
			}
		}
		if b.observe(method, err) != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		return nil
	}
}

// CreateChannelCanvas makes channel's canvas, titled, with markdown, and
// returns its id. When the channel has a canvas already, it returns that
// one's id (conversations.info's properties.canvas) with ErrCanvasExists.
func (b *Bot) CreateChannelCanvas(ctx context.Context, channel, title, markdown string) (string, error) {
	var id string
	err := b.canvasCall(ctx, "conversations.canvases.create", func() error {
		var err error
		id, err = b.api.CreateChannelCanvasContext(ctx, channel, slack.DocumentContent{Type: "markdown", Markdown: markdown},
			slack.CreateChannelCanvasOptionTitle(title))
		return err
	})
	if !errors.Is(err, ErrCanvasExists) {
		return id, err
	}
	info, ierr := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if b.observe("conversations.info", ierr) != nil || info.Properties == nil {
		return "", err
	}
	return info.Properties.Canvas.FileId, err
}

// LookupCanvasSections finds canvas's sections of types (none for any)
// that contain text.
func (b *Bot) LookupCanvasSections(ctx context.Context, canvas string, types []string, text string) ([]string, error) {
	var secs []slack.CanvasSection
	err := b.canvasCall(ctx, "canvases.sections.lookup", func() error {
		var err error
		secs, err = b.api.LookupCanvasSectionsContext(ctx, slack.LookupCanvasSectionsParams{CanvasID: canvas,
			Criteria: slack.LookupCanvasSectionsCriteria{SectionTypes: types, ContainsText: text}})
		return err
	})
	ids := make([]string, 0, len(secs))
	for _, s := range secs {
		ids = append(ids, s.ID)
	}
	return ids, err
}

// EditCanvas makes one change to canvas: op on section ("" for none)
// with markdown ("" for none: a delete).
func (b *Bot) EditCanvas(ctx context.Context, canvas, op, section, markdown string) error {
	change := slack.CanvasChange{Operation: op, SectionID: section}
	if markdown != "" {
		change.DocumentContent = slack.DocumentContent{Type: "markdown", Markdown: markdown}
	}
	return b.canvasCall(ctx, "canvases.edit", func() error {
		return b.api.EditCanvasContext(ctx, slack.EditCanvasParams{CanvasID: canvas, Changes: []slack.CanvasChange{change}})
	})
}
