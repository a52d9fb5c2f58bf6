package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
)

// wholeSections is a canvas whose sections are a heading and everything
// under it up to the next heading, the other reading of Slack's
// documents (slacktest keeps each block a section of its own): the bot's
// parts must come out right under both.
type wholeSections struct {
	*fakePoster
	mu    sync.Mutex
	doc   []string // sections, a heading's with its body
	edits int
}

func (w *wholeSections) CreateCanvas(_ context.Context, _, _, markdown string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.doc = splitAtHeadings(markdown)
	return "F0CANVAS", nil
}

func (w *wholeSections) LookupSections(_ context.Context, _ string, types []string, text string) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ids []string
	for i, sec := range w.doc {
		heading := strings.HasPrefix(sec, "#")
		if (len(types) == 0 || heading) && strings.Contains(sec, text) {
			ids = append(ids, fmt.Sprint(i))
		}
	}
	return ids, nil
}

func (w *wholeSections) EditCanvas(_ context.Context, _, op, section, markdown string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.edits++
	var i int
	fmt.Sscan(section, &i)
	switch op {
	case "replace":
		w.doc = slices.Replace(w.doc, i, i+1, splitAtHeadings(markdown)...)
	case "insert_at_end":
		w.doc = append(w.doc, splitAtHeadings(markdown)...)
	case "delete":
		w.doc = slices.Delete(w.doc, i, i+1)
	default:
		return fmt.Errorf("unexpected %s", op)
	}
	return nil
}

func (w *wholeSections) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.doc, "\n\n")
}

func splitAtHeadings(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "#") || len(out) == 0 {
			out = append(out, line)
			continue
		}
		out[len(out)-1] += "\n" + line
	}
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// TestCanvasPartsUnderWholeSections: the canvas is made once, with its
// four parts; a shared follow-up rewrites its part once, leaving what
// people wrote; a write to nothing the canvas shows costs no edit; an
// erased partner's parts are emptied.
func TestCanvasPartsUnderWholeSections(t *testing.T) {
	e := newEnv(t)
	canvas := &wholeSections{fakePoster: e.poster}
	ctx := context.Background()
	if err := e.st.AddPartner(ctx, team, domain.Partner{Slug: "county", Name: "County Health", Kind: "clinic", Stage: "active", Owner: "U0MARIA", Channel: "C0COUNTY"}, "U0MARIA", t0); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(only(scheduler.Config{Team: team, Loc: ny, Quiet: quietOff, Canvas: true}), store.New(e.srv.Client(), 0), canvas, e.clock,
		prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	touch := func() {
		t.Helper()
		if err := e.st.TouchCanvas(ctx, team, "county", e.clock.Now(), store.CanvasBatch); err != nil {
			t.Fatal(err)
		}
		e.advance(s, store.CanvasBatch)
	}
	touch()
	if doc := canvas.text(); strings.Count(doc, "## ") != 4 || !strings.Contains(doc, "Nothing open just now.") {
		t.Fatalf("the new canvas:\n%s", doc)
	}
	canvas.mu.Lock()
	canvas.doc = append(canvas.doc, "## Our own notes\nBring the banner.")
	canvas.mu.Unlock()

	if _, _, err := e.st.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"}, domain.FollowUp{Assignee: "U0MARIA", Due: t0.Add(48 * time.Hour), Text: "Send the sign-up sheet", Shared: true}, "U0MARIA", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	touch()
	doc := canvas.text()
	if strings.Count(doc, "## Shared next steps") != 1 || !strings.Contains(doc, "Send the sign-up sheet") || strings.Contains(doc, "Nothing open just now.") ||
		!strings.Contains(doc, "Bring the banner.") || canvas.edits != 1 {
		t.Errorf("after a shared follow-up (%d edits):\n%s\nwant its part rewritten once, the rest kept", canvas.edits, doc)
	}
	touch()
	if canvas.edits != 1 {
		t.Errorf("a batch without news made %d edits", canvas.edits-1)
	}

	if err := e.st.ErasePartner(ctx, team, "county", "U0LEAD", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	touch()
	doc = canvas.text()
	if strings.Contains(doc, "Send the sign-up sheet") || strings.Count(doc, "no longer keeps this part") != 4 || !strings.Contains(doc, "Bring the banner.") {
		t.Errorf("after the partner was erased:\n%s\nwant its four parts emptied, the rest kept", doc)
	}
	if c, _ := e.st.Canvas(ctx, team, "county"); c.ID != "" {
		t.Errorf("the erased partner's canvas is still remembered: %+v", c)
	}
}
