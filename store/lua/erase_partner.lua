-- erase_partner: delete a partner and everything stored about it.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] audit STREAM, KEYS[5] lexicographic index ZSET, KEYS[6…6+ARGV[6]-1]
-- the partner's own keys (hash, people, contacts, contact log, …), then
-- the workspace's indexes and the due-work keys, and what the partner's
-- data names (declare.lua): its follow-ups and their assignees' sets, its
-- events and surveys, its contacts' authors' sets, its repeating
-- follow-ups' series; then the search index's sets of its records' words
-- ARGV[1] slug, ARGV[2] now (unix ms), ARGV[3] actor, ARGV[4] audit max length,
-- ARGV[5] key prefix, ARGV[6] how many of KEYS are the partner's own,
-- ARGV[7] the index plans of its records, JSON {record: [SHA-1 of its
-- text, its words]} (search_lib.lua)
-- Returns {'ok', number of keys deleted}, {'err', 'not_found'} or {'err',
-- 'stale'} (a record changed since the plans were made).
local pk = KEYS[6]
if redis.call('EXISTS', pk) == 0 then return {'err', 'not_found'} end
do
  local prefix, slug = ARGV[5], ARGV[1]
  for _, id in ipairs(redis.call('SMEMBERS', K.PartnerFollowUps(prefix, slug))) do
    local fk = K.FollowUp(prefix, id)
    if known(fk) then
      local assignee = redis.call('HGET', fk, 'assignee')
      if assignee then known(K.FollowUpsOf(prefix, assignee)) end
      local series = redis.call('HGET', fk, 'series')
      if series then known(K.FollowUpSeries(prefix, series)) end
    end
  end
  for _, id in ipairs(redis.call('ZRANGE', K.PartnerEvents(prefix, slug), 0, -1)) do
    known(K.Event(prefix, id))
    known(K.EventSurveys(prefix, id))
  end
  for _, id in ipairs(redis.call('ZRANGE', K.PartnerSurveys(prefix, slug), 0, -1)) do
    local sk = K.Survey(prefix, id)
    if known(sk) then
      local ev = redis.call('HGET', sk, 'event')
      if ev and ev ~= '' then known(K.EventSurveys(prefix, ev)) end
    end
    known(K.SurveyResponses(prefix, id))
  end
  local contactLog = K.ContactLog(prefix, slug)
  for _, id in ipairs(redis.call('ZRANGE', K.Contacts(prefix, slug), 0, -1)) do
    local ok, c = pcall(cjson.decode, redis.call('HGET', contactLog, id) or '{}')
    if ok and type(c.who) == 'string' then known(K.ContactsBy(prefix, c.who)) end
  end
  local u = undeclared()
  if u then return u end
end
local erasing = index_erasing(ARGV[5], ARGV[1])
local plans = cjson.decode(ARGV[7])
if not index_plans_fit(ARGV[5], plans, erasing, ARGV[1]) then return {'err', 'stale'} end
index_unfile(ARGV[5], plans, erasing)
local nameKey = redis.call('HGET', pk, 'name_key')
if nameKey then redis.call('HDEL', KEYS[2], nameKey) end
local channel = redis.call('HGET', pk, 'channel')
if channel and channel ~= '' and redis.call('HGET', KEYS[3], channel) == ARGV[1] then
  redis.call('HDEL', KEYS[3], channel)
end
redis.call('ZREM', KEYS[1], ARGV[1])
local lex = redis.call('HGET', pk, 'name_slug')
redis.call('ZREM', KEYS[5], ARGV[1] .. ':' .. ARGV[1])
local slugKey = redis.call('HGET', pk, 'slug_key')
if slugKey then redis.call('ZREM', KEYS[5], slugKey .. ':' .. ARGV[1]) end
if lex then redis.call('ZREM', KEYS[5], lex .. ':' .. ARGV[1]) end
-- Follow-ups of the partner, with their queued reminders.
local prefix, slug = ARGV[5], ARGV[1]
for _, id in ipairs(redis.call('SMEMBERS', K.PartnerFollowUps(prefix, slug))) do
  local fk = K.FollowUp(prefix, id)
  local assignee = redis.call('HGET', fk, 'assignee')
  if assignee then redis.call('ZREM', K.FollowUpsOf(prefix, assignee), id) end
  local job = redis.call('HGET', fk, 'job')
  if job then unqueue(prefix, job) end
  local series = redis.call('HGET', fk, 'series')
  if series then redis.call('DEL', K.FollowUpSeries(prefix, series)) end
  redis.call('ZREM', K.FollowUpsOpen(prefix), id)
  redis.call('ZREM', K.FollowUpsDone(prefix), id)
  redis.call('HDEL', K.FollowUpTexts(prefix), id)
  redis.call('DEL', fk)
end
-- Its events and surveys, with their queued jobs. An event run with
-- other partners stays theirs: the partner is only taken off it.
for _, id in ipairs(redis.call('ZRANGE', K.PartnerEvents(prefix, slug), 0, -1)) do
  local ek = K.Event(prefix, id)
  local others = {}
  for s in string.gmatch(redis.call('HGET', ek, 'with') or '', '[^,]+') do
    if s ~= slug then others[#others + 1] = s end
  end
  if redis.call('HGET', ek, 'partner') ~= slug then
    redis.call('HSET', ek, 'with', table.concat(others, ','))
  elseif #others > 0 then
    redis.call('HSET', ek, 'partner', others[1], 'with', table.concat(others, ',', 2))
  else
    for _, job in ipairs({J.EventEnd(id), J.Attendance(id), J.FeedbackSurvey(id), J.FollowUpSurvey(id)}) do
      unqueue(prefix, job)
    end
    redis.call('ZREM', K.Events(prefix), id)
    redis.call('DEL', ek, K.EventSurveys(prefix, id))
  end
end
for _, id in ipairs(redis.call('ZRANGE', K.PartnerSurveys(prefix, slug), 0, -1)) do
  unqueue(prefix, J.SurveyPost(id))
  local ev = redis.call('HGET', K.Survey(prefix, id), 'event')
  if ev and ev ~= '' then redis.call('SREM', K.EventSurveys(prefix, ev), id) end
  redis.call('DEL', K.Survey(prefix, id), K.SurveyResponses(prefix, id))
end
-- Its contacts' entries in the workspace's contact indexes.
local contactLog = K.ContactLog(prefix, slug)
for _, id in ipairs(redis.call('ZRANGE', K.Contacts(prefix, slug), 0, -1)) do
  redis.call('HDEL', K.ContactPartner(prefix), id)
  local ok, c = pcall(cjson.decode, redis.call('HGET', contactLog, id) or '{}')
  if ok and type(c.who) == 'string' then redis.call('ZREM', K.ContactsBy(prefix, c.who), id) end
end
-- Its needs: out of the workspace's list, their topics counted down.
for _, id in ipairs(redis.call('ZRANGE', K.PartnerNeeds(prefix, slug), 0, -1)) do
  local js = redis.call('HGET', K.NeedLog(prefix), id)
  if js then
    local ok, need = pcall(cjson.decode, js)
    if ok and type(need.topics) == 'table' then
      for _, t in ipairs(need.topics) do
        if tonumber(redis.call('ZINCRBY', K.NeedTopics(prefix), -1, t)) <= 0 then
          redis.call('ZREM', K.NeedTopics(prefix), t)
        end
      end
    end
  end
  redis.call('HDEL', K.NeedLog(prefix), id)
  redis.call('ZREM', K.Needs(prefix), id)
end
local n = 0
for i = 6, 5 + tonumber(ARGV[6]) do n = n + redis.call('DEL', KEYS[i]) end
audit(KEYS[4], ARGV[4], ARGV[2], ARGV[3], 'partner.erase', ARGV[1])
return {'ok', n}
