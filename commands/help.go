package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/outreachbot/outreachbot/message"
)

// help lists the commands this user may run, or one command or topic in
// detail. Bare `/outreach` shows it too.
func (h *Handler) help(_ context.Context, req *Request, a args) (message.Reply, error) {
	slash := h.cfg.Command
	if req.Door == DoorMention || req.Door == DoorDM {
		slash = "" // typed after a mention or in a DM, without the slash command
	}
	prefix := func(s string) string {
		if slash == "" {
			return s
		}
		return slash + " " + s
	}
	if len(a.pos) > 0 {
		want := strings.ToLower(joinText(a.pos))
		var b strings.Builder
		var adminOnly []string
		for _, c := range h.table {
			if c.name != want && c.topic.name != want && !strings.HasPrefix(c.name, want+" ") && !strings.HasSuffix(c.name, " "+want) {
				continue
			}
			if !c.allowed(req.Role) {
				if req.Role == RoleMember { // a liaison learns nothing of the team's commands
					adminOnly = append(adminOnly, "`"+c.name+"`")
				}
				continue
			}
			args, summary, examples := c.args, c.summary, c.examples
			if req.Role == RoleLiaison && c.liaisonSummary != "" {
				// Their own syntax: no partner to name, no team options.
				args, summary, examples = c.liaisonArgs, c.liaisonSummary, c.liaisonExamples
			}
			fmt.Fprintf(&b, "*`%s`* — %s\n", strings.TrimSpace(prefix(c.name+" "+args)), summary)
			for _, ex := range examples {
				fmt.Fprintf(&b, "    e.g. `%s`\n", prefix(ex))
			}
			if c.name == "import" {
				b.WriteString(importColumnsHelp())
			}
		}
		if b.Len() == 0 && len(adminOnly) > 0 {
			return message.Reply{}, userErrorf("%s is for outreach admins; ask one of them.", strings.Join(adminOnly, ", "))
		}
		if b.Len() == 0 {
			return message.Reply{}, userErrorf("I have no help on `%s`. Type `%s` to see everything.", message.Esc(want), prefix("help"))
		}
		return message.Reply{Text: b.String()}, nil
	}
	var b strings.Builder
	if req.Role == RoleLiaison {
		b.WriteString("*Hi! I'm the outreach team's assistant.* Mention me in the channel your organization shares with the team, or write to me here in a DM:\n")
	} else {
		b.WriteString("*Outreach Bot* keeps your partners, every contact with them, and what comes next.\n")
	}
	for _, tt := range topics {
		var lines []string
		for _, c := range h.table {
			if c.topic == tt && c.allowed(req.Role) && c.name != "help" {
				args, summary := c.args, c.summary
				if req.Role == RoleLiaison && c.liaisonSummary != "" {
					args, summary = c.liaisonArgs, c.liaisonSummary
				}
				lines = append(lines, fmt.Sprintf("• `%s` — %s", strings.TrimSpace(prefix(c.name+" "+args)), summary))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n*%s*\n%s\n", tt.title, strings.Join(lines, "\n"))
		}
	}
	if req.Role != RoleLiaison && req.Door != DoorConsole {
		// Slack offers the shortcuts (manifest.yaml) to our workspace only.
		b.WriteString("\n*Shortcuts*\n• *Log as contact*, *Record as need* — on any message (its ⋯ menu): the form opens filled in with the message, its author, a link back to it and the channel's partner\n• *Log a contact* — from the shortcuts menu (⚡ in the message box): the log form\n")
	}
	if req.Role == RoleLiaison {
		b.WriteString("\nWhat you log goes to the person on the outreach team who looks after your partnership. Buttons on my messages work for you too.")
	} else {
		fmt.Fprintf(&b, "\nDates: `today`, `tomorrow afternoon`, `friday`, `next tuesday 10am`, `in 3 days`, `+14d`, `dec 3`, `the 15th`, `end of month`, `2026-12-03 14:30` (your time zone).\nMore: `%s`", prefix("help <command>"))
	}
	return message.Reply{Text: b.String()}, nil
}
