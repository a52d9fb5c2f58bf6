-- release_jobs: hand claimed jobs back so another replica can take them
-- at once (on shutdown), or put one off to a later time (quiet hours).
-- KEYS[1] leases ZSET (for the slot; all keys come from ARGV[1])
-- ARGV[1] key prefix, ARGV[2] token, ARGV[3] new due (unix ms, or '' to
-- keep each job's own), ARGV[4…] jobs
-- Returns how many jobs were handed back.
local prefix, token = ARGV[1], ARGV[2]
local n = 0
for i = 4, #ARGV do
  local job = ARGV[i]
  if holds(prefix, job, token) then
    redis.call('ZREM', prefix .. 'leases', job)
    redis.call('HDEL', prefix .. 'lease-token', job)
    local due = ARGV[3]
    if due == '' then
      due = redis.call('HGET', prefix .. 'job-due', job) or '0'
    else
      redis.call('HSET', prefix .. 'job-due', job, due)
      redis.call('HDEL', prefix .. 'job-tries', job)
    end
    redis.call('ZADD', prefix .. 'due', due, job)
    n = n + 1
  end
end
return n
