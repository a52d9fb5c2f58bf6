package commands_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// liveDirectory is a Directory whose channels change during a test, as a
// channel does when it is shared; fail makes Slack not answer.
type liveDirectory struct {
	directory
	mu       sync.Mutex
	channels map[string][]string
	fail     error
	asked    int
}

func (d *liveDirectory) ChannelTeams(_ context.Context, channel string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked++
	if d.fail != nil {
		return nil, d.fail
	}
	return d.channels[channel], nil
}

func (d *liveDirectory) set(channel string, teams ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.channels[channel] = teams
}

func (d *liveDirectory) failing(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail = err
}

// newHarnessWith is newHarness over dir.
func newHarnessWith(t *testing.T, dir commands.Directory) *harness {
	t.Helper()
	hs := newHarness(t)
	hs.h = commands.New(store.New(hs.srv.Client(), 0), hs.clock, commands.Config{Command: "/outreach", Loc: ny, Directory: dir},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return hs
}

// The usual order: the channel is created, the partner linked to it while
// it is internal, then the partner's organization invited.
func internalPartner(t *testing.T) (*harness, *liveDirectory) {
	t.Helper()
	dir := &liveDirectory{channels: map[string][]string{"C0NEW": {team}}}
	hs := newHarnessWith(t, dir)
	hs.mustOK(member, `partner add "County Health Dept" channel:<#C0NEW|county-new> owner:<@U0MARIA|maria>`)
	return hs, dir
}

var (
	danaInNew = as{"U0DANA", commands.RoleLiaison, "C0NEW", commands.DoorMention, partnerTeam}
	odinInNew = as{"U0ODIN", commands.RoleLiaison, "C0NEW", commands.DoorMention, "T0OTHER"}
)

// TestUnknownOrganizationDenies: while the partner's organization is
// unknown nobody from outside acts for it, and nothing is stored; Slack
// not answering changes nothing. Once the channel is shared with the
// partner's organization, its first use from outside finds it: that
// organization's liaison acts, another's does not.
func TestUnknownOrganizationDenies(t *testing.T) {
	hs, dir := internalPartner(t)
	denied := hs.do(liaison, "partner list").Text
	before := hs.srv.Snapshot(context.Background())
	for _, text := range []string{`log meeting "Planning call"`, `need transportation "Rides to the clinic"`, "followups"} {
		r := hs.do(danaInNew, text)
		if r.Outcome != message.OutcomeDenied || r.Text != denied || r.Notice != nil {
			t.Errorf("%q while the channel is internal: %s %q, notice %+v; want the plain refusal", text, r.Outcome, r.Text, r.Notice)
		}
	}
	dir.set("C0NEW", team, partnerTeam)
	dir.failing(errors.New("conversations.info: timeout"))
	if r := hs.do(danaInNew, `log meeting "Planning call"`); r.Outcome != message.OutcomeDenied {
		t.Errorf("with Slack not answering: %s %q; want denied", r.Outcome, r.Text)
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("refusals changed Redis (-before +after):\n%s", diff)
	}

	if r := hs.mustOK(member, "partner show county"); !strings.Contains(r.Text, "its organization isn't known yet") {
		t.Errorf("partner show while the organization is unknown: %q; want it said", r.Text)
	}
	dir.failing(nil)
	r := hs.mustOK(danaInNew, `log meeting "Planning call"`)
	if !strings.Contains(r.Text, "County Health Dept") {
		t.Errorf("the partner's liaison once the channel is shared: %q", r.Text)
	}
	if r := hs.do(odinInNew, `log meeting "hi"`); r.Outcome != message.OutcomeDenied || r.Notice != nil {
		t.Errorf("another organization's liaison: %s %q, notice %+v; want a plain refusal", r.Outcome, r.Text, r.Notice)
	}
}

// TestSeveralOrganizationsWaitForANamedOne: a channel found shared with
// two organizations names neither. Their people are refused with the
// plain refusal, the partner's owner is told why and what to type, and
// once someone names the organization, its liaison acts and the other's
// does not.
func TestSeveralOrganizationsWaitForANamedOne(t *testing.T) {
	hs, dir := internalPartner(t)
	dir.set("C0NEW", team, partnerTeam, "T0OTHER")
	denied := hs.do(liaison, "partner list").Text
	// The first use from outside finds the two organizations; help needs
	// no partner, so it is answered, and the owner is not bothered.
	if r := hs.do(danaInNew, "help"); r.Outcome != message.OutcomeOK || r.Notice != nil {
		t.Errorf("help: %s, notice %+v; want an answer and no notice", r.Outcome, r.Notice)
	}
	before := hs.srv.Snapshot(context.Background())
	for _, who := range []as{danaInNew, odinInNew} {
		for _, text := range []string{`log meeting "Planning call"`, `need transportation "Rides"`, "followups"} {
			r := hs.do(who, text)
			if r.Outcome != message.OutcomeDenied || r.Text != denied {
				t.Errorf("%s %q: %s %q; want the plain refusal", who.user, text, r.Outcome, r.Text)
			}
			if r.Notice == nil || r.Notice.To != "U0MARIA" || !strings.Contains(r.Notice.Text, "several organizations") ||
				!strings.Contains(r.Notice.Text, "partner set county-health-dept org:<@"+who.user+">") {
				t.Errorf("%s %q: notice %+v; want the owner told what to type", who.user, text, r.Notice)
			}
			if strings.Contains(r.Text, "organization") && strings.Contains(r.Text, "several") {
				t.Errorf("the refusal tells the outsider why: %q", r.Text)
			}
		}
	}
	if diff := cmp.Diff(before, hs.srv.Snapshot(context.Background())); diff != "" {
		t.Errorf("refusals changed Redis (-before +after):\n%s", diff)
	}
	if r := hs.mustOK(member, "partner show county"); !strings.Contains(r.Text, "shared with several organizations") {
		t.Errorf("partner show while the organization is unnamed: %q; want it said", r.Text)
	}
	hs.mustOK(member, `partner set county org:<@U0DANA|dana>`)
	if r := hs.mustOK(member, "partner show county"); strings.Contains(r.Text, "organization") {
		t.Errorf("partner show once the organization is named: %q; want nothing said", r.Text)
	}
	hs.mustOK(danaInNew, `log meeting "Planning call"`)
	if r := hs.do(odinInNew, `log meeting "hi"`); r.Outcome != message.OutcomeDenied || r.Notice != nil {
		t.Errorf("the other organization once one is named: %s %q, notice %+v; want a plain refusal", r.Outcome, r.Text, r.Notice)
	}
}

// TestChannelSharedFindsTheOrganization: Slack saying the channel became
// shared records its organization; with two, the owner is told to name
// one; what is known stays, and a channel linked to nothing is nobody's.
func TestChannelSharedFindsTheOrganization(t *testing.T) {
	hs, dir := internalPartner(t)
	hs.mustOK(member, `partner add "Coalition" channel:<#C0COAL|coalition>`)
	ctx := context.Background()
	shared := func(channel string) (string, *message.Notice) {
		t.Helper()
		slug, n, err := hs.h.ChannelShared(ctx, team, channel)
		if err != nil {
			t.Fatalf("ChannelShared(%s): %v", channel, err)
		}
		return slug, n
	}
	orgOf := func(slug string) []string {
		t.Helper()
		p, err := store.New(hs.srv.Client(), 0).Partner(ctx, team, slug)
		if err != nil {
			t.Fatal(err)
		}
		return p.OrgTeams
	}

	if slug, n := shared("C0NEW"); slug != "county-health-dept" || n != nil || orgOf(slug) != nil {
		t.Errorf("still internal: %q, %+v, organization %q; want nothing learned", slug, n, orgOf(slug))
	}
	dir.set("C0NEW", team, partnerTeam)
	if slug, n := shared("C0NEW"); n != nil || !cmp.Equal(orgOf(slug), []string{partnerTeam}) {
		t.Errorf("shared with one organization: notice %+v, organization %q; want %s", n, orgOf(slug), partnerTeam)
	}
	dir.set("C0NEW", team, partnerTeam, "T0OTHER")
	if slug, n := shared("C0NEW"); n != nil || !cmp.Equal(orgOf(slug), []string{partnerTeam}) {
		t.Errorf("a second organization joins: notice %+v, organization %q; want it kept", n, orgOf(slug))
	}
	dir.set("C0COAL", team, partnerTeam, "T0OTHER")
	slug, n := shared("C0COAL")
	if !cmp.Equal(orgOf(slug), []string{domain.OrgUnnamed}) || n == nil || n.To != "U0MARIA" ||
		!strings.Contains(n.Text, "shared with 2 organizations") || !strings.Contains(n.Text, "partner set coalition org:") {
		t.Errorf("shared with two at once: organization %q, notice %+v; want unnamed and the owner told", orgOf(slug), n)
	}
	if slug, n := shared("C0RANDOM"); slug != "" || n != nil {
		t.Errorf("a channel linked to no partner: %q, %+v", slug, n)
	}
	dir.failing(errors.New("timeout"))
	hs.mustOK(member, `partner add "Later" channel:<#C0LATER|later>`)
	if _, _, err := hs.h.ChannelShared(ctx, team, "C0LATER"); err == nil || orgOf("later") != nil {
		t.Errorf("Slack not answering: %v, organization %q; want an error and nothing learned", err, orgOf("later"))
	}
}
