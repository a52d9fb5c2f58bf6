package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// ExportKinds are what `export` can write, one row per record.
var ExportKinds = []string{"partners", "contacts", "followups", "events", "needs", "surveys"}

// ExportSource is what an export reads; *store.Store has it.
type ExportSource interface {
	Source
	People(ctx context.Context, team, slug string) ([]domain.Person, error)
}

// Names says what Slack calls an id, for people reading an export: a
// person's name, a channel's, a Slack team's; "" when it cannot say.
// The bot asks Slack (cached); the console knows its cast.
type Names interface {
	PersonName(ctx context.Context, id string) string
	ChannelName(ctx context.Context, id string) string
	TeamName(ctx context.Context, id string) string
}

// AllTime is the period of an export given none. It starts long before
// 1970: a contact may be dated any year back.
var AllTime = when.Period{From: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), Label: "all time", Short: "all time"}

// bom starts every export: spreadsheets (Excel above all) read a CSV
// without it in the machine's legacy code page, and "Clínica Salud"
// comes out garbled.
const bom = "\ufeff"

// LocalTime is how an export writes a record's own date for a
// spreadsheet to read as a date and time, in the team's zone.
const LocalTime = "2006-01-02 15:04"

// Export is the CSV of kind for period, of one partner (slug) or all:
// UTF-8 with a byte order mark, a header row, times in ISO 8601 in loc
// and the record's own date again as a local date and time spreadsheets
// read, people, channels and Slack teams by id with their names beside
// them (names may be nil), people and resources as readable lists. It
// streams from the store as it is written: nothing is held but a page
// and the names seen. A record's date decides its period: when a contact
// happened, when a follow-up is due, when an event starts, when a need
// was heard, when a survey was sent; partners are listed whatever the
// period. Events and follow-ups of the period still to come are included
// and marked scheduled. The file reads the store when written, so write
// it while ctx lives.
func Export(ctx context.Context, src ExportSource, names Names, team, kind, slug string, period when.Period, now time.Time, loc *time.Location) message.File {
	scope := "all-partners"
	if slug != "" {
		scope = Slug(slug)
	}
	name := fmt.Sprintf("outreach-%s-%s-%s.csv", kind, scope, Slug(period.Short))
	return message.File{Name: name, Title: fmt.Sprintf("Outreach %s, %s", kind, period.Label), Write: func(w io.Writer) error {
		if _, err := io.WriteString(w, bom); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		x := exporter{src: src, names: names, team: team, slug: slug, period: period, now: now, loc: loc, w: cw, seen: map[string]string{}}
		if err := x.write(ctx, kind); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}}
}

type exporter struct {
	src    ExportSource
	names  Names
	team   string
	slug   string
	period when.Period
	now    time.Time // health is as of now
	loc    *time.Location
	w      *csv.Writer
	seen   map[string]string // names by kind and id, asked once an export
	orgs   map[string]string // Slack teams of partners' organizations, by partner name
}

func (x *exporter) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = Inert(c)
	}
	return x.w.Write(cells)
}

func (x *exporter) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.loc).Format(time.RFC3339)
}

// local is t as a spreadsheet reads a date and time.
func (x *exporter) local(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.loc).Format(LocalTime)
}

// scheduled says whether t is still to come.
func (x *exporter) scheduled(t time.Time) string { return strconv.FormatBool(t.After(x.now)) }

// name looks an id up once per export.
func (x *exporter) name(ctx context.Context, kind, id string) string {
	if id == "" {
		return ""
	}
	if n, ok := x.seen[kind+id]; ok {
		return n
	}
	n := ""
	if kind == "team" {
		n = x.orgs[id] // a partner's own organization
	}
	if n == "" && x.names != nil {
		switch kind {
		case "person":
			n = x.names.PersonName(ctx, id)
		case "channel":
			n = x.names.ChannelName(ctx, id)
		case "team":
			n = x.names.TeamName(ctx, id)
		}
	}
	x.seen[kind+id] = n
	return n
}

func (x *exporter) person(ctx context.Context, id string) string  { return x.name(ctx, "person", id) }
func (x *exporter) channel(ctx context.Context, id string) string { return x.name(ctx, "channel", id) }
func (x *exporter) teamName(ctx context.Context, id string) string {
	return x.name(ctx, "team", id)
}

func (x *exporter) partners(ctx context.Context) ([]domain.Partner, error) {
	all, err := x.src.ListPartners(ctx, x.team)
	if err != nil || x.slug == "" {
		return all, err
	}
	for _, p := range all {
		if p.Slug == x.slug {
			return []domain.Partner{p}, nil
		}
	}
	return nil, fmt.Errorf("export: partner %q: %w", x.slug, store.ErrNotFound)
}

func (x *exporter) write(ctx context.Context, kind string) error {
	ps, err := x.partners(ctx)
	if err != nil {
		return err
	}
	all, err := x.src.ListPartners(ctx, x.team) // names of partners beyond the slug's too
	if err != nil {
		return err
	}
	names := partnerNames(all)
	x.orgs = map[string]string{}
	for _, p := range all {
		for _, t := range p.OrgTeams {
			if t != domain.OrgUnnamed {
				x.orgs[t] = p.Name
			}
		}
	}
	from, to := x.period.From, x.period.To
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	count := func(n int) string {
		if n < 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	switch kind {
	case "partners":
		if err := x.row("id", "name", "kind", "stage", "owner", "owner_name", "channel", "channel_name", "cadence_days", "health", "one_way", "last_contact", "last_contact_local",
			"checkin_score", "checkin_answers", "services", "audience", "programs", "goals", "people", "archived", "created", "updated"); err != nil {
			return err
		}
		for _, p := range ps {
			people, err := x.src.People(ctx, x.team, p.Slug)
			if err != nil {
				return err
			}
			var pl []string
			for _, pe := range people {
				pl = append(pl, personCell(pe))
			}
			h := p.Health(x.now)
			score := ""
			if p.CheckinCount > 0 {
				score = strconv.FormatFloat(p.CheckinScore, 'f', 1, 64)
			}
			if err := x.row(p.Slug, p.Name, p.Kind, p.Stage, p.Owner, x.person(ctx, p.Owner), p.Channel, x.channel(ctx, p.Channel), strconv.Itoa(p.Cadence), h.State, strconv.FormatBool(h.OneWay),
				x.time(p.LastContact), x.local(p.LastContact), score, strconv.Itoa(p.CheckinCount), p.Services, p.Audience, p.Programs, p.Goals,
				strings.Join(pl, "; "), strconv.FormatBool(p.Archived), x.time(p.Created), x.time(p.Updated)); err != nil {
				return err
			}
		}
	case "contacts":
		if err := x.row("id", "partner", "partner_name", "when", "when_local", "method", "direction", "who", "who_name", "summary", "outcome", "logged"); err != nil {
			return err
		}
		for _, p := range ps {
			if err := x.src.EachContact(ctx, x.team, p.Slug, from, to, func(c domain.Contact) error {
				return x.row("C"+itoa(c.ID), p.Slug, p.Name, x.time(c.When), x.local(c.When), c.Method, c.Direction, c.Who, x.person(ctx, c.Who), c.Summary, c.Outcome, x.time(c.Created))
			}); err != nil {
				return err
			}
		}
	case "followups":
		if err := x.row("id", "partner", "partner_name", "due", "due_local", "scheduled", "status", "what", "assignee", "assignee_name", "created_by", "created_by_name", "created",
			"closed_by", "closed_by_name", "closed", "snoozes", "reminders", "shared"); err != nil {
			return err
		}
		for _, p := range ps {
			if err := x.src.EachFollowUp(ctx, x.team, p.Slug, func(f domain.FollowUp) error {
				if !x.period.Contains(f.Due) {
					return nil
				}
				return x.row("F"+itoa(f.ID), p.Slug, p.Name, x.time(f.Due), x.local(f.Due), x.scheduled(f.Due), f.Status, f.Text, f.Assignee, x.person(ctx, f.Assignee),
					f.CreatedBy, x.person(ctx, f.CreatedBy), x.time(f.Created), f.DoneBy, x.person(ctx, f.DoneBy), x.time(f.DoneAt),
					strconv.Itoa(f.Snoozes), strconv.Itoa(f.Reminders), strconv.FormatBool(f.Shared))
			}); err != nil {
				return err
			}
		}
	case "events":
		if err := x.row("id", "partner", "partner_name", "with", "title", "type", "start", "start_local", "end", "scheduled", "where", "audience", "resources",
			"registered", "attended", "organizer", "organizer_name", "created"); err != nil {
			return err
		}
		if err := x.src.EachEvent(ctx, x.team, x.slug, from, to, func(e domain.Event) error {
			var with []string // the other partners it was run with, by name
			for _, w := range e.With {
				with = append(with, names[w])
			}
			return x.row("E"+itoa(e.ID), e.Partner, names[e.Partner], strings.Join(with, "; "), e.Title, e.Type, x.time(e.Start), x.local(e.Start), x.time(e.End),
				x.scheduled(e.Start), e.Where, e.Audience, strings.Join(e.Resources, "; "), count(e.Registered), count(e.Attended), e.Organizer, x.person(ctx, e.Organizer), x.time(e.Created))
		}); err != nil {
			return err
		}
	case "needs":
		if err := x.row("id", "topics", "note", "partner", "partner_name", "event", "who", "who_name", "who_team", "who_team_name", "heard", "heard_local"); err != nil {
			return err
		}
		if err := x.src.EachNeed(ctx, x.team, x.slug, from, to, func(n domain.Need) error {
			ev := ""
			if n.Event > 0 {
				ev = "E" + itoa(n.Event)
			}
			return x.row("N"+itoa(n.ID), strings.Join(n.Topics, "; "), n.Note, n.Partner, names[n.Partner], ev, n.Who, x.person(ctx, n.Who), n.Team, x.teamName(ctx, n.Team), x.time(n.At), x.local(n.At))
		}); err != nil {
			return err
		}
	case "surveys":
		// One row per response (a survey nobody answered has one empty row).
		if err := x.row("survey", "template", "partner", "partner_name", "event", "channel", "channel_name", "sent", "respondent", "respondent_name", "respondent_team", "respondent_team_name",
			"answered", "answered_local", "question_1", "answer_1", "question_2", "answer_2", "comment"); err != nil {
			return err
		}
		for _, p := range ps {
			if err := x.src.EachSurvey(ctx, x.team, p.Slug, from, to, func(sv domain.Survey, rs []domain.Response) error {
				ev := ""
				if sv.Event > 0 {
					ev = "E" + itoa(sv.Event)
				}
				head := []string{"S" + itoa(sv.ID), sv.Template, p.Slug, p.Name, ev, sv.Channel, x.channel(ctx, sv.Channel), x.time(sv.Created)}
				if len(rs) == 0 {
					return x.row(append(head, make([]string, 11)...)...)
				}
				t := domain.Templates[sv.Template]
				for _, r := range rs {
					at := time.UnixMilli(r.At)
					cells := append(append([]string(nil), head...), r.User, x.person(ctx, r.User), r.Team, x.teamName(ctx, r.Team), x.time(at), x.local(at))
					if sv.Anonymous {
						// Kept without who or when: nothing to show but the answers.
						cells = append(append([]string(nil), head...), "", "anonymous", "", "", "", "")
					}
					for i := 0; i < 2; i++ {
						if i < len(t.Questions) {
							q := t.Questions[i]
							ans := ""
							if raw, ok := r.Answers[q.ID]; ok {
								ans = q.AnswerText(raw)
							}
							cells = append(cells, q.Text, ans)
						} else {
							cells = append(cells, "", "")
						}
					}
					if err := x.row(append(cells, r.Comment)...); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("export: unknown kind %q", kind)
	}
	return nil
}

func partnerNames(ps []domain.Partner) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.Slug] = p.Name
	}
	return m
}

// personCell is a person at a partner as one readable cell:
// "Dana Lee (Health educator, dana@county.gov, 555-0100)".
func personCell(p domain.Person) string {
	var extra []string
	for _, s := range []string{p.Role, p.Email, p.Phone} {
		if s != "" {
			extra = append(extra, s)
		}
	}
	if len(extra) == 0 {
		return p.Name
	}
	return fmt.Sprintf("%s (%s)", p.Name, strings.Join(extra, ", "))
}

// Inert makes a cell safe to open in a spreadsheet: one that begins
// with =, +, -, @, a tab or a carriage return would be read as a formula,
// so it gets a leading apostrophe (OWASP's advice on CSV injection).
func Inert(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
