package store

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Every Redis key the bot uses is built here, from one table of shapes.
// The Go methods below and the Lua scripts (through the K functions that
// scripts.go generates from the same table) build keys only from it, and
// TestScriptKeys fails on any stored key the table cannot build. A
// workspace's keys all carry its team id as a Redis Cluster hash tag, so
// that one workspace's multi-key scripts stay in one slot.

// keyTable is the table: each field is a key of a workspace, named as its
// method on keys and its function in Lua's K. The template follows the
// workspace prefix, with {params} from paramPatterns; then the Redis
// type; the comment says what the key holds.
var keyTable = struct {
	Partners, PartnerNames, PartnerLex, ChannelIndex, Partner, People, Contacts, ContactLog             *shape
	ContactPartner, ContactsBy                                                                          *shape
	PartnerFollowUps, FollowUp, FollowUpTexts, FollowUpsOpen, FollowUpsDone, FollowUpsOf                *shape
	FollowUpSeries                                                                                      *shape
	Event, Events, PartnerEvents, EventSurveys, Survey, SurveyResponses, PartnerSurveys, SurveyByOrigin *shape
	Needs, NeedLog, PartnerNeeds, NeedTopics, Canvas, Canvases                                          *shape
	ContactSeq, FollowUpSeq, EventSeq, SurveySeq, NeedSeq, Audit, SeenEvent                             *shape
	SeenMessage, Notified, SchemaVersion, Migrating, RateChannel, RatePosts, Imported, ImportPending    *shape
	SearchToken                                                                                         *shape
	Due, Leases, Claims, JobsDone, Schedule, JobFailures, JobFailuresAt                                 *shape
}{
	Partners:     newKey("partners", "zset"),                   // slug, score 0 (lexicographic: listing and prefix lookup)
	PartnerNames: newKey("partner-names", "hash"),              // lower-cased name → slug
	PartnerLex:   newKey("partner-lex", "zset"),                // '<slugified name or slug>:<slug>', score 0: prefix lookup by name or slug
	ChannelIndex: newKey("channel-partner", "hash"),            // channel id → slug
	Partner:      newKey("partner:{slug}", "hash"),             // partner fields
	People:       newKey("partner:{slug}:people", "hash"),      // lower-cased name → person JSON
	Contacts:     newKey("partner:{slug}:contacts", "zset"),    // contact id, score = contact time (unix ms)
	ContactLog:   newKey("partner:{slug}:contact-log", "hash"), // contact id → contact JSON

	ContactPartner: newKey("contact-partner", "hash"),      // contact id → partner slug, to name a contact by its id
	ContactsBy:     newKey("contacts:user:{user}", "zset"), // contact ids a user logged → when logged (unix ms): their latest is `last`

	PartnerFollowUps: newKey("partner:{slug}:followups", "set"), // follow-up ids of the partner
	FollowUp:         newKey("followup:{id}", "hash"),           // follow-up fields
	FollowUpTexts:    newKey("followup-texts", "hash"),          // id → text (kept out of the follow-up's hash, which stays small enough for Redis to pack)
	FollowUpsOpen:    newKey("followups:open", "zset"),          // open ids → due (unix ms)
	FollowUpsDone:    newKey("followups:done", "zset"),          // done ids → done time
	FollowUpsOf:      newKey("followups:user:{user}", "zset"),   // open ids of an assignee → due

	FollowUpSeries: newKey("followup-series:{id}", "hash"), // a repeating follow-up, by its first occurrence's id: current (the latest occurrence's id), ended_at, ended_by

	Event:           newKey("event:{id}", "hash"),             // event fields
	Events:          newKey("events", "zset"),                 // event ids → start (unix ms)
	PartnerEvents:   newKey("partner:{slug}:events", "zset"),  // the partner's event ids → start
	EventSurveys:    newKey("event:{id}:surveys", "set"),      // survey ids about the event
	Survey:          newKey("survey:{id}", "hash"),            // survey fields; an anonymous one's responder secret until it closes
	SurveyResponses: newKey("survey:{id}:responses", "hash"),  // user (anonymous: a keyed hash of them, responderKey) → response JSON
	PartnerSurveys:  newKey("partner:{slug}:surveys", "zset"), // the partner's survey ids → created
	SurveyByOrigin:  newKey("survey-by-origin", "hash"),       // origin (job id) → survey id

	Needs:        newKey("needs", "zset"),                // need ids → when heard (unix ms)
	NeedLog:      newKey("need-log", "hash"),             // need id → need JSON
	PartnerNeeds: newKey("partner:{slug}:needs", "zset"), // the partner's need ids → when heard
	NeedTopics:   newKey("need-topics", "zset"),          // topic → how many needs name it

	Canvas:   newKey("canvas:{slug}", "hash"), // a partner's channel canvas: id, channel, and per part the hash of what was last written
	Canvases: newKey("canvases", "hash"),      // the workspace's canvases: refused (Slack's code), refused_until (unix ms), noted

	ContactSeq:  newKey("seq:contact", "string"),  // last contact id
	FollowUpSeq: newKey("seq:followup", "string"), // last follow-up id
	EventSeq:    newKey("seq:event", "string"),    // last event id
	SurveySeq:   newKey("seq:survey", "string"),
	NeedSeq:     newKey("seq:need", "string"),           // last survey id
	Audit:       newKey("audit", "stream"),              // who changed what, and when; capped
	SeenEvent:   newKey("seen-event:{event}", "string"), // with a TTL: Events API de-duplication

	SeenMessage: newKey("seen-message:{channel}:{ts}", "string"), // with a TTL: a message whose mention ran a command (an edit of it runs none)
	Notified:    newKey("notified:{notice}", "string"),           // a notice to the team, sent lately (with a TTL) or about a problem still there

	SchemaVersion: newKey("schema-version", "string"), // how many of the migrations (migrate.go) the workspace's data has had
	Migrating:     newKey("migrating", "string"),      // with a TTL: the token of the process running the migrations
	// Slack's limits shared by replicas (lua/reserve_post.lua), with
	// TTLs: bookkeeping, like the due work's, on the outbox's clock.
	RateChannel: newJobsKey("rate:channel:{channel}", "string"), // when the next post to the channel may go (unix ms)
	RatePosts:   newJobsKey("rate:posts", "string"),             // the workspace budget's next post time (unix ms)

	Imported:      newKey("imported", "hash"),                // identity of an imported row (its kind and id column, or a digest of its content) → the record it became (C12)
	ImportPending: newKey("import-pending:{user}", "string"), // with a TTL: the file an admin's last dry run read, for `import confirm`
	// The search index (search.go): for each word, the records filed under
	// it: p<slug> a partner, h<slug>/<name> a person there, c<id> a
	// contact, n<id> a need, e<id> an event.
	SearchToken: newKey("search:{token}", "set"),

	// The due-work bookkeeping (see lua/jobs_lib.lua).
	Due:      newJobsKey("due", "zset"),               // job id → due (unix ms)
	Leases:   newJobsKey("leases", "zset"),            // job id → lease expiry (unix ms)
	Claims:   newJobsKey("claims", "hash"),            // job id → '<tries>:<due>:<first>:<token>' while claimed, '<tries>:<due>:<first>:' once handed back
	JobsDone: newJobsKey("jobs-done", "zset"),         // job id → finished at (30 days kept)
	Schedule: newJobsKey("schedule:{kind}", "string"), // a recurring job's last occurrence (unix ms)
	// Jobs Slack refused for good, for followups and the digest to show.
	JobFailures:   newJobsKey("job-failures", "hash"),    // job id → JobFailure JSON
	JobFailuresAt: newJobsKey("job-failures-at", "zset"), // job id → when it failed (30 days kept)
}

// keyShapes is keyTable as a list, each shape named after its field.
var keyShapes = func() []*shape {
	v := reflect.ValueOf(keyTable)
	out := make([]*shape, v.NumField())
	for i := range out {
		s := v.Field(i).Interface().(*shape)
		s.name = v.Type().Field(i).Name
		out[i] = s
	}
	return out
}()

func newKey(tmpl, typ string) *shape {
	s := parseShape(tmpl)
	s.redisType = typ
	return s
}

// newJobsKey adds a key of the scheduler's bookkeeping, which it keeps
// alongside what commands store.
func newJobsKey(tmpl, typ string) *shape {
	s := newKey(tmpl, typ)
	s.bookkeeping = true
	return s
}

// keys builds the keys of one workspace. Each method builds the key of
// the same name in the table.
type keys struct {
	prefix string
	fixed  map[*shape]string // the keys without params, built once
}

// workspaces keeps each workspace's keys without params, which every
// command names (a log names eight): built once, they cost no allocation
// again. At most maxCachedWorkspaces: team ids come from payloads, and
// unknown ones must not grow it.
var workspaces = struct {
	sync.RWMutex
	m map[string]keys
}{m: map[string]keys{}}

const maxCachedWorkspaces = 64

func keysFor(team string) keys {
	workspaces.RLock()
	k, ok := workspaces.m[team]
	workspaces.RUnlock()
	if ok {
		return k
	}
	k = keys{prefix: "outreach:{" + team + "}:", fixed: map[*shape]string{}}
	for _, s := range keyShapes {
		if len(s.params) == 0 {
			k.fixed[s] = s.build(k.prefix)
		}
	}
	workspaces.Lock()
	if len(workspaces.m) < maxCachedWorkspaces {
		workspaces.m[team] = k
	}
	workspaces.Unlock()
	return k
}

// key is the workspace's key of shape s, which has no params.
func (k keys) key(s *shape) string {
	if v, ok := k.fixed[s]; ok {
		return v
	}
	return s.build(k.prefix)
}

// Prefix is passed to scripts that build keys from ids and slugs they
// read or resolve themselves (K.<Name>(prefix, …)); such keys share the
// hash tag, so the same slot.
func (k keys) Prefix() string { return k.prefix }

func (k keys) Partners() string              { return k.key(keyTable.Partners) }
func (k keys) PartnerNames() string          { return k.key(keyTable.PartnerNames) }
func (k keys) PartnerLex() string            { return k.key(keyTable.PartnerLex) }
func (k keys) ChannelIndex() string          { return k.key(keyTable.ChannelIndex) }
func (k keys) Partner(slug string) string    { return keyTable.Partner.build(k.prefix, slug) }
func (k keys) People(slug string) string     { return keyTable.People.build(k.prefix, slug) }
func (k keys) Contacts(slug string) string   { return keyTable.Contacts.build(k.prefix, slug) }
func (k keys) ContactLog(slug string) string { return keyTable.ContactLog.build(k.prefix, slug) }
func (k keys) ContactPartner() string        { return k.key(keyTable.ContactPartner) }
func (k keys) ContactsBy(user string) string { return keyTable.ContactsBy.build(k.prefix, user) }

func (k keys) PartnerFollowUps(slug string) string {
	return keyTable.PartnerFollowUps.build(k.prefix, slug)
}
func (k keys) FollowUp(id int64) string       { return keyTable.FollowUp.build(k.prefix, itoa(id)) }
func (k keys) FollowUpTexts() string          { return k.key(keyTable.FollowUpTexts) }
func (k keys) FollowUpsOpen() string          { return k.key(keyTable.FollowUpsOpen) }
func (k keys) FollowUpsDone() string          { return k.key(keyTable.FollowUpsDone) }
func (k keys) FollowUpsOf(user string) string { return keyTable.FollowUpsOf.build(k.prefix, user) }

// FollowUpSeries is a repeating follow-up's series, by its first id.
func (k keys) FollowUpSeries(id int64) string {
	return keyTable.FollowUpSeries.build(k.prefix, itoa(id))
}

func (k keys) Event(id int64) string            { return keyTable.Event.build(k.prefix, itoa(id)) }
func (k keys) Events() string                   { return k.key(keyTable.Events) }
func (k keys) PartnerEvents(slug string) string { return keyTable.PartnerEvents.build(k.prefix, slug) }
func (k keys) EventSurveys(id int64) string     { return keyTable.EventSurveys.build(k.prefix, itoa(id)) }
func (k keys) Survey(id int64) string           { return keyTable.Survey.build(k.prefix, itoa(id)) }
func (k keys) SurveyResponses(id int64) string {
	return keyTable.SurveyResponses.build(k.prefix, itoa(id))
}
func (k keys) PartnerSurveys(slug string) string {
	return keyTable.PartnerSurveys.build(k.prefix, slug)
}
func (k keys) SurveyByOrigin() string { return k.key(keyTable.SurveyByOrigin) }

func (k keys) Needs() string                   { return k.key(keyTable.Needs) }
func (k keys) NeedLog() string                 { return k.key(keyTable.NeedLog) }
func (k keys) PartnerNeeds(slug string) string { return keyTable.PartnerNeeds.build(k.prefix, slug) }
func (k keys) NeedTopics() string              { return k.key(keyTable.NeedTopics) }
func (k keys) Canvas(slug string) string       { return keyTable.Canvas.build(k.prefix, slug) }
func (k keys) Canvases() string                { return k.key(keyTable.Canvases) }

func (k keys) ContactSeq() string         { return k.key(keyTable.ContactSeq) }
func (k keys) FollowUpSeq() string        { return k.key(keyTable.FollowUpSeq) }
func (k keys) EventSeq() string           { return k.key(keyTable.EventSeq) }
func (k keys) NeedSeq() string            { return k.key(keyTable.NeedSeq) }
func (k keys) SurveySeq() string          { return k.key(keyTable.SurveySeq) }
func (k keys) Audit() string              { return k.key(keyTable.Audit) }
func (k keys) SeenEvent(id string) string { return keyTable.SeenEvent.build(k.prefix, id) }
func (k keys) SeenMessage(channel, ts string) string {
	return keyTable.SeenMessage.build(k.prefix, channel, ts)
}
func (k keys) Notified(notice string) string { return keyTable.Notified.build(k.prefix, notice) }
func (k keys) SchemaVersion() string         { return k.key(keyTable.SchemaVersion) }
func (k keys) Migrating() string             { return k.key(keyTable.Migrating) }
func (k keys) RateChannel(channel string) string {
	return keyTable.RateChannel.build(k.prefix, channel)
}
func (k keys) RatePosts() string { return k.key(keyTable.RatePosts) }
func (k keys) Imported() string  { return k.key(keyTable.Imported) }
func (k keys) ImportPending(user string) string {
	return keyTable.ImportPending.build(k.prefix, user)
}

// SearchToken is the set of the records filed under word in the index.
func (k keys) SearchToken(word string) string { return keyTable.SearchToken.build(k.prefix, word) }

func (k keys) Due() string                 { return k.key(keyTable.Due) }
func (k keys) Leases() string              { return k.key(keyTable.Leases) }
func (k keys) Claims() string              { return k.key(keyTable.Claims) }
func (k keys) JobsDone() string            { return k.key(keyTable.JobsDone) }
func (k keys) Schedule(kind string) string { return keyTable.Schedule.build(k.prefix, kind) }
func (k keys) JobFailures() string         { return k.key(keyTable.JobFailures) }
func (k keys) JobFailuresAt() string       { return k.key(keyTable.JobFailuresAt) }

// jobs are the due-work keys that lua/jobs_lib.lua touches.
func (k keys) jobs() []string { return []string{k.Due(), k.Leases(), k.Claims(), k.JobsDone()} }

// with is keys followed by more, in a new slice.
func with(keys []string, more ...string) []string {
	return append(append(make([]string, 0, len(keys)+len(more)), keys...), more...)
}

// homeChannel is not a key but the workspace's pub/sub channel on which
// replicas announce App Homes to redraw (store/homes.go). Pub/sub
// channels live outside the keyspace: it holds nothing.
func homeChannel(team string) string { return keysFor(team).Prefix() + "home-changed" }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// KeyShape says what a stored key is, for tests that read Redis directly.
type KeyShape struct {
	Name string // its method in keys.go, e.g. "Partner" or "Due"
	// Bookkeeping: the scheduler's bookkeeping of due work (queue,
	// leases, claims, finished jobs, recurring schedules) and the
	// outbox's of Slack's limits, which change on their own clocks,
	// rather than what commands store.
	Bookkeeping bool
}

// ShapeOf reports which shape of the table key has, and false when keys.go
// cannot build it (or it lacks a workspace's hash-tagged prefix).
func ShapeOf(key string) (KeyShape, bool) {
	m := keyMatcher().FindStringSubmatchIndex(key)
	if m == nil {
		return KeyShape{}, false
	}
	for i, s := range keyShapes {
		if m[2*(i+1)] >= 0 {
			return KeyShape{Name: s.name, Bookkeeping: s.bookkeeping}, true
		}
	}
	return KeyShape{}, false
}

// keyMatcher matches any key of the table, one group per shape.
var keyMatcher = sync.OnceValue(func() *regexp.Regexp {
	alts := make([]string, len(keyShapes))
	for i, s := range keyShapes {
		alts[i] = "(" + s.pattern() + ")"
	}
	return regexp.MustCompile(`^outreach:\{[^{}:]+\}:(?:` + strings.Join(alts, "|") + `)$`)
})
