package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
)

// usersInfoTimeout bounds a users.info call made before an
// acknowledgement (a cache miss).
const usersInfoTimeout = 1200 * time.Millisecond

// identity is what the bot needs to know about a user to serve them.
type identity struct {
	Name       string // as Slack shows them: display name, else real name
	Team       string
	Loc        *time.Location
	Restricted bool // a guest of the home workspace
	Bot        bool
}

// userInfoAPI is the part of the Slack client the user cache needs.
type userInfoAPI interface {
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
}

// users caches users.info answers: a user's team, guest status and time
// zone change rarely, and users.info is rate limited.
type users struct {
	api      userInfoAPI
	observe  func(method string, err error) error // told of every call's outcome; may be nil
	cache    *expirable.LRU[string, identity]
	fallback *time.Location
}

func newUsers(api userInfoAPI, fallback *time.Location, ttl time.Duration) *users {
	return &users{api: api, cache: expirable.NewLRU[string, identity](10000, nil, ttl), fallback: fallback}
}

// getWithin is get with users.info bounded by timeout, which a cache hit
// does not need.
func (u *users) getWithin(ctx context.Context, id string, timeout time.Duration) (identity, error) {
	if who, ok := u.cache.Get(id); ok {
		return who, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return u.get(ctx, id)
}

func (u *users) get(ctx context.Context, id string) (identity, error) {
	if who, ok := u.cache.Get(id); ok {
		return who, nil
	}
	info, err := u.api.GetUserInfoContext(ctx, id)
	if u.observe != nil {
		u.observe("users.info", err)
	}
	if err != nil {
		return identity{}, fmt.Errorf("users.info %s: %w", id, err)
	}
	loc := u.fallback
	if info.TZ != "" {
		if l, err := time.LoadLocation(info.TZ); err == nil {
			loc = l
		}
	}
	name := info.Profile.DisplayName
	if name == "" {
		name = info.RealName
	}
	who := identity{Name: name, Team: info.TeamID, Loc: loc, Restricted: info.IsRestricted || info.IsUltraRestricted || info.IsStranger, Bot: info.IsBot}
	u.cache.Add(id, who)
	return who, nil
}

// request builds the commands.Request for a user acting at a door,
// classifying them (SPEC §1): anyone whose team is not the home team, and
// any guest, is a liaison; admins come from config. payloadTeam is the
// user's team as the payload states it ("" when absent). It fails when
// Slack cannot say who the user is: default deny.
func (b *Bot) request(ctx context.Context, userID, payloadTeam, channel string, door commands.Door, text string) (commands.Request, error) {
	req := commands.Request{Team: b.cfg.HomeTeam, User: userID, Channel: channel, Door: door, Text: text, Loc: b.cfg.Loc, UserTeam: payloadTeam}
	who, err := b.users.getWithin(ctx, userID, usersInfoTimeout)
	if err != nil {
		// Without users.info we cannot rule out a guest; an outsider we can
		// still recognise from the payload and serve as a liaison.
		if payloadTeam != "" && payloadTeam != b.cfg.HomeTeam {
			req.Role = commands.RoleLiaison
			return req, nil
		}
		return req, err
	}
	team := who.Team
	if team == "" {
		team = payloadTeam // a user object without team_id: trust the payload's
	}
	req.Loc, req.UserTeam = who.Loc, team
	switch {
	case team != b.cfg.HomeTeam, payloadTeam != "" && payloadTeam != b.cfg.HomeTeam, who.Restricted:
		req.Role = commands.RoleLiaison
	case b.cfg.Admins[userID]:
		req.Role = commands.RoleAdmin
	default:
		req.Role = commands.RoleMember
	}
	return req, nil
}
