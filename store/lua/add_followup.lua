-- add_followup: resolve the partner and create a follow-up with its
-- first reminder queued at the due time.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] audit STREAM, KEYS[5] lexicographic index ZSET, then the
-- follow-up keys, the due-work keys and the partner's keys (declare.lua)
-- ARGV[1] key prefix, ARGV[2] refSlug, ARGV[3] refLower, ARGV[4] channel,
-- ARGV[5] the liaison's team ('' for a member), ARGV[6] the slug expected
-- (resolve.lua's resolved), ARGV[7] assignee, ARGV[8] due (unix ms), ARGV[9] text,
-- ARGV[10] now (unix ms), ARGV[11] actor, ARGV[12] audit max length,
-- ARGV[13] shared ('1'/'0'), ARGV[14] for a repeating follow-up its
-- rule (when.ParseRule; '' for one that does not repeat), ARGV[15] the
-- zone it is read in, ARGV[16] the rule as people say it
-- Returns {'ok', id, slug, value, …} (the partner, partner_reply) or {'err', code, …}.
local prefix = ARGV[1]
local slug, code, candidates = resolve(prefix, KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
local moved = resolved(slug, code, ARGV[6])
if moved then return moved end
if slug then
  known(K.Partner(prefix, slug))
  plan_followup(prefix, slug, ARGV[7])
  if ARGV[14] ~= '' then
    known_next(function(id) return K.FollowUpSeries(prefix, id) end, K.FollowUpSeq(prefix))
  end
end
local u = undeclared()
if u then return u end
if not slug then return fail(code, candidates) end
local id = create_followup(prefix, slug, ARGV[7], ARGV[8], ARGV[9], ARGV[11], ARGV[10], ARGV[13])
if ARGV[14] ~= '' then start_occurrence(prefix, id, id, ARGV[14], ARGV[15], ARGV[8], ARGV[16]) end
audit(KEYS[4], ARGV[12], ARGV[10], ARGV[11], 'followup.add', 'F' .. id)
local out = {'ok', id, slug}
for _, v in ipairs(partner_reply(K.Partner(prefix, slug))) do out[#out + 1] = v end
return out
