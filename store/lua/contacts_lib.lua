-- contacts_lib: finding a contact's partner by the contact's id.
-- Contacts logged before the contact-partner index existed are found by
-- looking through the partners (a few dozen); the caller indexes them.
-- Returns slug and whether the index lacked it, or nil; a nil may only
-- mean a key was not declared yet (see undeclared()).
local function contact_partner(prefix, kIndex, id)
  local slug = redis.call('HGET', kIndex, id)
  if slug then
    local log = K.ContactLog(prefix, slug)
    if known(log) and redis.call('HEXISTS', log, id) == 1 then return slug, false end
    return nil
  end
  for _, s in ipairs(redis.call('ZRANGE', K.Partners(prefix), 0, -1)) do
    local log = K.ContactLog(prefix, s)
    if known(log) and redis.call('HEXISTS', log, id) == 1 then return s, true end
  end
  return nil
end
