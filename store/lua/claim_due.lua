-- claim_due: take due jobs under a lease, first putting back jobs whose
-- lease expired (their holder died or stalled).
-- KEYS[1] due ZSET, KEYS[2] leases ZSET, KEYS[3] claims HASH
-- ARGV[1] key prefix, ARGV[2] now (unix ms), ARGV[3] lease expiry (unix
-- ms), ARGV[4] limit, ARGV[5] claim token, ARGV[6] '1' to put back expired
-- leases first, '0' to leave them to their holders a while longer
-- Returns {reclaimed count, next due (ms, or -1), job, due, tries, first,
-- job, due, tries, first, …}; first (ms) is when the job was first
-- claimed, -1 when unknown (an entry from before it was kept).
-- The claimed jobs are the lowest-ranked of the due set, so a batch costs
-- five calls whatever its size: read them, read their earlier claims,
-- remove them by rank, and add all leases and all claims at once.
local prefix = ARGV[1]
local now, limit = tonumber(ARGV[2]), tonumber(ARGV[4])
local reclaimed = 0
if ARGV[6] == '1' then
  for _, job in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do
    local _, due = claimOf(prefix, job)
    handBack(prefix, job, due or now, true)
    reclaimed = reclaimed + 1
  end
end
local out = {reclaimed, -1}
local claimed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
local n = #claimed / 2
if n > 0 then
  local jobs = {}
  for i = 1, n do jobs[i] = claimed[2 * i - 1] end
  local earlier = redis.call('HMGET', KEYS[3], unpack(jobs))
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
  local leases, claims = {}, {}
  for i = 1, n do
    local job, due = jobs[i], claimed[2 * i]
    local tries, first = 1, ARGV[2]
    if earlier[i] then
      local t, _, _, f = parseClaim(earlier[i])
      tries, first = t + 1, f
    end
    leases[#leases + 1] = ARGV[3]
    leases[#leases + 1] = job
    claims[#claims + 1] = job
    claims[#claims + 1] = claimEntry(tries, due, first, ARGV[5])
    out[#out + 1] = job
    out[#out + 1] = due
    out[#out + 1] = tries
    if first == '' then first = -1 end
    out[#out + 1] = first
  end
  redis.call('ZADD', KEYS[2], unpack(leases))
  redis.call('HSET', KEYS[3], unpack(claims))
end
local nextDue = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #nextDue == 2 then out[2] = nextDue[2] end
local nextLease = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #nextLease == 2 and (out[2] == -1 or tonumber(nextLease[2]) < tonumber(out[2])) then out[2] = nextLease[2] end
return out
