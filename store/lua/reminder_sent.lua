-- reminder_sent: finish a follow-up's reminder job after Slack accepted
-- the post, record the post, and queue the next daily reminder.
-- KEYS[1] the follow-up HASH, then the due-work keys (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2] job, ARGV[3] token, ARGV[4] now (unix ms),
-- ARGV[5] next reminder due (unix ms, '' for none), ARGV[6] channel of the
-- post, ARGV[7] its ts, ARGV[8] the follow-up's id
-- Returns 1, or 0 when the lease was lost.
local prefix, job = ARGV[1], ARGV[2]
if not holds(prefix, job, ARGV[3]) then return 0 end
finish(prefix, job, tonumber(ARGV[4]))
local fk = KEYS[1]
if redis.call('HGET', fk, 'status') == 'open' and redis.call('HGET', fk, 'job') == job then
  redis.call('HINCRBY', fk, 'reminders', 1)
  redis.call('HSET', fk, 'reminded_at', ARGV[4], 'msg_channel', ARGV[6], 'msg_ts', ARGV[7])
  if ARGV[5] ~= '' then
    local seq = redis.call('HINCRBY', fk, 'job_seq', 1)
    local nextJob = J.Reminder(ARGV[8], seq)
    redis.call('HSET', fk, 'job', nextJob)
    enqueue(prefix, nextJob, tonumber(ARGV[5]))
  end
end
return 1
