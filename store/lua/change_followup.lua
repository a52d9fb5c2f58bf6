-- change_followup: close (done, cancel) or move (snooze, reschedule) an
-- open follow-up, keeping its indexes and its queued reminder in step. A
-- snooze only moves the due time later; a reschedule sets it to any time
-- (Go checks it is ahead). Closing the latest occurrence of a repeating
-- follow-up creates the next one, due at ARGV[8]; 'end-series' cancels
-- the series' open occurrence and ends the series.
-- KEYS[1] the follow-up HASH, KEYS[2] open ZSET, KEYS[3] done ZSET,
-- KEYS[4] audit STREAM, then the texts HASH, the due-work keys and the
-- assignee's follow-ups, and for an occurrence of a series the series
-- HASH and what its next occurrence touches (declare.lua)
-- ARGV[1] key prefix, ARGV[2] id, ARGV[3] 'done' | 'cancel' | 'snooze' |
-- 'reschedule' | 'end-series', ARGV[4] actor, ARGV[5] now (unix ms),
-- ARGV[6] new due for snooze and reschedule (unix ms), ARGV[7] audit max
-- length, ARGV[8] for closing an occurrence, the next one's time (unix
-- ms), ARGV[9] the occurrence time it was worked out from
-- Returns {'ok', field, value, …} (the follow-up after the change),
-- {'err', 'not_found'}, {'err', 'not_open', field, value, …}, for a
-- snooze to a time not after the due time {'err', 'not_later', field,
-- value, …}, for 'end-series' of one that does not repeat (or no longer)
-- {'err', 'not_series', field, value, …}, or, closing an occurrence
-- whose time is not ARGV[9], {'err', 'recur', occurs, rule, zone}: Go
-- works out the next time and runs it again.
local prefix, id, op = ARGV[1], ARGV[2], ARGV[3]
local fk = KEYS[1]
if redis.call('EXISTS', fk) == 0 then return {'err', 'not_found'} end
known(K.FollowUpsOf(prefix, redis.call('HGET', fk, 'assignee')))
do
  -- A repeating one: its series, and for closing it what the next
  -- occurrence will touch.
  local series = redis.call('HGET', fk, 'series')
  if series and known(K.FollowUpSeries(prefix, series)) and (op == 'done' or op == 'cancel') then
    plan_followup(prefix, redis.call('HGET', fk, 'partner'), redis.call('HGET', fk, 'assignee'))
  end
end
local u = undeclared()
if u then return u end
local text = redis.call('HGET', K.FollowUpTexts(prefix), id) or ''
local function refuse(code)
  local out = {'err', code, 'text', text}
  for _, v in ipairs(redis.call('HGETALL', fk)) do out[#out + 1] = v end
  return out
end
local live, series = live_occurrence(prefix, fk, id)
if op == 'end-series' and not live then return refuse('not_series') end
if redis.call('HGET', fk, 'status') ~= 'open' then return refuse('not_open') end
if op == 'snooze' and tonumber(ARGV[6]) <= tonumber(redis.call('HGET', fk, 'due')) then
  return refuse('not_later')
end
local next_ = live and (op == 'done' or op == 'cancel')
if next_ then
  local occurs = redis.call('HGET', fk, 'occurs')
  if occurs ~= ARGV[9] then
    return {'err', 'recur', occurs, redis.call('HGET', fk, 'rule'), redis.call('HGET', fk, 'zone')}
  end
end
local assignee = redis.call('HGET', fk, 'assignee')
local userKey = K.FollowUpsOf(prefix, assignee)
local job = redis.call('HGET', fk, 'job')
if op == 'done' or op == 'cancel' or op == 'end-series' then
  local status = 'done'
  if op ~= 'done' then status = 'cancelled' end
  redis.call('HSET', fk, 'status', status, 'done_by', ARGV[4], 'done_at', ARGV[5])
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', userKey, id)
  if job then unqueue(prefix, job) end
  if op == 'done' then redis.call('ZADD', KEYS[3], ARGV[5], id) end
  if op == 'end-series' then
    redis.call('HSET', K.FollowUpSeries(prefix, series), 'ended_at', ARGV[5], 'ended_by', ARGV[4])
    redis.call('HSET', fk, 'series_ended', '1')
  end
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
if next_ then
  -- The next occurrence: the same promise, due at its time.
  local f = redis.call('HMGET', fk, 'partner', 'created_by', 'shared', 'rule', 'zone', 'rule_text')
  local nid = create_followup(prefix, f[1], assignee, ARGV[8], text, f[2], ARGV[5], f[3])
  start_occurrence(prefix, nid, series, f[4], f[5], ARGV[8], f[6] or '')
  redis.call('HSET', fk, 'next', nid)
  audit(KEYS[4], ARGV[7], ARGV[5], ARGV[4], 'followup.repeat', 'F' .. nid)
end
local out = {'ok', 'text', text}
for _, v in ipairs(redis.call('HGETALL', fk)) do out[#out + 1] = v end
return out
