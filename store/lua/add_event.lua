-- add_event: resolve the partner, record an event, and queue its jobs:
-- its end (which counts as contact with the partner), the attendance
-- question, and the two surveys. A past event counts as contact at once.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] audit STREAM, KEYS[5] lexicographic index ZSET, then the event
-- keys, the due-work keys and the partners' keys (declare.lua), and the
-- search index's sets of the title's words
-- ARGV[1] key prefix, ARGV[2] refSlug, ARGV[3] refLower, ARGV[4] channel,
-- ARGV[5] the liaison's team ('' for a member), ARGV[6] the slug expected
-- (resolve.lua's resolved), ARGV[7] start (unix ms), ARGV[8] end (unix ms),
-- ARGV[9] now (unix ms), ARGV[10] actor, ARGV[11] audit max length,
-- ARGV[12] feedback survey delay (ms), ARGV[13] follow-up survey delay
-- (ms), ARGV[14] the event's index plan (search_lib.lua), ARGV[15…] event
-- field, value pairs
-- Returns {'ok', id, slug, value, …} (the partner, partner_reply) or {'err', code, …}.
local prefix = ARGV[1]
local slug, code, candidates = resolve(prefix, KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
local moved = resolved(slug, code, ARGV[6])
if moved then return moved end
if slug then
  for i = 15, #ARGV - 1, 2 do
    if ARGV[i] == 'with' then
      for w in string.gmatch(ARGV[i + 1], '[^,]+') do
        known(K.Partner(prefix, w))
        known(K.PartnerEvents(prefix, w))
      end
    end
  end
  known(K.Partner(prefix, slug))
  known(K.PartnerEvents(prefix, slug))
  known_next(function(id) return K.Event(prefix, id) end, K.EventSeq(prefix))
end
local u = undeclared()
if u then return u end
if not slug then return fail(code, candidates) end
-- The other partners (the event field 'with', slugs resolved by Go) must
-- still exist; the one resolved here is not repeated among them.
local with = {}
for i = 15, #ARGV - 1, 2 do
  if ARGV[i] == 'with' then
    for w in string.gmatch(ARGV[i + 1], '[^,]+') do
      if redis.call('EXISTS', K.Partner(prefix, w)) == 0 then return {'err', 'not_found'} end
      if w ~= slug then with[#with + 1] = w end
    end
    ARGV[i + 1] = table.concat(with, ',')
  end
end
local id = redis.call('INCR', K.EventSeq(prefix))
local ek = K.Event(prefix, id)
local start, finish_, now = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local fields = {'partner', slug, 'start', ARGV[7], 'end', ARGV[8], 'organizer', ARGV[10], 'created', ARGV[9]}
for i = 15, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', ek, unpack(fields))
index_doc(prefix, 'e' .. id, ARGV[14])
redis.call('ZADD', K.Events(prefix), start, id)
redis.call('ZADD', K.PartnerEvents(prefix, slug), start, id)
local pk = K.Partner(prefix, slug)
for _, w in ipairs(with) do redis.call('ZADD', K.PartnerEvents(prefix, w), start, id) end
if finish_ <= now then
  for _, s in ipairs({slug, unpack(with)}) do
    local k = K.Partner(prefix, s)
    local last = tonumber(redis.call('HGET', k, 'last_contact') or '0')
    if finish_ > last then redis.call('HSET', k, 'last_contact', finish_) end
  end
else
  enqueue(prefix, J.EventEnd(id), finish_)
end
-- Surveys and the attendance question only for events still to end:
-- a past event being recorded gets them on request.
if finish_ > now then
  enqueue(prefix, J.Attendance(id), finish_)
  enqueue(prefix, J.FeedbackSurvey(id), finish_ + tonumber(ARGV[12]))
  enqueue(prefix, J.FollowUpSurvey(id), finish_ + tonumber(ARGV[13]))
end
audit(KEYS[4], ARGV[11], ARGV[9], ARGV[10], 'event.add', 'E' .. id)
local out = {'ok', id, slug}
for _, v in ipairs(partner_reply(pk)) do out[#out + 1] = v end
return out
