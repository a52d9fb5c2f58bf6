-- queue_followup_survey: queue the 30-day follow-up survey of an event
-- recorded after the fact (which queued no surveys), unless it has one
-- already: queued, under way, done, or sent.
-- KEYS[1] the event HASH, KEYS[2] the event's surveys SET, KEYS[3] audit
-- STREAM, then the due-work keys and the event's surveys (declare.lua)
-- ARGV[1] key prefix, ARGV[2] event id, ARGV[3] due (unix ms), ARGV[4]
-- now (unix ms), ARGV[5] actor, ARGV[6] audit max length, ARGV[7] the
-- follow-up survey's template
-- Returns {'ok', 'queued'}, {'ok', 'already'}, or {'err', 'not_found'} /
-- {'err', 'cancelled'}.
local prefix, id = ARGV[1], ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 0 then return {'err', 'not_found'} end
if redis.call('HEXISTS', KEYS[1], 'cancelled_at') == 1 then return {'err', 'cancelled'} end
local sids = redis.call('SMEMBERS', KEYS[2])
for _, sid in ipairs(sids) do known(K.Survey(prefix, sid)) end
local u = undeclared()
if u then return u end
for _, sid in ipairs(sids) do
  if redis.call('HGET', K.Survey(prefix, sid), 'template') == ARGV[7] then return {'ok', 'already'} end
end
if enqueue(prefix, J.FollowUpSurvey(id), ARGV[3]) == 0 then return {'ok', 'already'} end
audit(KEYS[3], ARGV[6], ARGV[4], ARGV[5], 'event.followup_survey', 'E' .. id)
return {'ok', 'queued'}
