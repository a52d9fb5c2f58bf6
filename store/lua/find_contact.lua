-- find_contact: a contact by its id, or a user's latest one.
-- KEYS[1] contact-partner HASH, KEYS[2] the user's contacts ZSET, then
-- the partner's contact log (declare.lua)
-- ARGV[1] key prefix, ARGV[2] contact id ('' for the user's latest),
-- ARGV[3] user
-- Returns {'ok', id, slug, contact JSON} or {'err', 'not_found'}.
local prefix, id = ARGV[1], ARGV[2]
if id == '' then
  -- The latest logged. Of several logged in the same millisecond, the
  -- last: ids grow, while the set orders equal scores by member as text
  -- ("9" after "15"). A hundred is more than one person logs at once.
  local by = K.ContactsBy(prefix, ARGV[3])
  local top = redis.call('ZREVRANGE', by, 0, 0, 'WITHSCORES')
  if not top[1] then return {'err', 'not_found'} end
  id = top[1]
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', by, top[2], top[2], 'LIMIT', 0, 100)) do
    if tonumber(m) > tonumber(id) then id = m end
  end
end
local slug, unindexed = contact_partner(prefix, KEYS[1], id)
local u = undeclared()
if u then return u end
if not slug then return {'err', 'not_found'} end
if unindexed then redis.call('HSET', KEYS[1], id, slug) end
return {'ok', id, slug, redis.call('HGET', K.ContactLog(prefix, slug), id)}
