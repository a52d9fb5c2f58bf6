-- import_rows: store a batch of rows imported from a spreadsheet, all of
-- one kind, each row whole or not at all: every check of a row comes
-- before its first write. A row is skipped when it was imported before
-- (its identity is in KEYS[1]) or carries an id of ours that exists; a
-- row with an id of ours that does not exist (an export re-imported into
-- a fresh workspace) keeps it, and the kind's counter moves past it.
-- Times are unix ms, passed as strings so that no float reaches a hash.
-- Every key the batch touches is declared (declare.lua): the rows are
-- all decided first, reading only, and the script asks for the keys it
-- was not given before it writes anything.
-- KEYS[1] imported HASH, KEYS[2] the kind's id counter STRING,
-- KEYS[3] audit STREAM, then the due-work keys, for contacts the contact
-- index HASH and partners ZSET, and the keys of the rows'
-- partners and records (declare.lua), and the search index's sets of
-- the rows' words (search_lib.lua)
-- ARGV[1] key prefix, ARGV[2] kind ('contact', 'followup', 'event',
-- 'need'), ARGV[3] now (unix ms), ARGV[4] actor, ARGV[5] audit max length,
-- ARGV[6] reminders before the team digest takes a follow-up over,
-- ARGV[7] feedback survey delay (ms), ARGV[8] follow-up survey delay (ms),
-- ARGV[9…] one row each, as JSON (store/import.go, importRowJSON; its
-- words, the search index's, separated by spaces)
-- Returns one number per row: the id it was stored under, 0 when it was
-- there already, -1 when a partner it names is gone.
local prefix, kind, now, actor = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nowN, maxReminders = tonumber(now), tonumber(ARGV[6])
local letter = ({contact = 'C', followup = 'F', event = 'E', need = 'N'})[kind]

local partnerSeen = {}
local function partner_exists(slug)
  if partnerSeen[slug] == nil then
    local pk = K.Partner(prefix, slug)
    partnerSeen[slug] = known(pk) and redis.call('EXISTS', pk) == 1
  end
  return partnerSeen[slug]
end

local function exists(id)
  if kind == 'contact' then
    -- Go declares the index and the partners' list contact_partner reads.
    return contact_partner(prefix, K.ContactPartner(prefix), id) ~= nil
  end
  if kind == 'followup' then return known(K.FollowUp(prefix, id)) and redis.call('EXISTS', K.FollowUp(prefix, id)) == 1 end
  if kind == 'event' then return known(K.Event(prefix, id)) and redis.call('EXISTS', K.Event(prefix, id)) == 1 end
  return known(K.NeedLog(prefix)) and redis.call('HEXISTS', K.NeedLog(prefix), id) == 1
end

-- plan declares (known) the keys put[kind] will touch for row r stored
-- as id.
local function plan(r, id)
  if kind == 'contact' then
    for _, k in ipairs({K.Contacts(prefix, r.slug), K.ContactLog(prefix, r.slug), K.ContactPartner(prefix)}) do known(k) end
  elseif kind == 'followup' then
    for _, k in ipairs({K.FollowUpTexts(prefix), K.FollowUp(prefix, id), K.PartnerFollowUps(prefix, r.slug),
      K.FollowUpsOpen(prefix), K.FollowUpsOf(prefix, r.assignee), K.FollowUpsDone(prefix)}) do known(k) end
  elseif kind == 'event' then
    for _, k in ipairs({K.Event(prefix, id), K.Events(prefix), K.PartnerEvents(prefix, r.slug)}) do known(k) end
    for _, w in ipairs(r.with or {}) do known(K.PartnerEvents(prefix, w)) end
  else
    for _, k in ipairs({K.NeedLog(prefix), K.Needs(prefix), K.NeedTopics(prefix)}) do known(k) end
    if r.slug ~= '' then known(K.PartnerNeeds(prefix, r.slug)) end
  end
end

-- partners_ok checks every partner the row names.
local function partners_ok(r)
  if r.slug ~= '' and not partner_exists(r.slug) then return false end
  for _, w in ipairs(r.with or {}) do
    if not partner_exists(w) then return false end
  end
  return true
end

-- The partners' figures, as log_contact keeps them, are brought up to
-- date once per partner at the end of the batch: its latest contact and
-- latest inbound one among the rows stored.
local touched = {}
local function put_contact(r, id)
  redis.call('ZADD', K.Contacts(prefix, r.slug), r.when, id)
  redis.call('HSET', K.ContactLog(prefix, r.slug), id, r.json)
  redis.call('HSET', K.ContactPartner(prefix), id, r.slug)
  local t = touched[r.slug] or {}
  touched[r.slug] = t
  local when = tonumber(r.when)
  if not t.last or when > tonumber(t.last) then t.last = r.when end
  if r.dir == 'in' and (not t.lastIn or when > tonumber(t.lastIn)) then t.lastIn = r.when end
end

local function contact_figures()
  for slug, t in pairs(touched) do
    local pk = K.Partner(prefix, slug)
    local last = tonumber(redis.call('HGET', pk, 'last_contact') or '')
    if not last or tonumber(t.last) > last then redis.call('HSET', pk, 'last_contact', t.last) end
    local lastIn = redis.call('HGET', pk, 'last_inbound')
    if t.lastIn and (not lastIn or tonumber(t.lastIn) > tonumber(lastIn)) then
      lastIn = t.lastIn
      redis.call('HSET', pk, 'last_inbound', lastIn)
    end
    -- Every contact after the latest inbound one is outbound.
    local after = lastIn and '(' .. lastIn or '-inf'
    redis.call('HSET', pk, 'out_since_in', redis.call('ZCOUNT', K.Contacts(prefix, slug), after, '+inf'), 'updated', now)
  end
end

local function put_followup(r, id)
  local job = J.Reminder(id, 1)
  local due = tonumber(r.due)
  -- An overdue one comes in overdue: it shows in lists, the App Home and
  -- the team digest, and brings no burst of reminders.
  local reminders = 0
  if r.status == 'open' and due <= nowN then reminders = maxReminders end
  redis.call('HSET', K.FollowUpTexts(prefix), id, r.text)
  local fk = K.FollowUp(prefix, id)
  redis.call('HSET', fk, 'partner', r.slug, 'assignee', r.assignee, 'due', r.due, 'status', r.status,
    'created_by', r.created_by, 'created', r.created, 'shared', r.shared, 'snoozes', 0,
    'reminders', reminders, 'job', job, 'job_seq', 1)
  if r.done_by ~= '' then redis.call('HSET', fk, 'done_by', r.done_by, 'done_at', r.done_at) end
  redis.call('SADD', K.PartnerFollowUps(prefix, r.slug), id)
  if r.status == 'open' then
    redis.call('ZADD', K.FollowUpsOpen(prefix), r.due, id)
    redis.call('ZADD', K.FollowUpsOf(prefix, r.assignee), r.due, id)
    if reminders < maxReminders then enqueue(prefix, job, due) end
  elseif r.status == 'done' then
    redis.call('ZADD', K.FollowUpsDone(prefix), r.done_at, id)
  end
end

local function put_event(r, id)
  local ek = K.Event(prefix, id)
  redis.call('HSET', ek, 'partner', r.slug, 'start', r.start, 'end', r['end'], 'organizer', r.organizer,
    'created', r.created, 'with', table.concat(r.with or {}, ','), unpack(r.fields))
  redis.call('ZADD', K.Events(prefix), r.start, id)
  redis.call('ZADD', K.PartnerEvents(prefix, r.slug), r.start, id)
  for _, w in ipairs(r.with or {}) do redis.call('ZADD', K.PartnerEvents(prefix, w), r.start, id) end
  local finish_ = tonumber(r['end'])
  if finish_ <= nowN then
    -- A past event counts as contact with each partner, as add_event has it.
    for _, s in ipairs({r.slug, unpack(r.with or {})}) do
      local k = K.Partner(prefix, s)
      local last = tonumber(redis.call('HGET', k, 'last_contact') or '')
      if not last or finish_ > last then redis.call('HSET', k, 'last_contact', r['end']) end
    end
  else
    enqueue(prefix, J.EventEnd(id), finish_)
    enqueue(prefix, J.Attendance(id), finish_)
    enqueue(prefix, J.FeedbackSurvey(id), finish_ + tonumber(ARGV[7]))
    enqueue(prefix, J.FollowUpSurvey(id), finish_ + tonumber(ARGV[8]))
  end
end

local function put_need(r, id)
  redis.call('HSET', K.NeedLog(prefix), id, r.json)
  redis.call('ZADD', K.Needs(prefix), r.at, id)
  if r.slug ~= '' then redis.call('ZADD', K.PartnerNeeds(prefix, r.slug), r.at, id) end
  for _, t in ipairs(r.topics or {}) do redis.call('ZINCRBY', K.NeedTopics(prefix), 1, t) end
end

local put = {contact = put_contact, followup = put_followup, event = put_event, need = put_need}
-- Each row decided, reading only: 0 when it was imported before (or its
-- id of ours exists, or an earlier row of the batch took it), -1 when a
-- partner it names is gone, else the id it will have.
local rows, out = {}, {}
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
local identTaken, idTaken = {}, {}
for i = 9, #ARGV do
  local r = cjson.decode(ARGV[i])
  local given = tonumber(r.id) or 0
  local res
  if r.ident ~= '' and (identTaken[r.ident] or redis.call('HEXISTS', KEYS[1], r.ident) == 1) then
    res = 0
  elseif (r.was or '') ~= '' and (identTaken[r.was] or redis.call('HEXISTS', KEYS[1], r.was) == 1) then
    res = 0 -- imported before under the identity an earlier rule gave it
  elseif given > 0 and (idTaken[given] or exists(given)) then
    res = 0
  elseif not partners_ok(r) then
    res = -1
  else
    if given > 0 then
      res = given
      if given > seq then seq = given end
    else
      seq = seq + 1
      res = seq
    end
    plan(r, res)
    idTaken[res] = true
    if r.ident ~= '' then identTaken[r.ident] = true end
  end
  rows[#rows + 1] = r
  out[#out + 1] = res
end
local u = undeclared()
if u then return u end

local first, last, n = nil, nil, 0
for i, r in ipairs(rows) do
  local id = out[i]
  if id > 0 then
    put[kind](r, id)
    -- Filed in the search index as the command that writes one files it.
    if r.words then index_doc(prefix, string.lower(letter) .. id, '||' .. r.words) end
    if r.ident ~= '' then redis.call('HSET', KEYS[1], r.ident, letter .. id) end
    first = first or id
    last = id
    n = n + 1
  end
end
if n > 0 and seq > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], seq) end
contact_figures()
-- One audit entry for the batch: a large import would otherwise push
-- every earlier entry out of the capped stream.
if n > 0 then
  audit(KEYS[3], ARGV[5], now, actor, 'import.' .. kind, letter .. first .. '..' .. letter .. last .. ' (' .. n .. ')')
end
return out
