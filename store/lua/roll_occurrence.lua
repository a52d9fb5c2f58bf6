-- roll_occurrence: carry a repeating follow-up's open occurrence over to
-- a later time of its series, which came while it was still open: it is
-- due again then, its reminders counted afresh, under the reminder job
-- now running (which posts it). Idempotent: a second run for the same
-- time changes nothing.
-- KEYS[1] the follow-up HASH, KEYS[2] open ZSET, KEYS[3] texts HASH,
-- then the assignee's follow-ups (declare.lua)
-- ARGV[1] key prefix, ARGV[2] id, ARGV[3] the reminder job, ARGV[4] the
-- occurrence time the new one was worked out from (unix ms), ARGV[5] the
-- new occurrence time (unix ms)
-- Returns {'ok', field, value, …} (the follow-up after it) or {'err',
-- 'moved'} when it is no longer open, reminded by that job, at that
-- time.
local fk = KEYS[1]
local assignee = redis.call('HGET', fk, 'assignee')
if assignee then known(K.FollowUpsOf(ARGV[1], assignee)) end
local u = undeclared()
if u then return u end
if redis.call('HGET', fk, 'status') ~= 'open' or redis.call('HGET', fk, 'job') ~= ARGV[3] then
  return {'err', 'moved'}
end
local occurs = redis.call('HGET', fk, 'occurs')
if occurs ~= ARGV[5] then
  if occurs ~= ARGV[4] then return {'err', 'moved'} end
  redis.call('HSET', fk, 'occurs', ARGV[5], 'due', ARGV[5], 'reminders', 0)
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
  redis.call('ZADD', K.FollowUpsOf(ARGV[1], assignee), ARGV[5], ARGV[2])
end
local out = {'ok', 'text', redis.call('HGET', KEYS[3], ARGV[2]) or ''}
for _, v in ipairs(redis.call('HGETALL', fk)) do out[#out + 1] = v end
return out
