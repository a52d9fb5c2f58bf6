-- respond_survey: record (or replace) one person's answer to one question
-- of a survey, or their comment. For a partnership check-in, the
-- partner's latest check-in score follows. A survey past its closing
-- time takes no answer (and an anonymous one's secret goes). An
-- anonymous survey's responses are keyed by a keyed hash of the person
-- (responderKey), made with the survey's secret, and keep neither their
-- team nor the time; the audit entry does not name them.
-- KEYS[1] the survey HASH, KEYS[2] its responses HASH (responder → JSON),
-- KEYS[3] audit STREAM, then the partner's hash (declare.lua)
-- ARGV[1] key prefix, ARGV[2] responder (the user id, or for an anonymous
-- survey the keyed hash), ARGV[3] user's team ('' when anonymous),
-- ARGV[4] question ('comment' for the comment, 'comment+' to add to an
-- earlier comment rather than replace it), ARGV[5] answer, ARGV[6]
-- now (unix ms), ARGV[7] channel the answer came from, ARGV[8] rating
-- question whose average is the check-in score ('' for none), ARGV[9]
-- audit max length, ARGV[10] survey id, ARGV[11] who the audit entry
-- names, ARGV[12] the secret ARGV[2] was made with ('' when not anonymous)
-- Returns {'ok', responses count} or {'err', 'not_found' | 'wrong_channel'
-- | 'closed' | 'anonymous'}: 'anonymous' when the survey is anonymous and
-- the responder was not made with its secret (read it again, and hash).
if redis.call('EXISTS', KEYS[1]) == 0 then return {'err', 'not_found'} end
if redis.call('HGET', KEYS[1], 'channel') ~= ARGV[7] then return {'err', 'wrong_channel'} end
local closes = tonumber(redis.call('HGET', KEYS[1], 'closes') or '')
if closes and closes <= tonumber(ARGV[6]) then
  redis.call('HDEL', KEYS[1], 'secret')
  return {'err', 'closed'}
end
local anonymous = redis.call('HGET', KEYS[1], 'anonymous') == '1'
if anonymous then
  local secret = redis.call('HGET', KEYS[1], 'secret')
  if not secret then return {'err', 'closed'} end
  if secret ~= ARGV[12] then return {'err', 'anonymous'} end
end
local partner = redis.call('HGET', KEYS[1], 'partner')
if ARGV[8] ~= '' and partner then known(K.Partner(ARGV[1], partner)) end
local u = undeclared()
if u then return u end
local r = {answers = {}}
local prev = redis.call('HGET', KEYS[2], ARGV[2])
if prev then r = cjson.decode(prev) end
if type(r.answers) ~= 'table' then r.answers = {} end
if ARGV[4] == 'comment' then
  r.comment = ARGV[5]
elseif ARGV[4] == 'comment+' then
  if r.comment and r.comment ~= '' and not string.find('\n\n' .. r.comment .. '\n\n', '\n\n' .. ARGV[5] .. '\n\n', 1, true) then
    r.comment = r.comment .. '\n\n' .. ARGV[5]
  elseif not r.comment or r.comment == '' then
    r.comment = ARGV[5]
  end
else
  r.answers[ARGV[4]] = ARGV[5]
end
if anonymous then
  r.team, r.at = nil, nil
else
  r.team, r.at = ARGV[3], tonumber(ARGV[6])
end
-- An empty table is {} to Redis's cjson and [] to other Lua JSON
-- libraries (the console's embedded store): leave it out, so the stored
-- shape is the same everywhere.
if next(r.answers) == nil then r.answers = nil end
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(r))
audit(KEYS[3], ARGV[9], ARGV[6], ARGV[11], 'survey.respond', 'S' .. ARGV[10])
local n = redis.call('HLEN', KEYS[2])
if ARGV[8] ~= '' then
  local sum, count = 0, 0
  for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
    local x = cjson.decode(v)
    if type(x.answers) == 'table' and tonumber(x.answers[ARGV[8]]) then
      sum, count = sum + tonumber(x.answers[ARGV[8]]), count + 1
    end
  end
  if count > 0 then
    local pk = K.Partner(ARGV[1], partner)
    if redis.call('EXISTS', pk) == 1 then
      redis.call('HSET', pk, 'checkin_score', string.format('%.2f', sum / count), 'checkin_at', ARGV[6], 'checkin_count', count)
    end
  end
end
return {'ok', n}
