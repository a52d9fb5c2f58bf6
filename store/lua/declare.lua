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

-- undeclared is the reply asking for the keys known() did not find, or
-- nil when there were none.
local function undeclared()
  if #missing_ == 0 then return nil end
  local out = {'err', 'keys'}
  for _, k in ipairs(missing_) do out[#out + 1] = k end
  return out
end
