-- create_survey: create a survey and queue its post. Idempotent per
-- origin: a retried job (or a repeated request for the same origin)
-- gets the survey it created before. An event has at most one survey of
-- each template: asking again (by hand, or the automatic one after a
-- survey sent by hand) gets the one it has, so answers are not split.
-- KEYS[1] survey-by-origin HASH, KEYS[2] audit STREAM, then the partner's
-- keys, the event's, the survey counter and the due-work keys; the
-- surveys the event has and the new one's hash once known (declare.lua)
-- ARGV[1] key prefix, ARGV[2] origin ('' = always a new survey),
-- ARGV[3] partner slug, ARGV[4] event id ('' for none), ARGV[5] now (unix
-- ms), ARGV[6] actor, ARGV[7] audit max length, ARGV[8…] field, value pairs
-- Returns {id, 1 if created now or 0 if it existed}, or {0, 0} when the
-- partner (or event) is gone.
local prefix = ARGV[1]
if ARGV[2] ~= '' then
  local existing = redis.call('HGET', KEYS[1], ARGV[2])
  if existing then return {tonumber(existing), 0} end
end
if redis.call('EXISTS', K.Partner(prefix, ARGV[3])) == 0 then return {0, 0} end
local same = nil -- the event's survey of this template
if ARGV[4] ~= '' then
  if redis.call('EXISTS', K.Event(prefix, ARGV[4])) == 0 then return {0, 0} end
  if redis.call('HEXISTS', K.Event(prefix, ARGV[4]), 'cancelled_at') == 1 then return {0, 0} end
  local template = ''
  for i = 8, #ARGV - 1, 2 do
    if ARGV[i] == 'template' then template = ARGV[i + 1] end
  end
  for _, sid in ipairs(redis.call('SMEMBERS', K.EventSurveys(prefix, ARGV[4]))) do
    local sk = K.Survey(prefix, sid)
    if not same and known(sk) and redis.call('HGET', sk, 'template') == template then same = sid end
  end
end
if not same then known_next(function(id) return K.Survey(prefix, id) end, K.SurveySeq(prefix)) end
local u = undeclared()
if u then return u end
if same then
  if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[2], same) end
  return {tonumber(same), 0}
end
local id = redis.call('INCR', K.SurveySeq(prefix))
local fields = {'partner', ARGV[3], 'event', ARGV[4], 'created', ARGV[5], 'created_by', ARGV[6]}
for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', K.Survey(prefix, id), unpack(fields))
redis.call('ZADD', K.PartnerSurveys(prefix, ARGV[3]), ARGV[5], id)
if ARGV[4] ~= '' then
  redis.call('SADD', K.EventSurveys(prefix, ARGV[4]), id)
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[2], id) end
enqueue(prefix, J.SurveyPost(id), tonumber(ARGV[5]))
audit(KEYS[2], ARGV[7], ARGV[5], ARGV[6], 'survey.create', 'S' .. id)
return {id, 1}
