// Package commands is Outreach Bot's command language: one table of
// commands, their parsing and their handlers. It knows nothing of Slack:
// a Request comes in (who, where, what they typed, their time zone) and a
// Reply goes out, so the Slack bot, the console and the tests all drive
// the same code.
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
)

// Role is what a user may do (SPEC §1).
type Role int

const (
	// RoleLiaison is someone from another organization (or a guest): only
	// the partner linked to the channel they are in.
	RoleLiaison Role = iota
	// RoleMember is an outreach team member.
	RoleMember
	// RoleAdmin is an outreach lead listed in OUTREACH_ADMINS.
	RoleAdmin
)

// Door is how a request arrived. It changes what help says and whether a
// bare `log` can open a form.
type Door int

// Doors.
const (
	DoorSlash Door = iota
	DoorMention
	DoorDM
	DoorConsole
	DoorForm // a modal submission or a button
)

// Request is one command as typed at any door.
type Request struct {
	Team string // the home workspace: whose data this is
	User string // Slack user id
	// UserTeam is the user's own Slack team; for liaisons it is their
	// organization's, recorded with their survey answers.
	UserTeam string
	Role     Role
	Channel  string // where it was typed (a D… id for a DM)
	Door     Door
	Text     string         // what was typed, without the command name or bot mention
	Loc      *time.Location // the user's time zone
	// File is a file the person handed over with the request (dropped
	// into a DM), as the door names it; "" for none.
	File string
	// Source is the Slack message a form was opened from (a message
	// shortcut): the contact or need it records keeps its author and a
	// link back to it. nil for everything typed.
	Source *domain.Source
}

// Store is what the commands need from storage: each noun's file says
// what its commands need, in a small interface beside its handlers.
type Store interface {
	partnerStore
	contactStore
	followUpStore
	eventStore
	surveyStore
	needStore
	searchStore
	orgStore
	reportStore
	importStore
	canvasStore
}

// Config is what the handler needs to know about the deployment.
type Config struct {
	Command string         // the slash command's name, e.g. "/outreach"
	Loc     *time.Location // the team's zone, for users whose zone is unknown
	// SurveyDelays are how long after an event its surveys go out.
	SurveyDelays store.EventDelays
	// Topics normalises need topics (OUTREACH_NEED_TOPICS).
	Topics domain.Topics
	// Directory looks up channels' and people's Slack teams; nil where
	// there is nobody to ask (liaisons' organizations are then unknown).
	Directory Directory
	// Names puts names beside the ids in exports; nil leaves them out.
	Names report.Names
	// Paper is the page of the report's PDF (A4 when unset).
	Paper report.Paper
	// Files opens the files people import; nil where there are none.
	Files Files
	// Canvas (OUTREACH_PARTNER_CANVAS): writes a partner's liaisons may
	// see bring its channel canvas up to date.
	Canvas bool
}

// Handler runs commands. It is safe for concurrent use.
type Handler struct {
	store Store
	clock clockwork.Clock
	cfg   Config
	log   *slog.Logger
	table table
}

// New returns a handler over st. clock is the one clock of the process.
func New(st Store, clock clockwork.Clock, cfg Config, log *slog.Logger) *Handler {
	if cfg.Command == "" {
		cfg.Command = "/outreach"
	}
	if cfg.Topics.Known() == nil {
		cfg.Topics = domain.NewTopics(domain.DefaultTopicSynonyms)
	}
	return &Handler{store: st, clock: clock, cfg: cfg, log: log, table: newTable()}
}

// Handle runs one command line and returns the reply. It never returns an
// error: failures become replies that say what to do.
func (h *Handler) Handle(ctx context.Context, req Request) message.Reply {
	if req.Loc == nil {
		req.Loc = h.defaultLoc()
	}
	var notice *message.Notice
	switch {
	case req.Role == RoleLiaison && strings.HasPrefix(req.Channel, "D"):
		// A DM has no channel to scope a liaison by: their organization's
		// partnership stands in for it.
		scoped, r, err := h.liaisonDM(ctx, req)
		if err != nil {
			return h.fail(req, "", err)
		}
		if r != nil && !isHelp(req.Text, h.cfg.Command) {
			return *r
		}
		req = scoped
	case req.Role == RoleLiaison && req.Channel != "" && req.UserTeam != "" && req.UserTeam != req.Team:
		// Someone from another organization in a channel: its partner's
		// organization may not be known yet.
		notice = h.outsiderInChannel(ctx, req)
	}
	r := h.run(ctx, req)
	if notice != nil && r.Outcome == message.OutcomeDenied {
		r.Notice = notice
	}
	return r
}

// isHelp reports whether text asks for help (which needs no partner).
func isHelp(text, command string) bool {
	t := strings.ToLower(stripCommand(text, command))
	return t == "" || t == "help" || strings.HasPrefix(t, "help ")
}

// run runs one command line for req as it is scoped.
func (h *Handler) run(ctx context.Context, req Request) message.Reply {
	toks, err := Tokenize(stripCommand(req.Text, h.cfg.Command))
	if err != nil {
		return h.fail(req, "", userErrorf("%s Close the quote, or leave quotes out.", message.Esc(err.Error())))
	}
	cmd, rest := h.table.lookup(toks)
	if cmd == nil {
		if cmd, rest = h.phrasing(toks); cmd == nil {
			return h.fail(req, "", h.unknownCommand(req, toks))
		}
	}
	return h.exec(ctx, req, cmd, rest)
}

// exec runs one command of the table on its words, checked for the
// person's role and the row's options, typed or filled in a form alike.
func (h *Handler) exec(ctx context.Context, req Request, cmd *command, toks []Token) message.Reply {
	if !cmd.allowed(req.Role) {
		return h.fail(req, cmd.name, errDenied)
	}
	a, err := cmd.split(toks, h.cfg.Command)
	if err != nil {
		return h.fail(req, cmd.name, err)
	}
	r, err := cmd.run(h, ctx, &req, a)
	if err != nil {
		return h.fail(req, cmd.name, err)
	}
	r.Command = cmd.name
	if r.Outcome == "" {
		r.Outcome = message.OutcomeOK
	}
	return r
}

// stripCommand drops a leading "/outreach" (DMs and the console accept it).
func stripCommand(text, command string) string {
	t := strings.TrimSpace(text)
	if command != "" && (t == command || strings.HasPrefix(t, command+" ")) {
		t = strings.TrimSpace(t[len(command):])
	}
	return t
}

// userError is a mistake in what was typed; its message says what to type.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

// userErrorf formats a message for the user; arguments that come from the
// user must already be escaped.
func userErrorf(format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...)}
}

var errDenied = errors.New("denied")

// errWhichPartner: a command that needs a partner got none, outside a
// linked channel. fail says it with the command's own usage.
var errWhichPartner = errors.New("which partner")

// fail turns an error into the reply the user sees.
func (h *Handler) fail(req Request, command string, err error) message.Reply {
	var ue *userError
	switch {
	case errors.As(err, &ue):
		return message.Reply{Text: ue.msg, Outcome: message.OutcomeUserError, Command: command}
	case errors.Is(err, errWhichPartner):
		return message.Reply{Text: h.whichPartner(&req, command), Outcome: message.OutcomeUserError, Command: command}
	case errors.Is(err, errDenied), errors.Is(err, store.ErrDenied):
		return message.Reply{Text: h.deniedText(req), Outcome: message.OutcomeDenied, Command: command}
	case errors.Is(err, store.ErrChanged):
		return message.Reply{Text: ":warning: Something I needed for that changed while I was saving it (a partner renamed or erased at the same moment, say), so nothing was saved. Please try again.",
			Outcome: message.OutcomeUnavailable, Command: command}
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return message.Reply{Text: ":warning: I can't reach storage right now, so nothing was saved. Please try again in a moment.",
			Outcome: message.OutcomeUnavailable, Command: command}
	}
	h.log.Error("command failed", "command", command, "user", req.User, "err", err)
	return message.Reply{Text: ":warning: Something went wrong on my side and nothing was saved. Please try again; if it keeps happening, tell your admin.",
		Outcome: message.OutcomeInternal, Command: command}
}

// whichPartner asks for the partner a command needs, with the command's
// own usage.
func (h *Handler) whichPartner(req *Request, command string) string {
	usage := "partner show <partner>"
	if c := h.table.find(command); c != nil && strings.Contains(c.args, "<partner>") {
		usage = c.synopsis()
	}
	// The usage is the table's own text, written as the other usage lines are.
	return fmt.Sprintf("Which partner? `%s`, naming it by its id or name (`county-health-dept`, `county health`). In a channel linked to a partner you can leave it out.", h.typed(req, usage))
}

// deniedText is the polite refusal. It reveals nothing about partners.
func (h *Handler) deniedText(req Request) string {
	if req.Role == RoleLiaison {
		// The same words in a DM and in a channel, each of them true in
		// both: what a liaison may type, as they would type it.
		return "Sorry, that isn't something I can do for you here. You can leave the outreach team a note, like `log meeting \"Planning call for the January workshop\"`, tell them about a need in your community, like `need transportation \"no bus to the clinic\"`, or type `help` to see the rest."
	}
	return "Sorry, only an outreach admin can do that. Ask one of your admins."
}

func (h *Handler) now() time.Time { return h.clock.Now() }

func (h *Handler) defaultLoc() *time.Location {
	if h.cfg.Loc != nil {
		return h.cfg.Loc
	}
	return time.UTC
}

// Form is a command filled in a modal rather than typed: the App Home's
// Add a partner and Record a need forms.
type Form struct {
	Name    string            // the form: message.FormPartner, message.FormNeed
	Words   []string          // its positional words, each taken whole
	Options map[string]string // its options; empty values are left out
}

// SubmitForm runs a command from a form, checked exactly as if typed:
// the same table row, role and validation. Mistakes come back as a
// user-error reply, to show on the form.
func (h *Handler) SubmitForm(ctx context.Context, req Request, f Form) message.Reply {
	if req.Loc == nil {
		req.Loc = h.defaultLoc()
	}
	c := h.table.byForm(f.Name)
	if c == nil {
		return h.fail(req, "", userErrorf("That form isn't one I know any more. Type the command instead; `help` lists them."))
	}
	var toks []Token
	for _, w := range f.Words {
		if w = strings.TrimSpace(w); w != "" {
			toks = append(toks, Token{Text: w, Quoted: true})
		}
	}
	for k, v := range f.Options {
		if v = strings.TrimSpace(v); v != "" {
			toks = append(toks, Token{Key: k, Text: v})
		}
	}
	return h.exec(ctx, req, c, toks)
}
