package commands

import (
	"context"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

// canvasStore is what the partners' canvases add to Store.
type canvasStore interface {
	TouchCanvas(ctx context.Context, team, slug string, now time.Time, window time.Duration) error
}

// touchCanvas says the canvases of the partners named (slugs; "" ones
// skipped) should show something new: what their liaisons may see
// changed (a shared follow-up, an event, a survey answer, a need). With
// OUTREACH_PARTNER_CANVAS off it does nothing. It is best effort: the
// write it follows is done, and the daily canvas sweep catches what a
// failed touch missed.
func (h *Handler) touchCanvas(ctx context.Context, team string, slugs ...string) {
	if !h.cfg.Canvas {
		return
	}
	now := h.now()
	for _, slug := range slugs {
		if slug == "" {
			continue
		}
		if err := h.store.TouchCanvas(ctx, team, slug, now, store.CanvasBatch); err != nil {
			h.log.Warn("queue a partner's canvas update", "partner", slug, "err", err)
		}
	}
}

// touchSharedFollowUp touches the canvas of a follow-up's partner when
// the follow-up is shared with it.
func (h *Handler) touchSharedFollowUp(ctx context.Context, team string, f domain.FollowUp) {
	if f.Shared {
		h.touchCanvas(ctx, team, f.Partner)
	}
}
