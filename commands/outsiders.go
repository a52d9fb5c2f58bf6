package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// orgStore is what finding organizations needs from storage.
type orgStore interface {
	LearnOrg(ctx context.Context, team, channel string, orgs []string, actor string, now time.Time) (string, []string, error)
}

// People of another organization act for a partner only once the
// partner's organization is known (SPEC §1: default deny). A partner
// linked while its channel was internal (the usual order: create the
// channel, link the partner, invite the partner's organization) has none
// yet. It is found, from conversations.info, when Slack says the channel
// became shared or someone from outside joined it (ChannelShared), or
// when an outsider first uses the channel (outsiderInChannel). A channel
// shared with several organizations leaves it unnamed until someone says
// which is the partner's (`partner set <partner> org:@someone`). Whatever
// Slack does not answer leaves it unknown, and unknown denies.

// orgActor is who the audit stream says recorded an organization found
// in Slack.
const orgActor = "slack"

// outsideOrgs are the teams of teams (a channel's) other than home: the
// one organization found, or OrgUnnamed for several, or none.
func outsideOrgs(teams []string, home string) (orgs []string, count int) {
	var out []string
	for _, t := range teams {
		if t != "" && t != home && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > 1 {
		return []string{domain.OrgUnnamed}, len(out)
	}
	return out, len(out)
}

// outsiderInChannel runs before the command of someone from another
// organization in a channel: when the channel's partner's organization is
// not known yet, it looks it up now. It returns a notice for the partner's
// owner when the partner's organization is unnamed, as the command will
// then be refused and the team should know why.
func (h *Handler) outsiderInChannel(ctx context.Context, req Request) *message.Notice {
	p, err := h.store.ResolvePartner(ctx, req.Team, store.PartnerRef{Channel: req.Channel})
	if err != nil {
		return nil // no partner linked here, or no storage: the command's own look says so
	}
	if p.OrgUnknown() {
		orgs, _ := h.orgOf(ctx, &req, p.Channel)
		if len(orgs) == 0 {
			return nil // Slack did not say: it stays unknown, and the command is refused
		}
		if _, p.OrgTeams, err = h.store.LearnOrg(ctx, req.Team, p.Channel, orgs, orgActor, h.now()); err != nil {
			h.log.Warn("record a partner's organization", "partner", p.Slug, "err", err)
			return nil
		}
		if !p.OrgUnnamed() {
			h.log.Info("found a partner's organization on its first use from outside", "partner", p.Slug)
		}
	}
	if !p.OrgUnnamed() || p.Owner == "" {
		return nil
	}
	n := message.UnnamedOrgRefused(p.Owner, req.User, p.Channel, p.Name, p.Slug, h.cfg.Command)
	return &n
}

// ChannelShared looks for the organization of the partner linked to
// channel, which Slack says became shared with another organization
// (channel_shared), or which someone from outside joined
// (member_joined_channel). An organization already known or named stays.
// It returns the partner ("" when none is linked to the channel) and, when
// the channel now holds several organizations and none is named, a notice
// for the partner's owner.
func (h *Handler) ChannelShared(ctx context.Context, team, channel string) (string, *message.Notice, error) {
	p, err := h.store.ResolvePartner(ctx, team, store.PartnerRef{Channel: channel})
	switch {
	case errors.Is(err, store.ErrNoPartner):
		return "", nil, nil
	case err != nil:
		return "", nil, fmt.Errorf("channel %s shared: %w", channel, err)
	case !p.OrgUnknown() || h.cfg.Directory == nil:
		return p.Slug, nil, nil
	}
	teams, err := h.cfg.Directory.ChannelTeams(ctx, channel)
	if err != nil {
		// Unknown stays unknown (deny); the first use from outside asks again.
		return p.Slug, nil, fmt.Errorf("channel %s shared: %w", channel, err)
	}
	orgs, count := outsideOrgs(teams, team)
	if len(orgs) == 0 {
		return p.Slug, nil, nil
	}
	if _, p.OrgTeams, err = h.store.LearnOrg(ctx, team, channel, orgs, orgActor, h.now()); err != nil {
		return p.Slug, nil, fmt.Errorf("channel %s shared: %w", channel, err)
	}
	if !p.OrgUnnamed() || p.Owner == "" || count < 2 {
		return p.Slug, nil, nil
	}
	n := message.SharedWithSeveral(p.Owner, channel, p.Name, p.Slug, h.cfg.Command, count)
	return p.Slug, &n, nil
}

// orgState says, after a partner's channel in `partner show`, when nobody
// from outside may act for the partner yet, and what to do about it.
func (h *Handler) orgState(p domain.Partner) string {
	switch {
	case p.OrgUnnamed():
		return fmt.Sprintf(" · shared with several organizations: no one from outside acts for it until you name its own with `%s partner set %s org:@<someone from it>`", h.cfg.Command, p.Slug)
	case p.OrgUnknown():
		return fmt.Sprintf(" · its organization isn't known yet: no one from outside acts for it until the channel is shared with them, or you name it with `%s partner set %s org:@<someone from it>`", h.cfg.Command, p.Slug)
	}
	return ""
}
