-- fail_job: end a claimed job that Slack refused for good (a channel that
-- no longer exists, a deactivated user), recording why, for followups and
-- the digest to show. Only the claim that holds the lease may end it.
-- KEYS the due-work keys: due, leases, claims and done (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2] job, ARGV[3] token, ARGV[4] now (unix ms),
-- ARGV[5] the failure (JSON)
-- Returns 1, or 0 when the lease was lost (another replica holds the job).
local prefix, job, now = ARGV[1], ARGV[2], tonumber(ARGV[4])
if not holds(prefix, job, ARGV[3]) then return 0 end
finish(prefix, job, now)
redis.call('HSET', K.JobFailures(prefix), job, ARGV[5])
redis.call('ZADD', K.JobFailuresAt(prefix), now, job)
-- Failures are kept as long as finished jobs; the old ones go a bounded
-- batch at a time.
local old = redis.call('ZRANGEBYSCORE', K.JobFailuresAt(prefix), '-inf', now - DONE_KEEP_MS, 'LIMIT', 0, 100)
for _, j in ipairs(old) do
  redis.call('HDEL', K.JobFailures(prefix), j)
  redis.call('ZREM', K.JobFailuresAt(prefix), j)
end
return 1
