-- enqueue_jobs: schedule jobs unless already queued, leased or done.
-- KEYS[1] due ZSET (for the slot; all keys come from ARGV[1])
-- ARGV[1] key prefix, ARGV[2…] job, due (unix ms) pairs
-- Returns how many were added.
local n = 0
for i = 2, #ARGV, 2 do n = n + enqueue(ARGV[1], ARGV[i], tonumber(ARGV[i + 1])) end
return n
