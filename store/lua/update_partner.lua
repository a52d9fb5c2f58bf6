-- update_partner: change a partner's fields, keeping the name and channel
-- indexes in step.
-- KEYS[1] names HASH, KEYS[2] channel index HASH, KEYS[3] the partner HASH,
-- KEYS[4] audit STREAM, KEYS[5] lexicographic index ZSET, KEYS[6…] the
-- search index's sets of the words the partner loses or gains
-- ARGV[1] slug, ARGV[2] now (unix ms), ARGV[3] actor, ARGV[4] audit max
-- length, ARGV[5] operation name for the audit, ARGV[6] new lower-cased name
-- ('' = unchanged), ARGV[7] new channel ('-' = unchanged, '' = unlink),
-- ARGV[8] new slugified name ('' = unchanged), ARGV[9] key prefix,
-- ARGV[10] the partner's index plan (search_lib.lua), ARGV[11…] field,
-- value pairs
-- Returns {'ok'} or {'err', 'not_found'} / {'err', 'exists', slug} /
-- {'err', 'channel_taken', slug} / {'err', 'stale'} (its text is no
-- longer the one the plan was made from).
if redis.call('EXISTS', KEYS[3]) == 0 then return {'err', 'not_found'} end
local slug = ARGV[1]
if ARGV[6] ~= '' then
  local holder = redis.call('HGET', KEYS[1], ARGV[6])
  if holder and holder ~= slug then return {'err', 'exists', holder} end
end
if ARGV[7] ~= '-' and ARGV[7] ~= '' then
  local holder = redis.call('HGET', KEYS[2], ARGV[7])
  if holder and holder ~= slug then return {'err', 'channel_taken', holder} end
end
if index_stale(ARGV[9], 'p' .. slug, ARGV[10]) then return {'err', 'stale'} end
if ARGV[6] ~= '' then
  local old = redis.call('HGET', KEYS[3], 'name_key')
  if old then redis.call('HDEL', KEYS[1], old) end
  redis.call('HSET', KEYS[1], ARGV[6], slug)
  local oldLex = redis.call('HGET', KEYS[3], 'name_slug')
  -- The slug's own entry (its folded form, for slugs older than folding)
  -- stays even when the old name slugified to it.
  local slugKey = redis.call('HGET', KEYS[3], 'slug_key') or slug
  if oldLex and oldLex ~= slug and oldLex ~= slugKey then redis.call('ZREM', KEYS[5], oldLex .. ':' .. slug) end
  redis.call('ZADD', KEYS[5], 0, ARGV[8] .. ':' .. slug)
end
if ARGV[7] ~= '-' then
  local old = redis.call('HGET', KEYS[3], 'channel')
  if old and old ~= '' then redis.call('HDEL', KEYS[2], old) end
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[2], ARGV[7], slug) end
end
local fields = {}
for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[3], unpack(fields)) end
index_doc(ARGV[9], 'p' .. slug, ARGV[10])
audit(KEYS[4], ARGV[4], ARGV[2], ARGV[3], ARGV[5], slug)
return {'ok'}
