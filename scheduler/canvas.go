package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// Canvases edits channel canvases (OUTREACH_PARTNER_CANVAS): the bot's
// poster is one (scheduler.New finds it); without one, canvas jobs do
// nothing. Section ids change with every edit, so each edit follows its
// own look-up.
type Canvases interface {
	// CreateCanvas makes channel's canvas, titled, holding markdown, and
	// returns its id. When the channel has one already, the error wraps
	// ErrCanvasExists, and the id is that canvas's when Slack says it.
	CreateCanvas(ctx context.Context, channel, title, markdown string) (string, error)
	// LookupSections finds canvas's sections of types (h1, h2, h3 or
	// any_header; none for any type) that contain text.
	LookupSections(ctx context.Context, canvas string, types []string, text string) ([]string, error)
	// EditCanvas makes one change: op (insert_at_end, replace, delete…)
	// on section ("" for none) with markdown ("" for none).
	EditCanvas(ctx context.Context, canvas, op, section, markdown string) error
}

// What a Canvases' errors wrap, besides a Poster's (Refused).
var (
	// ErrCanvasExists: the channel has a canvas already.
	ErrCanvasExists = errors.New("the channel has a canvas already")
	// ErrCanvasGone: the canvas was deleted.
	ErrCanvasGone = errors.New("no such canvas")
	// ErrCanvasRefused: Slack refuses the workspace's canvases (its
	// plan, its admins, a scope the app was not granted); Refused's Code
	// says which.
	ErrCanvasRefused = errors.New("slack refuses canvases in this workspace")
)

// canvasRetry is how long a workspace whose canvases Slack refused waits
// before the bot tries again (a plan may be upgraded).
const canvasRetry = 30 * 24 * time.Hour

// canvasNeeds is the period the canvas's needs cover.
const canvasNeeds = "90d"

// canvas brings a partner's channel canvas up to date
// ("canvas:<slug>:<batch>"): it makes the canvas the first time, then
// rewrites only the parts whose content changed since they were last
// written. A partner erased, archived or unlinked has its parts emptied
// and its canvas forgotten. While Slack refuses the workspace's canvases
// nothing is tried.
func (s *Scheduler) canvas(ctx context.Context, j store.Job, token, rest string) error {
	slug := rest
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		slug = rest[:i]
	}
	if !s.cfg.Canvas || s.canvases == nil {
		return s.finish(ctx, j, token)
	}
	now := s.clock.Now()
	if code, err := s.store.CanvasRefusal(ctx, s.cfg.Team, now); err != nil || code != "" {
		if err != nil {
			return err
		}
		return s.finish(ctx, j, token)
	}
	c, err := s.store.Canvas(ctx, s.cfg.Team, slug)
	if err != nil {
		return err
	}
	p, ok, err := s.partner(ctx, slug)
	if err != nil {
		return err
	}
	if !ok || p.Archived || p.Channel == "" || (c.ID != "" && c.Channel != p.Channel) {
		if c.ID != "" {
			if err := s.clearCanvas(ctx, slug, c); err != nil {
				return s.canvasFailed(ctx, j, token, err)
			}
		}
		if !ok || p.Archived || p.Channel == "" {
			return s.finish(ctx, j, token)
		}
		c = domain.Canvas{} // linked to another channel since: a canvas there
	}
	content, err := s.canvasContent(ctx, p, now)
	if err != nil {
		return err
	}
	parts := content.Parts()
	if c.ID == "" {
		var doc []string
		doc = append(doc, content.Intro())
		for _, part := range parts {
			doc = append(doc, part.Markdown())
		}
		id, err := s.canvases.CreateCanvas(ctx, p.Channel, content.CanvasTitle(), strings.Join(doc, "\n\n"))
		created := err == nil
		switch {
		case errors.Is(err, ErrCanvasExists) && id != "":
			// Someone made the channel's canvas first: the parts go in it.
			s.log.Info("a partner's channel has a canvas already; the bot's parts go into it", "partner", slug)
		case errors.Is(err, ErrCanvasExists):
			s.log.Warn("a partner's channel has a canvas Slack does not name; it is left alone", "partner", slug)
			return s.finish(ctx, j, token)
		case err != nil:
			return s.canvasFailed(ctx, j, token, err)
		}
		if err := s.store.SetCanvas(ctx, s.cfg.Team, slug, id, p.Channel); err != nil {
			return err
		}
		c = domain.Canvas{ID: id, Channel: p.Channel, Written: map[string]string{}}
		if created {
			for _, part := range parts {
				c.Written[part.Title] = partHash(part)
				if err := s.store.CanvasWritten(ctx, s.cfg.Team, slug, part.Title, c.Written[part.Title]); err != nil {
					return err
				}
			}
		}
	}
	for _, part := range parts {
		h := partHash(part)
		if c.Written[part.Title] == h {
			continue
		}
		if err := s.writePart(ctx, c.ID, part, part); err != nil {
			if errors.Is(err, ErrCanvasGone) {
				// Deleted in Slack: forget it, and make it anew.
				if err := s.store.ForgetCanvas(ctx, s.cfg.Team, slug); err != nil {
					return err
				}
				if err := s.store.TouchCanvas(ctx, s.cfg.Team, slug, now, store.CanvasBatch); err != nil {
					return err
				}
				return s.finish(ctx, j, token)
			}
			return s.canvasFailed(ctx, j, token, err)
		}
		if err := s.store.CanvasWritten(ctx, s.cfg.Team, slug, part.Title, h); err != nil {
			return err
		}
	}
	return s.finish(ctx, j, token)
}

// writePart rewrites one of the bot's parts in a canvas, found again by
// the heading and the body's first line of was (what the bot wrote there
// before), with part, and leaves every other section alone. Whether
// Slack counts a body in its heading's section or as a section of its
// own, the part ends up once, as given; a part whose heading someone
// deleted is written again at the end.
func (s *Scheduler) writePart(ctx context.Context, canvas string, was, part message.CanvasPart) error {
	heads, err := s.canvases.LookupSections(ctx, canvas, []string{"h2"}, was.Title)
	if err != nil {
		return err
	}
	bodies, err := s.canvases.LookupSections(ctx, canvas, nil, was.Marker)
	if err != nil {
		return err
	}
	switch {
	case len(heads) == 0:
		if len(bodies) > 0 {
			if err := s.canvases.EditCanvas(ctx, canvas, "delete", bodies[0], ""); err != nil {
				return err
			}
		}
		return s.canvases.EditCanvas(ctx, canvas, "insert_at_end", "", part.Markdown())
	case len(bodies) == 0 || bodies[0] == heads[0]:
		return s.canvases.EditCanvas(ctx, canvas, "replace", heads[0], part.Markdown())
	}
	return s.canvases.EditCanvas(ctx, canvas, "replace", bodies[0], part.Body)
}

// clearCanvas empties the bot's parts in a partner's canvas (the partner
// erased, archived, or linked to another channel) and forgets it: what
// only its liaisons should see does not stay there. A part whose heading
// is gone is left gone.
func (s *Scheduler) clearCanvas(ctx context.Context, slug string, c domain.Canvas) error {
	for _, was := range (message.PartnerCanvas{}).Parts() {
		heads, err := s.canvases.LookupSections(ctx, c.ID, []string{"h2"}, was.Title)
		if errors.Is(err, ErrCanvasGone) {
			break
		}
		if err != nil {
			return err
		}
		if len(heads) == 0 {
			continue
		}
		gone := message.CanvasPart{Title: was.Title, Body: "The outreach team's bot no longer keeps this part."}
		if err := s.writePart(ctx, c.ID, was, gone); err != nil && !errors.Is(err, ErrCanvasGone) {
			return err
		}
	}
	return s.store.ForgetCanvas(ctx, s.cfg.Team, slug)
}

// canvasFailed ends a canvas job Slack refused: for the workspace (its
// plan, its admins, a scope), canvases stop for a while and the admins
// are told once; for this channel (gone, the bot not in it), the job
// ends quietly; anything else is tried again like any failed job.
func (s *Scheduler) canvasFailed(ctx context.Context, j store.Job, token string, err error) error {
	var r *Refused
	switch {
	case errors.Is(err, ErrCanvasRefused):
		code := "refused"
		if errors.As(err, &r) {
			code = r.Code
		}
		s.canvasRefused(ctx, code)
		return s.finish(ctx, j, token)
	case errors.Is(err, ErrUndeliverable):
		s.log.Warn("a partner's canvas cannot be kept in its channel", "job", j.ID, "err", err)
		return s.finish(ctx, j, token)
	}
	return err
}

// canvasRefused records that Slack refuses the workspace's canvases and,
// the first time, queues one note to each admin.
func (s *Scheduler) canvasRefused(ctx context.Context, code string) {
	now := s.clock.Now()
	first, err := s.store.RefuseCanvases(ctx, s.cfg.Team, code, now.Add(canvasRetry), now)
	if err != nil {
		s.log.Warn("record that Slack refuses canvases", "err", err)
		return
	}
	s.log.Warn("Slack refuses partner canvases in this workspace; trying again in 30 days", "error", code)
	if !first {
		return
	}
	if len(s.cfg.Admins) == 0 {
		s.log.Warn("no OUTREACH_ADMINS to tell that Slack refuses partner canvases")
		return
	}
	jobs := map[string]time.Time{}
	for _, admin := range s.cfg.Admins {
		jobs[store.JobID(store.JobCanvasNote, admin)] = now
	}
	if _, err := s.store.EnqueueJobs(ctx, s.cfg.Team, jobs); err != nil {
		s.log.Warn("queue the note that Slack refuses partner canvases", "err", err)
	}
}

// canvasNote tells one admin, by DM in their working hours, that Slack
// refuses the workspace's canvases ("canvasnote:<user>").
func (s *Scheduler) canvasNote(ctx context.Context, j store.Job, token, admin string) error {
	loc := s.zone(ctx, admin)
	if deferred, err := s.quiet(ctx, j, token, loc); deferred || err != nil {
		return err
	}
	code, err := s.store.CanvasRefusal(ctx, s.cfg.Team, s.clock.Now())
	if err != nil {
		return err
	}
	if code == "" {
		return s.finish(ctx, j, token) // tried again since, and it worked
	}
	if _, err := s.deliver(ctx, "canvas-note", j, token, Post{To: admin, Key: j.ID, Message: message.CanvasRefused(code)}); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// canvasSweep brings every partner's canvas up to date once a day
// ("canvases:<occurrence>", OUTREACH_SCHEDULE_CANVAS): events pass and
// follow-ups fall due without any write to say so. A part that did not
// change costs no call to Slack.
func (s *Scheduler) canvasSweep(ctx context.Context, j store.Job, token, _ string) error {
	if err := s.touchCanvases(ctx); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// touchCanvases queues every partner's canvas job. A start does it too,
// so that switching OUTREACH_PARTNER_CANVAS on gives the partners linked
// already their canvases within a batch, not at the next sweep.
func (s *Scheduler) touchCanvases(ctx context.Context) error {
	ps, err := s.store.ListPartners(ctx, s.cfg.Team)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, p := range ps {
		if err := s.store.TouchCanvas(ctx, s.cfg.Team, p.Slug, now, store.CanvasBatch); err != nil {
			return err
		}
	}
	return nil
}

// canvasContent gathers what a partner's canvas shows: only what its
// liaisons may see (SPEC §1).
func (s *Scheduler) canvasContent(ctx context.Context, p domain.Partner, now time.Time) (message.PartnerCanvas, error) {
	c := message.PartnerCanvas{Partner: p.Name, Now: now, Loc: s.cfg.Loc}
	fs, err := s.store.PartnerFollowUps(ctx, s.cfg.Team, p.Slug, true)
	if err != nil {
		return c, err
	}
	for _, f := range fs {
		if f.Shared && f.Status == domain.StatusOpen {
			c.FollowUps = append(c.FollowUps, f)
		}
	}
	slices.SortFunc(c.FollowUps, func(a, b domain.FollowUp) int { return a.Due.Compare(b.Due) })
	es, err := s.store.Events(ctx, s.cfg.Team, p.Slug, now.Add(-24*time.Hour), now.AddDate(1, 0, 0), false, 30)
	if err != nil {
		return c, err
	}
	for _, e := range es {
		if e.End.After(now) && e.Cancelled.IsZero() {
			c.Events = append(c.Events, e)
		}
	}
	ids, err := s.store.PartnerSurveys(ctx, s.cfg.Team, p.Slug, 1)
	if err != nil {
		return c, err
	}
	if len(ids) > 0 {
		sv, err := s.store.Survey(ctx, s.cfg.Team, ids[0])
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return c, err
		}
		if err == nil {
			rs, err := s.store.Responses(ctx, s.cfg.Team, sv.ID)
			if err != nil {
				return c, err
			}
			c.Survey = &message.CanvasSurvey{Survey: sv, Subject: s.subject(ctx, sv), Responses: rs}
		}
	}
	period, err := when.ParsePeriod(canvasNeeds, now, s.cfg.Loc)
	if err != nil {
		return c, fmt.Errorf("canvas needs period: %w", err)
	}
	// What the partner's people told the team; the team's own notes
	// about the partner stay the team's, as in a liaison's `needs`.
	fromOutside := func(n domain.Need) bool { return n.Team != "" && n.Team != s.cfg.Team }
	topics, _, err := report.NeedsWhere(ctx, s.store, s.cfg.Team, p.Slug, period, fromOutside)
	if err != nil {
		return c, err
	}
	seen := map[int64]bool{}
	for _, t := range topics {
		if t.Count == 0 {
			continue
		}
		c.Needs = append(c.Needs, message.NeedTopic{Topic: t.Topic, Count: t.Count})
		for _, n := range t.Latest {
			if !seen[n.ID] {
				seen[n.ID] = true
				c.Notes = append(c.Notes, n)
			}
		}
	}
	slices.SortFunc(c.Notes, func(a, b domain.Need) int { return b.At.Compare(a.At) })
	return c, nil
}

// partHash is what a part's content was, to tell whether it changed.
func partHash(p message.CanvasPart) string {
	sum := sha256.Sum256([]byte(p.Markdown()))
	return hex.EncodeToString(sum[:8])
}
