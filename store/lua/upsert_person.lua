-- upsert_person: add or replace a person at a partner.
-- KEYS[1] the partner HASH, KEYS[2] its people HASH, KEYS[3] audit STREAM,
-- KEYS[4…] the search index's sets of the words the person loses or gains
-- ARGV[1] slug, ARGV[2] lower-cased person name, ARGV[3] person JSON,
-- ARGV[4] now (unix ms), ARGV[5] actor, ARGV[6] audit max length, ARGV[7]
-- key prefix, ARGV[8] the person's index plan (search_lib.lua)
-- Returns {'ok', 1 if added or 0 if updated}, {'err', 'not_found'} or
-- {'err', 'stale'} (the person changed since the plan was made).
if redis.call('EXISTS', KEYS[1]) == 0 then return {'err', 'not_found'} end
local doc = 'h' .. ARGV[1] .. '/' .. ARGV[2]
if index_stale(ARGV[7], doc, ARGV[8]) then return {'err', 'stale'} end
local added = redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
index_doc(ARGV[7], doc, ARGV[8])
redis.call('HSET', KEYS[1], 'updated', ARGV[4])
audit(KEYS[3], ARGV[6], ARGV[4], ARGV[5], 'partner.person', ARGV[1])
return {'ok', added}
