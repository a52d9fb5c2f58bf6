-- advance_schedule: move a recurring job's last occurrence forward and
-- queue the occurrence, exactly once across replicas: compare-and-set on
-- the last occurrence, and a job id made of the occurrence's local
-- wall-clock time (so a daylight-saving repeat of 01:30 is the same job).
-- KEYS[1] the schedule's last-occurrence STRING, then the due-work keys
-- ARGV[1] key prefix, ARGV[2] expected last ('' = never ran), ARGV[3] new
-- last (unix ms), ARGV[4] job to queue ('' = none: only move forward),
-- ARGV[5] its due (unix ms)
-- Returns 1 if the job was queued, 0 if only moved, -1 if another replica
-- moved it first.
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[2] then return -1 end
redis.call('SET', KEYS[1], ARGV[3])
if ARGV[4] == '' then return 0 end
return enqueue(ARGV[1], ARGV[4], tonumber(ARGV[5]))
