-- adopt_leases: a replica that claimed jobs it is still running (its own
-- lease had run out, say while Redis was away) hands the new leases to
-- the runs under way, so that one run per job goes on, under its token.
-- KEYS the due-work keys: due, leases, claims and done (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2] the new claim's token, ARGV[3] the running
-- claim's token, ARGV[4…] jobs
-- Returns how many leases were handed over.
local prefix, from, to = ARGV[1], ARGV[2], ARGV[3]
local n = 0
for i = 4, #ARGV do
  local job = ARGV[i]
  if holds(prefix, job, from) then
    local tries, due, _, first = claimOf(prefix, job)
    redis.call('HSET', K.Claims(prefix), job, claimEntry(tries, due, first, to))
    n = n + 1
  end
end
return n
