package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// FuzzPress: a button's action and value come back from Slack and are
// never trusted. Whatever they say, and whoever presses, Press answers
// (the message updated, or a note to the presser, with words in it) and
// never panics; a liaison's press of a team button changes nothing.
// Seeds are in testdata/fuzz; ./scripts/test.sh runs it briefly.
func FuzzPress(f *testing.F) {
	hs := newHarness(f)
	hs.seed()
	hs.mustOK(member, `followup county friday "Send the flyer"`)
	hs.mustOK(member, "survey checkin county")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, action, value string, asLiaison bool) {
		who := member
		if asLiaison {
			who = liaison
		}
		req := commands.Request{Team: team, User: who.user, Role: who.role, Channel: who.channel, Door: commands.DoorForm, Loc: ny}
		p := hs.h.Press(ctx, req, action, value)
		if p.Update == nil && p.Ephemeral == nil {
			t.Fatalf("Press(%q, %q) answered nothing", action, value)
		}
		for _, r := range []*message.Reply{p.Update, p.Ephemeral} {
			if r != nil && strings.TrimSpace(r.Text) == "" && len(r.Sections) == 0 {
				t.Errorf("Press(%q, %q) answered with no words: %+v", action, value, r)
			}
		}
		if asLiaison && !strings.HasPrefix(action, message.ActionSurveyPrefix) && p.Update != nil {
			t.Errorf("a liaison's press of %q %q changed a message: %+v", action, value, p.Update)
		}
	})
}
