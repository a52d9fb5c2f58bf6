-- reserve_post: Slack's limits on chat.postMessage, shared by every
-- replica (a GCRA: each key holds the theoretical arrival time of the
-- next post). Posts to one channel are spaced ARGV[2] apart; scheduled
-- posts keep within the workspace's budget, one per ARGV[3] ms with
-- bursts of ARGV[4]; an answer to a person counts against the budget but
-- never waits for it.
-- KEYS[1] the channel's next-post time STRING, KEYS[2] the workspace's
-- STRING (both with a TTL: gone a minute after they hold nothing back)
-- ARGV[1] now (unix ms), ARGV[2] channel spacing (ms), ARGV[3] budget
-- interval (ms, 0 for none), ARGV[4] burst (posts), ARGV[5] '1' for a
-- scheduled post, '0' for an answer
-- Returns 0 when the post may go now (recorded on both keys), else how
-- many ms to wait (nothing recorded).
local now, spacing = tonumber(ARGV[1]), tonumber(ARGV[2])
local interval, burst = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = tonumber(redis.call('GET', KEYS[1]) or '0') - now
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
if interval > 0 and ARGV[5] == '1' then
  wait = math.max(wait, tat - now - (burst - 1) * interval)
end
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], now + spacing, 'PX', spacing + 60000)
if interval > 0 then
  tat = math.max(tat, now) + interval
  redis.call('SET', KEYS[2], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 60000)
end
return 0
