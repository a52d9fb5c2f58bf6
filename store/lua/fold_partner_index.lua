-- fold_partner_index: bring partners' name indexes up to the folded forms
-- (case- and accent-insensitive) that Go computes, for partners added
-- before names were folded. Idempotent: a partner already folded is left
-- as it is.
-- KEYS[1] names HASH, KEYS[2] lexicographic index ZSET, then the
-- partners' hashes (declare.lua)
-- ARGV[1] key prefix, ARGV[2…] slug, folded name, folded slugified name,
-- folded slug, … (four per partner)
-- Returns {'ok', number of partners changed}.
local prefix, n = ARGV[1], 0
for i = 2, #ARGV - 3, 4 do known(K.Partner(prefix, ARGV[i])) end
local u = undeclared()
if u then return u end
for i = 2, #ARGV - 3, 4 do
  local slug, nameKey, nameSlug, slugKey = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local pk = K.Partner(prefix, slug)
  if redis.call('EXISTS', pk) == 1 then
    local oldKey = redis.call('HGET', pk, 'name_key')
    local oldLex = redis.call('HGET', pk, 'name_slug')
    local oldSlugKey = redis.call('HGET', pk, 'slug_key') or slug
    if oldKey ~= nameKey or oldLex ~= nameSlug or oldSlugKey ~= slugKey then
      n = n + 1
      if oldKey and oldKey ~= nameKey and redis.call('HGET', KEYS[1], oldKey) == slug then
        redis.call('HDEL', KEYS[1], oldKey)
      end
      -- Two old names that fold alike: the first keeps the folded one.
      if not redis.call('HGET', KEYS[1], nameKey) then redis.call('HSET', KEYS[1], nameKey, slug) end
      if oldLex and oldLex ~= slug then redis.call('ZREM', KEYS[2], oldLex .. ':' .. slug) end
      if oldSlugKey ~= slug then redis.call('ZREM', KEYS[2], oldSlugKey .. ':' .. slug) end
      redis.call('ZADD', KEYS[2], 0, nameSlug .. ':' .. slug, 0, slugKey .. ':' .. slug, 0, slug .. ':' .. slug)
      redis.call('HSET', pk, 'name_key', nameKey, 'name_slug', nameSlug, 'slug_key', slugKey)
    end
  end
end
return {'ok', n}
