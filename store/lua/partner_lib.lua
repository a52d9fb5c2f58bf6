-- partner_lib: the fields of a partner's hash that Go reads, for a script
-- to return with its reply: HMGET's values alone, in store/partners.go's
-- partnerReplyFields order (TestPartnerReplyFields holds the two lists
-- together), cost Go half of what HGETALL's fields and values do.
local function partner_reply(pk)
  return redis.call('HMGET', pk, 'name',
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
end
