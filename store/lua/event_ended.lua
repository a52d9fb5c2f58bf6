-- event_ended: an event's end counts as contact with its partners.
-- KEYS[1] the event HASH, then its partners' hashes (declare.lua)
-- ARGV[1] key prefix
-- Returns 1, or 0 when the event is gone.
local slug = redis.call('HGET', KEYS[1], 'partner')
if not slug then return 0 end
if redis.call('HEXISTS', KEYS[1], 'cancelled_at') == 1 then return 0 end
local finish_ = tonumber(redis.call('HGET', KEYS[1], 'end'))
local partners = {slug}
for s in string.gmatch(redis.call('HGET', KEYS[1], 'with') or '', '[^,]+') do partners[#partners + 1] = s end
for _, s in ipairs(partners) do known(K.Partner(ARGV[1], s)) end
local u = undeclared()
if u then return u end
for _, s in ipairs(partners) do
  local pk = K.Partner(ARGV[1], s)
  if redis.call('EXISTS', pk) == 1 then
    local last = tonumber(redis.call('HGET', pk, 'last_contact') or '0')
    if finish_ > last then redis.call('HSET', pk, 'last_contact', finish_) end
  end
end
return 1
