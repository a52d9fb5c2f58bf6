-- resolve: shared by every script that names a partner; scripts.go puts
-- it before them. It reads the index keys, which the caller declares
-- (K.PartnerLex among them), and for a liaison the partner's hash: when
-- that is not declared yet, it returns the slug unchecked and known() has
-- noted the key, so the caller's undeclared() stops the script before it
-- uses the slug.
--
-- resolve(prefix, kPartners, kNames, kChannels, refSlug, refLower, channel, liaison)
--   kPartners: the partners ZSET; the lexicographic index is K.PartnerLex
--   (members '<slugified name or slug>:<slug>', so a prefix of either works).
--   refSlug/refLower: the reference slugified and lower-cased by Go, accents
--   folded ('' when the partner was left out), matching the folded forms Go
--   stores in kNames and K.PartnerLex; a slug older than folding is found by
--   its folded entry there. channel: where the command was typed;
--   liaison: '' for a team member; for a liaison, their Slack team ('?'
--   when unknown): they may only touch the channel's own partner, and only
--   when that partner's org_teams include their team. A partner whose
--   organization is unknown (org_teams empty) or unnamed ('?': several
--   organizations in its channel) has no liaisons: default deny.
-- Returns slug, or nil plus an error code ('no_partner', 'not_found',
-- 'ambiguous' with up to 6 candidate slugs, 'denied').
local function resolve(prefix, kPartners, kNames, kChannels, refSlug, refLower, channel, liaison)
  local linked = false
  if channel ~= '' then
    linked = redis.call('HGET', kChannels, channel)
  end
  local slug, code, candidates = false, nil, nil
  if refLower == '' then
    if linked then slug = linked else code = 'no_partner' end
  else
    if refSlug ~= '' and redis.call('ZSCORE', kPartners, refSlug) then
      slug = refSlug
    else
      slug = redis.call('HGET', kNames, refLower)
    end
    if not slug and refSlug ~= '' then
      local m = redis.call('ZRANGEBYLEX', K.PartnerLex(prefix), '[' .. refSlug, '[' .. refSlug .. '\255', 'LIMIT', 0, 12)
      local seen, found, exact = {}, {}, nil
      for _, member in ipairs(m) do
        local key, s = string.match(member, '^(.*):([^:]*)$')
        if s and not seen[s] then
          seen[s] = true
          found[#found + 1] = s
        end
        -- The whole of a name or slug beats a longer one it starts.
        if key == refSlug and not exact then exact = s end
      end
      if exact then
        slug = exact
      elseif #found == 1 then
        slug = found[1]
      elseif #found > 1 then
        code, candidates = 'ambiguous', found
      end
    end
    if not slug and not code then code = 'not_found' end
  end
  -- A liaison learns nothing about partners other than the channel's own,
  -- not even whether they exist.
  if liaison ~= '' then
    if not linked or slug ~= linked then return nil, 'denied' end
    local pk = K.Partner(prefix, slug)
    if not known(pk) then return slug end
    local orgs = redis.call('HGET', pk, 'org_teams')
    if not orgs or orgs == '' or orgs == '?' or liaison == '?' or
        not string.find(',' .. orgs .. ',', ',' .. liaison .. ',', 1, true) then
      return nil, 'denied'
    end
  end
  if not slug then return nil, code, candidates end
  return slug
end

-- resolved checks slug, as resolve found it, against expect, what Go
-- declared the partner's keys for: the slug an earlier round resolved,
-- or '~' and Go's guess (the reference slugified) in the first round.
-- Returns nil when they agree (or nothing was found where Go only
-- guessed, or a liaison was refused: those answers stand); else the reply {'err', 'resolved', slug
-- or ''}, with nothing written: Go declares that partner's keys and runs
-- the script again, or, when the slug it expected came from a resolution
-- already, answers ErrChanged: the partner was renamed or erased in
-- between.
local function resolved(slug, code, expect)
  if code == 'denied' then return nil end
  local guess = string.sub(expect, 1, 1) == '~'
  if guess then expect = string.sub(expect, 2) end
  if slug == expect or (not slug and (guess or expect == '')) then return nil end
  return {'err', 'resolved', slug or ''}
end

local function fail(code, candidates)
  local out = {'err', code}
  if candidates then
    for _, c in ipairs(candidates) do out[#out + 1] = c end
  end
  return out
end
