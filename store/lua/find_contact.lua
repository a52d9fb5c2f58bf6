-- find_contact: a contact by its id, or a user's latest one.
-- KEYS[1] contact-partner HASH
-- ARGV[1] key prefix, ARGV[2] contact id ('' for the user's latest),
-- ARGV[3] user
-- Returns {'ok', id, slug, contact JSON} or {'err', 'not_found'}.
local prefix, id = ARGV[1], ARGV[2]
if id == '' then
  id = redis.call('ZREVRANGE', K.ContactsBy(prefix, ARGV[3]), 0, 0)[1]
  if not id then return {'err', 'not_found'} end
end
local slug = contact_partner(prefix, KEYS[1], id)
if not slug then return {'err', 'not_found'} end
return {'ok', id, slug, redis.call('HGET', K.ContactLog(prefix, slug), id)}
