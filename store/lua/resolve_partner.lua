-- resolve_partner: find a partner by slug, name, unique prefix or the
-- channel's link.
-- KEYS[1] partners ZSET, KEYS[2] names HASH, KEYS[3] channel index HASH,
-- KEYS[4] lexicographic index ZSET, KEYS[5…] the partner's HASH, once known
-- ARGV[1] key prefix, ARGV[2] refSlug, ARGV[3] refLower, ARGV[4] channel,
-- ARGV[5] the liaison's team ('' for a member), ARGV[6] the slug expected
-- (resolve.lua's resolved)
-- Returns {'ok', slug, value, …} (the partner, partner_reply), {'err', code,
-- candidates…}, or {'err', 'keys', …} (declare.lua).
local slug, code, candidates = resolve(ARGV[1], KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
local moved = resolved(slug, code, ARGV[6])
if moved then return moved end
if slug then known(K.Partner(ARGV[1], slug)) end
local u = undeclared()
if u then return u end
if not slug then return fail(code, candidates) end
local out = {'ok', slug}
for _, v in ipairs(partner_reply(K.Partner(ARGV[1], slug))) do out[#out + 1] = v end
return out
