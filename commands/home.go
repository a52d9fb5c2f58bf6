package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// Home is the App Home tab for the person looking: a welcome, how to
// start, and the partners they own with their health.
func (h *Handler) Home(ctx context.Context, req Request) message.Reply {
	var b strings.Builder
	if req.Role == RoleLiaison {
		b.WriteString("*Welcome!* I help the outreach team keep in touch with partners. In the channel you share with them, mention me with `log <method> <what happened>` to leave a note for the team.")
		return message.Reply{Text: b.String(), Outcome: message.OutcomeOK, Command: "home"}
	}
	b.WriteString("*Welcome to Outreach Bot* :wave:\n")
	fmt.Fprintf(&b, "Keep every partner, every contact and what comes next in one place. Start with `%s partner add \"County Health Dept\" kind:public-health`, then log each call, email, letter or meeting with `%s log`. `%s help` shows everything.\n", h.cfg.Command, h.cfg.Command, h.cfg.Command)
	all, err := h.store.ListPartners(ctx, req.Team)
	if err != nil {
		r := h.fail(req, "home", err)
		r.Text = b.String() + "\n" + r.Text
		return r
	}
	now := h.now()
	var mine []store.Partner
	for _, p := range all {
		if p.Owner == req.User && !p.Archived {
			mine = append(mine, p)
		}
	}
	b.WriteString("\n*Your partners*\n")
	if len(mine) == 0 {
		b.WriteString("You don't own any partners yet. Set yourself as owner with `owner:@you` when you add or update one.\n")
	}
	message.WriteLines(&b, len(mine), 30, fmt.Sprintf(": `%s partner list owner:@you`", h.cfg.Command),
		func(i int) string { return message.PartnerLine(mine[i], now, req.Loc) })
	return message.Reply{
		Text:    b.String(),
		Choices: []message.Choice{{Label: "Log a contact", Action: message.ActionLogContact, Style: "primary"}},
		Outcome: message.OutcomeOK, Command: "home",
	}
}

// SubmitLog logs a contact from the log form. Mistakes come back per field;
// other failures as a reply.
func (h *Handler) SubmitLog(ctx context.Context, req Request, in LogInput) (message.Reply, map[string]string) {
	if req.Loc == nil {
		req.Loc = h.defaultLoc()
	}
	r, fieldErrs, err := h.LogContact(ctx, &req, in)
	if err != nil {
		return h.fail(req, "log", err), nil
	}
	if len(fieldErrs) > 0 {
		return message.Reply{Outcome: message.OutcomeUserError, Command: "log"}, fieldErrs
	}
	r.Command, r.Outcome = "log", message.OutcomeOK
	return r, nil
}
