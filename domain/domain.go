// Package domain is Outreach Bot's ground floor: the records the team
// keeps (Partner, Contact, FollowUp, Event, Survey, Need) and the rules
// that need nothing but them and the time: a partnership's health
// against its cadence, one-way contact, who is due a nudge, names and
// ids as people type them, the survey templates with their questions and
// where a survey goes. It does no I/O and imports nothing of the project:
// store/ persists these types, message/ renders them, and commands/,
// scheduler/ and report/ work with them.
//
// Some types carry JSON tags: the store keeps them as JSON, and the tags
// are their stored field names.
package domain
