-- jobs_lib: shared by the scripts that schedule, claim and finish due
-- work; prepended to their bodies by scripts.go. All job keys are built
-- from prefix (the workspace's hash-tagged key prefix), so one slot.
--   prefix..'due'       ZSET job id → due time (unix ms)
--   prefix..'leases'    ZSET job id → lease expiry (unix ms)
--   prefix..'claims'    HASH job id → '<tries>:<due>:<token>' while claimed
--                       (and '<tries>:<due>:' once handed back), one field
--                       so a claim writes once
--   prefix..'jobs-done' ZSET job id → when it finished (30 days kept)

local DONE_KEEP_MS = 30 * 24 * 3600 * 1000

-- claimOf splits a claims entry into tries, due and token.
local function claimOf(prefix, job)
  local v = redis.call('HGET', prefix .. 'claims', job)
  if not v then return 0, nil, '' end
  local tries, due, token = string.match(v, '^(%d+):(%d+):(.*)$')
  return tonumber(tries), due, token
end

-- enqueue adds job at due unless it is queued, leased or already done.
-- Returns 1 when added.
local function enqueue(prefix, job, due)
  if redis.call('ZSCORE', prefix .. 'jobs-done', job) then return 0 end
  if redis.call('ZSCORE', prefix .. 'leases', job) then return 0 end
  return redis.call('ZADD', prefix .. 'due', 'NX', due, job)
end

-- unqueue removes a job that has not been claimed.
local function unqueue(prefix, job)
  if redis.call('ZREM', prefix .. 'due', job) == 1 then
    redis.call('HDEL', prefix .. 'claims', job)
  end
end

-- holds reports whether token still holds job's lease (fencing: a claim
-- that expired and was taken by another replica can no longer finish).
local function holds(prefix, job, token)
  local _, _, held = claimOf(prefix, job)
  return held ~= '' and held == token and redis.call('ZSCORE', prefix .. 'leases', job) ~= false
end

-- handBack puts a claimed job back in the queue at due, without a holder.
-- keepTries: the next claim still counts as a retry (the post may have
-- gone out), so it looks for it first.
local function handBack(prefix, job, due, keepTries)
  local tries = claimOf(prefix, job)
  redis.call('ZREM', prefix .. 'leases', job)
  redis.call('ZADD', prefix .. 'due', due, job)
  if keepTries then
    redis.call('HSET', prefix .. 'claims', job, tries .. ':' .. due .. ':')
  else
    redis.call('HDEL', prefix .. 'claims', job)
  end
end

-- finish records job as done and drops its lease.
local function finish(prefix, job, now)
  redis.call('ZREM', prefix .. 'leases', job)
  redis.call('HDEL', prefix .. 'claims', job)
  redis.call('ZADD', prefix .. 'jobs-done', now, job)
  redis.call('ZREMRANGEBYSCORE', prefix .. 'jobs-done', '-inf', now - DONE_KEEP_MS)
end
