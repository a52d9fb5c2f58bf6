-- extend_leases: keep holding jobs whose posts are still under way (a
-- queue paced by Slack's rate limits can take longer than one lease).
-- KEYS[1] leases ZSET (for the slot; all keys come from ARGV[1])
-- ARGV[1] key prefix, ARGV[2] token, ARGV[3] new expiry (unix ms),
-- ARGV[4…] jobs
-- Returns how many leases were still held and extended.
local prefix, token = ARGV[1], ARGV[2]
local n = 0
for i = 4, #ARGV do
  if holds(prefix, ARGV[i], token) then
    redis.call('ZADD', K.Leases(prefix), 'XX', ARGV[3], ARGV[i])
    n = n + 1
  end
end
return n
