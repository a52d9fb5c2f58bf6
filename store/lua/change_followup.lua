-- change_followup: close (done, cancel) or move (snooze, reschedule) an
-- open follow-up, keeping its indexes and its queued reminder in step. A
-- snooze only moves the due time later; a reschedule sets it to any time
-- (Go checks it is ahead).
-- KEYS[1] the follow-up HASH, KEYS[2] open ZSET, KEYS[3] done ZSET,
-- KEYS[4] audit STREAM, then the texts HASH, the due-work keys and the
-- assignee's follow-ups (declare.lua)
-- ARGV[1] key prefix, ARGV[2] id, ARGV[3] 'done' | 'cancel' | 'snooze' |
-- 'reschedule', ARGV[4] actor, ARGV[5] now (unix ms), ARGV[6] new due for
-- snooze and reschedule (unix ms), ARGV[7] audit max length
-- Returns {'ok', field, value, …} (the follow-up after the change),
-- {'err', 'not_found'}, {'err', 'not_open', field, value, …} or, for a
-- snooze to a time not after the due time, {'err', 'not_later', field,
-- value, …}.
local prefix, id, op = ARGV[1], ARGV[2], ARGV[3]
local fk = KEYS[1]
if redis.call('EXISTS', fk) == 0 then return {'err', 'not_found'} end
known(K.FollowUpsOf(prefix, redis.call('HGET', fk, 'assignee')))
local u = undeclared()
if u then return u end
local text = redis.call('HGET', K.FollowUpTexts(prefix), id) or ''
local function refuse(code)
  local out = {'err', code, 'text', text}
  for _, v in ipairs(redis.call('HGETALL', fk)) do out[#out + 1] = v end
  return out
end
if redis.call('HGET', fk, 'status') ~= 'open' then return refuse('not_open') end
if op == 'snooze' and tonumber(ARGV[6]) <= tonumber(redis.call('HGET', fk, 'due')) then
  return refuse('not_later')
end
local userKey = K.FollowUpsOf(prefix, redis.call('HGET', fk, 'assignee'))
local job = redis.call('HGET', fk, 'job')
if op == 'done' or op == 'cancel' then
  local status = 'done'
  if op == 'cancel' then status = 'cancelled' end
  redis.call('HSET', fk, 'status', status, 'done_by', ARGV[4], 'done_at', ARGV[5])
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', userKey, id)
  if job then unqueue(prefix, job) end
  if op == 'done' then redis.call('ZADD', KEYS[3], ARGV[5], id) end
else
  local seq = redis.call('HINCRBY', fk, 'job_seq', 1)
  local newJob = J.Reminder(id, seq)
  if job then unqueue(prefix, job) end
  redis.call('HSET', fk, 'due', ARGV[6], 'job', newJob, 'reminders', 0)
  if op == 'snooze' then redis.call('HINCRBY', fk, 'snoozes', 1) end
  redis.call('ZADD', KEYS[2], ARGV[6], id)
  redis.call('ZADD', userKey, ARGV[6], id)
  enqueue(prefix, newJob, tonumber(ARGV[6]))
end
audit(KEYS[4], ARGV[7], ARGV[5], ARGV[4], 'followup.' .. op, 'F' .. id)
local out = {'ok', 'text', text}
for _, v in ipairs(redis.call('HGETALL', fk)) do out[#out + 1] = v end
return out
