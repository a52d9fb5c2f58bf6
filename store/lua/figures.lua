-- figures: a partner's derived contact figures, recomputed from what is
-- stored after a contact is corrected or removed (log_contact keeps them
-- up to date as contacts are added). last_contact is the latest contact or
-- ended event; last_inbound the latest contact from them; out_since_in the
-- contacts after it. The search for the latest inbound contact reads at
-- most FIGURES_SCAN contacts back: with none among them, the partner has
-- been one-way for that long, and last_inbound is left out.
local FIGURES_SCAN = 2000

-- plan_figures declares (known) what partner_figures will read: the
-- partner's keys and its latest events, one more than it reads, for a
-- script that takes one off the list or moves one in it before.
local function plan_figures(prefix, slug, now)
  known(K.Partner(prefix, slug))
  known(K.Contacts(prefix, slug))
  known(K.ContactLog(prefix, slug))
  local pe = K.PartnerEvents(prefix, slug)
  if known(pe) then
    for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', pe, now, '-inf', 'LIMIT', 0, 21)) do
      known(K.Event(prefix, id))
    end
  end
end

local function partner_figures(prefix, slug, now)
  local pk, ck, log = K.Partner(prefix, slug), K.Contacts(prefix, slug), K.ContactLog(prefix, slug)
  -- Times may be before 1970 (negative): "none" is nil, not 0.
  local last = nil
  local top = redis.call('ZREVRANGE', ck, 0, 0, 'WITHSCORES')
  if top[2] then last = tonumber(top[2]) end
  -- An event that has ended counts as contact too (event_ended.lua); they
  -- last a month at most, so the latest few to have started are enough.
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', K.PartnerEvents(prefix, slug), now, '-inf', 'LIMIT', 0, 20)) do
    local finish_ = tonumber(redis.call('HGET', K.Event(prefix, id), 'end') or '')
    if finish_ and finish_ <= now and (not last or finish_ > last) then last = finish_ end
  end
  local lastIn = nil
  local recent = redis.call('ZREVRANGE', ck, 0, FIGURES_SCAN - 1, 'WITHSCORES')
  for i = 1, #recent, 2 do
    local ok, c = pcall(cjson.decode, redis.call('HGET', log, recent[i]) or '{}')
    if ok and c.dir == 'in' then
      lastIn = tonumber(recent[i + 1])
      break
    end
  end
  if last then redis.call('HSET', pk, 'last_contact', last) else redis.call('HDEL', pk, 'last_contact') end
  if lastIn then redis.call('HSET', pk, 'last_inbound', lastIn) else redis.call('HDEL', pk, 'last_inbound') end
  redis.call('HSET', pk, 'out_since_in', redis.call('ZCOUNT', ck, lastIn and '(' .. lastIn or '-inf', '+inf'))
end
