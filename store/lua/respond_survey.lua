-- respond_survey: record (or replace) one person's answer to one question
-- of a survey, or their comment. For a partnership check-in, the
-- partner's latest check-in score follows.
-- KEYS[1] the survey HASH, KEYS[2] its responses HASH (user → JSON),
-- KEYS[3] audit STREAM, then the partner's hash (declare.lua)
-- ARGV[1] key prefix, ARGV[2] user, ARGV[3] user's team, ARGV[4] question
-- ('comment' for the comment), ARGV[5] answer, ARGV[6] now (unix ms),
-- ARGV[7] channel the answer came from, ARGV[8] rating question whose
-- average is the check-in score ('' for none), ARGV[9] audit max length,
-- ARGV[10] survey id
-- Returns {'ok', responses count} or {'err', 'not_found' | 'wrong_channel'}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'err', 'not_found'} end
if redis.call('HGET', KEYS[1], 'channel') ~= ARGV[7] then return {'err', 'wrong_channel'} end
local partner = redis.call('HGET', KEYS[1], 'partner')
if ARGV[8] ~= '' and partner then known(K.Partner(ARGV[1], partner)) end
local u = undeclared()
if u then return u end
local r = {answers = {}}
local prev = redis.call('HGET', KEYS[2], ARGV[2])
if prev then r = cjson.decode(prev) end
if type(r.answers) ~= 'table' then r.answers = {} end
if ARGV[4] == 'comment' then r.comment = ARGV[5] else r.answers[ARGV[4]] = ARGV[5] end
r.team, r.at = ARGV[3], tonumber(ARGV[6])
-- An empty table is {} to Redis's cjson and [] to other Lua JSON
-- libraries (the console's embedded store): leave it out, so the stored
-- shape is the same everywhere.
if next(r.answers) == nil then r.answers = nil end
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(r))
audit(KEYS[3], ARGV[9], ARGV[6], ARGV[2], 'survey.respond', 'S' .. ARGV[10])
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
