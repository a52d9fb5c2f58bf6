-- learn_org: the organization of the partner linked to a channel, found
-- when the channel became shared (or an outsider first used it), is
-- recorded unless one is already known: a name given with `org:`, or
-- OrgUnnamed ('?'), stays until someone changes it.
-- KEYS[1] channel index HASH, KEYS[2] audit STREAM, then the partner's
-- hash (declare.lua)
-- ARGV[1] key prefix, ARGV[2] channel id, ARGV[3] the organization's
-- teams, comma-separated, or '?' ('' records nothing), ARGV[4] now
-- (unix ms), ARGV[5] actor, ARGV[6] audit max length
-- Returns {'ok', slug, org_teams}: the partner and its organization as
-- now recorded ('' while unknown); {'ok'} when no partner is linked to
-- the channel.
local prefix, channel, orgs = ARGV[1], ARGV[2], ARGV[3]
local slug = redis.call('HGET', KEYS[1], channel)
if not slug then return {'ok'} end
local kp = K.Partner(prefix, slug)
if not known(kp) then return undeclared() end
local cur = redis.call('HGET', kp, 'org_teams')
if (cur and cur ~= '') or orgs == '' then return {'ok', slug, cur or ''} end
redis.call('HSET', kp, 'org_teams', orgs, 'updated', ARGV[4])
audit(KEYS[2], ARGV[6], ARGV[4], ARGV[5], 'partner.org', slug)
return {'ok', slug, orgs}
