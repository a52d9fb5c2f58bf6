package commands

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
	"github.com/outreachbot/outreachbot/when"
)

// broadcasts are what people type to reach a crowd, as Slack hands them
// to the bot: a typed @channel arrives as <!channel>, a picked user group
// as <!subteam^S123|@team>, and what someone types literally as "&lt;…&gt;"
// arrives escaped once more.
var broadcasts = []string{
	"<!channel>", "<!here|here>", "<!everyone>", "<!subteam^S123>", "<!subteam^S123|@team>",
	"@channel", "@here", "&lt;!channel&gt;", "&amp;lt;!here&amp;gt;",
}

// liveBroadcast matches a broadcast Slack acts on in mrkdwn (its
// formatting reference, docs.slack.dev/messaging/formatting-message-text,
// and the legacy api.slack.com/reference/surfaces/formatting): special
// mentions are control sequences inside < and >, recognised only there:
// <!here>, <!channel>, <!everyone> (<!group> is the legacy synonym of
// channel) and user groups <!subteam^ID>, each with an optional |label.
// Escaped as &lt;!channel&gt; a sequence is text. A plain @here is turned
// into a mention only by Slack's automatic parsing, which the doors never
// ask for (mrkdwn text objects are verbatim, the top-level text goes
// without link_names or parse=full): bot/blocks_test.go and the end-to-end
// tests check the payloads for that. So here "live" is this pattern in any
// mrkdwn the commands produce, or in a file's name or title.
var liveBroadcast = regexp.MustCompile(`(?i)<!(?:here|channel|everyone|group|subteam\^)`)

// injectDir is the Directory of the injection test: C0COUNTY is shared
// with the organization T0PARTNER, whose people U0DANA is; anyone typed
// as @name is a team member.
type injectDir struct{ home *string }

func (injectDir) ChannelTeams(_ context.Context, channel string) ([]string, error) {
	if channel == "C0COUNTY" {
		return []string{"T0PARTNER"}, nil
	}
	return nil, nil
}

func (d injectDir) UserTeam(_ context.Context, user string) (string, error) {
	if user == "U0DANA" {
		return "T0PARTNER", nil
	}
	return *d.home, nil
}

func (injectDir) UserNamed(_ context.Context, name string) (string, bool) {
	if name == "" || strings.ContainsAny(name, "<>&!| ") {
		return "", false
	}
	return "U0" + strings.ToUpper(name), true
}

// injection runs commands for one workspace at a time and collects the
// live broadcasts found in what comes back.
type injection struct {
	t     *testing.T
	h     *Handler
	team  string
	found map[string]string // where → the first text with a live broadcast
	runs  int
	// textOnly: what a reply delivers later is not run (a report's
	// charts take a tenth of a second to draw); views check the report's
	// text themselves.
	textOnly bool
}

func (in *injection) req(role Role) Request {
	r := Request{Team: in.team, User: "U0LEAD", UserTeam: in.team, Role: role, Channel: "C0OUTREACH", Door: DoorSlash, Loc: in.h.cfg.Loc}
	switch role {
	case RoleMember:
		r.User = "U0MARIA"
	case RoleLiaison:
		r.User, r.UserTeam, r.Channel, r.Door = "U0DANA", "T0PARTNER", "C0COUNTY", DoorMention
	}
	return r
}

// text checks one piece of mrkdwn (or a file's name or title).
func (in *injection) text(where, s string) {
	if m := liveBroadcast.FindString(s); m != "" {
		if _, seen := in.found[where]; !seen {
			in.found[where] = s
		}
	}
}

// reply checks everything a reply shows: its text, sections, feed line,
// files' names and titles, what it delivers later, and what its
// confirmation buttons lead to when pressed.
func (in *injection) reply(where string, req Request, r message.Reply) {
	in.text(where+": text", r.Text)
	in.text(where+": feed line", r.Feed)
	for _, s := range r.Sections {
		in.text(where+": section", s.Text)
	}
	for _, f := range r.Files {
		in.text(where+": file name", f.Name)
		in.text(where+": file title", f.Title)
	}
	if r.Later != nil && !in.textOnly {
		in.reply(where+", delivered later", req, r.Later(context.Background()))
	}
	for _, c := range r.AllChoices() {
		if c.Action == ActionConfirm || c.Action == ActionActFor {
			in.pressed(where+", its "+c.Label+" button pressed", req, in.h.Press(context.Background(), req, c.Action, c.Value))
		}
	}
}

func (in *injection) pressed(where string, req Request, p Pressed) {
	if p.Update != nil {
		in.reply(where+" (the message updated)", req, *p.Update)
	}
	if p.Ephemeral != nil {
		in.reply(where+" (to the presser)", req, *p.Ephemeral)
	}
}

// do runs a command line at a door and checks its reply.
func (in *injection) do(where string, req Request, text string) message.Reply {
	in.runs++
	req.Text = text
	r := in.h.Handle(context.Background(), req)
	in.reply(where, req, r)
	return r
}

// mustDo runs a line of the seed, which must succeed.
func (in *injection) mustDo(req Request, text string) {
	in.t.Helper()
	req.Text = text
	if r := in.h.Handle(context.Background(), req); r.Outcome != message.OutcomeOK {
		in.t.Fatalf("seed %q: %s %q", text, r.Outcome, r.Text)
	}
}

// seed gives the workspace what the table's examples name: county (in
// C0COUNTY, shared with T0PARTNER), eastside, old-clinic, a person, a
// contact C1, a follow-up F1, an event E1 over with its survey S1, a need.
func (in *injection) seed() {
	admin := in.req(RoleAdmin)
	for _, line := range []string{
		`partner add "County Health Dept" kind:public-health stage:active channel:<#C0COUNTY|county-shared> owner:<@U0LEAD|lead>`,
		`partner add "Eastside Community Clinic" owner:<@U0MARIA|maria>`,
		`partner add "Old Clinic"`,
		`partner person county "Dana Lee" role:educator email:dana@county.gov`,
		`log county call "Talked about the flu clinic" when:"2 days ago"`,
		`followup county friday "Send the flyer"`,
		`event add county "Flu shot clinic" "3 days ago 10am" until:2pm registered:40`,
		`event survey E1`,
		`need diabetes "Cooking classes" partner:county`,
		`log eastside email "Sent the letter" when:"40 days ago"`,
	} {
		in.mustDo(admin, line)
	}
}

// ids maps the examples' ids onto the seed's (C12 → C1, E7 → E1, …).
var exampleIDs = regexp.MustCompile(`\b([CFES])\d+\b`)

// quoteToken writes a token back as typed.
func quoteToken(t Token) string {
	s := t.Text
	if t.Quoted || strings.ContainsAny(s, " \t") {
		s = `"` + s + `"`
	}
	if t.Key != "" {
		return t.Key + ":" + s
	}
	return s
}

// injectionLines are the command lines that carry payload in each place
// of an example of c: each word after the command's name, each option the
// row takes (given in the example or not), and a word more before and
// after; the payload alone, and inside a quoted phrase.
func injectionLines(c *command, example, payload string) []string {
	toks, err := Tokenize(exampleIDs.ReplaceAllString(example, "${1}1"))
	if err != nil {
		return nil
	}
	rest := toks[len(strings.Fields(c.name)):]
	line := func(ts []Token) string {
		parts := []string{c.name}
		for _, t := range ts {
			parts = append(parts, quoteToken(t))
		}
		return strings.Join(parts, " ")
	}
	// Alone and in a phrase; the first word also insisting, as a new need
	// topic is typed ("!").
	values := []Token{{Text: payload}, {Text: "Re " + payload + " now", Quoted: true}}
	seen := map[string]bool{}
	var out []string
	add := func(ts []Token) {
		if l := line(ts); !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	for i := range rest {
		vs := values
		if i == 0 {
			vs = append(vs, Token{Text: payload + "!"})
		}
		for _, v := range vs {
			ts := append([]Token(nil), rest...)
			v.Key = ts[i].Key
			ts[i] = v
			add(ts)
		}
	}
	for _, opt := range c.options {
		for _, v := range values {
			v.Key = opt
			ts := append([]Token(nil), rest...)
			replaced := false
			for i := range ts {
				if ts[i].Key == opt {
					ts[i], replaced = v, true
				}
			}
			if !replaced {
				ts = append(ts, v)
			}
			add(ts)
		}
	}
	for _, v := range values {
		add(append(append([]Token(nil), rest...), v))
		add(append([]Token{v}, rest...))
	}
	return out
}

// TestNoBroadcastFromTypedText is generated from the command table, so a
// new command is covered as soon as its row is: each example of each row
// is run with every broadcast of broadcasts put in each of its words and
// options, at each door its row allows (a team member's slash command, a
// liaison's mention and DM), then every view that shows what was stored
// (lists, show, history, needs, surveys, the report and exports with their
// files, the App Home, and the posts the scheduler builds from it). No
// reply, feed line, section, file name or title, nor what arrives later,
// may carry a live broadcast (liveBroadcast).
func TestNoBroadcastFromTypedText(t *testing.T) {
	srv := storetest.New(t)
	ny, _ := time.LoadLocation("America/New_York")
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 27, 10, 0, 0, 0, ny))
	var home string
	h := New(store.New(srv.Client(), 0), clock, Config{Command: "/outreach", Loc: ny, Directory: injectDir{home: &home}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	in := &injection{t: t, h: h, found: map[string]string{}}
	for i, c := range h.table {
		for j, p := range broadcasts {
			// A workspace of its own for each command and broadcast: what
			// one line stores (an erased partner, a topic now known) does
			// not hide another's paths.
			in.team = fmt.Sprintf("T0INJ%02d%02d", i, j)
			home = in.team
			in.seed()
			for _, ex := range c.examples {
				for _, line := range injectionLines(c, ex, p) {
					where := fmt.Sprintf("%q (as typed: %s)", c.name, line)
					in.do(where, in.req(RoleAdmin), line)
					if c.allowed(RoleLiaison) {
						in.do(where+" by a liaison in the shared channel", in.req(RoleLiaison), line)
						dm := in.req(RoleLiaison)
						dm.Channel, dm.Door = "D0DANA", DoorDM
						in.do(where+" by a liaison in a DM", dm, line)
					}
				}
			}
			// What was stored is shown again by the views. Slack's own
			// references are stored as the plain words Unlink makes of
			// them (<!here|here> as "here"); a typed "&lt;!channel&gt;" is
			// stored decoded, as <!channel>: the views run for those, and
			// for <!channel>. Charts take a tenth of a second each: drawn
			// for two, where names, titles and topics were stored.
			if stored := broadcasts[j]; stored == "<!channel>" || strings.HasPrefix(stored, "&") {
				charts := stored != "&amp;lt;!here&amp;gt;" && slices.Contains([]string{"partner add", "partner set", "event add", "event edit", "need"}, c.name)
				in.views(c.name, charts)
			}
		}
	}
	in.forms()
	in.t.Logf("%d lines run, %d findings", in.runs, len(in.found))
	if in.runs < 1000 {
		t.Errorf("only %d command lines were run; the generator lost its way", in.runs)
	}
	var wheres []string
	for w := range in.found {
		wheres = append(wheres, w)
	}
	sort.Strings(wheres)
	for _, w := range wheres {
		t.Errorf("%s: a live broadcast in:\n%s", w, in.found[w])
	}
}

// views runs everything that shows what the workspace holds, after the
// command named after has stored what it was given. Reports are checked
// as text, the report command's own, unless charts: then their files too
// (names and titles shown in Slack), for the whole workspace and for
// the partners not of the seed.
func (in *injection) views(after string, charts bool) {
	ctx := context.Background()
	admin, liaison := in.req(RoleAdmin), in.req(RoleLiaison)
	where := func(v string) string { return fmt.Sprintf("%q after %q", v, after) }
	report := func(v, slug string, withCharts bool) {
		if withCharts {
			in.do(where(v), admin, v)
			return
		}
		in.textOnly = true
		in.do(where(v), admin, v)
		in.textOnly = false
		period, _ := parsePeriod("year", in.h.now(), ny(in))
		d, err := reportGather(ctx, in.h, in.team, slug, period)
		if err != nil {
			in.t.Fatal(err)
		}
		in.reply(where(v)+", delivered later", admin, d)
	}
	report("report period:year", "", charts)
	for _, v := range []string{"help", "partner list", "partner list archived", "followups all", "followups overdue",
		"event list", "event list past", "needs", "needs 365d"} {
		in.do(where(v), admin, v)
	}
	for _, v := range []string{"help", "followups", "event list", "needs 365d", "event list past"} {
		in.do(where(v)+" by a liaison", liaison, v)
	}
	for _, k := range []string{"partners", "contacts", "followups", "events", "needs", "surveys"} {
		in.do(where("export "+k), admin, "export "+k)
	}
	ps, err := in.h.store.ListPartners(ctx, in.team)
	if err != nil {
		in.t.Fatal(err)
	}
	names := map[string]string{}
	for _, p := range ps {
		names[p.Slug] = p.Name
		for _, v := range []string{"partner show %s", "history %s 100", "followups %s", "event list past %s", "needs 365d %s", "survey results %s"} {
			in.do(where(v), admin, fmt.Sprintf(v, p.Slug))
		}
		seeded := slices.Contains([]string{"county-health-dept", "eastside-community-clinic", "old-clinic"}, p.Slug)
		report("report "+p.Slug+" period:year", p.Slug, charts && !seeded)
	}
	for _, user := range []Request{admin, in.req(RoleMember), liaison} {
		in.reply(where("the App Home")+" of "+user.User, user, in.h.Home(ctx, user))
	}
	// What the scheduler posts, built from the same records.
	now := in.h.now()
	open, err := in.h.store.OpenFollowUps(ctx, in.team, "")
	if err != nil {
		in.t.Fatal(err)
	}
	events, err := in.h.store.Events(ctx, in.team, "", now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0), false, 100)
	if err != nil {
		in.t.Fatal(err)
	}
	for _, f := range open {
		in.reply(where("a reminder"), admin, message.Reminder(f, names[f.Partner], now, ny(in), ""))
		in.reply(where("a reminder, done"), admin, message.Reminder(f, names[f.Partner], now, ny(in), message.FollowUpStatus(f, now, ny(in))))
	}
	in.reply(where("a nudge"), admin, message.Nudge(ps, now, ny(in)))
	in.reply(where("the digest"), admin, message.DigestPost(message.Digest{Now: now, OverdueFollowUps: open, QuietPartners: ps, PartnerNames: names, Events: events}, ny(in)))
	in.reply(where("an owner's week"), admin, message.OwnerDigest(open, ps, names, now, ny(in)))
	for _, e := range events {
		in.do(where("event show"), admin, fmt.Sprintf("event show E%d", e.ID))
		in.do(where("survey results"), admin, fmt.Sprintf("survey results E%d", e.ID))
		in.reply(where("an attendance question"), admin, message.AttendanceQuestion(e, message.EventPartners(e, names), "/outreach", now, ny(in)))
		for _, tmpl := range []string{domain.TemplateFeedback, domain.TemplateFollowUp} {
			sv := domain.Survey{ID: 1, Template: tmpl, Partner: e.Partner, Event: e.ID, Channel: "C0COUNTY"}
			subj := message.SurveySubject{Partner: names[e.Partner], Event: e.Title}
			in.reply(where("a survey prompt"), admin, message.SurveyPrompt(sv, subj, 0))
			in.text(where("a survey's feed line"), message.SurveySentFeed(sv, subj))
		}
	}
	for _, p := range ps {
		sv := domain.SurveyFor(p, domain.TemplateCheckin, 0, "U0LEAD")
		sv.ID = 1
		in.reply(where("a check-in survey"), admin, message.SurveyPrompt(sv, message.SurveySubject{Partner: p.Name}, 0))
		cs, err := in.h.store.History(ctx, in.team, p.Slug, 100)
		if err != nil {
			in.t.Fatal(err)
		}
		for _, c := range cs {
			in.reply(where("a liaison's note to the owner"), admin, message.LiaisonNote(c, p, now, ny(in)))
		}
	}
}

func ny(in *injection) *time.Location { return in.h.cfg.Loc }

// reportGather is the text of the report the report command delivers.
func reportGather(ctx context.Context, h *Handler, team, slug string, period when.Period) (message.Reply, error) {
	d, err := report.Gather(ctx, h.store, team, slug, period, h.now(), h.cfg.Loc)
	if err != nil {
		return message.Reply{}, err
	}
	return report.Summary(d), nil
}

// forms runs the doors that are not typed: the log form, the App Home's
// forms, a survey comment, and buttons whose value says anything at all.
func (in *injection) forms() {
	ctx := context.Background()
	in.team = "T0INJFORMS"
	in.seed()
	admin, liaison := in.req(RoleAdmin), in.req(RoleLiaison)
	form := admin
	form.Door = DoorForm
	for _, p := range broadcasts {
		v := "Re " + p + " now"
		for _, li := range []LogInput{
			{Partner: v, Method: "call", Summary: "x"}, {Partner: "county", Method: v, Summary: "x"},
			{Partner: "county", Method: "call", Summary: v}, {Partner: "county", Method: "call", When: v, Summary: "x"},
			{Partner: "county", Method: "call", When: "2019-03-04 " + p, Summary: v},
		} {
			r, errs := in.h.SubmitLog(ctx, form, li)
			in.reply(fmt.Sprintf("the log form with %+v", li), form, r)
			for field, msg := range errs {
				in.text(fmt.Sprintf("the log form's %s error with %+v", field, li), msg)
			}
		}
		for _, f := range []Form{
			{Name: message.FormPartner, Words: []string{v}, Options: map[string]string{"kind": v, "cadence": v}},
			{Name: message.FormPartner, Words: []string{"Clinic " + p}},
			{Name: message.FormNeed, Words: []string{p + "!", v}, Options: map[string]string{"partner": v}},
			{Name: message.FormNeed, Words: []string{"diabetes", v}, Options: map[string]string{"partner": "county"}},
		} {
			in.reply(fmt.Sprintf("the form %+v", f), form, in.h.SubmitForm(ctx, form, f))
		}
		in.pressed("a survey comment", liaison, in.h.SubmitComment(ctx, liaison, 1, v))
		for _, action := range []string{message.ActionDone, message.ActionSnoozeDay, message.ActionSnoozeWeek, message.ActionNudgeDone,
			message.ActionNudgeSnoozeD, message.ActionNudgeSnoozeWk, message.ActionSurveyPrefix + "q1:1", message.ActionComment, ActionConfirm, ActionActFor, "unknown"} {
			for _, value := range []string{p, v, "county\nlog call \"" + v + "\"", `log county call "` + v + `" when:2019-01-01 confirm`} {
				in.pressed(fmt.Sprintf("the button %s with value %q", action, value), form, in.h.Press(ctx, form, action, value))
				in.pressed(fmt.Sprintf("the button %s with value %q, pressed by a liaison", action, value), liaison, in.h.Press(ctx, liaison, action, value))
			}
		}
	}
	in.views("the forms", true)
}
