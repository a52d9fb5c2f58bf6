-- migrated: record that the migration taking a workspace's data from
-- version ARGV[2] to the next has run, while the process that ran it still
-- holds the migration lock; with ARGV[3] = '1' (after the last one, or
-- one that failed), release the lock too. ARGV[2] = '' records nothing.
-- KEYS[1] schema version STRING, KEYS[2] migration lock STRING
-- ARGV[1] the lock's token, ARGV[2] the version the migration started
-- from or '', ARGV[3] '1' to release the lock
-- Returns {'ok', version}; {'err', 'lock_lost'} when another process
-- holds the lock (or none does: it expired), {'err', 'version_moved'}
-- when the version is no longer ARGV[2].
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return {'err', 'lock_lost'}
end
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[2] ~= '' then
  if version ~= tonumber(ARGV[2]) then
    return {'err', 'version_moved'}
  end
  version = version + 1
  redis.call('SET', KEYS[1], version)
end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[2])
end
return {'ok', version}
