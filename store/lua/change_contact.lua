-- change_contact: correct or delete a logged contact, keeping its
-- partner's derived figures (partner_figures) and the contact indexes in
-- step.
-- KEYS[1] contact-partner HASH, KEYS[2] audit STREAM, then the partner's
-- keys and its author's contacts (declare.lua), and the search index's
-- sets of the words the contact loses or gains
-- ARGV[1] key prefix, ARGV[2] contact id, ARGV[3] 'edit' | 'delete',
-- ARGV[4] actor, ARGV[5] now (unix ms), ARGV[6] audit max length; for an
-- edit, ARGV[7] summary, ARGV[8] when (unix ms), ARGV[9] when as stored
-- in the JSON, ARGV[10] method ('' leaves each as it is); ARGV[11] the
-- contact's index plan (search_lib.lua); ARGV[12] outcome ('' leaves it)
-- Returns {'ok', slug, contact JSON after the change (before, for a
-- delete)}, {'err', 'not_found'} or {'err', 'stale'} (the contact's text
-- is no longer the one the plan was made from).
local prefix, id, op, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[5])
local slug, unindexed = contact_partner(prefix, KEYS[1], id)
local js, c
if slug then
  plan_figures(prefix, slug, now)
  js = redis.call('HGET', K.ContactLog(prefix, slug), id)
  c = cjson.decode(js)
  if type(c.who) == 'string' then known(K.ContactsBy(prefix, c.who)) end
end
local u = undeclared()
if u then return u end
if not slug then return {'err', 'not_found'} end
if index_stale(prefix, 'c' .. id, ARGV[11], slug) then return {'err', 'stale'} end
if unindexed then redis.call('HSET', KEYS[1], id, slug) end
local log = K.ContactLog(prefix, slug)
if op == 'delete' then
  redis.call('HDEL', log, id)
  redis.call('ZREM', K.Contacts(prefix, slug), id)
  redis.call('HDEL', KEYS[1], id)
  if type(c.who) == 'string' then redis.call('ZREM', K.ContactsBy(prefix, c.who), id) end
else
  if ARGV[7] ~= '' then c.summary = ARGV[7] end
  if ARGV[8] ~= '' then
    c['when'] = ARGV[9]
    redis.call('ZADD', K.Contacts(prefix, slug), ARGV[8], id)
  end
  if ARGV[10] ~= '' then c.method = ARGV[10] end
  if ARGV[12] ~= '' then c.outcome = ARGV[12] end
  js = cjson.encode(c)
  redis.call('HSET', log, id, js)
end
index_doc(prefix, 'c' .. id, ARGV[11])
partner_figures(prefix, slug, now)
redis.call('HSET', K.Partner(prefix, slug), 'updated', ARGV[5])
audit(KEYS[2], ARGV[6], ARGV[5], ARGV[4], 'contact.' .. op, slug .. '#' .. id)
return {'ok', slug, js}
