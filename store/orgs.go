package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

var scriptLearnOrg = load("learn_org")

// LearnOrg records orgs (the Slack teams of one organization, or
// []string{OrgUnnamed} when the channel holds several) as the organization
// of the partner linked to channel, unless the partner's organization is
// already known or unnamed: what Slack showed first, or what someone named
// with `org:`, stands. It returns the partner's slug ("" when no partner
// is linked to channel) and its organization as now recorded (empty while
// unknown).
func (s *Store) LearnOrg(ctx context.Context, team, channel string, orgs []string, actor string, now time.Time) (string, []string, error) {
	k := keysFor(team)
	r, err := s.run(ctx, "learn org", scriptLearnOrg, []string{k.ChannelIndex(), k.Audit()},
		k.Prefix(), channel, strings.Join(orgs, ","), ms(now), actor, auditMaxLen)
	if err != nil {
		return "", nil, err
	}
	if !r.ok {
		return "", nil, fmt.Errorf("learn org of %s: unexpected script error %q", channel, r.code)
	}
	got := strs(r.rest)
	if len(got) < 2 {
		return "", nil, nil
	}
	return got[0], splitList(got[1]), nil
}
