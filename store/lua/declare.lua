-- declare: every key a script touches must be in KEYS (Redis routes and a
-- Cluster migrates a slot by the declared keys only). A key found in what
-- the script read (a partner resolved from a name, an event's surveys, the
-- next id of a counter) is checked with known() before it is touched; a
-- script that met keys it was not given returns undeclared() before it
-- writes anything, and Go runs it again with them (store.exec).
local declared_ = {}
for _, k in ipairs(KEYS) do declared_[k] = true end
local missing_, missingSet_ = {}, {}

-- known reports whether k was declared, noting it for undeclared() when
-- not.
local function known(k)
  if declared_[k] then return true end
  if not missingSet_[k] then
    missingSet_[k] = true
    missing_[#missing_ + 1] = k
  end
  return false
end

-- known_next reports whether the key build(id) of a counter's next id is
-- declared (seq: the counter's key, declared). When it is not, the keys
-- of the few ids after it are noted too: records made by others between
-- two rounds then need no round each.
local function known_next(build, seq)
  local id = tonumber(redis.call('GET', seq) or '0') + 1
  if known(build(id)) then return true end
  for i = 1, 7 do known(build(id + i)) end
  return false
end

-- undeclared is the reply asking for the keys known() did not find, or
-- nil when there were none.
local function undeclared()
  if #missing_ == 0 then return nil end
  local out = {'err', 'keys'}
  for _, k in ipairs(missing_) do out[#out + 1] = k end
  return out
end
