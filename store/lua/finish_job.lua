-- finish_job: record a claimed job as done, optionally scheduling the
-- next job of a chain. Only the claim that holds the lease may finish it.
-- KEYS the due-work keys: due, leases, claims and done (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2] job, ARGV[3] token, ARGV[4] now (unix ms),
-- ARGV[5] next job ('' for none), ARGV[6] its due (unix ms)
-- Returns 1, or 0 when the lease was lost (another replica holds the job).
local prefix = ARGV[1]
if not holds(prefix, ARGV[2], ARGV[3]) then return 0 end
finish(prefix, ARGV[2], tonumber(ARGV[4]))
if ARGV[5] ~= '' then enqueue(prefix, ARGV[5], tonumber(ARGV[6])) end
return 1
