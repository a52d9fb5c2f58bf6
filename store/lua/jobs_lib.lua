-- jobs_lib: shared by the scripts that schedule, claim and finish due
-- work; prepended to their bodies by scripts.go. All job keys are built
-- from prefix (the workspace's hash-tagged key prefix), so one slot.
--   prefix..'due'         ZSET job id → due time (unix ms)
--   prefix..'leases'      ZSET job id → lease expiry (unix ms)
--   prefix..'lease-token' HASH job id → token of the claim holding it
--   prefix..'job-due'     HASH job id → due time as scheduled (kept across claims)
--   prefix..'job-tries'   HASH job id → how many times it was claimed
--   prefix..'jobs-done'   ZSET job id → when it finished (30 days kept)

local DONE_KEEP_MS = 30 * 24 * 3600 * 1000

-- enqueue adds job at due unless it is queued, leased or already done.
-- Returns 1 when added.
local function enqueue(prefix, job, due)
  if redis.call('ZSCORE', prefix .. 'jobs-done', job) then return 0 end
  if redis.call('ZSCORE', prefix .. 'leases', job) then return 0 end
  local added = redis.call('ZADD', prefix .. 'due', 'NX', due, job)
  if added == 1 then redis.call('HSET', prefix .. 'job-due', job, due) end
  return added
end

-- unqueue removes a job that has not been claimed.
local function unqueue(prefix, job)
  if redis.call('ZREM', prefix .. 'due', job) == 1 then
    redis.call('HDEL', prefix .. 'job-due', job, prefix .. 'job-tries', job)
  end
end

-- holds reports whether token still holds job's lease (fencing: a claim
-- that expired and was taken by another replica can no longer finish).
local function holds(prefix, job, token)
  return redis.call('HGET', prefix .. 'lease-token', job) == token
end

-- finish records job as done and drops its lease.
local function finish(prefix, job, now)
  redis.call('ZREM', prefix .. 'leases', job)
  redis.call('HDEL', prefix .. 'lease-token', job)
  redis.call('HDEL', prefix .. 'job-due', job)
  redis.call('HDEL', prefix .. 'job-tries', job)
  redis.call('ZADD', prefix .. 'jobs-done', now, job)
  redis.call('ZREMRANGEBYSCORE', prefix .. 'jobs-done', '-inf', now - DONE_KEEP_MS)
end
