package commands

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/sheet"
	"github.com/outreachbot/outreachbot/store"
)

// importStore is what `import` needs from storage.
type importStore interface {
	ImportRows(ctx context.Context, team, kind string, rows []store.ImportRow, delays store.EventDelays, actor string, now time.Time) ([]int64, error)
	ImportSeen(ctx context.Context, team, kind string, rows []store.ImportRow) ([]bool, error)
	SetPendingImport(ctx context.Context, team, user, file string) error
	PendingImport(ctx context.Context, team, user string) (string, error)
}

// Files opens a file a person gave the bot to import: one dropped into a
// DM (the bot reads it from Slack) or a path typed at the console. ref is
// the door's own name for it. Open returns a *FileError for what the
// person can put right (too large, not a spreadsheet, gone).
type Files interface {
	Open(ctx context.Context, ref string) (ImportFile, error)
}

// ImportFile is an opened file. Body is read twice (partners first, then
// what names them) and closed by the import.
type ImportFile struct {
	Name string
	Body io.ReadSeekCloser
}

// FileError is why a file cannot be read, in words for the person.
type FileError struct{ Msg string }

func (e *FileError) Error() string { return e.Msg }

// MaxImportBytes is the largest file an import reads: about 170,000
// contacts as our export writes them.
const MaxImportBytes = 32 << 20

// ActionImport is the Import button under a dry run; its value is the
// file, which must be the presser's own last dry run.
const ActionImport = "import"

// importBatch is how many rows go to the store at once: one script each.
const importBatch = 500

// importCommand: a file dropped into a DM (req.File) or `import <path>`
// at the console gets a dry run; `import confirm` stores the last one.
func (h *Handler) importCommand(ctx context.Context, req *Request, a args) (message.Reply, error) {
	if req.File != "" {
		return h.importReply(*req, req.File, false), nil
	}
	if len(a.pos) == 1 && !a.pos[0].Quoted && strings.EqualFold(a.pos[0].Text, "confirm") {
		ref, err := h.store.PendingImport(ctx, req.Team, req.User)
		if errors.Is(err, store.ErrNotFound) {
			return message.Reply{}, userErrorf("There is no dry run of yours to confirm (a dry run waits a day). %s", h.importHow(req))
		}
		if err != nil {
			return message.Reply{}, err
		}
		return h.importReply(*req, ref, true), nil
	}
	if len(a.pos) > 0 {
		if req.Door != DoorConsole {
			return message.Reply{}, userErrorf("`import <path>` reads a file at the console. %s", h.importHow(req))
		}
		return h.importReply(*req, Unlink(joinText(a.pos)), false), nil
	}
	return message.Reply{Text: ":inbox_tray: " + h.importHow(req) + "\nI read partners, people, contacts, events, needs and follow-ups, one kind per file or tab (named after it: `contacts.csv`, a tab called Partners), or mixed with a `record` column saying each row's kind. Columns are found by name (`Organization`, `Date`, `Notes`…); our own exports read back as they are. First you get a dry run; nothing is stored until you press *Import*."}, nil
}

// importHow says how to hand over a file at this door.
func (h *Handler) importHow(req *Request) string {
	if req.Door == DoorConsole {
		return "Type `import ./partners.csv` (a CSV or .xlsx file), then `import confirm`."
	}
	return fmt.Sprintf("Drop a CSV or .xlsx file (up to %d MB) into a DM with me, then press *Import* or type `import confirm`.", MaxImportBytes>>20)
}

// importReply reads ref now and answers later: a dry run, or with apply
// the import itself.
func (h *Handler) importReply(req Request, ref string, apply bool) message.Reply {
	verb := "Reading"
	if apply {
		verb = "Importing"
	}
	return message.Reply{
		Text: fmt.Sprintf(":hourglass_flowing_sand: %s the file…", verb),
		Later: func(ctx context.Context) message.Reply {
			r, err := h.runImport(ctx, req, ref, apply)
			if err != nil {
				return h.fail(req, "import", err)
			}
			r.Outcome, r.Command = message.OutcomeOK, "import"
			return r
		},
	}
}

// Importable reports whether a file of this name is a spreadsheet the
// import reads (CSV, TSV or .xlsx): a door checks before it downloads.
func Importable(name string) bool { return sheet.Supported(name) }

// pressImport stores the dry run under the button, checked again as if
// typed: the presser is an admin and the file is their own last dry run.
func (h *Handler) pressImport(ctx context.Context, req Request, value string) Pressed {
	eph := func(r message.Reply) Pressed { return Pressed{Ephemeral: &r} }
	if req.Role < RoleAdmin {
		return eph(h.fail(req, "import", errDenied))
	}
	ref, err := h.store.PendingImport(ctx, req.Team, req.User)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ref != value) {
		return eph(message.Reply{Text: "That button is under a dry run that isn't your latest (or is more than a day old). Drop the file again for a fresh dry run.", Outcome: message.OutcomeUserError, Command: "import"})
	}
	if err != nil {
		return eph(h.fail(req, "import", err))
	}
	r := h.importReply(req, ref, true)
	r.Outcome, r.Command = message.OutcomeOK, "import"
	return eph(r)
}

// rowRef is where a row is: its table and its row number.
type rowRef struct {
	table string
	row   int
}

type rowError struct {
	at       rowRef
	col, msg string
}

type importCount struct{ add, there, bad int }

// importer is one run over a file: a dry run counts, an apply stores.
type importer struct {
	h      *Handler
	req    Request
	now    time.Time
	apply  bool
	ix     *partnerIndex
	tables []string // what each table was read as
	multi  bool     // several tables: rows are named with their table

	counts     map[string]*importCount
	errs       []rowError // the first maxImportErrors
	nerrs      int
	skipped    []rowRef
	unknown    []string
	samples    []string
	sampled    map[string]int
	unknownWho int
	// guessed counts the values read as a default ("kind `Library
	// system` read as `other`"), by what was read.
	guessed map[string]int
	// topics are the need topics known when the first need row came.
	topics     []string
	topicsRead bool
	seen       map[string]bool // identities met in this run (a dry run's own duplicates)
	people     map[string]map[string]domain.Person

	batchKind string
	batch     []store.ImportRow
	batchAt   []rowRef
}

const (
	maxImportErrors = 20000 // kept for the errors file
	shownErrors     = 25
	samplesPerKind  = 2
)

func (h *Handler) runImport(ctx context.Context, req Request, ref string, apply bool) (message.Reply, error) {
	if h.cfg.Files == nil {
		return message.Reply{}, userErrorf("I can't read files here.")
	}
	f, err := h.cfg.Files.Open(ctx, ref)
	var fe *FileError
	if errors.As(err, &fe) {
		return message.Reply{}, userErrorf("%s", fe.Msg)
	}
	if err != nil {
		return message.Reply{}, fmt.Errorf("open import file: %w", err)
	}
	defer f.Body.Close()
	ps, err := h.store.ListPartners(ctx, req.Team)
	if err != nil {
		return message.Reply{}, err
	}
	im := &importer{h: h, req: req, now: h.now(), apply: apply, ix: newPartnerIndex(ps),
		counts: map[string]*importCount{}, sampled: map[string]int{}, seen: map[string]bool{}, people: map[string]map[string]domain.Person{}}
	for _, k := range importKinds {
		im.counts[k] = &importCount{}
	}
	im.ix.noted = func(n string) { im.readAs(n) }
	// Partners first, so that rows naming them find them wherever they
	// stand in the file; then the rest, in file order.
	for pass := 0; pass < 2; pass++ {
		if _, err := f.Body.Seek(0, io.SeekStart); err != nil {
			return message.Reply{}, fmt.Errorf("rewind import file: %w", err)
		}
		err := sheet.Read(f.Body, f.Name, func(t *sheet.Table) error { return im.table(ctx, t, pass) })
		if errors.Is(err, sheet.ErrFormat) {
			return message.Reply{}, userErrorf("%s isn't a CSV or .xlsx file I can read. Save it from your spreadsheet as CSV (UTF-8) or Excel workbook (.xlsx) and drop it again.", message.Code(f.Name))
		}
		if err != nil {
			return message.Reply{}, err
		}
	}
	if !apply {
		if err := h.store.SetPendingImport(ctx, req.Team, req.User, ref); err != nil {
			return message.Reply{}, err
		}
	}
	return im.reply(f.Name, ref), nil
}

// table reads one table on one pass: partners on the first, the rest on
// the second.
func (im *importer) table(ctx context.Context, t *sheet.Table, pass int) error {
	mixed := sheet.Match(t.Header, []sheet.Field{recordColumn}, nil).Has("record")
	kind := ""
	var cols sheet.Columns
	if mixed {
		cols = sheet.Match(t.Header, mixedFields(), nil)
	} else {
		kind = kindOfTable(t.Name, t.Header)
		if kind != "" {
			cols = sheet.Match(t.Header, importFields[kind], importIgnored[kind])
		}
	}
	if pass == 0 {
		switch {
		case mixed:
			im.tables = append(im.tables, fmt.Sprintf("%s (a `record` column names each row's kind)", message.Code(t.Name)))
		case kind == "":
			im.tables = append(im.tables, fmt.Sprintf("%s: left out, as I can't tell what it holds. Name the file or tab after its kind (partners, people, contacts, events, needs, followups), or add a `record` column", message.Code(t.Name)))
		default:
			im.tables = append(im.tables, fmt.Sprintf("%s as %s", message.Code(t.Name), kind))
		}
		for _, u := range cols.Unknown {
			im.unknown = append(im.unknown, fmt.Sprintf("%s in %s", message.Code(u), message.Code(t.Name)))
		}
		if kind == kindPartners && !ourExport(t.Header) {
			// Our exports' last_contact is left out as worked out; a
			// sheet of the team's own means it, and is told why not.
			for _, h := range t.Header {
				if sheet.HeaderKey(h) == sheet.HeaderKey("last contact") {
					im.readAs(fmt.Sprintf("%s is not read: a partner's last contact is its latest contact, so import the contact log (or `log` the latest one)", message.Code(h)))
				}
			}
		}
		im.multi = len(im.tables) > 1
	}
	if !mixed && kind == "" {
		return nil
	}
	for {
		cells, n, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
		at := rowRef{t.Name, n}
		for i, c := range cells {
			cells[i] = uninert(c)
		}
		if totalsRow(cells) {
			if pass == 0 {
				im.readAs("rows of totals left out")
			}
			continue
		}
		k := kind
		if mixed {
			if k = kindNamed(cols.Get(cells, "record")); k == "" {
				if pass == 1 {
					im.bad("", at, badCell("record", "`record` is %s: write partner, person, contact, event, need or followup", message.Code(cols.Get(cells, "record"))))
				}
				continue
			}
		}
		if (pass == 0) != (k == kindPartners) {
			continue
		}
		if err := im.row(ctx, k, cols, cells, at); err != nil {
			return err
		}
	}
	return im.flush(ctx)
}

// bad records a row that is left out, and why.
func (im *importer) bad(kind string, at rowRef, err error) {
	if kind != "" {
		im.counts[kind].bad++
	}
	im.nerrs++
	im.skipped = append(im.skipped, at)
	if len(im.errs) < maxImportErrors {
		ce := &cellError{}
		if errors.As(err, &ce) {
			im.errs = append(im.errs, rowError{at: at, col: ce.col, msg: ce.msg})
		} else {
			im.errs = append(im.errs, rowError{at: at, msg: err.Error()})
		}
	}
}

// readAs counts values a row had that were read as a default.
func (im *importer) readAs(notes ...string) {
	for _, n := range notes {
		if n == "" {
			continue
		}
		if im.guessed == nil {
			im.guessed = map[string]int{}
		}
		im.guessed[n]++
	}
}

// row handles one row; it returns only errors that stop the import.
func (im *importer) row(ctx context.Context, kind string, cols sheet.Columns, cells []string, at rowRef) error {
	h, req := im.h, &im.req
	switch kind {
	case kindPartners:
		p, people, notes, err := h.rowPartner(ctx, req, cols, cells)
		if err != nil {
			im.bad(kind, at, err)
			return nil
		}
		im.readAs(notes...)
		got, err := im.partner(ctx, p, at)
		if err != nil || got == nil {
			return err
		}
		for _, pe := range people {
			if err := im.person(ctx, got.Slug, pe, at); err != nil {
				return err
			}
		}
	case kindPeople:
		slug, p, err := h.rowPerson(cols, cells, im.ix)
		if err != nil {
			im.bad(kind, at, err)
			return nil
		}
		return im.person(ctx, slug, p, at)
	case kindContacts:
		r, unknownWho, err := h.rowContact(ctx, req, cols, cells, im.ix, im.now)
		if err != nil {
			im.bad(kind, at, err)
			return nil
		}
		if unknownWho {
			im.unknownWho++
		}
		return im.queue(ctx, kind, r, at)
	case kindEvents:
		r, note, err := h.rowEvent(ctx, req, cols, cells, im.ix, im.now)
		if err != nil {
			im.bad(kind, at, err)
			return nil
		}
		im.readAs(note)
		return im.queue(ctx, kind, r, at)
	case kindNeeds:
		if !im.topicsRead {
			known, err := h.knownTopics(ctx, req)
			if err != nil {
				return err
			}
			im.topics, im.topicsRead = known, true
		}
		r, note, err := h.rowNeed(ctx, req, cols, cells, im.ix, im.now, im.topics)
		if err != nil {
			im.bad(kind, at, err)
			return nil
		}
		im.readAs(note)
		return im.queue(ctx, kind, r, at)
	case kindFollowUps:
		r, note, err := h.rowFollowUp(ctx, req, cols, cells, im.ix, im.now)
		if err != nil {
			im.bad(kind, at, err)
			return nil
		}
		im.readAs(note)
		return im.queue(ctx, kind, r, at)
	}
	return nil
}

// partner adds a partners row's partner, unless one of that id or name
// is here already.
func (im *importer) partner(ctx context.Context, p domain.Partner, at rowRef) (*domain.Partner, error) {
	c := im.counts[kindPartners]
	there, ok := im.ix.bySlug[p.Slug]
	if !ok {
		if slug, named := im.ix.byName[domain.NameKey(p.Name)]; named {
			there, ok = im.ix.bySlug[slug], true
		}
	}
	if !ok {
		// "County Health Dept." beside the County Health Department
		// there already: the same organization, most likely (partner add
		// asks); its rows go to that one, and the dry run says so.
		there, ok = im.ix.alike(p.Name)
	}
	if ok {
		c.there++
		// Values the sheet gives that differ from what is stored are
		// not changed by an import: say so.
		for _, d := range []struct{ field, sheet, stored, deflt string }{{"stage", p.Stage, there.Stage, "prospect"}, {"kind", p.Kind, there.Kind, "other"}} {
			if d.sheet != d.deflt && d.sheet != d.stored {
				im.readAs(fmt.Sprintf("`%s` is here already as %s %s, the sheet says %s: an import adds, it changes nothing; `partner set %s %s:%s` does", there.Slug, d.field, d.stored, d.sheet, there.Slug, d.field, d.sheet))
			}
		}
		return &there, nil
	}
	if im.apply {
		p.OrgTeams, _ = im.h.orgOf(ctx, &im.req, p.Channel)
		err := im.h.store.AddPartner(ctx, im.req.Team, p, im.req.User, im.now)
		if pe, ok := store.IsConflict(err); ok {
			if pe.Err == store.ErrChannelTaken {
				im.bad(kindPartners, at, badCell("channel", "its channel is linked to `%s` already: link another, or leave `channel` empty", pe.Slug))
				return nil, nil
			}
			c.there++
			return &p, nil
		}
		if err != nil {
			return nil, err
		}
	}
	im.ix.add(p)
	c.add++
	im.sample(kindPartners, fmt.Sprintf("partner *%s* `%s` · %s · %s · owner %s", message.Esc(p.Name), p.Slug, p.Kind, p.Stage, message.Mention(p.Owner)))
	return &p, nil
}

// person adds or updates a person at a partner, unless they are here
// already just so.
func (im *importer) person(ctx context.Context, slug string, p domain.Person, at rowRef) error {
	known, ok := im.people[slug]
	if !ok {
		known = map[string]domain.Person{}
		if _, stored := im.ix.bySlug[slug]; stored {
			list, err := im.h.store.People(ctx, im.req.Team, slug)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			for _, x := range list {
				known[domain.NameKey(x.Name)] = x
			}
		}
		im.people[slug] = known
	}
	c := im.counts[kindPeople]
	key := domain.NameKey(p.Name)
	if old, ok := known[key]; ok && old == p {
		c.there++
		return nil
	}
	if im.apply {
		if _, err := im.h.store.UpsertPerson(ctx, im.req.Team, slug, p, im.req.User, im.now); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				im.bad(kindPeople, at, badCell("partner", "partner `%s` is gone", slug))
				return nil
			}
			return err
		}
	}
	known[key] = p
	c.add++
	extra := ""
	if p.Role != "" {
		extra = ", " + message.Esc(p.Role)
	}
	im.sample(kindPeople, fmt.Sprintf("person %s%s at `%s`", message.Esc(p.Name), extra, slug))
	return nil
}

var storeKind = map[string]string{kindContacts: store.ImportContact, kindEvents: store.ImportEvent, kindNeeds: store.ImportNeed, kindFollowUps: store.ImportFollowUp}

// queue adds a row to the batch, sending the batch when it is full or
// another kind comes.
func (im *importer) queue(ctx context.Context, kind string, r store.ImportRow, at rowRef) error {
	if im.batchKind != kind {
		if err := im.flush(ctx); err != nil {
			return err
		}
		im.batchKind = kind
	}
	im.batch = append(im.batch, r)
	im.batchAt = append(im.batchAt, at)
	if len(im.batch) >= importBatch {
		return im.flush(ctx)
	}
	return nil
}

// flush counts (a dry run) or stores (an import) the batch.
func (im *importer) flush(ctx context.Context) error {
	if len(im.batch) == 0 {
		return nil
	}
	kind, rows, ats := im.batchKind, im.batch, im.batchAt
	im.batch, im.batchAt = nil, nil
	c := im.counts[kind]
	sk := storeKind[kind]
	if im.apply {
		res, err := im.h.store.ImportRows(ctx, im.req.Team, sk, rows, im.h.cfg.SurveyDelays, im.req.User, im.now)
		if err != nil {
			return err
		}
		for i, id := range res {
			switch {
			case id > 0:
				c.add++
				im.sampleRow(kind, rows[i])
			case id == store.ImportGone:
				im.bad(kind, ats[i], badCell("partner", "its partner was erased while the file was read"))
			default:
				c.there++
			}
		}
		return nil
	}
	seen, err := im.h.store.ImportSeen(ctx, im.req.Team, sk, rows)
	if err != nil {
		return err
	}
	for i, r := range rows {
		key := r.Identity
		if r.ID > 0 {
			key = sk + "#" + strconv.FormatInt(r.ID, 10)
		}
		if seen[i] || im.seen[key] {
			c.there++
			continue
		}
		im.seen[key] = true
		c.add++
		im.sampleRow(kind, r)
	}
	return nil
}

func (im *importer) sample(kind, line string) {
	if im.sampled[kind] >= samplesPerKind {
		return
	}
	im.sampled[kind]++
	im.samples = append(im.samples, "• "+line)
}

func (im *importer) sampleRow(kind string, r store.ImportRow) {
	if im.sampled[kind] >= samplesPerKind {
		return
	}
	now, loc := im.now, im.req.Loc
	name := func(slug string) string {
		if p, ok := im.ix.bySlug[slug]; ok {
			return "*" + message.Esc(p.Name) + "*"
		}
		return "`" + slug + "`"
	}
	switch kind {
	case kindContacts:
		c := r.Contact
		line := fmt.Sprintf("contact with %s · %s · %s %s · %s — %s", name(c.Partner), message.Time(c.When, now, loc), c.Method, message.Arrow(c.Direction), message.Mention(c.Who), message.Esc(message.Clip(c.Summary, 200)))
		if c.Outcome != "" {
			line += " · outcome: " + message.Esc(message.Clip(c.Outcome, 100))
		}
		im.sample(kind, line)
	case kindEvents:
		e := r.Event
		im.sample(kind, fmt.Sprintf("event *%s* with %s · %s", message.Esc(e.Title), name(e.Partner), message.EventWhen(e, now, loc)))
	case kindNeeds:
		n := r.Need
		im.sample(kind, fmt.Sprintf("need %s · %s — %s", strings.Join(n.Topics, ", "), message.Date(n.At, now, loc), message.Esc(message.Clip(n.Note, 200))))
	case kindFollowUps:
		f := r.FollowUp
		im.sample(kind, fmt.Sprintf("follow-up for %s · %s · %s — %s", name(f.Partner), f.Status, message.FollowUpStatus(f, now, loc), message.Esc(message.Clip(f.Text, 200))))
	}
}

// where names a row for the reply.
func (im *importer) where(at rowRef) string {
	if im.multi {
		return fmt.Sprintf("%s row %d", message.Esc(at.table), at.row)
	}
	return fmt.Sprintf("row %d", at.row)
}

// counted is "3 partners, 4 people, 48 contacts" for the counts of f.
func (im *importer) counted(f func(*importCount) int) string {
	var parts []string
	for _, k := range importKinds {
		if n := f(im.counts[k]); n > 0 {
			word := k
			if n == 1 {
				word = singular[k]
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	return strings.Join(parts, ", ")
}

func (im *importer) total(f func(*importCount) int) int {
	n := 0
	for _, c := range im.counts {
		n += f(c)
	}
	return n
}

// rows is "rows 12, 30–33" for the skipped rows, table by table.
func (im *importer) rows(at []rowRef) string {
	sort.SliceStable(at, func(i, j int) bool {
		if at[i].table != at[j].table {
			return at[i].table < at[j].table
		}
		return at[i].row < at[j].row
	})
	var parts []string
	for i := 0; i < len(at); {
		j := i
		for j+1 < len(at) && at[j+1].table == at[i].table && at[j+1].row == at[j].row+1 {
			j++
		}
		s := im.where(at[i])
		if j > i {
			s += fmt.Sprintf("–%d", at[j].row)
		}
		parts = append(parts, s)
		i = j + 1
	}
	const most = 40
	if len(parts) > most {
		return strings.Join(parts[:most], ", ") + fmt.Sprintf(" and %d more", len(parts)-most)
	}
	return strings.Join(parts, ", ")
}

func (im *importer) reply(name, ref string) message.Reply {
	var b strings.Builder
	add, there := func(c *importCount) int { return c.add }, func(c *importCount) int { return c.there }
	file := message.Code(name)
	if im.apply {
		if n := im.total(add); n > 0 {
			fmt.Fprintf(&b, ":white_check_mark: Imported %s: %s.\n", file, im.counted(add))
		} else {
			fmt.Fprintf(&b, ":white_check_mark: Imported %s: nothing new.\n", file)
		}
		if im.total(there) > 0 {
			fmt.Fprintf(&b, "Here already, so not stored again: %s.\n", im.counted(there))
		}
		if im.nerrs > 0 {
			fmt.Fprintf(&b, "Skipped for errors (nothing of them stored): %s. Fix them in the sheet and drop it again; what is stored now is not stored twice.\n", im.rows(im.skipped))
		}
		r := message.Reply{Text: strings.TrimRight(b.String(), "\n")}
		if n := im.total(add); n > 0 {
			r.Feed = fmt.Sprintf("%s imported %s: %s", message.Mention(im.req.User), file, im.counted(add))
		}
		return r
	}
	fmt.Fprintf(&b, ":clipboard: *Dry run of %s*: nothing is stored yet.\nRead %s.\n", file, strings.Join(im.tables, "; "))
	if n := im.total(add); n > 0 {
		fmt.Fprintf(&b, "*To import:* %s.\n", im.counted(add))
	} else {
		b.WriteString("*To import:* nothing new.\n")
	}
	if im.total(there) > 0 {
		fmt.Fprintf(&b, "*Here already* (not stored again): %s.\n", im.counted(there))
	}
	var files []message.File
	if im.nerrs > 0 {
		fmt.Fprintf(&b, "*%s with errors*, which an import skips:\n", message.Plural(im.nerrs, "row"))
		errs := im.errs
		sort.SliceStable(errs, func(i, j int) bool {
			if errs[i].at.table != errs[j].at.table {
				return errs[i].at.table < errs[j].at.table
			}
			return errs[i].at.row < errs[j].at.row
		})
		more := ""
		if im.nerrs > shownErrors {
			more = " (every one is in the attached file)"
			files = append(files, im.errorsFile(name))
		}
		message.WriteLines(&b, im.nerrs, shownErrors, more, func(i int) string {
			return fmt.Sprintf("• %s: %s.", im.where(errs[i].at), strings.TrimSuffix(errs[i].msg, "."))
		})
	}
	if len(im.unknown) > 0 {
		fmt.Fprintf(&b, "*Columns I didn't understand*, left out: %s. Rename one to a column I know (`help import`) to bring it in.\n", strings.Join(im.unknown, ", "))
	}
	if len(im.guessed) > 0 {
		var read []string
		for n, k := range im.guessed {
			read = append(read, fmt.Sprintf("%s (%s)", n, message.Plural(k, "row")))
		}
		slices.Sort(read)
		if len(read) > 10 {
			read = append(read[:10], fmt.Sprintf("and %d more", len(read)-10))
		}
		fmt.Fprintf(&b, "*Noted while reading:* %s. A value read as another can be corrected afterwards (`partner set`, `event edit`), or in the sheet first.\n", strings.Join(read, "; "))
	}
	if im.unknownWho > 0 {
		fmt.Fprintf(&b, "%s name someone in `who` whom I don't know on Slack; they are logged as yours. Write Slack member ids (U0…) to keep who it was.\n", message.Plural(im.unknownWho, "row"))
	}
	if len(im.samples) > 0 {
		fmt.Fprintf(&b, "*First rows as they will be stored:*\n%s\n", strings.Join(im.samples, "\n"))
	}
	r := message.Reply{Files: files}
	if n := im.total(add); n > 0 {
		skip := ""
		if im.nerrs > 0 {
			skip = fmt.Sprintf(" (the %s with errors are skipped)", message.Plural(im.nerrs, "row"))
		}
		fmt.Fprintf(&b, "Press *Import* to store %s%s, or type `import confirm`.", message.Plural(n, "row"), skip)
		r.Choices = []message.Choice{{Label: "Import", Action: ActionImport, Value: ref, Style: "primary"}}
	} else {
		b.WriteString("There is nothing to store.")
	}
	r.Text = b.String()
	return r
}

// errorsFile is every row error as a CSV, for a file with more than the
// reply can show.
func (im *importer) errorsFile(name string) message.File {
	errs := im.errs
	return message.File{Name: "import-errors-" + strings.TrimSuffix(name, ".csv") + ".csv", Title: "Rows with errors in " + name,
		Write: func(w io.Writer) error {
			cw := csv.NewWriter(w)
			if err := cw.Write([]string{"table", "row", "column", "problem"}); err != nil {
				return err
			}
			for _, e := range errs {
				msg := strings.NewReplacer("`", "", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(e.msg)
				if err := cw.Write([]string{report.Inert(e.at.table), strconv.Itoa(e.at.row), e.col, report.Inert(msg)}); err != nil {
					return err
				}
			}
			cw.Flush()
			return cw.Error()
		}}
}

// uninert undoes report.Inert: our exports put an apostrophe before a
// cell a spreadsheet would run as a formula, and spreadsheets read a
// leading apostrophe as "this is text".
func uninert(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// totalsRow reports whether a row is a sheet's sum rather than a record:
// its first filled cell is "Total" (or "Totals", "Grand total", "Sum"),
// alone or before a colon.
func totalsRow(cells []string) bool {
	for _, c := range cells {
		if c = strings.ToLower(strings.TrimSpace(c)); c == "" {
			continue
		}
		for _, w := range []string{"total", "totals", "grand total", "sum", "subtotal"} {
			// "Total", "Total: 5 organizations"; not "Total Health Clinic".
			if rest, ok := strings.CutPrefix(c, w); ok && (rest == "" || rest[0] == ':') {
				return true
			}
		}
		return false
	}
	return false
}

// ourExport reports whether a partners header is one of our exports'
// (they have the health column worked out beside last_contact).
func ourExport(header []string) bool {
	for _, h := range header {
		if sheet.HeaderKey(h) == "health" {
			return true
		}
	}
	return false
}
