package commands

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/sheet"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// An import reads six kinds of rows. Each kind lists the columns it
// reads, by our own names (those of our exports) and the names people
// give them in their own spreadsheets.
const (
	kindPartners  = "partners"
	kindPeople    = "people"
	kindContacts  = "contacts"
	kindEvents    = "events"
	kindNeeds     = "needs"
	kindFollowUps = "followups"
)

// importKinds is the order an import stores kinds in: partners before
// what names them.
var importKinds = []string{kindPartners, kindPeople, kindContacts, kindEvents, kindNeeds, kindFollowUps}

// singular names one row of a kind.
var singular = map[string]string{kindPartners: "partner", kindPeople: "person", kindContacts: "contact", kindEvents: "event", kindNeeds: "need", kindFollowUps: "follow-up"}

var partnerColumn = sheet.Field{Key: "partner", Synonyms: []string{"organization", "org", "partner name", "partner id", "organisation", "organization name", "agency", "partner organization"}}

var importFields = map[string][]sheet.Field{
	kindPartners: {
		{Key: "id", Synonyms: []string{"slug", "partner id"}},
		{Key: "name", Synonyms: []string{"organization", "partner", "partner name", "organisation", "org", "organization name", "agency"}},
		{Key: "kind", Synonyms: []string{"type", "category", "organization type", "partner type", "sector"}},
		{Key: "stage", Synonyms: []string{"status", "partnership stage"}},
		{Key: "owner", Synonyms: []string{"liaison", "staff", "our contact", "relationship owner", "lead"}},
		{Key: "channel", Synonyms: []string{"slack channel"}},
		{Key: "cadence", Synonyms: []string{"cadence days", "stay in touch", "check in every"}},
		{Key: "services"}, {Key: "audience", Synonyms: []string{"population", "target population", "populations", "serves"}},
		{Key: "programs", Synonyms: []string{"initiatives", "programmes"}}, {Key: "goals", Synonyms: []string{"shared goals"}},
		{Key: "people", Synonyms: []string{"contacts at the organization"}},
		{Key: "archived"},
		// One person there, in columns of their own, as a partners tab
		// often has them.
		{Key: "contact_name", Synonyms: []string{"contact person", "contact", "main contact", "primary contact", "contact name", "key contact"}},
		{Key: "contact_role", Synonyms: []string{"contact title", "contact role", "title", "role", "position", "job title"}},
		{Key: "contact_email", Synonyms: []string{"email", "e mail", "email address", "contact email"}},
		{Key: "contact_phone", Synonyms: []string{"phone", "phone number", "telephone", "tel", "contact phone"}},
	},
	kindPeople: {
		partnerColumn,
		{Key: "name", Synonyms: []string{"person", "full name", "contact name", "contact person"}},
		{Key: "role", Synonyms: []string{"title", "job title", "position"}},
		{Key: "email", Synonyms: []string{"e mail", "email address", "mail"}},
		{Key: "phone", Synonyms: []string{"phone number", "telephone", "tel", "mobile", "cell"}},
	},
	kindContacts: {
		{Key: "id"}, partnerColumn,
		{Key: "when", Synonyms: []string{"date", "time", "date time", "day", "contact date", "on"}},
		{Key: "method", Synonyms: []string{"type", "how", "contact type", "medium", "channel"}},
		{Key: "direction", Synonyms: []string{"dir", "in out", "who reached whom", "initiated by"}},
		{Key: "who", Synonyms: []string{"by", "staff", "logged by", "staff member", "team member"}},
		{Key: "summary", Synonyms: []string{"notes", "note", "description", "what happened", "details", "subject", "comments"}},
		{Key: "outcome", Synonyms: []string{"result", "results", "what came of it"}},
	},
	kindEvents: {
		{Key: "id"}, partnerColumn,
		{Key: "with", Synonyms: []string{"partners", "other partners", "co hosts", "with partners"}},
		{Key: "title", Synonyms: []string{"event", "event name", "name"}},
		{Key: "type", Synonyms: []string{"event type", "kind"}},
		{Key: "start", Synonyms: []string{"date", "when", "start date", "starts", "start time"}},
		{Key: "end", Synonyms: []string{"until", "end date", "ends", "end time"}},
		{Key: "where", Synonyms: []string{"location", "place", "venue"}},
		{Key: "audience"}, {Key: "resources", Synonyms: []string{"library resources", "resources used"}},
		{Key: "registered", Synonyms: []string{"registrations", "signed up", "registered count"}},
		{Key: "attended", Synonyms: []string{"attendance", "attendees", "came", "attended count"}},
		{Key: "organizer", Synonyms: []string{"organiser", "staff", "run by"}},
	},
	kindNeeds: {
		{Key: "id"},
		{Key: "topics", Synonyms: []string{"topic", "need", "needs", "category", "tags"}},
		{Key: "note", Synonyms: []string{"notes", "what we heard", "description", "summary", "details"}},
		partnerColumn,
		{Key: "event"},
		{Key: "who", Synonyms: []string{"heard by", "by", "staff"}},
		{Key: "who_team"},
		{Key: "heard", Synonyms: []string{"when", "date", "heard on"}},
	},
	kindFollowUps: {
		{Key: "id"}, partnerColumn,
		{Key: "due", Synonyms: []string{"when", "date", "due date", "by when", "deadline"}},
		{Key: "status", Synonyms: []string{"state"}},
		{Key: "what", Synonyms: []string{"text", "task", "next step", "follow up", "action", "todo", "to do"}},
		{Key: "assignee", Synonyms: []string{"to", "assigned to", "owner", "who"}},
		{Key: "created_by"}, {Key: "created"}, {Key: "closed_by"}, {Key: "closed"},
		{Key: "shared", Synonyms: []string{"shared with partner"}},
	},
}

// importIgnored are the columns of our own exports that are worked out
// from the others (names beside ids, local times, health): read back,
// they would only disagree with what is stored.
var importIgnored = map[string][]string{
	kindPartners:  {"owner_name", "channel_name", "cadence_days", "health", "one_way", "last_contact", "last_contact_local", "checkin_score", "checkin_answers", "created", "updated"},
	kindContacts:  {"partner_name", "when_local", "who_name", "logged"},
	kindEvents:    {"partner_name", "start_local", "scheduled", "organizer_name", "created"},
	kindNeeds:     {"partner_name", "who_name", "who_team_name", "heard_local"},
	kindFollowUps: {"partner_name", "due_local", "scheduled", "assignee_name", "created_by_name", "closed_by_name", "snoozes", "reminders"},
}

// recordColumn names each row's kind in a file that mixes kinds.
var recordColumn = sheet.Field{Key: "record", Synonyms: []string{"record type", "row type", "sheet", "table", "entry"}}

// kindNamed reads a kind from a file's or tab's name, or a record cell.
func kindNamed(s string) string {
	k := sheet.HeaderKey(s)
	for _, w := range strings.Fields(k) {
		switch {
		case strings.HasPrefix(w, "partner") || strings.HasPrefix(w, "organi"):
			return kindPartners
		case w == "people" || strings.HasPrefix(w, "person"):
			return kindPeople
		case strings.HasPrefix(w, "contact") || w == "log" || strings.HasPrefix(w, "touch") || w == "calls" || w == "interactions":
			return kindContacts
		case strings.HasPrefix(w, "event"):
			return kindEvents
		case strings.HasPrefix(w, "need"):
			return kindNeeds
		case strings.HasPrefix(w, "follow") || w == "tasks" || w == "todo":
			return kindFollowUps
		}
	}
	return ""
}

// kindOfTable is a table's kind: the one its name says ("Contacts",
// "partners 2026") when its columns are that kind's, or else the kind
// whose telling columns it has (a people list saved as Contacts.csv is
// people), or else the name's.
func kindOfTable(name string, header []string) string {
	named := kindNamed(name)
	if named != "" && tells(named, header) {
		return named
	}
	// Another kind only when the columns clearly say it: a sheet with a
	// name column is not a partners tab for that alone.
	if k := kindOfHeader(header); k != "" && (k != kindPartners || named == "") {
		return k
	}
	return named
}

// kindOfHeader guesses a table's kind from its columns: the kind whose
// telling columns it has.
func kindOfHeader(header []string) string {
	for _, k := range []string{kindContacts, kindFollowUps, kindEvents, kindNeeds, kindPeople, kindPartners} {
		if tells(k, header) {
			return k
		}
	}
	return ""
}

// tells reports whether header has kind's telling columns.
func tells(kind string, header []string) bool {
	c := sheet.Match(header, importFields[kind], nil)
	has := func(keys ...string) bool {
		for _, k := range keys {
			if !c.Has(k) {
				return false
			}
		}
		return true
	}
	switch kind {
	case kindContacts:
		return has("partner", "when", "summary")
	case kindFollowUps:
		return has("partner", "due", "what")
	case kindEvents:
		return has("partner", "title", "start")
	case kindNeeds:
		return has("topics", "note")
	case kindPeople:
		// Not a partners tab with a contact person's columns.
		return has("partner", "name") && (has("role") || has("email") || has("phone")) && !hasPartnerFields(header)
	case kindPartners:
		return has("name")
	}
	return false
}

// hasPartnerFields reports whether header has columns only a partners
// tab has, by their own names (a person's Status or Type says nothing).
func hasPartnerFields(header []string) bool {
	for _, h := range header {
		switch sheet.HeaderKey(h) {
		case "kind", "stage", "cadence", "services", "programs", "goals", "partner type", "organization type":
			return true
		}
	}
	return false
}

// mixedFields are every kind's fields for a file with a record column,
// each header meaning what the first kind to name it says.
func mixedFields() []sheet.Field {
	out := []sheet.Field{recordColumn}
	seen := map[string]bool{sheet.HeaderKey(recordColumn.Key): true}
	for _, k := range importKinds {
		for _, f := range importFields[k] {
			if strings.HasPrefix(f.Key, "contact_") {
				continue // a person is a row of its own here: Email is theirs
			}
			g := sheet.Field{Key: f.Key}
			for _, s := range append([]string{f.Key}, f.Synonyms...) {
				if hk := sheet.HeaderKey(s); !seen[hk] {
					seen[hk] = true
					g.Synonyms = append(g.Synonyms, s)
				}
			}
			out = append(out, g)
		}
	}
	return out
}

// cellError is what is wrong with one cell and what to write instead.
type cellError struct{ col, msg string }

func (e *cellError) Error() string { return e.msg }

func badCell(col, format string, args ...any) error {
	return &cellError{col: col, msg: fmt.Sprintf(format, args...)}
}

// sheetTime reads a date, or a date and time, as spreadsheets write them:
// ISO 8601 (our exports), 2026-11-03 14:30, 11/3/2026 (US order unless
// the first number is above 12), Nov 3, 2026, Saturday, March 14, 2026,
// Excel's 14-Mar-26, 14.03.2026 (day first, as Europe writes it with
// dots), a workbook's day number,
// or any date the commands read (yesterday, dec 3). A date alone is noon
// in loc, so that it stays on its day in any zone's report.
func sheetTime(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05",
		"1/2/2006 15:04", "1/2/2006 3:04 PM", "1/2/2006 3:04PM", "1/2/06 15:04", "1/2/06 3:04 PM", "1/2/2006 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
		if t, err := time.ParseInLocation(layout, swapDayMonth(s), loc); err == nil && strings.Contains(layout, "/") && dayFirst(s) {
			return t, true
		}
	}
	for _, layout := range []string{"2006-01-02", "1/2/2006", "1/2/06", "Jan 2, 2006", "January 2, 2006", "Jan 2 2006", "January 2 2006", "2 Jan 2006", "2 January 2006",
		"Mon, Jan 2, 2006", "Monday, January 2, 2006", "Mon, January 2, 2006", "Monday, Jan 2, 2006", "2006/1/2", "1-2-2006",
		"2-Jan-06", "2-Jan-2006", "2-January-2006", "2.1.2006", "2.1.06"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return noon(t, loc), true
		}
		if strings.Contains(layout, "/") && dayFirst(s) {
			if t, err := time.ParseInLocation(layout, swapDayMonth(s), loc); err == nil {
				return noon(t, loc), true
			}
		}
	}
	// A workbook cell with no date format: days since 1899-12-30.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 20000 && f < 80000 {
		day := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(f))
		if frac := f - math.Floor(f); frac > 0 {
			return day.Add(time.Duration(frac * 24 * float64(time.Hour)).Round(time.Minute)), true
		}
		return noon(day, loc), true
	}
	words := strings.Fields(s)
	if t, n, err := when.ParseWhen(words, now, loc); err == nil && n == len(words) {
		return t, true
	}
	return time.Time{}, false
}

func noon(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 12, 0, 0, 0, loc)
}

var slashDate = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(/.*)$`)

// dayFirst reports whether a d/m/y date cannot be US order: its first
// number is above 12.
func dayFirst(s string) bool {
	m := slashDate.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	a, _ := strconv.Atoi(m[1])
	return a > 12
}

func swapDayMonth(s string) string {
	m := slashDate.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	return m[2] + "/" + m[1] + m[3]
}

func dateError(col, v string) error {
	return badCell(col, "`%s` is %s, which I can't read as a date: write 2026-11-03, 11/3/2026 or 2026-11-03 14:30", col, message.Code(v))
}

// methodWords are what spreadsheets call the methods, beside what people
// type (methodVerbs).
var methodWords = map[string]string{
	"phone call": "call", "tel": "call", "calls": "call", "voicemail": "call", "video call": "meeting",
	"e mail": "email", "emails": "email", "mail": "letter", "postal": "letter", "post": "letter", "letters": "letter",
	"in person": "meeting", "in person meeting": "meeting", "zoom": "meeting", "meet": "meeting", "met": "meeting", "meetings": "meeting",
	"site visit": "visit", "visits": "visit", "drop in": "visit",
	"text": "message", "sms": "message", "slack": "message", "chat": "message", "dm": "message", "messages": "message",
}

// methodValue reads a contact's method: ours, or what a spreadsheet
// calls it ("Phone call" → call).
func methodValue(v string) (string, bool) {
	k := sheet.HeaderKey(v)
	if slices.Contains(domain.Methods, k) {
		return k, true
	}
	if m, ok := methodWords[k]; ok {
		return m, true
	}
	m, ok := methodVerbs[k]
	return m, ok
}

func directionValue(v string) (string, bool) {
	switch sheet.HeaderKey(v) {
	case "", "out", "outbound", "outgoing", "we reached them", "us", "to them", "we", "sent":
		return "out", true
	case "in", "inbound", "incoming", "they reached us", "them", "from them", "they", "received", "partner":
		return "in", true
	}
	switch strings.TrimSpace(v) {
	case "→":
		return "out", true
	case "←":
		return "in", true
	}
	return "", false
}

func boolValue(v string) (bool, bool) {
	switch sheet.HeaderKey(v) {
	case "", "false", "no", "n", "0":
		return false, true
	case "true", "yes", "y", "1", "x":
		return true, true
	}
	return false, false
}

// countValue reads a count; "" is unknown (-1).
func countValue(col, v string) (int, error) {
	if v == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
	if err != nil || n < 0 {
		return 0, badCell(col, "`%s` is %s: write a whole number, like 40, or leave it empty", col, message.Code(v))
	}
	return n, nil
}

// listValue splits a cell of several values: "a; b", "a, b".
func listValue(v string) []string {
	sep := ","
	if strings.Contains(v, ";") {
		sep = ";"
	}
	var out []string
	for _, s := range strings.Split(v, sep) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// peopleCell reads our export's people cell: "Dana Lee (Health educator,
// dana@county.gov, 555-0100); Luis Ortiz".
func peopleCell(v string) []domain.Person {
	var out []domain.Person
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, rest, _ := strings.Cut(part, " (")
		p := domain.Person{Name: strings.TrimSpace(name)}
		for _, x := range strings.Split(strings.TrimSuffix(rest, ")"), ",") {
			x = strings.TrimSpace(x)
			switch {
			case x == "":
			case strings.Contains(x, "@"):
				p.Email = x
			case phoneLike(x):
				p.Phone = x
			default:
				p.Role = x
			}
		}
		out = append(out, p)
	}
	return out
}

func phoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().x", r):
		default:
			return false
		}
	}
	return digits >= 3
}

// ourID reads an id of ours of the kind ("C12" for a contact).
func ourID(kind, v string) (int64, bool) {
	prefix := map[string]string{kindContacts: "C", kindEvents: "E", kindNeeds: "N", kindFollowUps: "F"}[kind]
	if prefix == "" || len(v) < 2 || !strings.EqualFold(v[:1], prefix) {
		return 0, false
	}
	n, err := strconv.ParseInt(v[1:], 10, 64)
	return n, err == nil && n > 0
}

// identity is a row's identity across imports: its id column when it is
// not one of ours, or a digest of what it holds.
func identity(kind, id string, content ...string) string {
	if id != "" {
		return kind + ":id:" + domain.Fold(id)
	}
	sum := sha1.Sum([]byte(strings.Join(content, "\x1f")))
	return kind + ":" + hex.EncodeToString(sum[:12])
}

// partnerIndex finds partners by what a spreadsheet calls them, without
// asking the store for each row: id, name (folded), or a unique start.
type partnerIndex struct {
	bySlug map[string]domain.Partner
	byName map[string]string // NameKey → slug
	stored []domain.Partner  // the partners there before the import
	// noted hears of a name read as a partner it looks like (alike).
	noted func(string)
}

func newPartnerIndex(ps []domain.Partner) *partnerIndex {
	ix := &partnerIndex{bySlug: map[string]domain.Partner{}, byName: map[string]string{}, stored: ps}
	for _, p := range ps {
		ix.add(p)
	}
	return ix
}

// alike is the partner there before the import whose name looks like
// name (looksAlike), when exactly one does; the name then stands for it,
// and noted hears so once.
func (ix *partnerIndex) alike(name string) (domain.Partner, bool) {
	p, ok := ix.alikeOf(name)
	if ok {
		ix.byName[domain.NameKey(name)] = p.Slug
		if ix.noted != nil {
			ix.noted(fmt.Sprintf("partner %s read as `%s`, which is here already (to add another, give it a name of its own)", message.Code(name), p.Slug))
		}
	}
	return p, ok
}

func (ix *partnerIndex) alikeOf(name string) (domain.Partner, bool) {
	var found []domain.Partner
	for _, p := range ix.stored {
		if looksAlike(name, p.Name) {
			found = append(found, p)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return domain.Partner{}, false
}

func (ix *partnerIndex) add(p domain.Partner) {
	ix.bySlug[p.Slug] = p
	ix.byName[domain.NameKey(p.Name)] = p.Slug
}

// find returns the slug v names, or an error that says what to write.
func (ix *partnerIndex) find(col, v string) (string, error) {
	if v == "" {
		return "", badCell(col, "`%s` is empty: name the partner by its id or name", col)
	}
	if _, ok := ix.bySlug[v]; ok {
		return v, nil
	}
	if s, ok := ix.byName[domain.NameKey(v)]; ok {
		return s, nil
	}
	if s := domain.Slugify(v); s != "" {
		if _, ok := ix.bySlug[s]; ok {
			return s, nil
		}
		var starts []string
		for slug := range ix.bySlug {
			if strings.HasPrefix(slug, s) {
				starts = append(starts, slug)
			}
		}
		if len(starts) == 1 {
			return starts[0], nil
		}
	}
	if p, ok := ix.alike(v); ok {
		return p.Slug, nil
	}
	cands := make([]string, 0, len(ix.bySlug))
	for slug := range ix.bySlug {
		cands = append(cands, slug)
	}
	slices.Sort(cands)
	if s := closest(domain.Slugify(v), cands); s != "" {
		return "", badCell(col, "no partner is called %s: did you mean `%s`? Or add a partners row for it", message.Code(v), s)
	}
	return "", badCell(col, "no partner is called %s: add a partners row for it, or write the id of one (`partner list`)", message.Code(v))
}

// userCell reads a person named in a cell: a Slack user id, <@U…>, or a
// name the directory knows. ok is false when it is none of these.
func (h *Handler) userCell(ctx context.Context, req *Request, v string) (string, bool) {
	if v == "" {
		return "", false
	}
	if id, ok := h.userRef(ctx, req, v); ok {
		return id, true
	}
	if h.cfg.Directory != nil {
		if id, ok := h.cfg.Directory.UserNamed(ctx, strings.ToLower(strings.TrimPrefix(v, "@"))); ok {
			return id, true
		}
	}
	return "", false
}

// rowPartner is a partners row, read.
// choiceWords are what spreadsheets call our kinds, stages and event
// types, by their squashed form (squash).
var choiceWords = map[string]map[string]string{
	"kind": {"healthdepartment": "public-health", "countyhealth": "public-health", "healthdept": "public-health", "government": "public-health",
		"publichealthdepartment": "public-health", "faithbased": "faith", "church": "faith", "congregation": "faith", "mosque": "faith",
		"synagogue": "faith", "temple": "faith", "schooldistrict": "school", "university": "school", "college": "school",
		"communityclinic": "clinic", "fqhc": "clinic", "healthcenter": "clinic", "charity": "nonprofit", "ngo": "nonprofit",
		"nonprofitorganization": "nonprofit", "notforprofit": "nonprofit", "communityorganization": "nonprofit", "drugstore": "pharmacy",
		"hospitalsystem": "hospital", "medicalcenter": "hospital"},
	"stage": {"inprogress": "engaged", "ongoing": "active", "current": "active", "partner": "active", "new": "prospect", "lead": "prospect",
		"idea": "prospect", "inactive": "paused", "onhold": "paused", "closed": "ended", "former": "ended", "past": "ended",
		"reachedout": "contacted", "talking": "engaged"},
	"type": {"fair": "health-fair", "talk": "seminar", "lecture": "seminar", "presentation": "seminar", "course": "class",
		"exhibit": "display", "booth": "display", "table": "display", "clinic": "screening", "vaccination": "screening", "testing": "screening"},
}

// choice reads a kind, stage or event type as a spreadsheet writes it:
// ours in any case, spacing or hyphens (`Public Health`, `Non-profit`),
// or a word for one of ours (choiceWords). Anything else is taken as
// fallback, and note says so, so that one unknown word loses no row.
func choice(col, v string, allowed []string, fallback string) (value, note string) {
	sq := squash(v)
	for _, a := range allowed {
		if squash(a) == sq || squash(a)+"s" == sq {
			return a, ""
		}
	}
	if a, ok := choiceWords[col][sq]; ok {
		return a, ""
	}
	return fallback, fmt.Sprintf("%s %s read as `%s`", col, message.Code(strings.TrimSpace(v)), fallback)
}

func (h *Handler) rowPartner(ctx context.Context, req *Request, c sheet.Columns, row []string) (domain.Partner, []domain.Person, []string, error) {
	name := strings.Join(strings.Fields(c.Get(row, "name")), " ")
	if name == "" {
		return domain.Partner{}, nil, nil, badCell("name", "`name` is empty: every partner needs one")
	}
	if n := len([]rune(name)); n > maxName {
		return domain.Partner{}, nil, nil, badCell("name", "`name` is %d characters long; keep it under %d", n, maxName)
	}
	slug := domain.Slugify(name)
	if id := c.Get(row, "id"); id != "" && domain.Slugify(id) == id {
		slug = id // our export's id, which a partner added before folding keeps
	}
	if slug == "" {
		return domain.Partner{}, nil, nil, badCell("name", "%s has no letters or digits to make an id from", message.Code(name))
	}
	p := domain.Partner{Slug: slug, Name: name, Kind: "other", Stage: "prospect", Owner: req.User, Cadence: domain.DefaultCadenceDays}
	var err error
	var notes []string
	if v := c.Get(row, "kind"); v != "" {
		var note string
		if p.Kind, note = choice("kind", v, domain.Kinds, "other"); note != "" {
			notes = append(notes, note)
		}
	}
	if v := c.Get(row, "stage"); v != "" {
		var note string
		if p.Stage, note = choice("stage", v, domain.Stages, "prospect"); note != "" {
			notes = append(notes, note)
		}
	}
	if v := c.Get(row, "owner"); v != "" {
		id, ok := h.userCell(ctx, req, v)
		if !ok {
			return p, nil, nil, badCell("owner", "`owner` is %s, whom I don't know: write their Slack member id (U0…), or leave it empty to own it yourself", message.Code(v))
		}
		p.Owner = id
	}
	if v := c.Get(row, "channel"); v != "" {
		id, ok := h.channelCell(ctx, v)
		if !ok {
			return p, nil, nil, badCell("channel", "`channel` is %s: write the channel's id (C0…), or leave it empty and link it later with `partner set %s channel:#…`", message.Code(v), slug)
		}
		p.Channel = id
	}
	if v := c.Get(row, "cadence"); v != "" {
		if p.Cadence, err = cadenceArg(strings.TrimSuffix(strings.TrimSpace(v), " days")); err != nil {
			return p, nil, nil, badCell("cadence", "`cadence`: %s", err)
		}
	}
	for _, f := range []struct {
		key string
		to  *string
	}{{"services", &p.Services}, {"audience", &p.Audience}, {"programs", &p.Programs}, {"goals", &p.Goals}} {
		if *f.to, err = textField(f.key, c.Get(row, f.key), maxField); err != nil {
			return p, nil, nil, badCell(f.key, "%s", err)
		}
	}
	if v := c.Get(row, "archived"); v != "" {
		if p.Archived, _ = boolValue(v); p.Archived {
			return p, nil, nil, badCell("archived", "this partner is archived: I import partners that are in use; unarchive it in the sheet (archived: false) or leave the row out")
		}
	}
	people := peopleCell(c.Get(row, "people"))
	if name := strings.Join(strings.Fields(c.Get(row, "contact_name")), " "); name != "" {
		if len([]rune(name)) > maxName {
			return p, nil, nil, badCell("contact_name", "`contact person` is %d characters long; keep it under %d", len([]rune(name)), maxName)
		}
		pe := domain.Person{Name: name}
		for _, f := range []struct {
			col string
			to  *string
		}{{"contact_role", &pe.Role}, {"contact_email", &pe.Email}, {"contact_phone", &pe.Phone}} {
			if *f.to, err = textField(f.col, c.Get(row, f.col), 200); err != nil {
				return p, nil, nil, badCell(f.col, "%s", err)
			}
		}
		people = append(people, pe)
	}
	return p, people, notes, nil
}

// channelCell reads a channel: <#C…>, a bare id, or a name the directory
// knows.
func (h *Handler) channelCell(ctx context.Context, v string) (string, bool) {
	if id, ok := ChannelRef(v); ok {
		return id, true
	}
	if m := bareChannel.FindStringSubmatch(v); m != nil {
		return m[1], true
	}
	if cn, ok := h.cfg.Directory.(ChannelNamer); ok && strings.HasPrefix(strings.TrimSpace(v), "#") {
		return cn.ChannelNamed(ctx, strings.TrimPrefix(strings.TrimSpace(v), "#"))
	}
	return "", false
}

// ChannelNamer is a directory that knows channels by name (the console's:
// in Slack a picked channel arrives as its id).
type ChannelNamer interface {
	ChannelNamed(ctx context.Context, name string) (string, bool)
}

func (h *Handler) rowPerson(c sheet.Columns, row []string, ix *partnerIndex) (string, domain.Person, error) {
	slug, err := ix.find("partner", c.Get(row, "partner"))
	if err != nil {
		return "", domain.Person{}, err
	}
	p := domain.Person{Name: strings.Join(strings.Fields(c.Get(row, "name")), " "), Role: c.Get(row, "role"), Email: c.Get(row, "email"), Phone: c.Get(row, "phone")}
	if p.Name == "" {
		return "", p, badCell("name", "`name` is empty: every person needs one")
	}
	for _, f := range []struct{ key, v string }{{"name", p.Name}, {"role", p.Role}, {"email", p.Email}, {"phone", p.Phone}} {
		if _, err := textField(f.key, f.v, maxName*2); err != nil {
			return "", p, badCell(f.key, "%s", err)
		}
	}
	return slug, p, nil
}

func (h *Handler) rowContact(ctx context.Context, req *Request, c sheet.Columns, row []string, ix *partnerIndex, now time.Time) (store.ImportRow, bool, error) {
	var r store.ImportRow
	slug, err := ix.find("partner", c.Get(row, "partner"))
	if err != nil {
		return r, false, err
	}
	whenCell := c.Get(row, "when")
	at, ok := sheetTime(whenCell, now, req.Loc)
	if !ok {
		if whenCell == "" {
			return r, false, badCell("when", "`when` is empty: write the day it happened, like 2026-11-03")
		}
		return r, false, dateError("when", whenCell)
	}
	read := at // what the sheet says: the row's identity, whatever the hour
	if at.After(now) && at.Equal(noon(now.In(req.Loc), req.Loc)) {
		// Today's date without a time is noon, ahead in the morning: it
		// happened today, by now.
		at = now.Truncate(time.Minute)
	}
	if at.After(now) {
		return r, false, badCell("when", "`when` is %s, which is still ahead: a contact has happened; a next step goes in a followups row", message.Code(whenCell))
	}
	method, ok := methodValue(c.Get(row, "method"))
	if !ok {
		v := c.Get(row, "method")
		if v == "" {
			return r, false, badCell("method", "`method` is empty: write one of %s", backticks(domain.Methods))
		}
		hint := ""
		if s := closest(strings.ToLower(v), domain.Methods); s != "" {
			hint = fmt.Sprintf("did you mean `%s`? ", s)
		}
		return r, false, badCell("method", "`method` is %s: %swrite one of %s", message.Code(v), hint, backticks(domain.Methods))
	}
	dir, ok := directionValue(c.Get(row, "direction"))
	if !ok {
		return r, false, badCell("direction", "`direction` is %s: write `out` (we reached them) or `in` (they reached us)", message.Code(c.Get(row, "direction")))
	}
	summary := strings.TrimSpace(c.Get(row, "summary"))
	if summary == "" {
		return r, false, badCell("summary", "`summary` is empty: say in a few words what happened")
	}
	if n := len([]rune(summary)); n > maxSummary {
		return r, false, badCell("summary", "`summary` is %d characters long; keep it under %d", n, maxSummary)
	}
	outcome, err := textField("outcome", c.Get(row, "outcome"), maxField)
	if err != nil {
		return r, false, badCell("outcome", "%s", err)
	}
	whoCell := c.Get(row, "who")
	who, known := h.userCell(ctx, req, whoCell)
	if !known {
		who = req.User
	}
	r.Contact = domain.Contact{Partner: slug, Method: method, Direction: dir, Who: who, When: at, Summary: summary, Outcome: outcome}
	id := c.Get(row, "id")
	if n, ok := ourID(kindContacts, id); ok {
		r.ID = n
	} else {
		// Known without its outcome: the same log with an outcome filled
		// in since is the same contact, not a second one. A row with an
		// outcome was known with it before: under that, it is there too.
		r.Identity = identity(store.ImportContact, id, slug, strconv.FormatInt(read.UnixMilli(), 10), method, dir, whoCell, summary, "")
		if outcome != "" {
			r.Was = identity(store.ImportContact, id, slug, strconv.FormatInt(read.UnixMilli(), 10), method, dir, whoCell, summary, outcome)
		}
	}
	return r, whoCell != "" && !known, nil
}

func (h *Handler) rowEvent(ctx context.Context, req *Request, c sheet.Columns, row []string, ix *partnerIndex, now time.Time) (store.ImportRow, string, error) {
	var r store.ImportRow
	slug, err := ix.find("partner", c.Get(row, "partner"))
	if err != nil {
		return r, "", err
	}
	e := domain.Event{Partner: slug, Type: "other", Organizer: req.User}
	note := ""
	for _, w := range listValue(c.Get(row, "with")) {
		ws, err := ix.find("with", w)
		if err != nil {
			return r, "", err
		}
		if ws != slug && !slices.Contains(e.With, ws) {
			e.With = append(e.With, ws)
		}
	}
	if e.Title = strings.TrimSpace(c.Get(row, "title")); e.Title == "" {
		return r, "", badCell("title", "`title` is empty: every event needs one")
	}
	if e.Title, err = textField("title", e.Title, maxName*2); err != nil {
		return r, "", badCell("title", "%s", err)
	}
	if v := c.Get(row, "type"); v != "" {
		e.Type, note = choice("type", v, domain.EventTypes, "other")
	}
	var ok bool
	if e.Start, ok = sheetTime(c.Get(row, "start"), now, req.Loc); !ok {
		if c.Get(row, "start") == "" {
			return r, "", badCell("start", "`start` is empty: write when it began, like 2026-11-03 10:00")
		}
		return r, "", dateError("start", c.Get(row, "start"))
	}
	e.End = e.Start.Add(time.Hour)
	if v := c.Get(row, "end"); v != "" {
		if e.End, ok = sheetTime(v, now, req.Loc); !ok {
			return r, "", dateError("end", v)
		}
		if !e.End.After(e.Start) {
			return r, "", badCell("end", "`end` is not after `start`: write when it ended, or leave it empty for an hour")
		}
	}
	e.Where, e.Audience = c.Get(row, "where"), c.Get(row, "audience")
	e.Resources = listValue(c.Get(row, "resources"))
	if e.Registered, err = countValue("registered", c.Get(row, "registered")); err != nil {
		return r, "", err
	}
	if e.Attended, err = countValue("attended", c.Get(row, "attended")); err != nil {
		return r, "", err
	}
	if v := c.Get(row, "organizer"); v != "" {
		if id, ok := h.userCell(ctx, req, v); ok {
			e.Organizer = id
		}
	}
	r.Event = e
	id := c.Get(row, "id")
	if n, ok := ourID(kindEvents, id); ok {
		r.ID = n
	} else {
		r.Identity = identity(store.ImportEvent, id, slug, strconv.FormatInt(e.Start.UnixMilli(), 10), e.Title)
	}
	return r, note, nil
}

// known are the topics heard before and configured: a topic close to
// one of them (`Diabetis`) is read as it, and note says so, as a typed
// need would be asked about.
func (h *Handler) rowNeed(ctx context.Context, req *Request, c sheet.Columns, row []string, ix *partnerIndex, now time.Time, known []string) (store.ImportRow, string, error) {
	var r store.ImportRow
	n := domain.Need{Who: req.User, At: now}
	var notes []string
	for _, raw := range listValue(c.Get(row, "topics")) {
		t := h.cfg.Topics.Normalize(raw)
		if t != "" && !slices.Contains(known, t) {
			if k := closest(t, known); k != "" {
				notes = append(notes, fmt.Sprintf("topic %s read as `%s`", message.Code(strings.TrimSpace(raw)), k))
				t = k
			}
		}
		if t != "" && !slices.Contains(n.Topics, t) {
			n.Topics = append(n.Topics, t)
		}
	}
	if len(n.Topics) == 0 {
		return r, "", badCell("topics", "`topics` is empty: write one or more, like `diabetes; nutrition`")
	}
	if n.Note = strings.TrimSpace(c.Get(row, "note")); n.Note == "" {
		return r, "", badCell("note", "`note` is empty: say what you heard")
	}
	var err error
	if n.Note, err = textField("note", n.Note, maxSummary); err != nil {
		return r, "", badCell("note", "%s", err)
	}
	if v := c.Get(row, "partner"); v != "" {
		if n.Partner, err = ix.find("partner", v); err != nil {
			return r, "", err
		}
	}
	if v := c.Get(row, "event"); v != "" {
		id, ok := domain.ParseEventID(v)
		if !ok {
			return r, "", badCell("event", "`event` is %s: write an event's id, like E7, or leave it empty", message.Code(v))
		}
		n.Event = id
	}
	if v := c.Get(row, "who"); v != "" {
		if id, ok := h.userCell(ctx, req, v); ok {
			n.Who = id
		}
	}
	n.Team = c.Get(row, "who_team")
	if v := c.Get(row, "heard"); v != "" {
		var ok bool
		if n.At, ok = sheetTime(v, now, req.Loc); !ok {
			return r, "", dateError("heard", v)
		}
	}
	r.Need = n
	id := c.Get(row, "id")
	if k, ok := ourID(kindNeeds, id); ok {
		r.ID = k
	} else {
		r.Identity = identity(store.ImportNeed, id, strings.Join(n.Topics, ","), n.Note, n.Partner, strconv.FormatInt(n.At.UnixMilli(), 10))
	}
	return r, strings.Join(notes, "; "), nil
}

func (h *Handler) rowFollowUp(ctx context.Context, req *Request, c sheet.Columns, row []string, ix *partnerIndex, now time.Time) (store.ImportRow, string, error) {
	var r store.ImportRow
	slug, err := ix.find("partner", c.Get(row, "partner"))
	if err != nil {
		return r, "", err
	}
	f := domain.FollowUp{Partner: slug, Assignee: req.User, Status: domain.StatusOpen, CreatedBy: req.User}
	var ok bool
	if f.Due, ok = sheetTime(c.Get(row, "due"), now, req.Loc); !ok {
		if c.Get(row, "due") == "" {
			return r, "", badCell("due", "`due` is empty: write when it is due, like 2026-12-03")
		}
		return r, "", dateError("due", c.Get(row, "due"))
	}
	if f.Text = strings.TrimSpace(c.Get(row, "what")); f.Text == "" {
		return r, "", badCell("what", "`what` is empty: say what is to be done")
	}
	if f.Text, err = textField("what", f.Text, maxSummary); err != nil {
		return r, "", badCell("what", "%s", err)
	}
	switch st := sheet.HeaderKey(c.Get(row, "status")); st {
	case "", "open", "to do", "todo", "pending", "not started", "in progress":
	case "done", "closed", "complete", "completed", "finished":
		f.Status = domain.StatusDone
	case "cancelled", "canceled", "dropped":
		f.Status = domain.StatusCancelled
	default:
		return r, "", badCell("status", "`status` is %s: write `open`, `done` or `cancelled`", message.Code(c.Get(row, "status")))
	}
	for _, u := range []struct {
		col string
		to  *string
	}{{"assignee", &f.Assignee}, {"created_by", &f.CreatedBy}, {"closed_by", &f.DoneBy}} {
		if v := c.Get(row, u.col); v != "" {
			id, ok := h.userCell(ctx, req, v)
			if !ok && u.col == "assignee" {
				return r, "", badCell(u.col, "`%s` is %s, whom I don't know: write their Slack member id (U0…), or leave it empty to take it yourself", u.col, message.Code(v))
			}
			if ok {
				*u.to = id
			}
		}
	}
	if v := c.Get(row, "created"); v != "" {
		f.Created, _ = sheetTime(v, now, req.Loc)
	}
	if v := c.Get(row, "closed"); v != "" && f.Status != domain.StatusOpen {
		f.DoneAt, _ = sheetTime(v, now, req.Loc)
	}
	note := ""
	if f.Status == domain.StatusDone && f.DoneAt.IsZero() && f.Due.Before(now) {
		// Done, the sheet does not say when: when it was due, rather
		// than today, which would count it late in every report.
		f.DoneAt = f.Due
		note = "follow-ups done with no date closed: counted as done when due"
	}
	if f.Shared, ok = boolValue(c.Get(row, "shared")); !ok {
		return r, "", badCell("shared", "`shared` is %s: write yes or no", message.Code(c.Get(row, "shared")))
	}
	r.FollowUp = f
	id := c.Get(row, "id")
	if k, ok := ourID(kindFollowUps, id); ok {
		r.ID = k
	} else {
		r.Identity = identity(store.ImportFollowUp, id, slug, strconv.FormatInt(f.Due.UnixMilli(), 10), f.Text)
	}
	return r, note, nil
}

// importColumnsHelp lists, for `help import`, the columns each kind of
// table is read by, with a few of the other headers that mean them.
func importColumnsHelp() string {
	var b strings.Builder
	b.WriteString("The columns I read (any case; a few of the other names each goes by in brackets); a file or tab is read as the kind its name says (`partners.csv`, a tab named Contacts) or its columns show, or by a `record` column naming each row's kind:\n")
	for _, k := range importKinds {
		var cols []string
		for _, f := range importFields[k] {
			col := "`" + f.Key + "`"
			if n := min(2, len(f.Synonyms)); n > 0 {
				col += " (" + strings.Join(f.Synonyms[:n], ", ") + ")"
			}
			cols = append(cols, col)
		}
		fmt.Fprintf(&b, "• *%s*: %s\n", k, strings.Join(cols, ", "))
	}
	return b.String()
}
