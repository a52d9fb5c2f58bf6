-- partner_lib: the fields of a partner's hash that Go reads, for a script
-- to return with its reply: HMGET's values alone, in store/partners.go's
-- partnerReplyFields order (TestPartnerReplyFields holds the two lists
-- together), as one JSON array (false where the hash has none). Redis's
-- cjson encodes it in C for next to nothing, and one string is one
-- allocation for Go where 23 replies were 46 (each string and its
-- interface), on every log, event and follow-up.
local function partner_reply(pk)
  local vs = redis.call('HMGET', pk, 'name',
    'kind',
    'stage',
    'owner',
    'channel',
    'cadence_days',
    'services',
    'audience',
    'programs',
    'goals',
    'archived',
    'created',
    'updated',
    'last_contact',
    'last_inbound',
    'out_since_in',
    'nudge_quiet_until',
    'checkin_score',
    'checkin_count',
    'checkin_at',
    'org_teams',
    'nudged_at',
    'nudge_mark')
  return {cjson.encode(vs)}
end
