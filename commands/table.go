package commands

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/outreachbot/outreachbot/message"
)

// command is one row of the command table. The row owns everything about
// the command: its name, how help shows it, the options it takes, who may
// run it and its handler. Dispatch, help, usage lines in errors and
// did-you-mean all read the table and nothing else; CONTRIBUTING.md says
// which files a new command touches.
type command struct {
	name string // one or two words: "history", "partner add"
	args string // argument synopsis, without the options' brackets
	// liaisonArgs and liaisonSummary describe the command to liaisons,
	// whose partner is the channel's; used when liaisonSummary is set.
	liaisonArgs, liaisonSummary string
	// liaisonExamples are the examples liaisons see: each works when a
	// liaison pastes it (TestLiaisonHelpWorksWhenPasted).
	liaisonExamples []string
	summary         string
	examples        []string
	topic           topic
	who             Role     // the least role that may run it
	options         []string // the key:value options it takes
	// freeText: key:value words are part of the text (a comment), not
	// options.
	freeText bool
	// form is the form that fills the command (message.Form…), if any.
	form string
	// run receives the arguments already split: positional words and the
	// options the row allows.
	run func(h *Handler, ctx context.Context, req *Request, a args) (message.Reply, error)
}

// topic groups commands in help, in the order of topics.
type topic struct{ name, title string }

var (
	topicPartners  = topic{"partners", "Partners"}
	topicContacts  = topic{"contacts", "Contacts"}
	topicFollowUps = topic{"followups", "Follow-ups"}
	topicEvents    = topic{"events", "Events"}
	topicSurveys   = topic{"surveys", "Surveys"}
	topicNeeds     = topic{"needs", "Community needs"}
	topicImpact    = topic{"impact", "Impact"}
	topicSearch    = topic{"search", "Search"}
	topicHelp      = topic{"help", "Help"}
)

// topics is the order help lists the topics in.
var topics = []topic{topicPartners, topicContacts, topicFollowUps, topicEvents, topicSurveys, topicNeeds, topicImpact, topicSearch, topicHelp}

func (c *command) allowed(r Role) bool { return r >= c.who }

// synopsis is the command with what it needs, without what may be left
// out: "log <partner> <method> <what happened…>".
func (c *command) synopsis() string {
	args, _, _ := strings.Cut(c.args, " [")
	if strings.HasPrefix(args, "[") {
		args = ""
	}
	return strings.TrimSpace(c.name + " " + args)
}

// byForm finds the command a form fills.
func (t table) byForm(form string) *command {
	for _, c := range t {
		if c.form != "" && c.form == form {
			return c
		}
	}
	return nil
}

// usage is the synopsis with the command name, e.g. "/outreach history <partner> [limit]".
func (c *command) usage(slash string) string {
	u := slash + " " + c.name
	if c.args != "" {
		u += " " + c.args
	}
	return u
}

// table is every command, in the order help lists them.
type table []*command

// newTable builds the command table. It is a function, not a package
// variable, because the handlers it names read the table themselves
// (help), which a package-level initializer cannot express.
func newTable() table {
	return table{
		{name: "help", args: "[topic]", summary: "what I can do, with examples", topic: topicHelp, who: RoleLiaison,
			examples: []string{"help", "help log"}, run: (*Handler).help},
		{name: "partner add", args: "<name> [kind:] [stage:] [owner:@u] [channel:#c] [cadence:30d]", topic: topicPartners, who: RoleMember,
			options: []string{"kind", "stage", "owner", "channel", "cadence"}, form: message.FormPartner,
			summary:  "register a partner organization",
			examples: []string{`partner add "County Health Dept" kind:public-health stage:contacted owner:@maria cadence:2w`},
			run:      (*Handler).partnerAdd},
		{name: "partner list", args: "[stage:] [owner:@u] [kind:] [overdue] [archived]", topic: topicPartners, who: RoleMember,
			options:  []string{"stage", "owner", "kind"},
			summary:  "partners with stage, owner, last contact and health",
			examples: []string{"partner list", "partner list stage:active", "partner list overdue"},
			run:      (*Handler).partnerList},
		{name: "partner show", args: "<partner>", topic: topicPartners, who: RoleMember,
			summary:  "one partner: fields, people, recent contacts",
			examples: []string{"partner show county-health-dept"},
			run:      (*Handler).partnerShow},
		{name: "partner set", args: "<partner> field:value…", topic: topicPartners, who: RoleMember,
			options:  partnerSetFields,
			summary:  "change name, kind, stage, owner, channel, org (the partner's organization: `org:@someone-from-it`), cadence, services, audience, programs, goals",
			examples: []string{`partner set county stage:active goals:"Flu shots for seniors"`},
			run:      (*Handler).partnerSet},
		{name: "partner person", args: "<partner> <name> [role:] [email:] [phone:]", topic: topicPartners, who: RoleMember,
			options:  []string{"role", "email", "phone"},
			summary:  "add or update a person at the organization",
			examples: []string{`partner person county "Dana Lee" role:"Health educator" email:dana@county.gov`},
			run:      (*Handler).partnerPerson},
		{name: "partner archive", args: "<partner> [undo]", topic: topicPartners, who: RoleAdmin,
			summary:  "hide a partner from lists and nudges; its data is kept",
			examples: []string{"partner archive old-clinic"},
			run:      (*Handler).partnerArchive},
		{name: "partner erase", args: "<partner> confirm", topic: topicPartners, who: RoleAdmin,
			summary:  "delete a partner and everything about it",
			examples: []string{"partner erase old-clinic confirm"},
			run:      (*Handler).partnerErase},
		{name: "log", args: "<partner> <method> <what happened…> [in] [when:] [outcome:] [next:\"<when> <what>\"]", liaisonArgs: "<method> <what happened…>",
			liaisonSummary: "leave a note for the outreach team about your partnership, e.g. `log meeting \"Planning call for the January workshop\"`", topic: topicContacts, who: RoleLiaison,
			options: []string{"when", "dir", "next", "outcome"}, form: message.FormLog,
			liaisonExamples: []string{`log meeting "Planning call for the January workshop"`, `log email "Sent the flyer to our members" when:yesterday`},
			summary:         "log a call, email, letter, meeting, visit or message (`in` = they reached us); bare `log` opens a form",
			examples: []string{`log county call "Talked about the flu clinic"`,
				`log county email in "They asked for 200 flyers" when:yesterday`,
				`log county meeting "Planned the fair" next:"friday Send the sign-up sheet"`,
				`log county visit yesterday "Toured the new wing" outcome:"They agreed to host the fair"`},
			run: (*Handler).logCommand},
		{name: "history", args: "<partner> [limit] [period]", topic: topicContacts, who: RoleMember,
			options:  []string{"period"},
			summary:  "recent contacts, newest first; a period (`last month`, `2026-Q3`) keeps to it",
			examples: []string{"history county", "history county 20", "history county last month"},
			run:      (*Handler).history},
		{name: "contact edit", args: "<C-id|last> [summary] [when:] [method:] [outcome:]", topic: topicContacts, who: RoleMember,
			options:  []string{"when", "method", "outcome"},
			summary:  "correct a logged contact (its id is in `history`; `last` is the latest you logged)",
			examples: []string{`contact edit C12 "Talked about the flu clinic and the fair"`, "contact edit last when:yesterday method:visit"},
			run:      (*Handler).contactEdit},
		{name: "contact delete", args: "<C-id|last>", topic: topicContacts, who: RoleMember,
			summary:  "delete a contact logged by mistake (its author or an admin)",
			examples: []string{"contact delete C12"},
			run:      (*Handler).contactDelete},
		{name: "followup", args: `<partner> <when|"every …"> <what…> [to:@u] [shared]`, topic: topicFollowUps, who: RoleMember,
			options:  []string{"to"},
			summary:  "promise a next step; I remind the assignee when it is due. `every weekday 9am`, `every first monday`, `every 2 weeks`, `every month on the 15th` repeat it: each Done brings the next",
			examples: []string{`followup county friday "Send the flyer"`, `followup eastside "next tuesday 10am" "Call Dr. Okafor" to:@devon`, `followup county "every first monday" "Call Dana about the fair"`},
			run:      (*Handler).followupCommand},
		{name: "followups", args: "[mine|all|overdue|@u|<partner>]", liaisonSummary: "follow-ups the team shared with your organization", liaisonExamples: []string{"followups"}, topic: topicFollowUps, who: RoleLiaison,
			summary:  "open follow-ups, soonest first",
			examples: []string{"followups", "followups overdue", "followups county"},
			run:      (*Handler).followupsCommand},
		{name: "done", args: "<F-id>", topic: topicFollowUps, who: RoleMember,
			summary: "close a follow-up", examples: []string{"done F12"}, run: (*Handler).doneCommand},
		{name: "snooze", args: "<F-id> <when|length>", topic: topicFollowUps, who: RoleMember,
			summary: "move a follow-up later; a length (`3d`) counts from its due time, or from now once overdue", examples: []string{"snooze F12 monday", "snooze F12 3d"}, run: (*Handler).snoozeCommand},
		{name: "reschedule", args: "<F-id> <when>", topic: topicFollowUps, who: RoleMember,
			summary: "set a follow-up's due time, earlier or later", examples: []string{"reschedule F12 tomorrow 10am"}, run: (*Handler).rescheduleCommand},
		{name: "cancel", args: "<F-id> [all]", topic: topicFollowUps, who: RoleMember,
			summary: "drop a follow-up (of a repeating one, this time; `all` ends it)", examples: []string{"cancel F12", "cancel F12 all"}, run: (*Handler).cancelCommand},
		{name: "event add", args: "<partner> \"<title>\" <when> [until:] [type:] [where:] [audience:] [resources:a,b] [registered:] [with:partner,…]", topic: topicEvents, who: RoleMember,
			// when: and start: are read as <when>, as log's when: and
			// event edit's start: would lead people to type.
			options:  []string{"until", "type", "where", "audience", "resources", "registered", "with", "when", "start"},
			summary:  "record an event run with a partner; its surveys follow by themselves",
			examples: []string{`event add county "Flu shot clinic" dec 3 10am until:2pm type:screening where:"Main branch" resources:room,laptops registered:40`},
			run:      (*Handler).eventAdd},
		{name: "event list", args: "[upcoming|past] [<partner>]", topic: topicEvents, who: RoleLiaison,
			liaisonSummary: "your partnership's upcoming events", liaisonExamples: []string{"event list"},
			summary: "events, upcoming by default", examples: []string{"event list", "event list past county"}, run: (*Handler).eventList},
		{name: "event show", args: "<E-id>", topic: topicEvents, who: RoleMember,
			summary: "one event in full: partner, time, place, audience, resources, registration, attendance, surveys", examples: []string{"event show E7"}, run: (*Handler).eventShow},
		{name: "event edit", args: "<E-id> field:value…", topic: topicEvents, who: RoleMember,
			options:  eventEditFields,
			summary:  "correct an event: title, type, where, audience, resources, registered, start, until",
			examples: []string{`event edit E7 where:"Room B" registered:45`, `event edit E7 start:"dec 4 10am" until:2pm`},
			run:      (*Handler).eventEdit},
		{name: "event cancel", args: "<E-id>", topic: topicEvents, who: RoleMember,
			summary: "cancel an event, its attendance question and the surveys still to go out", examples: []string{"event cancel E7"}, run: (*Handler).eventCancel},
		{name: "event attended", args: "<E-id> <count>", topic: topicEvents, who: RoleMember,
			summary: "record how many came", examples: []string{"event attended E7 42"}, run: (*Handler).eventAttended},
		{name: "event survey", args: "<E-id> [remind:2d] [anonymous] [closes:<when>]", topic: topicSurveys, who: RoleMember,
			options:  surveyOpts,
			summary:  "send an event's feedback survey now; `remind:` reminds those in the channel who haven't answered, once; `anonymous` keeps no names; `closes:` stops answers",
			examples: []string{"event survey E7", `event survey E7 remind:2d closes:"dec 10 17:00"`}, run: (*Handler).eventSurvey},
		{name: "survey checkin", args: "<partner> [remind:2d] [anonymous] [closes:<when>]", topic: topicSurveys, who: RoleMember,
			options:  surveyOpts,
			summary:  "send the partnership check-in survey now, with the same opt-ins",
			examples: []string{"survey checkin county", "survey checkin county anonymous remind:3d closes:14d"}, run: (*Handler).surveyCheckin},
		{name: "survey results", args: "<S-id|E-id|partner>", topic: topicSurveys, who: RoleMember,
			summary: "responses and the response rate in the channel, average ratings, choices and comments", examples: []string{"survey results E7", "survey results county"}, run: (*Handler).surveyResults},
		{name: "survey comment", args: "<S-id> <comment…>", topic: topicSurveys, who: RoleLiaison, freeText: true,
			liaisonArgs: "<S-id> <comment…>", liaisonSummary: "add your comment to a survey in this channel (its *Add a comment* button does the same)",
			summary: "add a comment to a survey (its button does the same)", examples: []string{`survey comment S12 "More evening sessions, please"`}, run: (*Handler).surveyComment},
		{name: "need", args: "<topic[,topic]> <what you heard…> [partner:] [event:E7]", topic: topicNeeds, who: RoleLiaison,
			liaisonArgs: "<topic[,topic]> <what you heard…>", liaisonSummary: "tell the outreach team about a health need in your community, e.g. `need transportation \"no bus to the clinic\"`",
			liaisonExamples: []string{`need transportation "no bus to the clinic"`, `need mental health "teens asked about stress at exam time"`},
			options:         []string{"partner", "event"}, form: message.FormNeed,
			summary:  "record a community health need you heard; topics like `diabetes`, `mental-health`, `transportation`",
			examples: []string{`need diabetes,nutrition "Parents asked for cooking classes for diabetics" partner:county`, `need transportation "No bus to the clinic on Saturdays" event:E7`},
			run:      (*Handler).needCommand},
		{name: "needs", args: "[period] [<partner>]", topic: topicNeeds, who: RoleLiaison,
			liaisonSummary: "the needs your organization has shared with us", liaisonExamples: []string{"needs", "needs last month"},
			options:  []string{"period"},
			summary:  "the community's needs by topic, most heard first, with the change from the period before (default the last 90 days)",
			examples: []string{"needs", "needs 2026-Q3", "needs county last month"},
			run:      (*Handler).needsCommand},
		{name: "report", args: "[<partner>] [period:30d|quarter|2026-Q3|2026|<from>..<to>] [pdf]", topic: topicImpact, who: RoleMember,
			options:  []string{"period"},
			summary:  "the impact report: partners, contacts, events and attendance, surveys, needs and follow-ups, with charts (default the last 30 days); pdf adds one page for the board",
			examples: []string{"report", "report last quarter", "report county period:2026 pdf"},
			run:      (*Handler).reportCommand},
		{name: "export", args: "<partners|contacts|followups|events|needs|surveys> [period] [<partner>]", topic: topicImpact, who: RoleAdmin,
			options:  []string{"period"},
			summary:  "a CSV file of every record, sent to your DM",
			examples: []string{"export contacts", "export needs 2026", "export events period:2026-Q3 county"},
			run:      (*Handler).exportCommand},
		{name: "import", args: "[confirm]", topic: topicImpact, who: RoleAdmin,
			summary:  "bring in a spreadsheet (CSV or .xlsx dropped into a DM with me; `import <path>` at the console): partners, people, contacts, events, needs, follow-ups. A dry run first; nothing is stored until *Import* or `import confirm`",
			examples: []string{"import", "import confirm"},
			run:      (*Handler).importCommand},
		{name: "search", args: `<words|"phrase"> [partner:] [kind:]`, topic: topicSearch, who: RoleLiaison,
			liaisonArgs: `<words|"phrase">`, liaisonSummary: "find your partnership's needs, upcoming events and the notes you left by their words",
			options:  []string{"partner", "kind"},
			summary:  "partners, people, events, needs and contacts whose words match, in any order (a \"phrase\" as written), best first; `kind:` one of partners, people, events, needs, contacts",
			examples: []string{"search flu clinic", `search "health fair" partner:county`, "search dana kind:people"},
			run:      (*Handler).searchCommand},
	}
}

// surveyOpts are the opt-ins of the commands that send a survey (and the
// word `anonymous`, which surveyOptions takes from the positional words).
var surveyOpts = []string{"remind", "closes"}

// args is a command's arguments split into positional words and the
// options its table row allows.
type args struct {
	cmd  *command
	pos  []Token
	opts map[string]Token
	// after holds, for an option followed by an unquoted plain word, that
	// word: `when:yesterday 14:30` meant one date, typed without quotes.
	after map[string]Token
	// textRun holds, for a text option typed without quotes, the plain
	// words after it (textOptions; splitText).
	textRun map[string][]Token
}

// opt returns an option's value, decoded from Slack's escaping.
// Handlers read options only through opt and optRaw, so that
// TestHandlersReadOnlyDeclaredOptions sees every option they read.
func (a args) opt(key string) (string, bool) {
	t, ok := a.opts[key]
	if !ok {
		return "", false
	}
	return Unlink(t.Text), true
}

// given are the options given, as typed, by key: to write the command
// back (a question's button).
func (a args) given() []Token {
	out := make([]Token, 0, len(a.opts))
	for _, k := range slices.Sorted(maps.Keys(a.opts)) {
		out = append(out, a.opts[k])
	}
	return out
}

// anyOption reports whether any option was given.
func (a args) anyOption() bool { return len(a.opts) > 0 }

// optRaw returns an option's value as Slack sent it, its links still in:
// a picked person (<@U1|maria>) or channel (<#C1|partners>) keeps its id.
func (a args) optRaw(key string) (string, bool) {
	t, ok := a.opts[key]
	return t.Text, ok
}

// split separates key:value options from positional words. An option the
// row does not allow is an error that names the allowed ones, unless the
// command takes free text, where it is text.
func (c *command) split(toks []Token, slash string) (args, error) {
	a := args{cmd: c, opts: map[string]Token{}, after: map[string]Token{}, textRun: map[string][]Token{}}
	for i, t := range toks {
		switch {
		case t.Key == "":
			if key, ok := strings.CutSuffix(t.Text, ":"); ok && !t.Quoted && !c.freeText && slices.Contains(c.options, strings.ToLower(key)) {
				return a, userErrorf("`%s` has no value. Write it right after the colon, with no space: `%s:value`, or `%s:\"two words\"`.", message.Esc(t.Text), strings.ToLower(key), strings.ToLower(key))
			}
			a.pos = append(a.pos, t)
			continue
		case slices.Contains(c.options, t.Key):
		case c.freeText:
			a.pos = append(a.pos, Token{Text: t.Key + ":" + t.Text})
			continue
		default:
			msg := fmt.Sprintf("I don't know the option `%s:`.", message.Esc(t.Key))
			if len(c.options) == 0 {
				return a, userErrorf("%s `%s` takes no options. Put text with a colon in quotes.", msg, c.name)
			}
			if s := closest(t.Key, c.options); s != "" {
				msg += fmt.Sprintf(" Did you mean `%s:`?", s)
			}
			return a, userErrorf("%s `%s` takes %s.\nUsage: `%s`", msg, c.name, optionList(c.options), c.usage(slash))
		}
		if _, dup := a.opts[t.Key]; dup {
			return a, userErrorf("`%s:` is given twice; give it once.", message.Esc(t.Key))
		}
		a.opts[t.Key] = t
		if i+1 < len(toks) && toks[i+1].Key == "" && !toks[i+1].Quoted {
			a.after[t.Key] = toks[i+1]
			if textOptions[t.Key] && !t.Quoted {
				run := toks[i+1:]
				if end := slices.IndexFunc(run, func(t Token) bool { return t.Key != "" || t.Quoted }); end >= 0 {
					run = run[:end]
				}
				a.textRun[t.Key] = run
			}
		}
	}
	return a, nil
}

// textOptions are the options whose value is words people write (a role,
// a place, an outcome): typed without quotes, `role:Health educator`
// would leave "educator" to become part of a name or a summary.
var textOptions = map[string]bool{
	"outcome": true, "role": true, "where": true, "audience": true, "title": true,
	"services": true, "programs": true, "goals": true, "name": true,
}

// splitText refuses a text option followed by more plain words, with the
// quoted option to type instead: `outcome:They agreed to host` stored
// "They" as the outcome and the rest elsewhere. The words a command reads
// itself at the end (`in`, `confirm`, `shared`) are not more of it. The
// handlers whose words would become text (a summary, a name) call it.
func (a args) splitText() error {
	for key, run := range a.textRun {
		for len(run) > 0 && slices.Contains(endWords, strings.ToLower(run[len(run)-1].Text)) {
			run = run[:len(run)-1]
		}
		if len(run) == 0 {
			continue
		}
		v, _ := a.opt(key)
		joined := strings.ReplaceAll(v+" "+Unlink(joinText(run)), "`", "'")
		return userErrorf("`%s:` takes one word unless quoted, and %s came after it. A value with spaces goes in quotes: `%s:\"%s\"`; if those words are something else, put them in quotes before the options.",
			key, message.Code(Unlink(joinText(run))), key, message.Esc(joined))
	}
	return nil
}

// endWords are what commands read as a last word of their own.
var endWords = []string{"in", "confirm", "shared", "undo"}

// lookup finds the command the tokens name, and the remaining arguments.
func (t table) lookup(toks []Token) (*command, []Token) {
	if len(toks) == 0 {
		return t.find("help"), nil
	}
	first := toks[0]
	if first.Quoted || first.Key != "" {
		return nil, nil
	}
	w1 := strings.ToLower(first.Text)
	if len(toks) > 1 && !toks[1].Quoted && toks[1].Key == "" {
		w2 := strings.ToLower(toks[1].Text)
		if c := t.find(w1 + " " + w2); c != nil {
			return c, toks[2:]
		}
		// `events add`, `partners show`: the noun in the plural.
		if one, ok := strings.CutSuffix(w1, "s"); ok {
			if c := t.find(one + " " + w2); c != nil {
				return c, toks[2:]
			}
		}
	}
	if c := t.find(w1); c != nil {
		return c, toks[1:]
	}
	return nil, nil
}

func (t table) find(name string) *command {
	for _, c := range t {
		if c.name == name {
			return c
		}
	}
	return nil
}

// unknownCommand explains what was not understood and suggests the
// nearest command the user may run.
func (h *Handler) unknownCommand(req Request, toks []Token) error {
	typed := strings.ToLower(toks[0].Text)
	if typed == "remind" && req.Role != RoleLiaison {
		return h.remindMe(toks)
	}
	if (typed == "undo" || typed == "oops") && req.Role != RoleLiaison {
		return userErrorf("There is no undo, but each record can be taken back: the contact you logged last with `%[1]s contact delete last` (or corrected with `%[1]s contact edit last`), a follow-up with `%[1]s cancel F12`, an event with `%[1]s event cancel E7`.", h.cfg.Command)
	}
	var names, groups []string
	for _, c := range h.table {
		if c.allowed(req.Role) {
			names = append(names, c.name)
			if g, _, ok := strings.Cut(c.name, " "); ok && !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	if slices.Contains(groups, typed) {
		if len(toks) == 1 {
			var first *command
			for _, c := range h.table {
				if strings.HasPrefix(c.name, typed+" ") && c.allowed(req.Role) {
					first = c
					break
				}
			}
			return userErrorf("`%s` needs a subcommand: %s. For example: `%s`.", typed, h.subcommands(req.Role, typed), h.cfg.Command+" "+first.examples[0])
		}
		sub := strings.ToLower(toks[1].Text)
		var subs []string
		for _, n := range names {
			if rest, ok := strings.CutPrefix(n, typed+" "); ok {
				subs = append(subs, rest)
			}
		}
		if s, ok := subcommandWords[typed+" "+sub]; ok && !slices.Contains(subs, s) && h.table.find(typed+" "+s) != nil {
			return userErrorf("I don't know `%s %s`: that is `%s %s`, which only an outreach admin can do. Ask one of your admins.", typed, message.Esc(sub), typed, s)
		}
		if s, ok := subcommandWords[typed+" "+sub]; ok && slices.Contains(subs, s) {
			c := h.table.find(typed + " " + s)
			note := ""
			if s == "erase" {
				note = " It takes everything about the partner away; `partner archive` hides it and keeps its history."
			}
			return userErrorf("I don't know `%s %s`: it is `%s`.%s\nUsage: `%s`", typed, message.Esc(sub), c.name, note, c.usage(h.cfg.Command))
		}
		if s := closest(sub, subs); s != "" {
			c := h.table.find(typed + " " + s)
			return userErrorf("I don't know `%s %s`. Did you mean `%s`?\nUsage: `%s`", typed, message.Esc(sub), c.name, c.usage(h.cfg.Command))
		}
		return userErrorf("I don't know `%s %s`. The %s commands are %s.", typed, message.Esc(sub), typed, h.subcommands(req.Role, typed))
	}
	if typed == "delete" || typed == "remove" {
		// `delete C5`: what deletes a record of that kind.
		if len(toks) > 1 {
			if s := deleterOf(toks[1].Text); s != "" && slices.Contains(names, s) {
				return userErrorf("I don't know the command %s. To take back %s, it is %s.", message.Code(toks[0].Text), message.Code(toks[1].Text), message.Code(h.cfg.Command+" "+s+" "+toks[1].Text))
			}
		}
		return userErrorf("I don't know the command %s. A contact goes with `%s contact delete C12`, a follow-up with `cancel F12`, an event with `event cancel E7`, a partner with `partner archive <partner>`.", message.Code(toks[0].Text), h.cfg.Command)
	}
	if s := closest(typed, append(names, groups...)); s != "" {
		if c := h.table.find(s); c != nil {
			return userErrorf("I don't know the command %s. Did you mean `%s`?\nUsage: `%s`", message.Code(toks[0].Text), s, c.usage(h.cfg.Command))
		}
		return userErrorf("I don't know the command %s. Did you mean `%s`? Its commands are %s.", message.Code(toks[0].Text), s, h.subcommands(req.Role, s))
	}
	return userErrorf("I don't know the command %s. Type `%s help` to see what I can do.", message.Code(toks[0].Text), h.cfg.Command)
}

func (h *Handler) subcommands(r Role, group string) string {
	var out []string
	for _, c := range h.table {
		if strings.HasPrefix(c.name, group+" ") && c.allowed(r) {
			out = append(out, "`"+strings.TrimPrefix(c.name, group+" ")+"`")
		}
	}
	return strings.Join(out, ", ")
}

// subcommandWords are what people type for a subcommand that has another
// name.
var subcommandWords = map[string]string{
	"event attendance": "attended", "event attendees": "attended", "event attend": "attended",
	"event delete": "cancel", "event remove": "cancel",
	"partner delete": "erase", "partner remove": "erase", "partner new": "add", "partner create": "add",
	"partner update": "set", "partner edit": "set", "partner contact": "person", "partner people": "person",
	"contact remove": "delete", "contact undo": "delete",
}

// deleterOf is the command that takes back the record an id names.
func deleterOf(id string) string {
	switch {
	case regexpContactID.MatchString(id):
		return "contact delete"
	case regexpFollowUpID.MatchString(id):
		return "cancel"
	case regexpEventID.MatchString(id):
		return "event cancel"
	}
	return ""
}

var (
	regexpContactID  = regexp.MustCompile(`^[cC]\d+$`)
	regexpFollowUpID = regexp.MustCompile(`^[fF]\d+$`)
	regexpEventID    = regexp.MustCompile(`^[eE]\d+$`)
)
