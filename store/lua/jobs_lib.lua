-- jobs_lib: scheduling, claiming and finishing due work; scripts.go puts
-- it before every script that calls it. The keys (K.Due, K.Leases,
-- K.Claims, K.JobsDone; see keys.go) are built from prefix, the
-- workspace's hash-tagged key prefix, so one slot. A claims entry is
-- '<tries>:<due>:<token>' while claimed and '<tries>:<due>:' once handed
-- back, one field so a claim writes once.

local DONE_KEEP_MS = 30 * 24 * 3600 * 1000

-- claimOf splits a claims entry into tries, due and token.
local function claimOf(prefix, job)
  local v = redis.call('HGET', K.Claims(prefix), job)
  if not v then return 0, nil, '' end
  local tries, due, token = string.match(v, '^(%d+):(%d+):(.*)$')
  return tonumber(tries), due, token
end

-- enqueue adds job at due unless it is queued, leased or already done.
-- Returns 1 when added.
local function enqueue(prefix, job, due)
  if redis.call('ZSCORE', K.JobsDone(prefix), job) then return 0 end
  if redis.call('ZSCORE', K.Leases(prefix), job) then return 0 end
  return redis.call('ZADD', K.Due(prefix), 'NX', due, job)
end

-- unqueue removes a job that has not been claimed. Returns 1 when it was
-- queued.
local function unqueue(prefix, job)
  if redis.call('ZREM', K.Due(prefix), job) == 1 then
    redis.call('HDEL', K.Claims(prefix), job)
    return 1
  end
  return 0
end

-- holds reports whether token still holds job's lease (fencing: a claim
-- that expired and was taken by another replica can no longer finish).
local function holds(prefix, job, token)
  local _, _, held = claimOf(prefix, job)
  return held ~= '' and held == token and redis.call('ZSCORE', K.Leases(prefix), job) ~= false
end

-- handBack puts a claimed job back in the queue at due, without a holder.
-- keepTries: the next claim still counts as a retry (the post may have
-- gone out), so it looks for it first.
local function handBack(prefix, job, due, keepTries)
  local tries = claimOf(prefix, job)
  redis.call('ZREM', K.Leases(prefix), job)
  redis.call('ZADD', K.Due(prefix), due, job)
  if keepTries then
    redis.call('HSET', K.Claims(prefix), job, tries .. ':' .. due .. ':')
  else
    redis.call('HDEL', K.Claims(prefix), job)
  end
end

-- finish records job as done and drops its lease.
local function finish(prefix, job, now)
  redis.call('ZREM', K.Leases(prefix), job)
  redis.call('HDEL', K.Claims(prefix), job)
  redis.call('ZADD', K.JobsDone(prefix), now, job)
  redis.call('ZREMRANGEBYSCORE', K.JobsDone(prefix), '-inf', now - DONE_KEEP_MS)
end
