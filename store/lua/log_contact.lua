-- log_contact: resolve the partner and record one contact with it, keeping
-- the partner's last-contact and one-way figures in step. One round trip
-- for the whole `log` command when the partner is named by its id (Go
-- guesses the slug), two otherwise.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] contact counter STRING, KEYS[5] audit STREAM, KEYS[6]
-- lexicographic index ZSET, then the contact indexes, the due-work keys,
-- the follow-up keys and the partner's keys (declare.lua), and the
-- search index's sets of the contact's words
-- ARGV[1] key prefix, ARGV[2] refSlug, ARGV[3] refLower, ARGV[4] channel,
-- ARGV[5] the liaison's team ('' for a member), ARGV[6] the slug expected
-- (resolve.lua's resolved), ARGV[7] contact time (unix ms), ARGV[8]
-- direction ('in'/'out'), ARGV[9] contact JSON (without its id), ARGV[10] now
-- (unix ms), ARGV[11] actor, ARGV[12] audit max length, ARGV[13] next
-- step's due (unix ms, '' for none), ARGV[14] next step's text, ARGV[15]
-- who (the contact's author, whose latest contact `last` names), ARGV[16]
-- the contact's index plan (search_lib.lua)
-- Returns {'ok', id, slug, follow-up id (0 for none), value, …}
-- (the partner after the write, partner_reply), {'err', code, candidates…}, or
-- {'err', 'keys', …}.
local prefix = ARGV[1]
local slug, code, candidates = resolve(prefix, KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
local moved = resolved(slug, code, ARGV[6])
if moved then return moved end
if slug then
  known(K.Partner(prefix, slug))
  known(K.Contacts(prefix, slug))
  known(K.ContactLog(prefix, slug))
  if ARGV[13] ~= '' then plan_followup(prefix, slug, ARGV[11]) end
end
local u = undeclared()
if u then return u end
if not slug then return fail(code, candidates) end
local pk = K.Partner(prefix, slug)
local ck = K.Contacts(prefix, slug)
local when = tonumber(ARGV[7])
local id = redis.call('INCR', KEYS[4])
redis.call('ZADD', ck, when, id)
redis.call('HSET', K.ContactLog(prefix, slug), id, ARGV[9])
redis.call('HSET', K.ContactPartner(prefix), id, slug)
redis.call('ZADD', K.ContactsBy(prefix, ARGV[15]), ARGV[10], id)
index_doc(prefix, 'c' .. id, ARGV[16])
-- The latest by date, not the latest logged: a contact may be backdated,
-- to before 1970 too (a negative time), so "none yet" is nil, not 0.
-- One read and one write of the partner's figures: a redis.call is much
-- of what a script costs Redis.
local figs = redis.call('HMGET', pk, 'last_contact', 'last_inbound')
local last, lastIn = tonumber(figs[1] or ''), tonumber(figs[2] or '')
local set = {'updated', ARGV[10]}
if not last or when > last then
  set[#set + 1] = 'last_contact'
  set[#set + 1] = when
end
if ARGV[8] == 'in' and (not lastIn or when > lastIn) then
  lastIn = when
  set[#set + 1] = 'last_inbound'
  set[#set + 1] = when
end
-- Every contact after the latest inbound one is outbound.
local after = lastIn and '(' .. lastIn or '-inf'
set[#set + 1] = 'out_since_in'
set[#set + 1] = redis.call('ZCOUNT', ck, after, '+inf')
redis.call('HSET', pk, unpack(set))
audit(KEYS[5], ARGV[12], ARGV[10], ARGV[11], 'contact.log', slug .. '#' .. id)
-- A liaison's note is for the partner's owner: the scheduler tells them
-- (in their working hours).
if ARGV[5] ~= '' then enqueue(prefix, J.Note(slug, id), tonumber(ARGV[10])) end
local fu = 0
if ARGV[13] ~= '' then
  fu = create_followup(prefix, slug, ARGV[11], ARGV[13], ARGV[14], ARGV[11], ARGV[10], '0')
  audit(KEYS[5], ARGV[12], ARGV[10], ARGV[11], 'followup.add', 'F' .. fu)
end
local out = {'ok', id, slug, fu}
for _, v in ipairs(partner_reply(pk)) do out[#out + 1] = v end
return out
