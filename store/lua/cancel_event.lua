-- cancel_event: cancel an event and what it still had coming: its end
-- counting as contact, the attendance question, the automatic surveys,
-- and surveys created but not yet posted. Surveys already posted keep
-- their answers. The event stays, marked cancelled, out of the lists.
-- KEYS[1] the event HASH, KEYS[2] events ZSET, KEYS[3] audit STREAM, then
-- the event's surveys SET, the due-work keys, and what the event's data
-- names (declare.lua): its surveys, its partners
-- ARGV[1] key prefix, ARGV[2] event id, ARGV[3] actor, ARGV[4] now (unix
-- ms), ARGV[5] audit max length
-- Returns {'ok', what was called off…} ('attendance', 'feedback',
-- 'followup' for the queued jobs, 'S<id>' for unposted surveys), or
-- {'err', 'not_found'} / {'err', 'cancelled'}.
local prefix, id, now = ARGV[1], ARGV[2], tonumber(ARGV[4])
local ek = KEYS[1]
if redis.call('EXISTS', ek) == 0 then return {'err', 'not_found'} end
if redis.call('HEXISTS', ek, 'cancelled_at') == 1 then return {'err', 'cancelled'} end
for _, sid in ipairs(redis.call('SMEMBERS', K.EventSurveys(prefix, id))) do
  local sk = K.Survey(prefix, sid)
  if known(sk) then
    local partner = redis.call('HGET', sk, 'partner')
    if partner then known(K.PartnerSurveys(prefix, partner)) end
  end
  known(K.SurveyResponses(prefix, sid))
end
local partners = {redis.call('HGET', ek, 'partner')}
for s in string.gmatch(redis.call('HGET', ek, 'with') or '', '[^,]+') do partners[#partners + 1] = s end
for _, slug in ipairs(partners) do
  known(K.PartnerEvents(prefix, slug))
  local pk = K.Partner(prefix, slug)
  if known(pk) and redis.call('EXISTS', pk) == 1 then plan_figures(prefix, slug, now) end
end
local u = undeclared()
if u then return u end
local out = {'ok'}
unqueue(prefix, J.EventEnd(id))
for _, j in ipairs({{J.Attendance(id), 'attendance'}, {J.FeedbackSurvey(id), 'feedback'}, {J.FollowUpSurvey(id), 'followup'}}) do
  if unqueue(prefix, j[1]) == 1 then out[#out + 1] = j[2] end
end
for _, sid in ipairs(redis.call('SMEMBERS', K.EventSurveys(prefix, id))) do
  local sk = K.Survey(prefix, sid)
  if (redis.call('HGET', sk, 'posted_ts') or '') == '' and unqueue(prefix, J.SurveyPost(sid)) == 1 then
    local partner = redis.call('HGET', sk, 'partner')
    if partner then redis.call('ZREM', K.PartnerSurveys(prefix, partner), sid) end
    redis.call('SREM', K.EventSurveys(prefix, id), sid)
    redis.call('DEL', sk, K.SurveyResponses(prefix, sid))
    out[#out + 1] = 'S' .. sid
  end
end
redis.call('ZREM', KEYS[2], id)
redis.call('HSET', ek, 'cancelled_at', ARGV[4], 'cancelled_by', ARGV[3])
for _, slug in ipairs(partners) do
  redis.call('ZREM', K.PartnerEvents(prefix, slug), id)
  -- A cancelled event no longer counts as contact.
  if redis.call('EXISTS', K.Partner(prefix, slug)) == 1 then partner_figures(prefix, slug, now) end
end
audit(KEYS[3], ARGV[5], ARGV[4], ARGV[3], 'event.cancel', 'E' .. id)
return out
