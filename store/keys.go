package store

import "strconv"

// Every Redis key the bot uses is built here. A workspace's keys all carry
// its team id as a Redis Cluster hash tag, so that one workspace's
// multi-key scripts stay in one slot.

// keys builds the keys of one workspace.
type keys struct{ prefix string }

func keysFor(team string) keys { return keys{prefix: "outreach:{" + team + "}:"} }

// Prefix is passed to scripts that build partner keys from a slug they
// resolved themselves; such keys share the hash tag, so the same slot.
func (k keys) Prefix() string { return k.prefix }

func (k keys) Partners() string     { return k.prefix + "partners" }        // ZSET slug, score 0 (lexicographic: listing and prefix lookup)
func (k keys) PartnerNames() string { return k.prefix + "partner-names" }   // HASH lower-cased name → slug
func (k keys) PartnerLex() string   { return k.prefix + "partner-lex" }     // ZSET '<slugified name or slug>:<slug>', score 0: prefix lookup by name or slug
func (k keys) ChannelIndex() string { return k.prefix + "channel-partner" } // HASH channel id → slug

func (k keys) Partner(slug string) string  { return k.prefix + "partner:" + slug }               // HASH partner fields
func (k keys) People(slug string) string   { return k.prefix + "partner:" + slug + ":people" }   // HASH lower-cased name → person JSON
func (k keys) Contacts(slug string) string { return k.prefix + "partner:" + slug + ":contacts" } // ZSET contact id, score = contact time (unix ms)
func (k keys) ContactLog(slug string) string {
	return k.prefix + "partner:" + slug + ":contact-log" // HASH contact id → contact JSON
}

func (k keys) PartnerFollowUps(slug string) string {
	return k.prefix + "partner:" + slug + ":followups" // SET follow-up ids of the partner
}

func (k keys) FollowUp(id int64) string       { return k.prefix + "followup:" + strconv.FormatInt(id, 10) } // HASH follow-up fields
func (k keys) FollowUpTexts() string          { return k.prefix + "followup-texts" }                        // HASH id → text
func (k keys) FollowUpsOpen() string          { return k.prefix + "followups:open" }                        // ZSET open ids → due (unix ms)
func (k keys) FollowUpsDone() string          { return k.prefix + "followups:done" }                        // ZSET done ids → done time
func (k keys) FollowUpsOf(user string) string { return k.prefix + "followups:user:" + user }                // ZSET open ids of an assignee → due

func (k keys) Event(id int64) string { return k.prefix + "event:" + strconv.FormatInt(id, 10) } // HASH event fields
func (k keys) Events() string        { return k.prefix + "events" }                             // ZSET event ids → start (unix ms)
func (k keys) PartnerEvents(slug string) string {
	return k.prefix + "partner:" + slug + ":events" // ZSET the partner's event ids → start
}
func (k keys) EventSurveys(id int64) string {
	return k.prefix + "event:" + strconv.FormatInt(id, 10) + ":surveys" // SET survey ids about the event
}
func (k keys) Survey(id int64) string { return k.prefix + "survey:" + strconv.FormatInt(id, 10) } // HASH survey fields
func (k keys) SurveyResponses(id int64) string {
	return k.prefix + "survey:" + strconv.FormatInt(id, 10) + ":responses" // HASH user → response JSON
}
func (k keys) PartnerSurveys(slug string) string {
	return k.prefix + "partner:" + slug + ":surveys" // ZSET the partner's survey ids → created
}
func (k keys) SurveyByOrigin() string { return k.prefix + "survey-by-origin" } // HASH origin (job id) → survey id

func (k keys) Needs() string { return k.prefix + "needs" } // ZSET need ids → when heard (unix ms)
func (k keys) NeedLog() string {
	return k.prefix + "need-log" // HASH need id → need JSON
}
func (k keys) PartnerNeeds(slug string) string {
	return k.prefix + "partner:" + slug + ":needs" // ZSET the partner's need ids → when heard
}
func (k keys) NeedTopics() string { return k.prefix + "need-topics" } // ZSET topic → how many needs name it

// Due work (see lua/jobs_lib.lua for how the scripts use them).
func (k keys) Due() string      { return k.prefix + "due" }       // ZSET job id → due (unix ms)
func (k keys) Leases() string   { return k.prefix + "leases" }    // ZSET job id → lease expiry (unix ms)
func (k keys) Claims() string   { return k.prefix + "claims" }    // HASH job id → "<tries>:<due>:<token>"
func (k keys) JobsDone() string { return k.prefix + "jobs-done" } // ZSET job id → finished at (30 days)
func (k keys) Schedule(name string) string {
	return k.prefix + "schedule:" + name // STRING last occurrence of a recurring job (unix ms)
}

func (k keys) Seq(kind string) string     { return k.prefix + "seq:" + kind }      // STRING counter for short ids
func (k keys) Audit() string              { return k.prefix + "audit" }            // STREAM, capped
func (k keys) SeenEvent(id string) string { return k.prefix + "seen-event:" + id } // STRING with TTL: Events API de-duplication
