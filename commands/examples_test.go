package commands

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// namedPeople is a Directory in which @name is a member of the home team.
type namedPeople struct{}

func (namedPeople) ChannelTeams(context.Context, string) ([]string, error) { return nil, nil }
func (namedPeople) UserTeam(context.Context, string) (string, error)       { return "T0HOME", nil }
func (namedPeople) UserNamed(_ context.Context, name string) (string, bool) {
	return "U0" + strings.ToUpper(name), true
}

// TestHelpExamplesRunInOrder: a new team that types help's examples as
// they come, registering the partner first, gets each one done: the
// partner just added may have yesterday's email logged.
func TestHelpExamplesRunInOrder(t *testing.T) {
	srv := storetest.New(t)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)) // 19:30 the day before in New York
	ny, _ := time.LoadLocation("America/New_York")
	h := New(store.New(srv.Client(), 0), clock, Config{Command: "/outreach", Loc: ny, Directory: namedPeople{}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, name := range []string{"partner add", "log"} {
		for _, ex := range h.table.find(name).examples {
			r := h.Handle(context.Background(), Request{Team: "T0HOME", User: "U0MARIA", UserTeam: "T0HOME", Role: RoleMember, Channel: "C0OUTREACH", Door: DoorSlash, Text: ex, Loc: ny})
			if r.Outcome != message.OutcomeOK || len(r.Choices) > 0 {
				t.Errorf("help's example %q: %s %q", ex, r.Outcome, r.Text)
			}
		}
		clock.Advance(time.Minute)
	}
}
