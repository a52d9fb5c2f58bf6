package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/slacktest"
)

// TestChannelSharedLooksAgain: channel_shared, and someone from another
// organization (or the bot) joining a channel, make the commands look for
// the channel's partner's organization, with what the directory had cached
// about the channel forgotten; people of our own workspace joining, guests
// included, do not. The notice that comes back reaches the partner's
// owner, once however many times it comes.
func TestChannelSharedLooksAgain(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.slack.AddUser(slacktest.User{ID: "UGUEST", TeamID: homeTeam, Name: "guest", IsRestricted: true})
	tb.cmds.onShared = func(channel string) *message.Notice {
		return &message.Notice{To: "UMARIA", Text: "shared with several", Once: "shared-several:county"}
	}
	dir := tb.b.cfg.Directory
	if teams, err := dir.ChannelTeams(tb.ctx(), "C0SHARED"); err != nil || len(teams) != 2 {
		t.Fatalf("ChannelTeams before: %q, %v", teams, err)
	}
	if err := tb.slack.ShareChannel(tb.ctx(), "C0SHARED", "T0OTHER"); err != nil {
		t.Fatal(err)
	}
	tb.idle()
	if teams, err := dir.ChannelTeams(tb.ctx(), "C0SHARED"); err != nil || !cmp.Equal(teams, []string{homeTeam, "T0PARTNER", "T0OTHER"}) {
		t.Errorf("ChannelTeams after channel_shared: %q, %v; want the new organization seen", teams, err)
	}
	for _, user := range []string{"UMARIA", "UGUEST", "UDANA", botUser} {
		if err := tb.slack.JoinChannel(tb.ctx(), user, "C0TEAM"); err != nil {
			t.Fatal(err)
		}
	}
	tb.idle()
	tb.cmds.mu.Lock()
	asked := append([]string(nil), tb.cmds.shared...)
	tb.cmds.mu.Unlock()
	if diff := cmp.Diff([]string{"C0SHARED", "C0TEAM", "C0TEAM"}, asked); diff != "" {
		t.Errorf("channels looked at (-want +got):\n%s\n(channel_shared; Dana of another organization and the bot joining C0TEAM)", diff)
	}
	var notices []string
	for _, p := range tb.posts("postMessage") {
		notices = append(notices, p.Channel+" "+p.Text)
	}
	if diff := cmp.Diff([]string{"DUMARIA shared with several"}, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
}

// TestOutsiderRefusalTellsTheTeam: a command refused with a notice for
// the team answers the outsider with the refusal alone, and the notice
// goes to the partner's owner by DM.
func TestOutsiderRefusalTellsTheTeam(t *testing.T) {
	t.Parallel()
	tb := newTestBot(t, botOptions{})
	tb.cmds.handle = func(req commands.Request) message.Reply {
		return message.Reply{Text: "Sorry, that isn't something I can do for you here.", Outcome: message.OutcomeDenied,
			Notice: &message.Notice{To: "UMARIA", Text: "<@UDANA> was refused: name their organization", Once: "unnamed-org:county:UDANA"}}
	}
	for range 2 {
		if _, _, err := tb.slack.Mention(tb.ctx(), "UDANA", "C0SHARED", `<@UBOT> log meeting "hi"`); err != nil {
			t.Fatal(err)
		}
		tb.idle()
	}
	for _, p := range tb.slack.Posts() {
		if p.User == "UDANA" && strings.Contains(p.Text, "organization") {
			t.Errorf("the outsider was told why: %q", p.Text)
		}
	}
	var toOwner []string
	for _, p := range tb.posts("postMessage") {
		toOwner = append(toOwner, p.Channel+" "+p.Text)
	}
	if diff := cmp.Diff([]string{"DUMARIA <@UDANA> was refused: name their organization"}, toOwner); diff != "" {
		t.Errorf("DMs (-want +got):\n%s", diff)
	}
	if n := len(tb.posts("postEphemeral")); n != 2 {
		t.Errorf("%d refusals to the outsider; want 2", n)
	}
}

// stubUsers answers users.info from a table; a missing user fails.
type stubUsers map[string]*slack.User

func (s stubUsers) GetUserInfoContext(_ context.Context, user string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	if u, ok := s[user]; ok {
		return u, nil
	}
	return nil, errors.New("users.info: timeout")
}

// TestRequestClassifiesPeople: SPEC §1 — the user's team against the home
// team decides; guests of our workspace count as liaisons (of our own
// team, which is no partner's organization); when users.info fails, an
// outsider is still known by the payload's team and anyone else is
// refused; a user Slack places in no team is a liaison of no organization.
func TestRequestClassifiesPeople(t *testing.T) {
	t.Parallel()
	b := &Bot{cfg: Config{HomeTeam: homeTeam, Admins: map[string]bool{"ULEAD": true}, Loc: time.UTC},
		users: newUsers(stubUsers{
			"UMARIA": {ID: "UMARIA", TeamID: homeTeam},
			"ULEAD":  {ID: "ULEAD", TeamID: homeTeam},
			"UGUEST": {ID: "UGUEST", TeamID: homeTeam, IsRestricted: true},
			"USINGL": {ID: "USINGL", TeamID: homeTeam, IsUltraRestricted: true},
			"USTRAN": {ID: "USTRAN", TeamID: homeTeam, IsStranger: true},
			"UDANA":  {ID: "UDANA", TeamID: "T0PARTNER"},
			"UNONE":  {ID: "UNONE"},
		}, time.UTC, time.Hour)}
	type got struct {
		Role     commands.Role
		UserTeam string
		Err      bool
	}
	for _, tc := range []struct {
		name, user, payloadTeam string
		want                    got
	}{
		{"member", "UMARIA", homeTeam, got{commands.RoleMember, homeTeam, false}},
		{"admin", "ULEAD", "", got{commands.RoleAdmin, homeTeam, false}},
		{"guest", "UGUEST", homeTeam, got{commands.RoleLiaison, homeTeam, false}},
		{"single-channel guest", "USINGL", "", got{commands.RoleLiaison, homeTeam, false}},
		{"stranger", "USTRAN", "", got{commands.RoleLiaison, homeTeam, false}},
		{"another organization", "UDANA", "", got{commands.RoleLiaison, "T0PARTNER", false}},
		{"another organization by the payload alone", "UMARIA", "T0PARTNER", got{commands.RoleLiaison, homeTeam, false}},
		{"no team anywhere", "UNONE", "", got{commands.RoleLiaison, "", false}},
		{"no team from Slack, the payload's", "UNONE", "T0PARTNER", got{commands.RoleLiaison, "T0PARTNER", false}},
		{"users.info fails, outsider by the payload", "UGONE", "T0PARTNER", got{commands.RoleLiaison, "T0PARTNER", false}},
		{"users.info fails, nothing else", "UGONE", "", got{commands.RoleLiaison, "", true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := b.request(context.Background(), tc.user, tc.payloadTeam, "C0SHARED", commands.DoorMention, "help")
			if diff := cmp.Diff(tc.want, got{req.Role, req.UserTeam, err != nil}); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}
