-- set_attended: record an event's attendance.
-- KEYS[1] the event HASH, KEYS[2] audit STREAM
-- ARGV[1] count, ARGV[2] now (unix ms), ARGV[3] actor, ARGV[4] audit max
-- length, ARGV[5] event id
-- Returns 1, or 0 when there is no such event.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'attended', ARGV[1])
audit(KEYS[2], ARGV[4], ARGV[2], ARGV[3], 'event.attended', 'E' .. ARGV[5])
return 1
