package scheduler

import (
	"context"
	"errors"
	"fmt"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// teamPost posts msg, which is for the team alone (the digest, the
// monthly report: every partner's figures), to OUTREACH_TEAM_CHANNEL,
// once Slack says nobody from another organization is in it: a team
// channel shared with a partner later must not receive the other
// partners' figures. It fails closed: shared, it goes to the admins' DMs
// instead, saying why; when Slack does not answer, it is tried again like
// a failed post, and at its last try (or when Slack says the channel is
// gone) it goes to the admins too. Never to the channel unchecked.
func (s *Scheduler) teamPost(ctx context.Context, kind string, j store.Job, token string, msg message.Reply) error {
	p := Post{To: s.cfg.TeamChannel, Key: j.ID, Message: msg}
	shared, err := s.post.Shared(ctx, p.To)
	if err == nil || (!errors.Is(err, ErrHeld) && errors.As(err, new(*Refused))) {
		s.resume() // Slack answered: it takes the bot's calls again
	}
	switch {
	case errors.Is(err, ErrHeld), errors.Is(err, context.Canceled):
		return fmt.Errorf("check %s: %w", p.To, err)
	case err != nil && (errors.Is(err, ErrUndeliverable) || j.Tries >= MaxTries):
		return s.notInTeamChannel(ctx, kind, j, token, p, "unchecked:"+code(err))
	case err != nil:
		return fmt.Errorf("check %s for other organizations: %w", p.To, err)
	case shared:
		return s.notInTeamChannel(ctx, kind, j, token, p, "shared_channel")
	}
	if _, err := s.deliver(ctx, kind, j, token, p); err != nil {
		return err
	}
	return s.finish(ctx, j, token)
}

// notInTeamChannel ends j, a team post kept out of the team channel, and
// sends it to the admins with why.
func (s *Scheduler) notInTeamChannel(ctx context.Context, kind string, j store.Job, token string, p Post, reason string) error {
	s.log.Warn("a post for the team alone is not going to the team channel, which is shared or could not be checked; sending it to the admins",
		"job", j.ID, "channel", p.To, "reason", reason)
	if err := s.forward(ctx, j, token, p, message.NotInTeamChannel(p.To, reason)); err != nil {
		return err
	}
	s.fail(ctx, j, token, domain.JobFailure{Reason: reason, To: p.To})
	return errHandedBack
}
