-- contacts_lib: finding a contact's partner by the contact's id.
-- Contacts logged before the contact-partner index existed are found by
-- looking through the partners (a few dozen), and indexed then.
local function contact_partner(prefix, kIndex, id)
  local slug = redis.call('HGET', kIndex, id)
  if slug then
    if redis.call('HEXISTS', K.ContactLog(prefix, slug), id) == 1 then return slug end
    return nil
  end
  for _, s in ipairs(redis.call('ZRANGE', K.Partners(prefix), 0, -1)) do
    if redis.call('HEXISTS', K.ContactLog(prefix, s), id) == 1 then
      redis.call('HSET', kIndex, id, s)
      return s
    end
  end
  return nil
end
