-- relink_channel: a channel got a new id (Slack gives a private channel a
-- new one when it is shared with another organization); the partner
-- linked to it, and its surveys posted there, follow it.
-- KEYS[1] channel index HASH, KEYS[2] audit STREAM, then the partner's
-- keys and its latest surveys (declare.lua)
-- ARGV[1] key prefix, ARGV[2] old channel id, ARGV[3] new channel id,
-- ARGV[4] now (unix ms), ARGV[5] actor, ARGV[6] audit max length
-- Returns {'ok', slug}, {'ok'} when no partner was linked to the old id,
-- or {'err', 'channel_taken', slug} when one already is to the new id.
local prefix, old, new = ARGV[1], ARGV[2], ARGV[3]
local slug = redis.call('HGET', KEYS[1], old)
if not slug then return {'ok'} end
local holder = redis.call('HGET', KEYS[1], new)
if holder and holder ~= slug then return {'err', 'channel_taken', holder} end
known(K.Partner(prefix, slug))
local ps = K.PartnerSurveys(prefix, slug)
local latest = {}
if known(ps) then latest = redis.call('ZREVRANGE', ps, 0, 499) end
for _, id in ipairs(latest) do known(K.Survey(prefix, id)) end
local u = undeclared()
if u then return u end
redis.call('HDEL', KEYS[1], old)
redis.call('HSET', KEYS[1], new, slug)
redis.call('HSET', K.Partner(prefix, slug), 'channel', new)
-- Answers are checked against a survey's channel; the latest 500 are
-- surely all that is still answered.
for _, id in ipairs(latest) do
  local ks = K.Survey(prefix, id)
  if redis.call('HGET', ks, 'channel') == old then redis.call('HSET', ks, 'channel', new) end
end
audit(KEYS[2], ARGV[6], ARGV[4], ARGV[5], 'partner.relink', slug)
return {'ok', slug}
