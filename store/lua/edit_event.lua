-- edit_event: correct an event's fields; a new start or end moves it in
-- the lists and moves what its end queues (its end counting as contact,
-- the attendance question, the surveys) to the new times, or queues them
-- for an event that now ends ahead (they skip what was already done).
-- KEYS[1] the event HASH, KEYS[2] events ZSET, KEYS[3] audit STREAM, then
-- the search index's sets of the words its title loses or gains, the
-- due-work keys and its partners' keys (declare.lua)
-- ARGV[1] key prefix, ARGV[2] event id, ARGV[3] actor, ARGV[4] now (unix
-- ms), ARGV[5] audit max length, ARGV[6] start (unix ms, '' = unchanged),
-- ARGV[7] end (unix ms, '' = unchanged), ARGV[8] feedback survey delay
-- (ms), ARGV[9] follow-up survey delay (ms), ARGV[10] the event's index
-- plan (search_lib.lua), ARGV[11…] field, value pairs
-- Returns {'ok', field, value, …} (the event after the change) or
-- {'err', 'not_found'} / {'err', 'cancelled'} / {'err', 'stale'} (its
-- title changed since the plan was made).
local prefix, id, now = ARGV[1], ARGV[2], tonumber(ARGV[4])
local ek = KEYS[1]
if redis.call('EXISTS', ek) == 0 then return {'err', 'not_found'} end
if redis.call('HEXISTS', ek, 'cancelled_at') == 1 then return {'err', 'cancelled'} end
if ARGV[6] ~= '' or ARGV[7] ~= '' then
  local partners = {redis.call('HGET', ek, 'partner')}
  for s in string.gmatch(redis.call('HGET', ek, 'with') or '', '[^,]+') do partners[#partners + 1] = s end
  for _, slug in ipairs(partners) do
    known(K.PartnerEvents(prefix, slug))
    local pk = K.Partner(prefix, slug)
    if known(pk) and redis.call('EXISTS', pk) == 1 then plan_figures(prefix, slug, now) end
  end
end
local u = undeclared()
if u then return u end
if index_stale(prefix, 'e' .. id, ARGV[10]) then return {'err', 'stale'} end
local fields = {}
for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', ek, unpack(fields)) end
index_doc(prefix, 'e' .. id, ARGV[10])
if ARGV[6] ~= '' or ARGV[7] ~= '' then
  if ARGV[6] ~= '' then redis.call('HSET', ek, 'start', ARGV[6]) end
  if ARGV[7] ~= '' then redis.call('HSET', ek, 'end', ARGV[7]) end
  local start, finish_ = redis.call('HGET', ek, 'start'), tonumber(redis.call('HGET', ek, 'end'))
  redis.call('ZADD', KEYS[2], start, id)
  local partners = {redis.call('HGET', ek, 'partner')}
  for s in string.gmatch(redis.call('HGET', ek, 'with') or '', '[^,]+') do partners[#partners + 1] = s end
  for _, slug in ipairs(partners) do
    redis.call('ZADD', K.PartnerEvents(prefix, slug), start, id)
    if redis.call('EXISTS', K.Partner(prefix, slug)) == 1 then partner_figures(prefix, slug, now) end
  end
  for _, j in ipairs({{J.EventEnd(id), finish_}, {J.Attendance(id), finish_},
      {J.FeedbackSurvey(id), finish_ + tonumber(ARGV[8])}, {J.FollowUpSurvey(id), finish_ + tonumber(ARGV[9])}}) do
    if redis.call('ZSCORE', K.Due(prefix), j[1]) then
      redis.call('ZADD', K.Due(prefix), j[2], j[1])
    elseif finish_ > now then
      enqueue(prefix, j[1], j[2])
    end
  end
end
audit(KEYS[3], ARGV[5], ARGV[4], ARGV[3], 'event.edit', 'E' .. id)
return {'ok', unpack(redis.call('HGETALL', ek))}
