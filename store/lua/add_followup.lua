-- add_followup: resolve the partner and create a follow-up with its
-- first reminder queued at the due time.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] audit STREAM
-- ARGV[1] key prefix, ARGV[2] refSlug, ARGV[3] refLower, ARGV[4] channel,
-- ARGV[5] the liaison's team ('' for a member), ARGV[6] assignee, ARGV[7] due (unix ms), ARGV[8] text,
-- ARGV[9] now (unix ms), ARGV[10] actor, ARGV[11] audit max length,
-- ARGV[12] shared ('1'/'0'), ARGV[13] for a repeating follow-up its
-- rule (when.ParseRule; '' for one that does not repeat), ARGV[14] the
-- zone it is read in
-- Returns {'ok', id, slug, field, value, …} (the partner) or {'err', code, …}.
local prefix = ARGV[1]
local slug, code, candidates = resolve(prefix, KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
if not slug then return fail(code, candidates) end
local id = create_followup(prefix, slug, ARGV[6], ARGV[7], ARGV[8], ARGV[10], ARGV[9], ARGV[12])
if ARGV[13] ~= '' then start_occurrence(prefix, id, id, ARGV[13], ARGV[14], ARGV[7]) end
audit(KEYS[4], ARGV[11], ARGV[9], ARGV[10], 'followup.add', 'F' .. id)
local out = {'ok', id, slug}
for _, v in ipairs(redis.call('HGETALL', K.Partner(prefix, slug))) do out[#out + 1] = v end
return out
