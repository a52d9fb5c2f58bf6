package store

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// TestScriptKeys runs every script through the domain methods against a
// real Redis and, after each step, checks every key Redis holds: keys.go
// can build it (so it has the workspace's hash tag), it has the Redis type
// the table says, and the job ids in the due-work keys are ones
// jobkinds.go can build. Keys that a step only read or deleted are checked
// too, from what MONITOR saw. It fails when a script in lua/ never ran, or
// a key of the table never showed up, so it grows with the scripts.
func TestScriptKeys(t *testing.T) {
	const team = "T0KEYS"
	hashTagged := keysFor(team).Prefix()
	// One node whatever OUTREACH_TEST_REDIS says: MONITOR sees one
	// server's commands, and the keys' shapes do not depend on topology.
	srv := storetest.NewWith(t, storetest.Options{})
	rdb := srv.Client().(*redis.Client)
	ran := newScriptHook()
	rdb.AddHook(ran)
	mon := startMonitor(t, srv.Addr())
	s := New(rdb, 0).WithNext(storetest.Next)
	ctx := context.Background()
	t0 := testclock.Now()
	ref := func(text string) PartnerRef { return PartnerRef{Text: text} }
	delays := EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	var fu1, fu2, event, survey int64
	var claimed []Job

	seen := map[string]bool{}
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"add partners", func() error {
			for _, p := range []domain.Partner{
				{Slug: "county-health", Name: "County Health", Kind: "public-health", Stage: "active", Owner: "U1", Channel: "C1"},
				{Slug: "eastside", Name: "Eastside", Kind: "clinic", Stage: "prospect", Owner: "U2"},
			} {
				if err := s.AddPartner(ctx, team, p, "U1", t0); err != nil {
					return err
				}
			}
			return nil
		}},
		{"update partner", func() error {
			name, channel := "County Health Dept", "C2"
			return s.UpdatePartner(ctx, team, "county-health", PartnerChange{Name: &name, Channel: &channel}, "U1", t0)
		}},
		{"migrate: fold partner names", func() error {
			_, err := s.Migrate(ctx, team)
			return err
		}},
		{"a later migration, its lock seen while it runs", func() error {
			later := Migration{Name: "later", Run: func(*Store, context.Context, string) (int, error) {
				checkKeys(t, rdb, "a later migration under way", hashTagged, seen)
				return 0, nil
			}}
			_, err := s.migrate(ctx, team, append(slices.Clone(migrations), later))
			return err
		}},
		{"upsert person", func() error {
			_, err := s.UpsertPerson(ctx, team, "county-health", domain.Person{Name: "Dana"}, "U1", t0)
			return err
		}},
		{"resolve partner", func() error {
			_, err := s.ResolvePartner(ctx, team, ref("county"))
			return err
		}},
		{"log contact with a next step", func() error {
			_, id, _, err := s.LogContact(ctx, team, ref("county"), domain.Contact{Method: "call", Direction: "in", When: t0},
				&NextStep{Due: t0.Add(time.Hour), Text: "send the flyer"}, "U1", t0)
			fu1 = id
			return err
		}},
		{"find, correct and delete contacts", func() error {
			c, _, _, err := s.LogContact(ctx, team, ref("eastside"), domain.Contact{Method: "email", Direction: "out", Who: "U2", When: t0}, nil, "U2", t0)
			if err != nil {
				return err
			}
			if _, err := s.FindContact(ctx, team, 0, "U2"); err != nil {
				return err
			}
			if _, err := s.EditContact(ctx, team, c.ID, ContactChange{Summary: "fixed", When: t0.Add(-time.Hour)}, "U1", t0); err != nil {
				return err
			}
			_, err = s.DeleteContact(ctx, team, c.ID, "U2", t0)
			return err
		}},
		{"add follow-up", func() error {
			id, _, err := s.AddFollowUp(ctx, team, ref("eastside"), domain.FollowUp{Assignee: "U2", Due: t0.Add(2 * time.Hour), Text: "call"}, "U1", t0)
			fu2 = id
			return err
		}},
		{"snooze and close follow-ups", func() error {
			if _, err := s.ChangeFollowUp(ctx, team, fu1, domain.ChangeSnooze, t0.Add(3*time.Hour), "U1", t0); err != nil {
				return err
			}
			_, err := s.ChangeFollowUp(ctx, team, fu2, domain.ChangeDone, time.Time{}, "U2", t0)
			return err
		}},
		{"a repeating follow-up: done, carried over, ended", func() error {
			id, _, err := s.AddFollowUp(ctx, team, ref("eastside"), domain.FollowUp{Assignee: "U2", Due: t0.Add(time.Hour), Text: "check the inbox",
				Rule: "0 9 * * *", Zone: "America/New_York"}, "U1", t0)
			if err != nil {
				return err
			}
			done, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeDone, time.Time{}, "U2", t0)
			if err != nil {
				return err
			}
			next, err := s.FollowUp(ctx, team, done.Next)
			if err != nil {
				return err
			}
			if _, _, err := s.RollOccurrence(ctx, team, next.ID, next.Job, next.Occurs, next.Occurs.Add(24*time.Hour)); err != nil {
				return err
			}
			_, err = s.ChangeFollowUp(ctx, team, id, domain.ChangeEndSeries, time.Time{}, "U2", t0)
			return err
		}},
		{"add event", func() error {
			e := domain.Event{Title: "Workshop", Type: "workshop", Start: t0.Add(24 * time.Hour), End: t0.Add(26 * time.Hour), Registered: -1, Organizer: "U1"}
			id, _, err := s.AddEvent(ctx, team, ref("county"), e, delays, "U1", t0)
			event = id
			return err
		}},
		{"correct and cancel an event", func() error {
			e := domain.Event{Title: "Talk", Type: "seminar", Start: t0.Add(48 * time.Hour), End: t0.Add(50 * time.Hour), Registered: -1, Organizer: "U1"}
			id, _, err := s.AddEvent(ctx, team, ref("county"), e, delays, "U1", t0)
			if err != nil {
				return err
			}
			start, title := t0.Add(72*time.Hour), "Talk, moved"
			if _, err := s.EditEvent(ctx, team, id, EventChange{Title: &title, Start: &start}, delays, "U1", t0); err != nil {
				return err
			}
			_, err = s.CancelEvent(ctx, team, id, "U1", t0)
			return err
		}},
		{"queue a past event's follow-up survey", func() error {
			e := domain.Event{Title: "Fair", Type: "health-fair", Start: t0.Add(-72 * time.Hour), End: t0.Add(-70 * time.Hour), Registered: -1, Organizer: "U1"}
			id, _, err := s.AddEvent(ctx, team, ref("county"), e, delays, "U1", t0)
			if err != nil {
				return err
			}
			if _, err := s.FollowUpSurvey(ctx, team, id, "event-followup"); err != nil {
				return err
			}
			_, err = s.QueueFollowUpSurvey(ctx, team, id, "event-followup", t0.Add(27*24*time.Hour), "U1", t0)
			return err
		}},
		{"schedule recurring jobs", func() error {
			if _, err := s.AdvanceSchedule(ctx, team, jobDigest, time.Time{}, t0, ""); err != nil {
				return err
			}
			occ := t0.Add(time.Minute)
			if _, err := s.AdvanceSchedule(ctx, team, jobDigest, t0, occ, JobID(jobDigest, occ.Format("2006-01-02T15:04"))); err != nil {
				return err
			}
			_, err := s.EnqueueJobs(ctx, team, map[string]time.Time{JobID(jobNudge, occ.Format("2006-01-02T15:04"), "U1"): occ})
			return err
		}},
		{"claim, extend, release and finish jobs", func() error {
			now := t0.Add(40 * 24 * time.Hour)
			c, err := s.ClaimDue(ctx, team, now, now.Add(time.Minute), 100, "tok")
			if err != nil {
				return err
			}
			claimed = c.Jobs
			var ids []string
			for _, j := range c.Jobs {
				ids = append(ids, j.ID)
			}
			if _, err := s.ExtendLeases(ctx, team, "tok", now.Add(2*time.Minute), ids...); err != nil {
				return err
			}
			if _, err := s.AdoptLeases(ctx, team, "tok", "tok", ids...); err != nil {
				return err
			}
			for _, j := range c.Jobs {
				kind, _ := ParseJobID(j.ID)
				switch kind {
				case JobReminder:
					_, err = s.ReminderSent(ctx, team, fu1, j, "tok", now, now.Add(24*time.Hour), "D1", "1.2")
				case jobNudge:
					_, err = s.ReleaseJobs(ctx, team, "tok", now.Add(time.Hour), Retry, j.ID)
				case JobEventEnd:
					_, err = s.HoldJobs(ctx, team, "tok", now.Add(time.Hour), j.ID)
				case jobDigest:
					_, err = s.FailJob(ctx, team, j, "tok", now, domain.JobFailure{Reason: "not_in_channel", To: "C1"})
				case JobAttendance:
					// Left under its lease, for the leases key to be seen.
				default:
					_, err = s.FinishJob(ctx, team, j, "tok", now, "", time.Time{})
				}
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"event ended, attendance", func() error {
			if err := s.EventEnded(ctx, team, event); err != nil {
				return err
			}
			return s.SetAttended(ctx, team, event, 12, "U1", t0)
		}},
		{"survey: create, post, respond", func() error {
			var err error
			sv := domain.Survey{Template: "event-feedback", Partner: "county-health", Event: event, CreatedBy: "U1"}
			if survey, _, err = s.CreateSurvey(ctx, team, JobID(JobFeedbackSurvey, itoa(event)), sv, t0); err != nil {
				return err
			}
			if err := s.SurveyPosted(ctx, team, survey, "C2", "1.3"); err != nil {
				return err
			}
			_, err = s.Respond(ctx, team, survey, "U3", "T9", "C2", "q1", "5", "q1", t0)
			return err
		}},
		{"an anonymous check-in with a reminder and a closing: respond, answered, closed", func() error {
			sv := domain.Survey{Template: domain.TemplateCheckin, Partner: "county-health", Channel: "C2", CreatedBy: "U1",
				SurveyOptions: domain.SurveyOptions{Anonymous: true, Remind: 24 * time.Hour, Closes: t0.Add(48 * time.Hour)}}
			id, _, err := s.CreateSurvey(ctx, team, "", sv, t0)
			if err != nil {
				return err
			}
			if _, err := s.Respond(ctx, team, id, "U3", "T9", "C2", "q1", "4", "q1", t0); err != nil {
				return err
			}
			if _, err := s.Answered(ctx, team, id, []string{"U3", "U4"}); err != nil {
				return err
			}
			if _, err := s.Respond(ctx, team, id, "U4", "T9", "C2", "q1", "4", "q1", t0.Add(49*time.Hour)); !errors.Is(err, ErrClosed) {
				return fmt.Errorf("an answer after the closing: %v, want ErrClosed", err)
			}
			return s.CloseSurvey(ctx, team, id)
		}},
		{"relink a channel", func() error {
			_, err := s.RelinkChannel(ctx, team, "C2", "C3", "U1", t0)
			return err
		}},
		{"learn an organization", func() error {
			_, _, err := s.LearnOrg(ctx, team, "C3", []string{"T9"}, "slack", t0)
			return err
		}},
		{"add need", func() error {
			_, err := s.AddNeed(ctx, team, domain.Need{Topics: []string{"vaccines"}, Note: "flu shots", Partner: "county-health", Who: "U1", At: t0}, "U1", t0)
			return err
		}},
		{"import rows of each kind, and remember a dry run", func() error {
			if err := s.SetPendingImport(ctx, team, "U1", "F0FILE"); err != nil {
				return err
			}
			for kind, row := range map[string]ImportRow{
				ImportContact:  {Identity: "contact:abc", Contact: domain.Contact{Partner: "county-health", Method: "call", Direction: "in", When: t0.Add(-time.Hour), Summary: "imported"}},
				ImportFollowUp: {ID: 90, FollowUp: domain.FollowUp{Partner: "county-health", Assignee: "U1", Due: t0.Add(time.Hour), Text: "call back", Status: domain.StatusOpen}},
				ImportEvent:    {Identity: "event:abc", Event: domain.Event{Partner: "county-health", With: []string{"eastside"}, Title: "Fair", Type: "other", Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Registered: -1, Attended: -1}},
				ImportNeed:     {ID: 7, Need: domain.Need{Topics: []string{"vaccines"}, Note: "shots", Partner: "county-health", At: t0}},
			} {
				if _, err := s.ImportSeen(ctx, team, kind, []ImportRow{row}); err != nil {
					return err
				}
				if _, err := s.ImportRows(ctx, team, kind, []ImportRow{row}, delays, "U1", t0); err != nil {
					return err
				}
			}
			return nil
		}},
		{"a partner's canvas", func() error {
			if err := s.TouchCanvas(ctx, team, "county-health", t0, 30*time.Second); err != nil {
				return err
			}
			if err := s.SetCanvas(ctx, team, "county-health", "F0CANVAS", "C1"); err != nil {
				return err
			}
			if err := s.CanvasWritten(ctx, team, "county-health", "Upcoming events", "abc"); err != nil {
				return err
			}
			_, err := s.RefuseCanvases(ctx, team, "team_tier_cannot_create_channel_canvases", t0.Add(time.Hour), t0)
			return err
		}},
		{"first delivery", func() error {
			_, err := s.FirstDelivery(ctx, team, "Ev1", time.Hour)
			return err
		}},
		{"first run of a message", func() error {
			_, err := s.FirstRun(ctx, team, "C1", "1764000000.000100", time.Hour)
			return err
		}},
		{"reserve a post", func() error {
			_, err := s.ReservePost(ctx, team, "D1", t0, time.Minute, 1, true)
			return err
		}},
		{"first notice", func() error {
			_, err := s.FirstNotice(ctx, team, "unnamed-org:county-health:U3", time.Hour)
			return err
		}},
		{"erase partner", func() error {
			return s.ErasePartner(ctx, team, "eastside", "U1", t0)
		}},
	} {
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for _, key := range mon.keysSince(t, rdb) {
			if _, ok := ShapeOf(key); !ok {
				t.Errorf("%s: a command touched %q, which keys.go does not build", step.name, key)
			}
		}
		checkKeys(t, rdb, step.name, hashTagged, seen)
	}
	if len(claimed) == 0 {
		t.Errorf("claimed no jobs; the claim step checked nothing")
	}

	var unseen []string
	for _, sh := range keyShapes {
		if !seen[sh.name] {
			unseen = append(unseen, sh.name)
		}
	}
	if len(unseen) > 0 {
		t.Errorf("keys of the table never written here: %v; add a step that writes them", unseen)
	}
	var files []string
	entries, err := fs.ReadDir(luaFiles, "lua")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := strings.TrimSuffix(e.Name(), ".lua"); !slices.Contains(libs, name) {
			files = append(files, name)
		}
	}
	if diff := cmp.Diff(files, ran.names()); diff != "" {
		t.Errorf("scripts in lua/ (-) that never ran here, or ran but are not there (+):\n%s", diff)
	}
}

// checkKeys fails on any key keys.go cannot build, whose type is not the
// table's, or (for the due-work keys) holding a job id jobkinds.go cannot
// build. It records the shapes it saw.
func checkKeys(t *testing.T, rdb *redis.Client, step, prefix string, seen map[string]bool) {
	t.Helper()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		if !strings.HasPrefix(key, prefix) {
			t.Errorf("%s: key %q lacks the workspace's hash tag", step, key)
		}
		sh, ok := ShapeOf(key)
		if !ok {
			t.Errorf("%s: key %q is not one keys.go builds", step, key)
			continue
		}
		seen[sh.Name] = true
		i := slices.IndexFunc(keyShapes, func(s *shape) bool { return s.name == sh.Name })
		if typ := rdb.Type(ctx, key).Val(); typ != keyShapes[i].redisType {
			t.Errorf("%s: key %q is a %s; keys.go says %s", step, key, typ, keyShapes[i].redisType)
		}
		var jobs []string
		switch sh.Name {
		case "Due", "Leases", "JobsDone":
			jobs = rdb.ZRange(ctx, key, 0, -1).Val()
		case "Claims":
			jobs = rdb.HKeys(ctx, key).Val()
		}
		for _, j := range jobs {
			if !jobIDPattern().MatchString(j) {
				t.Errorf("%s: %s holds job %q, which jobkinds.go does not build", step, key, j)
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("%s: scan: %v", step, err)
	}
}

// monitor reads what Redis runs, the commands of Lua scripts included.
type monitor struct {
	conn net.Conn
	rd   *bufio.Reader
	n    int
}

func startMonitor(t *testing.T, addr string) *monitor {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("monitor: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	m := &monitor{conn: conn, rd: bufio.NewReader(conn)}
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatalf("monitor: %v", err)
	}
	if line, err := m.rd.ReadString('\n'); err != nil || line != "+OK\r\n" {
		t.Fatalf("MONITOR = %q, %v", line, err)
	}
	return m
}

var monitorArg = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// keysSince returns the arguments that look like keys of the commands
// run since its last call, up to a marker it sends through rdb.
func (m *monitor) keysSince(t *testing.T, rdb *redis.Client) []string {
	t.Helper()
	m.n++
	marker := fmt.Sprintf("end of step %d", m.n)
	if err := rdb.Echo(context.Background(), marker).Err(); err != nil {
		t.Fatalf("echo: %v", err)
	}
	// A socket deadline: if the marker never comes, fail rather than hang.
	_ = m.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var keys []string
	for {
		line, err := m.rd.ReadString('\n')
		if err != nil {
			t.Fatalf("monitor: %v", err)
		}
		var args []string
		for _, q := range monitorArg.FindAllString(line, -1) {
			a, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("monitor: %q in %q: %v", q, line, err)
			}
			args = append(args, a)
		}
		if len(args) == 2 && strings.EqualFold(args[0], "echo") && args[1] == marker {
			return keys
		}
		if len(args) > 2 && (strings.EqualFold(args[0], "evalsha") || strings.EqualFold(args[0], "eval")) {
			// Only KEYS: ARGV holds the key prefix, not a key.
			n, _ := strconv.Atoi(args[2])
			args = args[3:min(3+n, len(args))]
		}
		for _, a := range args {
			if strings.HasPrefix(a, "outreach:") {
				keys = append(keys, a)
			}
		}
	}
}

// scriptHook records which of the loaded scripts ran, by their hash.
type scriptHook struct {
	byHash map[string]string
	mu     sync.Mutex
	ran    map[string]bool
}

func newScriptHook() *scriptHook {
	h := &scriptHook{byHash: map[string]string{}, ran: map[string]bool{}}
	for name, sc := range scripts {
		h.byHash[sc.Hash()] = name
		if keyCheck != nil {
			h.byHash[keyCheck.Script(sc).Hash()] = name
		}
	}
	return h
}

func (h *scriptHook) saw(cmd redis.Cmder) {
	args := cmd.Args()
	if len(args) < 2 {
		return
	}
	body, _ := args[1].(string)
	switch strings.ToLower(fmt.Sprint(args[0])) {
	case "evalsha":
	case "eval":
		sum := sha1.Sum([]byte(body))
		body = hex.EncodeToString(sum[:])
	default:
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if name, ok := h.byHash[body]; ok {
		h.ran[name] = true
	}
}

func (h *scriptHook) names() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for name := range h.ran {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func (h *scriptHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *scriptHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.saw(cmd)
		return next(ctx, cmd)
	}
}

func (h *scriptHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			h.saw(c)
		}
		return next(ctx, cmds)
	}
}

// Two of the scheduler's own kinds (scheduler/table.go), whose ids the
// store only keeps.
const jobDigest, jobNudge = "digest", "nudge"
