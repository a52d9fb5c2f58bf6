-- jobs_lib: scheduling, claiming and finishing due work; scripts.go puts
-- it before every script that calls it. The keys (K.Due, K.Leases,
-- K.Claims, K.JobsDone; see keys.go) are built from prefix, the
-- workspace's hash-tagged key prefix, so one slot. A claims entry is
-- '<tries>:<due>:<first>:<token>' while claimed and
-- '<tries>:<due>:<first>:' once handed back, one field so a claim writes
-- once. first is when the job was first claimed (unix ms): a retry looks
-- for its earlier post from then on, however far retries and holds have
-- moved its due time since. Entries written before first was kept read
-- '<tries>:<due>:<token>'; their first is unknown ('').

local DONE_KEEP_MS = 30 * 24 * 3600 * 1000

-- parseClaim splits a claims entry into tries, due, token and first ('' when
-- unknown).
local function parseClaim(v)
  local tries, due, first, token = string.match(v, '^(%d+):(%d+):(%d*):(.*)$')
  if not tries then
    tries, due, token = string.match(v, '^(%d+):(%d+):(.*)$')
    first = ''
  end
  return tonumber(tries), due, token, first
end

-- claimOf is job's claims entry split: tries, due, token and first.
local function claimOf(prefix, job)
  local v = redis.call('HGET', K.Claims(prefix), job)
  if not v then return 0, nil, '', '' end
  return parseClaim(v)
end

-- claimEntry builds a claims entry.
local function claimEntry(tries, due, first, token)
  return tries .. ':' .. due .. ':' .. first .. ':' .. token
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
  local tries, _, _, first = claimOf(prefix, job)
  redis.call('ZREM', K.Leases(prefix), job)
  redis.call('ZADD', K.Due(prefix), due, job)
  if keepTries then
    redis.call('HSET', K.Claims(prefix), job, claimEntry(tries, due, first, ''))
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
