-- search_lib: the search index (store/search.go). For each word, the set
-- K.SearchToken holds the records filed under it: 'p<slug>' a partner,
-- 'h<slug>/<name key>' a person there, 'c<id>' a contact, 'n<id>' a
-- need, 'e<id>' an event. Lua cannot fold Unicode as Go does, so Go
-- splits the text into words (domain.SearchTokens) and passes them,
-- their sets in KEYS; the script that changes a record's text files it
-- in the same call, so the index never lags the records.
--
-- A plan is one ARGV string, '<sha>|<words to remove>|<words to add>',
-- the words separated by spaces (words are letters, digits and marks
-- only). sha is the SHA-1 of the record's stored text (doc_text) that Go
-- read to work out the words to remove, '' for a new record: a record
-- whose text changed since is 'stale', and the write is tried again.

-- doc_text is the stored text a record's words come from ('' when it is
-- gone), as store/search.go reads it. slug, when given, is a contact's
-- partner (a contact older than the contact-partner index is not in it).
local function doc_text(prefix, doc, slug)
  local kind = string.sub(doc, 1, 1)
  if kind == 'p' then
    local v = redis.call('HMGET', K.Partner(prefix, string.sub(doc, 2)), 'name', 'services', 'audience', 'programs', 'goals')
    local parts = {}
    for i = 1, 5 do parts[i] = v[i] or '' end
    return table.concat(parts, '\n')
  elseif kind == 'h' then
    local partner, name = string.match(doc, '^h([^/]+)/(.*)$')
    return redis.call('HGET', K.People(prefix, partner), name) or ''
  elseif kind == 'c' then
    local id = string.sub(doc, 2)
    slug = slug or redis.call('HGET', K.ContactPartner(prefix), id)
    if not slug then return '' end
    return redis.call('HGET', K.ContactLog(prefix, slug), id) or ''
  elseif kind == 'n' then
    return redis.call('HGET', K.NeedLog(prefix), string.sub(doc, 2)) or ''
  elseif kind == 'e' then
    return redis.call('HGET', K.Event(prefix, string.sub(doc, 2)), 'title') or ''
  end
  return ''
end

-- index_stale reports whether the record's text is no longer the text
-- the plan was made from (slug as for doc_text).
local function index_stale(prefix, doc, plan, slug)
  local sha = string.match(plan, '^([^|]*)|')
  return sha ~= nil and sha ~= '' and redis.sha1hex(doc_text(prefix, doc, slug)) ~= sha
end

-- index_doc files doc as the plan says: out of the sets of the words it
-- lost, into those of the words it gained.
local function index_doc(prefix, doc, plan)
  local _, remove, add = string.match(plan, '^([^|]*)|([^|]*)|(.*)$')
  if not remove then return end
  for w in string.gmatch(remove, '%S+') do redis.call('SREM', K.SearchToken(prefix, w), doc) end
  for w in string.gmatch(add, '%S+') do redis.call('SADD', K.SearchToken(prefix, w), doc) end
end

-- index_erasing lists the records erasing the partner slug deletes: the
-- partner, its people, contacts and needs, and the events run with it
-- alone (erase_partner.lua keeps, for their other partners, those run
-- with others too).
local function index_erasing(prefix, slug)
  local docs = {'p' .. slug}
  for _, name in ipairs(redis.call('HKEYS', K.People(prefix, slug))) do docs[#docs + 1] = 'h' .. slug .. '/' .. name end
  for _, id in ipairs(redis.call('ZRANGE', K.Contacts(prefix, slug), 0, -1)) do docs[#docs + 1] = 'c' .. id end
  for _, id in ipairs(redis.call('ZRANGE', K.PartnerNeeds(prefix, slug), 0, -1)) do docs[#docs + 1] = 'n' .. id end
  for _, id in ipairs(redis.call('ZRANGE', K.PartnerEvents(prefix, slug), 0, -1)) do
    local ek = K.Event(prefix, id)
    if redis.call('HGET', ek, 'partner') == slug and not string.find(redis.call('HGET', ek, 'with') or '', '[^,]') then
      docs[#docs + 1] = 'e' .. id
    end
  end
  return docs
end

-- index_plans_fit reports whether plans (doc → {sha, words}) hold, for
-- each of docs, a plan made from the record's text as it is now.
local function index_plans_fit(prefix, plans, docs, slug)
  for _, doc in ipairs(docs) do
    local p = plans[doc]
    if type(p) ~= 'table' or redis.sha1hex(doc_text(prefix, doc, slug)) ~= p[1] then return false end
  end
  return true
end

-- index_unfile takes each of docs out of the sets of its plan's words.
local function index_unfile(prefix, plans, docs)
  for _, doc in ipairs(docs) do
    for w in string.gmatch(plans[doc][2], '%S+') do redis.call('SREM', K.SearchToken(prefix, w), doc) end
  end
end
