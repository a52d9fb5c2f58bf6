-- release_jobs: hand claimed jobs back so another replica can take them
-- at once (a stop), retry them later (Slack could not be asked whether
-- they were posted), or hold them, as if this claim had not happened,
-- while Slack refuses every call (a revoked token: not the job's fault)
-- or until the recipient's working hours.
-- KEYS the due-work keys: due, leases, claims and done (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2] token, ARGV[3] new due (unix ms, or '' to
-- keep each job's own), ARGV[4] '1' to keep the try count (the next claim
-- looks for an earlier post first), 'hold' to keep it as it was before
-- this claim, ARGV[5…] jobs
-- Returns how many jobs were handed back.
local prefix, token = ARGV[1], ARGV[2]
local n = 0
for i = 5, #ARGV do
  local job = ARGV[i]
  if holds(prefix, job, token) then
    local tries, due, _, first = claimOf(prefix, job)
    if ARGV[3] ~= '' then due = ARGV[3] end
    if ARGV[4] == 'hold' then
      handBack(prefix, job, due, tries > 1)
      if tries > 1 then redis.call('HSET', K.Claims(prefix), job, claimEntry(tries - 1, due, first, '')) end
    else
      handBack(prefix, job, due, ARGV[4] == '1')
    end
    n = n + 1
  end
end
return n
