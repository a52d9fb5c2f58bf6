-- followup_lib: creating a follow-up, shared by add_followup and
-- log_contact (a contact's next step); it calls jobs_lib. The follow-up's
-- text goes to K.FollowUpTexts, out of its hash, so that hash stays small:
-- Redis packs a hash tightly only while every value is short. Its
-- reminder is the job J.Reminder(id, seq); seq grows with each snooze or
-- repeat so every reminder post has its own id.
-- plan_followup declares (known) the keys create_followup will touch that
-- depend on data: the next follow-up's hash, the partner's and the
-- assignee's sets. Call it before undeclared(), create_followup after.
local function plan_followup(prefix, slug, assignee)
  known_next(function(id) return K.FollowUp(prefix, id) end, K.FollowUpSeq(prefix))
  known(K.PartnerFollowUps(prefix, slug))
  known(K.FollowUpsOf(prefix, assignee))
end

local function create_followup(prefix, slug, assignee, due, text, creator, now, shared)
  local id = redis.call('INCR', K.FollowUpSeq(prefix))
  local job = J.Reminder(id, 1)
  redis.call('HSET', K.FollowUpTexts(prefix), id, text)
  redis.call('HSET', K.FollowUp(prefix, id),
    'partner', slug, 'assignee', assignee, 'due', due, 'status', 'open',
    'created_by', creator, 'created', now, 'shared', shared, 'snoozes', 0, 'reminders', 0,
    'job', job, 'job_seq', 1)
  redis.call('ZADD', K.FollowUpsOpen(prefix), due, id)
  redis.call('ZADD', K.FollowUpsOf(prefix, assignee), due, id)
  redis.call('SADD', K.PartnerFollowUps(prefix, slug), id)
  enqueue(prefix, job, tonumber(due))
  return id
end
