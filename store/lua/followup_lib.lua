-- followup_lib: creating a follow-up, shared by add_followup and
-- log_contact (a contact's next step); it calls jobs_lib. The follow-up's
-- text goes to K.FollowUpTexts, out of its hash, so that hash stays small:
-- Redis packs a hash tightly only while every value is short. Its
-- reminder is the job J.Reminder(id, seq); seq grows with each snooze or
-- repeat so every reminder post has its own id.
-- plan_followup declares (known) the keys create_followup will touch that
-- depend on data: the next follow-up's hash, the partner's and the
-- assignee's sets. Call it before undeclared(), create_followup after.
local function plan_followup(prefix, slug, assignee)
  known_next(function(id) return K.FollowUp(prefix, id) end, K.FollowUpSeq(prefix))
  known(K.PartnerFollowUps(prefix, slug))
  known(K.FollowUpsOf(prefix, assignee))
end

local function create_followup(prefix, slug, assignee, due, text, creator, now, shared)
  local id = redis.call('INCR', K.FollowUpSeq(prefix))
  local job = J.Reminder(id, 1)
  redis.call('HSET', K.FollowUpTexts(prefix), id, text)
  redis.call('HSET', K.FollowUp(prefix, id),
    'partner', slug, 'assignee', assignee, 'due', due, 'status', 'open',
    'created_by', creator, 'created', now, 'shared', shared, 'snoozes', 0, 'reminders', 0,
    'job', job, 'job_seq', 1)
  redis.call('ZADD', K.FollowUpsOpen(prefix), due, id)
  redis.call('ZADD', K.FollowUpsOf(prefix, assignee), due, id)
  redis.call('SADD', K.PartnerFollowUps(prefix, slug), id)
  enqueue(prefix, job, tonumber(due))
  return id
end

-- A repeating follow-up is a series of occurrences, each a follow-up of
-- its own carrying the series (its first occurrence's id), the rule
-- (when.ParseRule) and its text as people say it, the zone it is read in
-- and when it came round; the series' hash holds its latest occurrence.
-- Go computes the times.
local function start_occurrence(prefix, id, series, rule, zone, occurs, ruleText)
  redis.call('HSET', K.FollowUp(prefix, id), 'series', series, 'rule', rule, 'rule_text', ruleText, 'zone', zone, 'occurs', occurs)
  redis.call('HSET', K.FollowUpSeries(prefix, series), 'current', id)
end

-- live_occurrence reports whether follow-up id is the latest occurrence
-- of a series still going, and returns the series.
local function live_occurrence(prefix, fk, id)
  local series = redis.call('HGET', fk, 'series')
  if not series then return false end
  local sk = K.FollowUpSeries(prefix, series)
  return redis.call('HGET', sk, 'current') == tostring(id) and not redis.call('HGET', sk, 'ended_at'), series
end
