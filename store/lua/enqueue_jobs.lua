-- enqueue_jobs: schedule jobs unless already queued, leased or done.
-- KEYS the due-work keys: due, leases, claims and done (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2…] job, due (unix ms) pairs
-- Returns how many were added.
local n = 0
for i = 2, #ARGV, 2 do n = n + enqueue(ARGV[1], ARGV[i], tonumber(ARGV[i + 1])) end
return n
