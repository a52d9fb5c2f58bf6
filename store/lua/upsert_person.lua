-- upsert_person: add or replace a person at a partner.
-- KEYS[1] the partner HASH, KEYS[2] its people HASH, KEYS[3] audit STREAM
-- ARGV[1] slug, ARGV[2] lower-cased person name, ARGV[3] person JSON,
-- ARGV[4] now (unix ms), ARGV[5] actor, ARGV[6] audit max length
-- Returns {'ok', 1 if added or 0 if updated} or {'err', 'not_found'}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'err', 'not_found'} end
local added = redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'updated', ARGV[4])
audit(KEYS[3], ARGV[6], ARGV[4], ARGV[5], 'partner.person', ARGV[1])
return {'ok', added}
