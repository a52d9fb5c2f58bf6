-- followup_lib: creating a follow-up, shared by add_followup and
-- log_contact (a contact's next step); prepended after jobs_lib.
--   prefix..'followup:'..id                 HASH the follow-up
--   prefix..'followups:open'                ZSET open ids → due (unix ms)
--   prefix..'followups:user:'..assignee     ZSET open ids → due, per assignee
--   prefix..'partner:'..slug..':followups'  SET every id of the partner
--   prefix..'followup-texts'                HASH id → text (kept out of the
--       follow-up's hash so that hash stays small: Redis packs a hash
--       tightly only while every value is short)
-- Its reminder is the job 'fu:<id>:<seq>'; seq grows with each snooze or
-- repeat so every reminder post has its own id.
local function create_followup(prefix, slug, assignee, due, text, creator, now, shared)
  local id = redis.call('INCR', prefix .. 'seq:followup')
  local job = 'fu:' .. id .. ':1'
  redis.call('HSET', prefix .. 'followup-texts', id, text)
  redis.call('HSET', prefix .. 'followup:' .. id,
    'partner', slug, 'assignee', assignee, 'due', due, 'status', 'open',
    'created_by', creator, 'created', now, 'shared', shared, 'snoozes', 0, 'reminders', 0,
    'job', job, 'job_seq', 1)
  redis.call('ZADD', prefix .. 'followups:open', due, id)
  redis.call('ZADD', prefix .. 'followups:user:' .. assignee, due, id)
  redis.call('SADD', prefix .. 'partner:' .. slug .. ':followups', id)
  enqueue(prefix, job, tonumber(due))
  return id
end
