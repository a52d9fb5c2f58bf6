-- audit: appends one entry to the capped audit stream: who changed what,
-- and when (the time comes from Go, like every time in these scripts).
-- For every script that writes on a person's behalf.
local function audit(kAudit, maxlen, now, actor, op, target)
  redis.call('XADD', kAudit, 'MAXLEN', '~', maxlen, '*', 'at', now, 'who', actor, 'op', op, 'target', target)
end
