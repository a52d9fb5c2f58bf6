-- release_jobs: hand claimed jobs back so another replica can take them
-- at once (a stop), retry them later (Slack could not be asked whether
-- they were posted), or put them off (quiet hours).
-- KEYS[1] leases ZSET (for the slot; all keys come from ARGV[1])
-- ARGV[1] key prefix, ARGV[2] token, ARGV[3] new due (unix ms, or '' to
-- keep each job's own), ARGV[4] '1' to keep the try count (the next claim
-- looks for an earlier post first), ARGV[5…] jobs
-- Returns how many jobs were handed back.
local prefix, token = ARGV[1], ARGV[2]
local n = 0
for i = 5, #ARGV do
  local job = ARGV[i]
  if holds(prefix, job, token) then
    local _, due = claimOf(prefix, job)
    if ARGV[3] ~= '' then due = ARGV[3] end
    handBack(prefix, job, due, ARGV[4] == '1')
    n = n + 1
  end
end
return n
