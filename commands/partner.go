package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
)

// partnerStore is what the partner commands need from storage; every
// noun's commands find partners through it.
type partnerStore interface {
	ResolvePartner(ctx context.Context, team string, ref store.PartnerRef) (domain.Partner, error)
	ListPartners(ctx context.Context, team string) ([]domain.Partner, error)
	Partner(ctx context.Context, team, slug string) (domain.Partner, error)
	AddPartner(ctx context.Context, team string, p domain.Partner, actor string, now time.Time) error
	UpdatePartner(ctx context.Context, team, slug string, change store.PartnerChange, actor string, now time.Time) error
	UpsertPerson(ctx context.Context, team, slug string, p domain.Person, actor string, now time.Time, clear ...string) (bool, error)
	People(ctx context.Context, team, slug string) ([]domain.Person, error)
	ErasePartner(ctx context.Context, team, slug, actor string, now time.Time) error
	RelinkChannel(ctx context.Context, team, oldID, newID, actor string, now time.Time) (string, error)
}

var partnerSetFields = []string{"name", "kind", "stage", "owner", "channel", "org", "cadence", "services", "audience", "programs", "goals"}

// partnerAdd registers a partner: `partner add <name> [kind:] [stage:] [owner:@u] [channel:#c] [cadence:]`.
func (h *Handler) partnerAdd(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var err error
	if err := splitCadence(a); err != nil {
		return message.Reply{}, err
	}
	// `confirm` at the end adds a partner whose name looks like one there.
	pos, confirmed := a.pos, false
	if n := len(pos); n > 1 && !pos[n-1].Quoted && strings.EqualFold(pos[n-1].Text, "confirm") {
		pos, confirmed = pos[:n-1], true
	}
	name := strings.Join(strings.Fields(Unlink(joinText(pos))), " ")
	if name == "" {
		return message.Reply{}, userErrorf("The partner needs a name: `%s partner add \"County Health Dept\" kind:public-health`.", h.cfg.Command)
	}
	if n := len([]rune(name)); n > maxName {
		return message.Reply{}, userErrorf("That name is %d characters long; keep it under %d.", n, maxName)
	}
	slug := domain.Slugify(name)
	if slug == "" {
		return message.Reply{}, userErrorf("%s has no letters or digits to make an id from. Give the partner a name with letters in it.", message.Code(name))
	}
	p := domain.Partner{Slug: slug, Name: name, Kind: "other", Stage: "prospect", Owner: req.User, Cadence: domain.DefaultCadenceDays}
	if v, ok := a.opt("kind"); ok {
		if p.Kind, err = oneOf("kind", v, domain.Kinds); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.opt("stage"); ok {
		if p.Stage, err = oneOf("stage", v, domain.Stages); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.optRaw("owner"); ok {
		if p.Owner, err = h.userArg(ctx, req, "owner", v); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.optRaw("channel"); ok {
		if p.Channel, err = h.channelArg(ctx, "channel", v); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.opt("cadence"); ok {
		if p.Cadence, err = cadenceArg(v); err != nil {
			return message.Reply{}, err
		}
	}
	if !confirmed {
		// "County Health Dept" beside "County Health Department": most
		// likely the same organization, and a second one would make
		// `county` match two. Ask first.
		all, err := h.store.ListPartners(ctx, req.Team)
		if err != nil {
			return message.Reply{}, err
		}
		for _, other := range all {
			if other.Slug != slug && looksAlike(name, other.Name) {
				lead := fmt.Sprintf(":busts_in_silhouette: *%s* (`%s`) is there already, and looks like the same organization. Nothing is added yet. To log for it, use `%s`. If *%s* is another partner, ",
					message.Esc(other.Name), other.Slug, other.Slug, message.Esc(name))
				asked := *req
				if strings.TrimSpace(asked.Text) == "" {
					// From the form: the command it stands for.
					asked.Text = "partner add " + wireLine(append(slices.Clone(pos), a.given()...))
				}
				return h.askConfirm(&asked, lead, "", "Add it"), nil
			}
		}
	}
	orgNote := ""
	p.OrgTeams, orgNote = h.orgOf(ctx, req, p.Channel)
	if err := h.store.AddPartner(ctx, req.Team, p, req.User, h.now()); err != nil {
		if pe, ok := store.IsConflict(err); ok {
			if pe.Err == store.ErrChannelTaken {
				return message.Reply{}, userErrorf("%s is already linked to `%s`. Link another channel, or unlink it first with `%s partner set %s channel:none`.", message.ChannelLink(p.Channel), pe.Slug, h.cfg.Command, pe.Slug)
			}
			return message.Reply{}, userErrorf("There is already a partner `%s` with that name. See it with `%s partner show %s`, or choose another name.", pe.Slug, h.cfg.Command, pe.Slug)
		}
		return message.Reply{}, err
	}
	if p.Channel != "" {
		h.touchCanvas(ctx, req.Team, p.Slug)
	}
	var b strings.Builder
	fmt.Fprintf(&b, ":white_check_mark: Added *%s* (`%s`): %s, %s, owner %s, stay in touch every %s.",
		message.Esc(p.Name), p.Slug, p.Kind, p.Stage, message.Mention(p.Owner), message.Plural(p.Cadence, "day"))
	if p.Channel != "" {
		fmt.Fprintf(&b, " Linked to %s.", message.ChannelLink(p.Channel))
	}
	b.WriteString(orgNote)
	fmt.Fprintf(&b, "\nNext: `%s partner person %s \"<name>\" role:\"<role>\"` or `%s log %s call \"<what happened>\"`.", h.cfg.Command, p.Slug, h.cfg.Command, p.Slug)
	return message.Reply{Text: b.String(), Feed: fmt.Sprintf("%s added partner *%s*", message.Mention(req.User), message.Esc(p.Name))}, nil
}

// partnerList lists partners: `partner list [stage:] [owner:@u] [kind:] [overdue] [archived]`.
func (h *Handler) partnerList(ctx context.Context, req *Request, a args) (message.Reply, error) {
	var err error
	var stage, owner, kind string
	overdue, archived := false, false
	// Bare words filter too, as people type them: `partner list active`,
	// `clinics`, `mine`, `@maria`.
	for _, t := range a.pos {
		w := strings.ToLower(t.Text)
		switch {
		case w == "overdue":
			overdue = true
		case w == "archived":
			archived = true
		case w == "mine":
			owner = req.User
		case slices.Contains(domain.Stages, w):
			stage = w
		case slices.Contains(domain.Kinds, w) || slices.Contains(domain.Kinds, strings.TrimSuffix(w, "s")):
			kind = strings.TrimSuffix(w, "s")
			if slices.Contains(domain.Kinds, w) {
				kind = w
			}
		case strings.HasPrefix(t.Text, "<@") || strings.HasPrefix(t.Text, "@"):
			if owner, err = h.userArg(ctx, req, "owner", t.Text); err != nil {
				return message.Reply{}, err
			}
		default:
			words := append(append([]string{"overdue", "archived", "mine"}, domain.Stages...), domain.Kinds...)
			if c := closest(w, words); c != "" {
				return message.Reply{}, userErrorf("I don't understand %s here. Did you mean `%s`? `%s partner list %s`", message.Code(t.Text), c, h.cfg.Command, c)
			}
			return message.Reply{}, userErrorf("I don't understand %s here. Filter with a stage (`active`), a kind (`clinic`), `mine`, `@someone`, `overdue` or `archived`, e.g. `%s partner list active overdue`.", message.Code(t.Text), h.cfg.Command)
		}
	}
	if v, ok := a.opt("stage"); ok {
		if stage, err = oneOf("stage", v, domain.Stages); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.opt("kind"); ok {
		if kind, err = oneOf("kind", v, domain.Kinds); err != nil {
			return message.Reply{}, err
		}
	}
	if v, ok := a.optRaw("owner"); ok {
		if owner, err = h.userArg(ctx, req, "owner", v); err != nil {
			return message.Reply{}, err
		}
	}
	all, err := h.store.ListPartners(ctx, req.Team)
	if err != nil {
		return message.Reply{}, err
	}
	now := h.now()
	var shown []domain.Partner
	for _, p := range all {
		if p.Archived != archived || (stage != "" && p.Stage != stage) || (kind != "" && p.Kind != kind) || (owner != "" && p.Owner != owner) {
			continue
		}
		if overdue && p.Health(now).State != domain.HealthOverdue {
			continue
		}
		shown = append(shown, p)
	}
	if len(shown) == 0 {
		if len(all) == 0 {
			return message.Reply{Text: fmt.Sprintf("No partners yet. Add the first with `%s partner add \"County Health Dept\" kind:public-health`.", h.cfg.Command)}, nil
		}
		return message.Reply{Text: "No partners match that."}, nil
	}
	var b strings.Builder
	title := "Partners"
	if archived {
		title = "Archived partners"
	}
	fmt.Fprintf(&b, "*%s* (%d)\n", title, len(shown))
	message.WriteLines(&b, len(shown), 40, ". Narrow the list with `stage:`, `owner:` or `kind:`.",
		func(i int) string { return message.PartnerLine(shown[i], now, req.Loc) })
	return message.Reply{Text: b.String()}, nil
}

// partnerShow shows one partner: `partner show <partner>`.
func (h *Handler) partnerShow(ctx context.Context, req *Request, a args) (message.Reply, error) {
	p, err := h.partner(ctx, req, Unlink(joinText(a.pos)))
	if err != nil {
		return message.Reply{}, err
	}
	people, err := h.store.People(ctx, req.Team, p.Slug)
	if err != nil {
		return message.Reply{}, err
	}
	recent, err := h.store.History(ctx, req.Team, p.Slug, 5)
	if err != nil {
		return message.Reply{}, err
	}
	open, err := h.store.PartnerFollowUps(ctx, req.Team, p.Slug, true)
	if err != nil {
		return message.Reply{}, err
	}
	upcoming, err := h.store.Events(ctx, req.Team, p.Slug, h.now().Add(-24*time.Hour), h.now().AddDate(2, 0, 0), false, 10)
	if err != nil {
		return message.Reply{}, err
	}
	upcoming = filterEvents(upcoming, func(e domain.Event) bool { return e.End.After(h.now()) })
	if len(upcoming) > 3 {
		upcoming = upcoming[:3]
	}
	now := h.now()
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* `%s`", message.Esc(p.Name), p.Slug)
	if p.Archived {
		b.WriteString(" _(archived)_")
	}
	fmt.Fprintf(&b, "\n%s · %s · owner %s · stay in touch every %s\n", p.Kind, p.Stage, message.Mention(p.Owner), message.Plural(p.Cadence, "day"))
	hl := p.Health(now)
	fmt.Fprintf(&b, "Health: %s · last contact %s", message.HealthMark(hl), message.Ago(now, p.LastContact, req.Loc))
	if c := message.CheckinLine(p, h.now(), req.Loc); c != "" {
		b.WriteString(" · " + c)
	}
	switch hl.State {
	case domain.HealthOverdue:
		fmt.Fprintf(&b, " · contact was due %s", message.Date(hl.DueAt, h.now(), req.Loc))
	case domain.HealthOnTrack, domain.HealthDue:
		fmt.Fprintf(&b, " · next contact due %s", message.Date(hl.DueAt, h.now(), req.Loc))
	}
	b.WriteByte('\n')
	if p.Channel != "" {
		fmt.Fprintf(&b, "Channel: %s%s\n", message.ChannelLink(p.Channel), h.orgState(p))
	}
	for _, f := range []struct{ label, v string }{{"Services", p.Services}, {"Audience", p.Audience}, {"Programs", p.Programs}, {"Goals", p.Goals}} {
		if f.v != "" {
			fmt.Fprintf(&b, "%s: %s\n", f.label, message.Esc(f.v))
		}
	}
	if len(people) > 0 {
		b.WriteString("\n*People*\n")
		for _, pp := range people {
			fmt.Fprintf(&b, "• %s", message.Esc(pp.Name))
			for _, x := range []string{pp.Role, pp.Email, pp.Phone} {
				if x != "" {
					fmt.Fprintf(&b, " · %s", message.Esc(x))
				}
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString("\n*Recent contacts*\n")
	if len(recent) == 0 {
		fmt.Fprintf(&b, "None yet. Log one with `%s log %s call \"<what happened>\"`.\n", h.cfg.Command, p.Slug)
	}
	for _, ct := range recent {
		b.WriteString(message.ContactLine(ct, h.now(), req.Loc))
		b.WriteByte('\n')
	}
	if len(upcoming) > 0 {
		b.WriteString("\n*Next events*\n")
		for _, e := range upcoming {
			b.WriteString(message.EventLine(e, h.eventPartnerNames(ctx, req.Team, e), h.now(), req.Loc) + "\n")
		}
	}
	if len(open) > 0 {
		b.WriteString("\n*Open follow-ups*\n")
		for _, f := range open {
			b.WriteString(message.FollowUpLine(f, p.Name, now, req.Loc))
			b.WriteByte('\n')
		}
	}
	return message.Reply{Text: b.String(), Choices: []message.Choice{{Label: "Log contact", Action: message.ActionLogContact, Value: p.Slug, Style: "primary"}}}, nil
}

// partnerSet changes fields: `partner set <partner> field:value…`.
func (h *Handler) partnerSet(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if err := a.splitText(); err != nil {
		return message.Reply{}, err
	}
	if !a.anyOption() {
		return message.Reply{}, userErrorf("What should change? Give one or more of %s, e.g. `%s partner set county stage:active`.", optionList(partnerSetFields), h.cfg.Command)
	}
	if err := splitCadence(a); err != nil {
		return message.Reply{}, err
	}
	// Validate everything before touching the store: a failed command stores nothing.
	var ch store.PartnerChange
	orgNote := ""
	var changed []string
	str := func(v string) *string { return &v }
	for _, key := range partnerSetFields {
		raw, ok := a.optRaw(key)
		if !ok {
			continue
		}
		v := Unlink(raw)
		switch key {
		case "name":
			name := strings.Join(strings.Fields(v), " ")
			if name == "" || len([]rune(name)) > maxName {
				return message.Reply{}, userErrorf("`name:` needs a name of 1 to %d characters.", maxName)
			}
			ch.Name = &name
		case "kind":
			k, err := oneOf("kind", v, domain.Kinds)
			if err != nil {
				return message.Reply{}, err
			}
			ch.Kind = &k
		case "stage":
			s, err := oneOf("stage", v, domain.Stages)
			if err != nil {
				return message.Reply{}, err
			}
			ch.Stage = &s
		case "owner":
			id, err := h.userArg(ctx, req, "owner", raw)
			if err != nil {
				return message.Reply{}, err
			}
			ch.Owner = &id
		case "channel":
			if strings.EqualFold(v, "none") {
				ch.Channel = str("")
				if _, named := a.opt("org"); !named {
					ch.OrgTeams = &[]string{}
				}
				break
			}
			id, err := h.channelArg(ctx, "channel", raw)
			if err != nil {
				return message.Reply{}, err
			}
			ch.Channel = &id
			if _, named := a.opt("org"); !named {
				orgs, note := h.orgOf(ctx, req, id)
				ch.OrgTeams, orgNote = &orgs, note
			}
		case "org":
			orgs, err := h.orgArg(ctx, req, raw)
			if err != nil {
				return message.Reply{}, err
			}
			ch.OrgTeams = &orgs
		case "cadence":
			d, err := cadenceArg(v)
			if err != nil {
				return message.Reply{}, err
			}
			ch.Cadence = &d
		default:
			tv, err := textField(key, v, maxField)
			if err != nil {
				return message.Reply{}, err
			}
			switch key {
			case "services":
				ch.Services = &tv
			case "audience":
				ch.Audience = &tv
			case "programs":
				ch.Programs = &tv
			case "goals":
				ch.Goals = &tv
			}
		}
		changed = append(changed, key)
	}
	p, err := h.partner(ctx, req, Unlink(joinText(a.pos)))
	if err != nil {
		return message.Reply{}, err
	}
	if org, named := a.opt("org"); named && ch.OrgTeams != nil && len(*ch.OrgTeams) > 0 {
		// An organization acts for its partner through the channel they
		// share (in it, and in a DM with the bot); with none, org: would
		// say "Updated" and change nothing anyone can see.
		channel := p.Channel
		if ch.Channel != nil {
			channel = *ch.Channel
		}
		if channel == "" {
			return message.Reply{}, userErrorf("*%s* has no linked channel, and its organization's people act for it through the channel you share with them (there, and in a DM with me). Link it in the same command: `%s partner set %s channel:#<the shared channel> org:%s`.",
				message.Esc(p.Name), h.cfg.Command, p.Slug, message.Esc(org))
		}
	}
	if err := h.store.UpdatePartner(ctx, req.Team, p.Slug, ch, req.User, h.now()); err != nil {
		if pe, ok := store.IsConflict(err); ok {
			if pe.Err == store.ErrChannelTaken {
				return message.Reply{}, userErrorf("That channel is already linked to `%s`; a channel belongs to one partner.", pe.Slug)
			}
			return message.Reply{}, userErrorf("`%s` already has that name; choose another.", pe.Slug)
		}
		return message.Reply{}, err
	}
	if ch.Channel != nil || ch.Name != nil {
		h.touchCanvas(ctx, req.Team, p.Slug) // a canvas in the new channel, or its new name
	}
	return message.Reply{Text: fmt.Sprintf(":white_check_mark: Updated *%s* (`%s`): %s.%s", message.Esc(p.Name), p.Slug, strings.Join(changed, ", "), orgNote),
		Feed: fmt.Sprintf("%s updated partner *%s* (%s)", message.Mention(req.User), message.Esc(p.Name), strings.Join(changed, ", "))}, nil
}

// partnerPerson adds or updates a person: `partner person <partner> <name> [role:] [email:] [phone:]`.
func (h *Handler) partnerPerson(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if err := a.splitText(); err != nil {
		return message.Reply{}, err
	}
	var err error
	if len(a.pos) < 2 {
		return message.Reply{}, userErrorf("Name the partner, then the person: `%s partner person county \"Dana Lee\" role:\"Health educator\"`.", h.cfg.Command)
	}
	name := strings.Join(strings.Fields(Unlink(joinText(a.pos[1:]))), " ")
	if len([]rune(name)) > maxName {
		return message.Reply{}, userErrorf("That name is too long; keep it under %d characters.", maxName)
	}
	// Fields not given keep what is stored; one given empty (role:"") is
	// cleared.
	person := domain.Person{Name: name}
	var clear []string
	for key, dst := range map[string]*string{"role": &person.Role, "email": &person.Email, "phone": &person.Phone} {
		if v, ok := a.opt(key); ok {
			if *dst, err = textField(key, v, 200); err != nil {
				return message.Reply{}, err
			}
			if *dst == "" {
				clear = append(clear, key)
			}
		}
	}
	if person.Email != "" && !strings.Contains(person.Email, "@") {
		return message.Reply{}, userErrorf("%s doesn't look like an email address. Try `email:dana@county.gov`.", message.Code(person.Email))
	}
	p, err := h.partner(ctx, req, Unlink(a.pos[0].Text))
	if err != nil {
		return message.Reply{}, err
	}
	added, err := h.store.UpsertPerson(ctx, req.Team, p.Slug, person, req.User, h.now(), clear...)
	if err != nil {
		return message.Reply{}, err
	}
	verb := "Updated"
	if added {
		verb = "Added"
	}
	return message.Reply{Text: fmt.Sprintf(":white_check_mark: %s %s at *%s*.", verb, message.Esc(person.Name), message.Esc(p.Name)),
		Feed: fmt.Sprintf("%s %s a person at *%s*", message.Mention(req.User), strings.ToLower(verb), message.Esc(p.Name))}, nil
}

// partnerArchive hides or restores a partner (admin): `partner archive <partner> [undo]`.
func (h *Handler) partnerArchive(ctx context.Context, req *Request, a args) (message.Reply, error) {
	pos := a.pos
	archive := true
	if n := len(pos); n > 1 && strings.EqualFold(pos[n-1].Text, "undo") && !pos[n-1].Quoted {
		archive, pos = false, pos[:n-1]
	}
	p, err := h.partner(ctx, req, Unlink(joinText(pos)))
	if err != nil {
		return message.Reply{}, err
	}
	if err := h.store.UpdatePartner(ctx, req.Team, p.Slug, store.PartnerChange{Archived: &archive}, req.User, h.now()); err != nil {
		return message.Reply{}, err
	}
	h.touchCanvas(ctx, req.Team, p.Slug)
	if !archive {
		return message.Reply{Text: fmt.Sprintf(":white_check_mark: *%s* is back in lists and nudges.", message.Esc(p.Name)),
			Feed: fmt.Sprintf("%s restored partner *%s* from the archive", message.Mention(req.User), message.Esc(p.Name))}, nil
	}
	return message.Reply{Text: fmt.Sprintf(":white_check_mark: Archived *%s*: hidden from lists and nudges, data kept. Undo with `%s partner archive %s undo`.", message.Esc(p.Name), h.cfg.Command, p.Slug),
		Feed: fmt.Sprintf("%s archived partner *%s*", message.Mention(req.User), message.Esc(p.Name))}, nil
}

// partnerErase deletes a partner and its data (admin): `partner erase <partner> confirm`.
func (h *Handler) partnerErase(ctx context.Context, req *Request, a args) (message.Reply, error) {
	pos := a.pos
	confirmed := false
	if n := len(pos); n > 1 && strings.EqualFold(pos[n-1].Text, "confirm") && !pos[n-1].Quoted {
		confirmed, pos = true, pos[:n-1]
	}
	p, err := h.partner(ctx, req, Unlink(joinText(pos)))
	if err != nil {
		return message.Reply{}, err
	}
	if !confirmed {
		return message.Reply{Text: fmt.Sprintf(":warning: This deletes *%s* and everything about it: people, contacts, follow-ups. It cannot be undone. To go ahead, type `%s partner erase %s confirm`. To only hide it, use `%s partner archive %s`.",
			message.Esc(p.Name), h.cfg.Command, p.Slug, h.cfg.Command, p.Slug)}, nil
	}
	if err := h.store.ErasePartner(ctx, req.Team, p.Slug, req.User, h.now()); err != nil {
		return message.Reply{}, err
	}
	h.touchCanvas(ctx, req.Team, p.Slug) // its canvas's parts emptied
	return message.Reply{Text: fmt.Sprintf(":wastebasket: Erased *%s* and everything about it.", message.Esc(p.Name)),
		Feed: fmt.Sprintf("%s erased partner *%s* and its records", message.Mention(req.User), message.Esc(p.Name))}, nil
}

// ChannelMoved follows a channel to the new id Slack gave it (sharing a
// private channel with another organization does): the partner linked to
// it, and its surveys there, move with it. It returns the partner's slug,
// "" when none was linked. Slack, not a person, made the change: the
// audit names it.
func (h *Handler) ChannelMoved(ctx context.Context, team, oldID, newID string) (string, error) {
	slug, err := h.store.RelinkChannel(ctx, team, oldID, newID, "slack", h.now())
	if err != nil {
		return "", fmt.Errorf("channel %s moved to %s: %w", oldID, newID, err)
	}
	return slug, nil
}

func (h *Handler) pressNudge(ctx context.Context, req Request, action, value string) Pressed {
	p, err := h.store.Partner(ctx, req.Team, value)
	if err != nil {
		r := message.Reply{Text: "I can't find that partner any more; it may have been erased. Type `partner list overdue` to see who needs a nudge.", Outcome: message.OutcomeUserError, Command: "button"}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			r = h.fail(req, "button", err)
		}
		return Pressed{Ephemeral: &r}
	}
	now := h.now()
	until := now.In(req.Loc).AddDate(0, 0, 1)
	switch action {
	case message.ActionNudgeSnoozeWk:
		until = now.In(req.Loc).AddDate(0, 0, 7)
	case message.ActionNudgeDone:
		// "I'm on it": no nudge for this partner for a whole cadence.
		until = now.In(req.Loc).AddDate(0, 0, p.Cadence)
	}
	if err := h.store.UpdatePartner(ctx, req.Team, p.Slug, store.PartnerChange{NudgeQuietUntil: &until}, req.User, now); err != nil {
		r := h.fail(req, "button", err)
		return Pressed{Ephemeral: &r}
	}
	upd, err := h.NudgeFor(ctx, req.Team, req.User, now, req.Loc, true)
	if err != nil {
		r := h.fail(req, "button", err)
		return Pressed{Ephemeral: &r}
	}
	upd.Outcome, upd.Command = message.OutcomeOK, "button"
	upd.Feed = fmt.Sprintf("%s put off the stay-in-touch nudge for *%s* until %s", message.Mention(req.User), message.Esc(p.Name), message.Date(until, now, req.Loc))
	return Pressed{Update: &upd}
}

// NudgeFor builds owner's nudge from the store as it is now.
func (h *Handler) NudgeFor(ctx context.Context, team, owner string, now time.Time, loc *time.Location, withQuiet bool) (message.Reply, error) {
	all, err := h.store.ListPartners(ctx, team)
	if err != nil {
		return message.Reply{}, err
	}
	return message.Nudge(domain.Overdue(all, now, owner, withQuiet), now, loc), nil
}

func (h *Handler) partnerName(ctx context.Context, team, slug string) string {
	p, err := h.store.Partner(ctx, team, slug)
	if err != nil {
		return slug
	}
	return p.Name
}
