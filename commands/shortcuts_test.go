package commands_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// A message shortcut's form opens with the channel's partner, the
// direction of the words (from outside: they reached us) and the need
// topics they name; someone who could record nothing there is told so
// before any form opens.
func TestMessageShortcutFillsTheForm(t *testing.T) {
	hs := newHarness(t)
	hs.seed() // County Health Dept, linked to C0COUNTY, shared with T0PARTNER
	guest := as{"U0GUEST", commands.RoleLiaison, "C0COUNTY", commands.DoorForm, ""}
	cases := []struct {
		name       string
		who        as
		authorTeam string
		text       string
		want       commands.Shortcut
		refused    message.Outcome
	}{
		{name: "a liaison's words in the partner's channel", who: member.in("C0COUNTY"), authorTeam: partnerTeam,
			text: "Parents ask for diabetes &amp; nutrition classes, and there is no bus",
			want: commands.Shortcut{Partner: "county-health-dept", Direction: "in", Topics: []string{"diabetes", "nutrition", "transportation"}}},
		{name: "a team member's words", who: member.in("C0COUNTY"), authorTeam: team, text: "Called Dana about the fair",
			want: commands.Shortcut{Partner: "county-health-dept", Direction: "out"}},
		{name: "mental health in two words", who: member.in("C0COUNTY"), authorTeam: team, text: "More Mental Health support please",
			want: commands.Shortcut{Partner: "county-health-dept", Direction: "out", Topics: []string{"mental-health"}}},
		{name: "a channel linked to no partner", who: member, authorTeam: partnerTeam, text: "hello",
			want: commands.Shortcut{Direction: "in"}},
		{name: "the partner's liaison, in its channel", who: liaison, authorTeam: partnerTeam, text: "hello",
			want: commands.Shortcut{Partner: "county-health-dept", Direction: "in"}},
		{name: "a liaison elsewhere", who: liaison.in("C0OUTREACH"), authorTeam: team, text: "hello", refused: message.OutcomeDenied},
		{name: "a guest, who acts for no partner", who: guest, authorTeam: partnerTeam, text: "hello", refused: message.OutcomeDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			userTeam := tc.who.team
			if userTeam == "" {
				userTeam = team
			}
			req := commands.Request{Team: team, User: tc.who.user, UserTeam: userTeam, Role: tc.who.role, Channel: tc.who.channel, Door: commands.DoorForm, Loc: ny}
			got, refused := hs.h.MessageShortcut(context.Background(), req, tc.authorTeam, tc.text)
			if tc.refused != "" {
				if refused == nil || refused.Outcome != tc.refused {
					t.Fatalf("refused = %+v; want %s", refused, tc.refused)
				}
				return
			}
			if refused != nil {
				t.Fatalf("refused: %s %q", refused.Outcome, refused.Text)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
		})
	}
}

// in is who typing in channel instead.
func (w as) in(channel string) as {
	w.channel = channel
	return w
}
