package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
)

// reportDefault is the period of a report given none (SPEC §3).
const reportDefault = "30d"

// reportCommand builds the impact report: `report [<partner>]
// [period:…]`. It answers at once; the summary and charts follow.
func (h *Handler) reportCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	period, rest, err := h.periodArg(req, a, reportDefault)
	if err != nil {
		return message.Reply{}, err
	}
	slug, scope, err := h.scopeArg(ctx, req, rest)
	if err != nil {
		return message.Reply{}, err
	}
	r := *req
	return message.Reply{
		Text: fmt.Sprintf(":hourglass_flowing_sand: Putting together the impact report for %s, %s. It follows in a moment, with charts.", scope, period.Label),
		Later: func(ctx context.Context) message.Reply {
			d, err := report.Gather(ctx, h.store, r.Team, slug, period, h.now(), r.Loc)
			if err != nil {
				return h.fail(r, "report", err)
			}
			out := report.Summary(d)
			if out.Files, err = report.Charts(d); err != nil {
				return h.fail(r, "report", err)
			}
			out.Outcome, out.Command = message.OutcomeOK, "report"
			return out
		},
	}, nil
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
	period, rest := report.AllTime, a.pos
	if _, given := a.opts["period"]; given || len(rest) > 0 {
		if period, rest, err = h.periodArg(req, a, ""); err != nil {
			return message.Reply{}, err
		}
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
