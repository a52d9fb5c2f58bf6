package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
)

// reportStore is what reports and exports need: they read a page at a
// time.
type reportStore interface {
	report.ExportSource
}

// reportDefault is the period of a report given none (SPEC §3).
const reportDefault = "30d"

// reportCommand builds the impact report: `report [<partner>]
// [period:…] [pdf]`. It answers at once; the summary and charts follow,
// and with pdf the one-page PDF for the board.
func (h *Handler) reportCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	pdf := false
	a.pos = slices.DeleteFunc(slices.Clone(a.pos), func(t Token) bool {
		if !t.Quoted && strings.EqualFold(t.Text, "pdf") {
			pdf = true
			return true
		}
		return false
	})
	period, rest, err := h.periodArg(ctx, req, a, reportDefault)
	if err != nil {
		return message.Reply{}, err
	}
	slug, scope, err := h.scopeArg(ctx, req, rest)
	if err != nil {
		return message.Reply{}, err
	}
	r := *req
	follows := "with charts"
	if pdf {
		follows = "with charts and a one-page PDF for the board"
	}
	return message.Reply{
		Text: fmt.Sprintf(":hourglass_flowing_sand: Putting together the impact report for %s, %s. It follows in a moment, %s.", scope, period.Label, follows),
		Later: func(ctx context.Context) message.Reply {
			d, err := report.Gather(ctx, h.store, r.Team, slug, period, h.now(), r.Loc)
			if err != nil {
				return h.fail(r, "report", err)
			}
			out := report.Summary(d)
			if out.Files, err = report.Charts(d); err != nil {
				return h.fail(r, "report", err)
			}
			if pdf {
				out.Files = append(out.Files, report.PDF(d, h.paper()))
			}
			out.Outcome, out.Command = message.OutcomeOK, "report"
			return out
		},
	}, nil
}

// paper is the PDF's page size.
func (h *Handler) paper() report.Paper {
	if h.cfg.Paper.W == 0 {
		return report.A4
	}
	return h.cfg.Paper
}

// pressReportPDF makes a report's PDF from the button under it, checked
// again as if typed: the presser may see reports (liaisons never reach
// here), the partner still exists, the period is one a report made.
func (h *Handler) pressReportPDF(ctx context.Context, req Request, value string) Pressed {
	slug, period, ok := report.ParsePDFValue(value, h.now(), req.Loc)
	if !ok {
		return Pressed{Ephemeral: &message.Reply{Text: fmt.Sprintf("That button doesn't belong to a report I made. Type `%s` for one with its PDF.", h.typed(&req, "report pdf")), Outcome: message.OutcomeUserError, Command: "report"}}
	}
	scope := "all partners"
	if slug != "" {
		p, err := h.store.Partner(ctx, req.Team, slug)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return Pressed{Ephemeral: &message.Reply{Text: "That partner isn't in the registry any more, so I can't make its report.", Outcome: message.OutcomeUserError, Command: "report"}}
			}
			r := h.fail(req, "report", err)
			return Pressed{Ephemeral: &r}
		}
		scope = "*" + message.Esc(p.Name) + "*"
	}
	return Pressed{Ephemeral: &message.Reply{
		Text:    fmt.Sprintf(":hourglass_flowing_sand: Making the one-page PDF of the impact report for %s, %s.", scope, period.Label),
		Outcome: message.OutcomeOK, Command: "report",
		Later: func(ctx context.Context) message.Reply {
			d, err := report.Gather(ctx, h.store, req.Team, slug, period, h.now(), req.Loc)
			if err != nil {
				return h.fail(req, "report", err)
			}
			f := report.PDF(d, h.paper())
			return message.Reply{Text: fmt.Sprintf(":page_facing_up: The impact report for %s, %s, on one %s page for the board.", scope, period.Label, h.paper().Name),
				Files: []message.File{f}, Outcome: message.OutcomeOK, Command: "report"}
		},
	}}
}

// exportCommand writes a CSV for the admin: `export <kind> [period]
// [<partner>]`, all time unless a period is given. It goes to the admin's
// DM, never into a channel.
func (h *Handler) exportCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if len(a.pos) == 0 {
		return message.Reply{}, userErrorf("Export what? %s, e.g. `%s`.", backticks(report.ExportKinds), h.typed(req, "export contacts 2026"))
	}
	kind, err := oneOf("export", a.pos[0].Text, report.ExportKinds)
	if err != nil {
		return message.Reply{}, err
	}
	a.pos = a.pos[1:]
	period, rest, _, ok, err := h.periodWords(ctx, req, a)
	if err != nil {
		return message.Reply{}, err
	}
	if !ok {
		period = report.AllTime
	}
	slug, scope, err := h.scopeArg(ctx, req, rest)
	if err != nil {
		return message.Reply{}, err
	}
	r := *req
	return message.Reply{
		Text: fmt.Sprintf(":outbox_tray: Exporting %s of %s, %s, as CSV. I'll send the file to your DM in a moment.", kind, scope, period.Label),
		Later: func(ctx context.Context) message.Reply {
			f := report.Export(ctx, h.store, h.cfg.Names, r.Team, kind, slug, period, h.now(), r.Loc)
			return message.Reply{
				Text: fmt.Sprintf(":page_facing_up: The %s export of %s, %s: one row per record, UTF-8 for any spreadsheet, times in %s (ISO 8601, and a local date and time your spreadsheet reads as one), names beside ids. Cells that a spreadsheet would run as formulas start with `'`.",
					kind, scope, period.Label, strings.ReplaceAll(r.Loc.String(), "_", " ")),
				Files:   []message.File{f},
				Private: true,
				Outcome: message.OutcomeOK, Command: "export",
			}
		},
	}, nil
}

// scopeArg reads what a report covers: the partner the words name, or
// every partner when there are none. scope says it for the reply.
func (h *Handler) scopeArg(ctx context.Context, req *Request, words []Token) (slug, scope string, err error) {
	text := Unlink(joinText(words))
	if text == "" && req.Role != RoleLiaison {
		return "", "all partners", nil
	}
	p, err := h.partner(ctx, req, text)
	if err != nil {
		return "", "", err
	}
	return p.Slug, "*" + message.Esc(p.Name) + "*", nil
}
