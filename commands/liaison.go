package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// Directory is what the commands ask Slack about people and channels;
// the bot answers from Slack (cached), the console from its own cast.
type Directory interface {
	// ChannelTeams are the Slack teams with people in channel (a Slack
	// Connect channel has several), the home team included.
	ChannelTeams(ctx context.Context, channel string) ([]string, error)
	// UserTeam is the Slack team a user belongs to.
	UserTeam(ctx context.Context, user string) (string, error)
	// UserNamed finds a person by the name typed after @ where Slack does
	// not turn it into an id (the console); Slack itself never needs it.
	UserNamed(ctx context.Context, name string) (string, bool)
}

// ActionActFor is the button a liaison whose organization works with
// several partners presses to say which one a DM is about. Its value is
// "<slug>\n<the command typed>"; pressed, the command runs again for
// that partner, checked as if typed.
const ActionActFor = "act_for"

// orgOf finds the partner's organization in its linked channel: the one
// team there besides the home team. With several, nobody can say which
// is the partner's, and liaisons wait until someone names it (org:@…);
// with none (an internal channel), or without an answer from Slack, it
// stays unknown and no liaison acts for the partner until it is found
// (outsiders.go).
func (h *Handler) orgOf(ctx context.Context, req *Request, channel string) ([]string, string) {
	if channel == "" || h.cfg.Directory == nil {
		return nil, ""
	}
	// This runs before a slash command's ack: Slack gets at most a second
	// of it, and without an answer the organization stays unknown.
	dctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	teams, err := h.cfg.Directory.ChannelTeams(dctx, channel)
	if err != nil {
		h.log.Warn("channel teams", "err", err)
		return nil, ""
	}
	orgs, count := outsideOrgs(teams, req.Team)
	if count < 2 {
		return orgs, ""
	}
	return orgs, fmt.Sprintf("\n%s is shared with %d organizations, so I can't tell which is the partner's: its liaisons can't act for it until you say, with `%s partner set <partner> org:@<someone from it>`.",
		message.ChannelLink(channel), count, h.cfg.Command)
}

// orgArg reads `org:@someone`: the partner's organization is that
// person's Slack team.
func (h *Handler) orgArg(ctx context.Context, req *Request, raw string) ([]string, error) {
	if strings.EqualFold(strings.TrimSpace(raw), "none") {
		return []string{}, nil
	}
	user, err := h.userArg(ctx, req, "org", raw)
	if err != nil {
		return nil, err
	}
	if h.cfg.Directory == nil {
		return nil, userErrorf("I can't look people up here, so `org:` has nothing to go on.")
	}
	team, err := h.cfg.Directory.UserTeam(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("org: %w", err)
	}
	if team == req.Team {
		return nil, userErrorf("%s is in our own workspace; `org:` names someone from the partner's organization, e.g. their liaison in the shared channel.", message.Mention(user))
	}
	return []string{team}, nil
}

// liaisonDM decides which partner a liaison's DM is about: the one their
// organization is linked to, through that partner's shared channel. It
// returns the request scoped to that channel, or, when it cannot tell,
// the reply to give instead.
func (h *Handler) liaisonDM(ctx context.Context, req Request) (Request, *message.Reply, error) {
	all, err := h.store.ListPartners(ctx, req.Team)
	if err != nil {
		return req, nil, err
	}
	var mine []domain.Partner
	for _, p := range all {
		if !p.Archived && p.Channel != "" && p.HasOrg(req.UserTeam) {
			mine = append(mine, p)
		}
	}
	switch len(mine) {
	case 0:
		return req, &message.Reply{Text: "I can't tell which partnership you're part of: your organization isn't linked to one yet. " +
			"Ask your contact on the outreach team to link the channel you share with them (`partner set <partner> channel:#…`), " +
			"or mention me in that channel.", Outcome: message.OutcomeDenied}, nil
	case 1:
		req.Channel = mine[0].Channel
		return req, nil, nil
	}
	r := message.Reply{Text: "Your organization works with us on several partnerships. Which one is this about?", Outcome: message.OutcomeOK}
	for _, p := range mine {
		r.Choices = append(r.Choices, message.Choice{Label: message.Clip(p.Name, 70), Action: ActionActFor, Value: p.Slug + "\n" + message.Clip(req.Text, 1500)})
	}
	return req, &r, nil
}

// pressActFor runs the command a liaison typed in a DM, for the partner
// they chose; their organization's link to it is checked again.
func (h *Handler) pressActFor(ctx context.Context, req Request, value string) Pressed {
	slug, text, _ := strings.Cut(value, "\n")
	p, err := h.store.Partner(ctx, req.Team, slug)
	if err != nil || p.Archived || p.Channel == "" || !p.HasOrg(req.UserTeam) {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			r := h.fail(req, "button", err)
			return Pressed{Ephemeral: &r}
		}
		return Pressed{Ephemeral: &message.Reply{Text: h.deniedText(req), Outcome: message.OutcomeDenied, Command: "button"}}
	}
	req.Channel, req.Text, req.Door = p.Channel, text, DoorDM
	r := h.run(ctx, req)
	upd := message.Reply{Text: fmt.Sprintf("About *%s*.", message.Esc(p.Name)), Outcome: message.OutcomeOK, Command: "button"}
	return Pressed{Update: &upd, Ephemeral: &r}
}
