package store

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Memory kinds: what a workspace's keys hold, by what an operator asks
// about (SPEC §8 sets targets per follow-up and per contact).
const (
	MemPartners  = "partners"
	MemContacts  = "contacts"
	MemFollowUps = "follow-ups"
	MemAudit     = "audit"
	MemEvents    = "events and surveys"
	MemNeeds     = "needs"
	MemScheduler = "scheduler"
	MemOther     = "other"
)

// MemoryKinds are the kinds, in the order they are shown.
var MemoryKinds = []string{MemPartners, MemContacts, MemFollowUps, MemAudit, MemEvents, MemNeeds, MemScheduler, MemOther}

// memoryKind is the kind of each key of the table.
var memoryKind = map[string]string{
	"Partners": MemPartners, "PartnerNames": MemPartners, "PartnerLex": MemPartners, "ChannelIndex": MemPartners,
	"Partner": MemPartners, "People": MemPartners,
	"Contacts": MemContacts, "ContactLog": MemContacts, "ContactPartner": MemContacts, "ContactsBy": MemContacts,
	"ContactSeq":       MemContacts,
	"PartnerFollowUps": MemFollowUps, "FollowUp": MemFollowUps, "FollowUpTexts": MemFollowUps, "FollowUpsOpen": MemFollowUps,
	"FollowUpsDone": MemFollowUps, "FollowUpsOf": MemFollowUps, "FollowUpSeq": MemFollowUps,
	"Audit": MemAudit,
	"Event": MemEvents, "Events": MemEvents, "PartnerEvents": MemEvents, "EventSurveys": MemEvents, "Survey": MemEvents,
	"SurveyResponses": MemEvents, "PartnerSurveys": MemEvents, "SurveyByOrigin": MemEvents, "EventSeq": MemEvents,
	"SurveySeq": MemEvents,
	"Needs":     MemNeeds, "NeedLog": MemNeeds, "PartnerNeeds": MemNeeds, "NeedTopics": MemNeeds, "NeedSeq": MemNeeds,
}

// Memory is how many bytes team's keys take in Redis (MEMORY USAGE,
// which samples large collections), by kind (MemoryKinds). It reads
// every key of the workspace with SCAN, a page at a time: seconds for a
// large one, so run it now and then, not per request.
func (s *Store) Memory(ctx context.Context, team string) (map[string]int64, error) {
	k := keysFor(team)
	var node redis.Cmdable = s.rdb
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		// The workspace's keys share one slot: its master holds them all.
		m, err := cc.MasterForKey(ctx, k.Partners())
		if err != nil {
			return nil, s.wrap("memory", err)
		}
		node = m
	}
	out := map[string]int64{}
	for _, kind := range MemoryKinds {
		out[kind] = 0
	}
	var cursor uint64
	for {
		page, err := s.memoryPage(ctx, node, k.Prefix()+"*", &cursor, out)
		if err != nil {
			return nil, err
		}
		if !page {
			return out, nil
		}
	}
}

// memoryPage adds one SCAN page's keys to out; false once the scan is
// over.
func (s *Store) memoryPage(ctx context.Context, node redis.Cmdable, match string, cursor *uint64, out map[string]int64) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys, next, err := node.Scan(ctx, *cursor, match, 500).Result()
	if err != nil {
		return false, s.wrap("memory", err)
	}
	if len(keys) > 0 {
		pipe := node.Pipeline()
		cmds := make([]*redis.IntCmd, len(keys))
		for i, key := range keys {
			cmds[i] = pipe.MemoryUsage(ctx, key)
		}
		_, _ = pipe.Exec(ctx) // a key gone meanwhile answers nil: not counted
		for i, key := range keys {
			kind := MemOther
			if sh, ok := ShapeOf(key); ok {
				if sh.Bookkeeping {
					kind = MemScheduler
				} else if k, ok := memoryKind[sh.Name]; ok {
					kind = k
				}
			}
			out[kind] += cmds[i].Val()
		}
	}
	*cursor = next
	return next != 0, nil
}

// ServerTime is Redis's own clock (TIME), for a caller to compare with
// its host's.
func (s *Store) ServerTime(ctx context.Context) (time.Time, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	t, err := s.rdb.Time(ctx).Result()
	return t, s.wrap("time", err)
}
