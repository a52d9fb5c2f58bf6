-- add_partner: register a partner; slug, name and linked channel must be free.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] the partner HASH, KEYS[5] audit STREAM, KEYS[6] lexicographic
-- index ZSET ('<slugified name>:<slug>' and '<slug>:<slug>'), KEYS[7…]
-- the search index's sets of the partner's words
-- ARGV[1] slug, ARGV[2] lower-cased name, ARGV[3] channel ('' for none),
-- ARGV[4] now (unix ms), ARGV[5] actor, ARGV[6] audit max length,
-- ARGV[7] slugified name, ARGV[8] key prefix, ARGV[9] the partner's index
-- plan (search_lib.lua), ARGV[10…] field, value pairs
-- Returns {'ok', slug} or {'err', 'exists', slug} / {'err', 'channel_taken', slug}.
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {'err', 'exists', ARGV[1]} end
local byName = redis.call('HGET', KEYS[2], ARGV[2])
if byName then return {'err', 'exists', byName} end
if ARGV[3] ~= '' then
  local holder = redis.call('HGET', KEYS[3], ARGV[3])
  if holder then return {'err', 'channel_taken', holder} end
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
end
local fields = {}
for i = 10, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[4], unpack(fields))
redis.call('ZADD', KEYS[1], 0, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[6], 0, ARGV[1] .. ':' .. ARGV[1], 0, ARGV[7] .. ':' .. ARGV[1])
index_doc(ARGV[8], 'p' .. ARGV[1], ARGV[9])
audit(KEYS[5], ARGV[6], ARGV[4], ARGV[5], 'partner.add', ARGV[1])
return {'ok', ARGV[1]}
