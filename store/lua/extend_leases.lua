-- extend_leases: keep holding jobs whose posts are still under way (a
-- queue paced by Slack's rate limits can take longer than one lease), and
-- fence a post: extending one job's lease right before its post leaves
-- says, in the same step, whether the lease is still this holder's.
-- KEYS the due-work keys: due, leases, claims and done (keys.go's jobs)
-- ARGV[1] key prefix, ARGV[2] token, ARGV[3] new expiry (unix ms),
-- ARGV[4…] jobs
-- Returns the jobs whose lease token no longer holds (taken back by
-- another claim, or finished), which were not extended.
local prefix, token = ARGV[1], ARGV[2]
local lost = {}
for i = 4, #ARGV do
  if holds(prefix, ARGV[i], token) then
    redis.call('ZADD', K.Leases(prefix), 'XX', ARGV[3], ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
