package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/internal/testclock"
	"github.com/outreachbot/outreachbot/scheduler"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
	"github.com/outreachbot/outreachbot/when"
)

const team = "T0HOME"

var ny, _ = time.LoadLocation("America/New_York")

// t0 is where the tests' clocks start: the test instant (testclock), so
// any hour of any day. A test not about quiet hours switches them off
// (quietOff); a test that checks some jobs switches the other automatic
// ones off (only); dates a test needs (next Monday, the next 1st) are
// found from t0.
var t0 = testclock.Now()

// quietOff is OUTREACH_QUIET_HOURS=off.
var quietOff = when.QuietHours{Off: true}

// only switches off every recurring job that posts, but those named and
// those cfg gives a schedule: what else might post in the test's window.
func only(cfg scheduler.Config, names ...string) scheduler.Config {
	schedules := map[string]string{}
	for _, j := range scheduler.Jobs {
		if j.Recurring() && !j.Background && !slices.Contains(names, j.Kind) {
			schedules[j.Kind] = "off"
		}
	}
	maps.Copy(schedules, cfg.Schedules)
	cfg.Schedules = schedules
	return cfg
}

// nextAt is the first time after t that falls on weekday wd at hour:00 in
// New York; wd -1 is any day.
func nextAt(t time.Time, wd time.Weekday, hour int) time.Time {
	l := t.In(ny)
	d := time.Date(l.Year(), l.Month(), l.Day(), hour, 0, 0, 0, ny)
	for !d.After(t) || (wd >= 0 && d.Weekday() != wd) {
		d = time.Date(d.Year(), d.Month(), d.Day()+1, hour, 0, 0, 0, ny)
	}
	return d
}

// nextShift is the midnight, in New York, of the first day after t whose
// clocks go forward (spring) or back (autumn).
func nextShift(t time.Time, forward bool) time.Time {
	for h := t.Truncate(time.Hour); ; h = h.Add(time.Hour) {
		_, before := h.In(ny).Zone()
		_, after := h.Add(time.Hour).In(ny).Zone()
		if after != before && (after > before) == forward {
			l := h.In(ny)
			return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, ny)
		}
	}
}

// nextFirst is the first 1st of a month in months (any month when
// empty), at hour:00 in New York, after t.
func nextFirst(t time.Time, hour int, months ...time.Month) time.Time {
	l := t.In(ny)
	d := time.Date(l.Year(), l.Month(), 1, hour, 0, 0, 0, ny)
	for !d.After(t) || (len(months) > 0 && !slices.Contains(months, d.Month())) {
		d = time.Date(d.Year(), d.Month()+1, 1, hour, 0, 0, 0, ny)
	}
	return d
}

// fakePoster records posts. Slack is out of the picture here: the bot's
// outbox is tested against the fake Slack.
type fakePoster struct {
	mu    sync.Mutex
	posts []scheduler.Post
	zones map[string]*time.Location
	fail  error
	// shared are the channels other organizations are in; sharedErr,
	// when set, answers Shared instead.
	shared    map[string]bool
	sharedErr func(channel string) error
	checks    int // Shared calls
}

func (p *fakePoster) Shared(_ context.Context, channel string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checks++
	if p.sharedErr != nil {
		if err := p.sharedErr(channel); err != nil {
			return false, err
		}
	}
	return p.shared[channel], nil
}

func (p *fakePoster) Post(_ context.Context, post scheduler.Post) (scheduler.Posted, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return scheduler.Posted{}, p.fail
	}
	p.posts = append(p.posts, post)
	return scheduler.Posted{Channel: "D" + post.To, TS: fmt.Sprintf("%d.000000", len(p.posts))}, nil
}

func (p *fakePoster) Find(_ context.Context, to, key string, _ time.Time) (scheduler.Posted, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, post := range p.posts {
		if post.To == to && post.Key == key {
			return scheduler.Posted{Channel: "D" + to, TS: fmt.Sprintf("%d.000000", i+1)}, true, nil
		}
	}
	return scheduler.Posted{}, false, nil
}

func (p *fakePoster) Zone(_ context.Context, user string) (*time.Location, error) {
	if loc, ok := p.zones[user]; ok {
		return loc, nil
	}
	return ny, nil
}

func (p *fakePoster) byKey() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := map[string]int{}
	for _, post := range p.posts {
		n[post.Key]++
	}
	return n
}

// count is how many posts the jobs of kind (store.Job…) made.
func (p *fakePoster) count(kind string) int {
	n := 0
	for _, post := range p.all() {
		if k, _ := store.ParseJobID(post.Key); k == kind {
			n++
		}
	}
	return n
}

func (p *fakePoster) all() []scheduler.Post {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]scheduler.Post(nil), p.posts...)
}

type env struct {
	t      *testing.T
	srv    *storetest.Server
	st     *store.Store
	clock  *clockwork.FakeClock
	poster *fakePoster
}

func newEnv(t *testing.T) *env {
	srv := storetest.New(t)
	return &env{t: t, srv: srv, st: store.New(srv.Client(), 0).WithNext(when.NextOccurrence), clock: clockwork.NewFakeClockAt(t0), poster: &fakePoster{zones: map[string]*time.Location{}}}
}

func (e *env) scheduler(cfg scheduler.Config) *scheduler.Scheduler {
	e.t.Helper()
	if cfg.TeamChannel == "" {
		cfg.TeamChannel = "C0TEAM"
	}
	return e.schedulerWith(cfg)
}

// schedulerWith is scheduler with cfg's team channel as given.
func (e *env) schedulerWith(cfg scheduler.Config) *scheduler.Scheduler {
	e.t.Helper()
	cfg.Team = team
	if cfg.Loc == nil {
		cfg.Loc = ny
	}
	if cfg.Quiet == (when.QuietHours{}) {
		cfg.Quiet, _ = when.ParseQuietHours("18:00-08:00,sat,sun")
	}
	st := store.New(e.srv.Client(), 0).WithNext(when.NextOccurrence) // each scheduler its own client, as replicas
	s, err := scheduler.New(cfg, st, e.poster, e.clock, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// advance moves the clock to now+d, stopping at every moment something
// falls due and running it, as the console does.
func (e *env) advance(s *scheduler.Scheduler, d time.Duration) {
	ctx := context.Background()
	end := e.clock.Now().Add(d)
	s.RunDue(ctx)
	for steps := 0; ; steps++ {
		next := s.NextEvent(ctx)
		if next.IsZero() || next.After(end) {
			break
		}
		if steps == 100000 {
			e.t.Fatalf("advance: still stepping at %v after %d moments, the next at %v; want to reach %v", e.clock.Now(), steps, next, end)
		}
		if next.After(e.clock.Now()) {
			e.clock.Advance(next.Sub(e.clock.Now()))
		}
		s.RunDue(ctx)
	}
	if end.After(e.clock.Now()) {
		e.clock.Advance(end.Sub(e.clock.Now()))
	}
	s.RunDue(ctx)
}

func (e *env) partner(name, owner string) {
	e.t.Helper()
	p := domain.Partner{Slug: domain.Slugify(name), Name: name, Kind: "clinic", Stage: "active", Owner: owner, Cadence: 30}
	if err := e.st.AddPartner(context.Background(), team, p, owner, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) followUp(partner, assignee string, due time.Time, text string) int64 {
	e.t.Helper()
	id, _, err := e.st.AddFollowUp(context.Background(), team, store.PartnerRef{Text: partner}, domain.FollowUp{Assignee: assignee, Due: due, Text: text}, assignee, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestReminderAtDueTimeOnceWithButtonsThenDaily(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	id := e.followUp("county", "U0MARIA", t0.Add(time.Minute), "Send the flyer")
	s := e.scheduler(only(scheduler.Config{Quiet: quietOff}))
	e.advance(s, 59*time.Second)
	if n := len(e.poster.all()); n != 0 {
		t.Fatalf("%d posts before the due time", n)
	}
	e.advance(s, time.Second)
	posts := e.poster.all()
	if len(posts) != 1 || posts[0].To != "U0MARIA" {
		t.Fatalf("at the due time: %+v; want one DM to U0MARIA", posts)
	}
	var actions []string
	for _, c := range posts[0].Message.Choices {
		actions = append(actions, c.Label)
	}
	if got := strings.Join(actions, ","); got != "Done,Snooze 1 day,Snooze 1 week,Log contact" {
		t.Errorf("buttons = %s", got)
	}
	if !strings.Contains(posts[0].Message.Text, "Send the flyer") || !strings.Contains(posts[0].Message.Text, fmt.Sprintf("F%d", id)) {
		t.Errorf("reminder text = %q", posts[0].Message.Text)
	}
	e.advance(s, 23*time.Hour)
	if n := len(e.poster.all()); n != 1 {
		t.Fatalf("%d posts within the day; want 1", n)
	}
	e.advance(s, 2*time.Hour)
	posts = e.poster.all()
	if len(posts) != 2 || !strings.Contains(posts[1].Message.Text, "reminder 2 of 3") {
		t.Fatalf("a day later: %d posts, last %q; want the second reminder", len(posts), posts[len(posts)-1].Message.Text)
	}
	e.advance(s, 10*24*time.Hour)
	reminders := 0
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "fu:") {
			reminders++
		}
	}
	if reminders != 3 {
		t.Errorf("after ten days: %d reminders; want 3, then it is left to the digest", reminders)
	}
	for k, n := range e.poster.byKey() {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
}

func TestDoneStopsReminders(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	id := e.followUp("county", "U0MARIA", t0.Add(time.Hour), "Send the flyer")
	if _, err := e.st.ChangeFollowUp(context.Background(), team, id, domain.ChangeDone, time.Time{}, "U0MARIA", t0); err != nil {
		t.Fatal(err)
	}
	s := e.scheduler(scheduler.Config{})
	e.advance(s, 3*24*time.Hour)
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "fu:") {
			t.Errorf("reminder posted for a done follow-up: %s", p.Key)
		}
	}
}

func TestQuietHoursWaitForTheRecipientsMorning(t *testing.T) {
	e := newEnv(t)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	e.poster.zones["U0KENJI"] = tokyo
	e.partner("County Health Dept", "U0MARIA")
	// Due at 02:00 in Tokyo on a Tuesday: the night before a working day.
	l := t0.In(tokyo)
	due := time.Date(l.Year(), l.Month(), l.Day(), 2, 0, 0, 0, tokyo)
	for !due.After(t0) || due.Weekday() != time.Tuesday {
		due = due.AddDate(0, 0, 1)
	}
	morning := time.Date(due.Year(), due.Month(), due.Day(), 8, 0, 0, 0, tokyo)
	id := e.followUp("county", "U0KENJI", due, "Call back")
	s := e.scheduler(only(scheduler.Config{}))
	e.advance(s, due.Add(time.Hour).Sub(e.clock.Now()))
	if n := len(e.poster.all()); n != 0 {
		t.Fatalf("DM sent at night in the recipient's zone")
	}
	e.advance(s, morning.Add(-time.Minute).Sub(e.clock.Now()))
	if n := len(e.poster.all()); n != 0 {
		t.Fatalf("DM sent before 08:00 in the recipient's zone")
	}
	e.advance(s, time.Minute)
	posts := e.poster.all()
	if len(posts) != 1 || posts[0].Key != fmt.Sprintf("fu:%d:1", id) {
		t.Fatalf("posts at Tokyo's 08:00: %+v; want the reminder", posts)
	}
}

// TestThreeReplicasThousandDueAtOnce: 1,000 follow-ups fall due in the
// same second with three replicas on one Redis; each is posted once.
func TestThreeReplicasThousandDueAtOnce(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	due := t0.Add(time.Minute)
	for i := range 1000 {
		e.followUp("county", fmt.Sprintf("U%04d", i%50), due, fmt.Sprintf("Task %d", i))
	}
	var replicas []*scheduler.Scheduler
	for range 3 {
		replicas = append(replicas, e.scheduler(only(scheduler.Config{Quiet: quietOff})))
	}
	e.clock.Advance(time.Minute)
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() { r.RunDue(context.Background()) })
	}
	wg.Wait()
	got := e.poster.byKey()
	if len(got) != 1000 {
		t.Errorf("%d distinct reminders posted; want 1000", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
}

// TestKilledReplicaWorkIsTakenBack: a replica claims reminders and dies
// (before posting some, after posting others). Another replica posts the
// rest once the lease expires, and none twice.
func TestKilledReplicaWorkIsTakenBack(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	lease := 30 * time.Second
	for i := range 10 {
		e.followUp("county", "U0MARIA", t0.Add(time.Second), fmt.Sprintf("Task %d", i))
	}
	e.clock.Advance(time.Second)
	// The doomed replica claims everything, posts two, and is killed.
	claim, err := e.st.ClaimDue(context.Background(), team, e.clock.Now(), e.clock.Now().Add(lease), 100, "doomed")
	if err != nil || len(claim.Jobs) != 10 {
		t.Fatalf("claim = %d jobs, %v", len(claim.Jobs), err)
	}
	for _, j := range claim.Jobs[:2] {
		e.poster.Post(context.Background(), scheduler.Post{To: "U0MARIA", Key: j.ID})
	}
	survivor := e.scheduler(only(scheduler.Config{Lease: lease, Quiet: quietOff}))
	e.clock.Advance(lease - time.Second)
	survivor.RunDue(context.Background())
	if n := len(e.poster.all()); n != 2 {
		t.Fatalf("%d posts before the lease ran out; want the 2 the dead replica made", n)
	}
	e.clock.Advance(time.Second + time.Millisecond)
	survivor.RunDue(context.Background())
	got := e.poster.byKey()
	if len(got) != 10 {
		t.Errorf("%d reminders posted after the lease; want all 10", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
}

func TestMissedDigestIsCaughtUpOnce(t *testing.T) {
	e := newEnv(t)
	cfg := only(scheduler.Config{Schedules: map[string]string{"digest": "0 9 * * 1"}})
	first := e.scheduler(cfg)
	first.RunDue(context.Background()) // starts the schedule
	// Every replica is down across two Monday digests.
	e.clock.Advance(14 * 24 * time.Hour)
	latest := nextAt(t0, time.Monday, 9).AddDate(0, 0, 7)
	later := e.scheduler(cfg)
	later.RunDue(context.Background())
	later.RunDue(context.Background())
	digests := 0
	want := store.JobID(scheduler.JobDigest, latest.Format("2006-01-02T15:04"))
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "digest:") {
			digests++
			if p.Key != want {
				t.Errorf("caught up %s; want the latest missed, %s", p.Key, want)
			}
		}
	}
	if digests != 1 {
		t.Errorf("%d digests after downtime; want 1", digests)
	}
}

// TestDigestAcrossDaylightSaving: on New York's next autumn night after
// the test instant, a daily 01:30 digest (01:30 comes twice) runs once;
// on its next spring night, a 02:30 digest (02:30 never comes) runs once.
func TestDigestAcrossDaylightSaving(t *testing.T) {
	autumn, spring := nextShift(t0, false), nextShift(t0, true)
	day := func(d time.Time, n int, hhmm string) string {
		return "digest:" + d.AddDate(0, 0, n).Format("2006-01-02") + "T" + hhmm
	}
	for _, tc := range []struct {
		name, spec string
		start      time.Time
		want       []string
	}{
		{"autumn 01:30", "30 1 * * *", autumn.Add(-12 * time.Hour), []string{day(autumn, 0, "01:30"), day(autumn, 1, "01:30")}},
		{"spring 02:30", "30 2 * * *", spring.Add(-12 * time.Hour), []string{day(spring, 0, "02:30"), day(spring, 1, "02:30")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.clock = clockwork.NewFakeClockAt(tc.start)
			s := e.scheduler(only(scheduler.Config{Schedules: map[string]string{"digest": tc.spec}}))
			e.advance(s, 48*time.Hour)
			var got []string
			for _, p := range e.poster.all() {
				if strings.HasPrefix(p.Key, "digest:") {
					got = append(got, p.Key)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("digests = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestNudgesOnePerOwner(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	e.partner("Eastside Clinic", "U0MARIA")
	e.partner("Main Street Pharmacy", "U0DEVON")
	e.partner("Fresh Partner", "U0PRIYA")
	// On the first Monday 10:00 forty days on, the first three are past
	// their 30-day cadence; the fourth was contacted.
	monday := nextAt(t0.AddDate(0, 0, 40), time.Monday, 10)
	e.clock.Advance(monday.Sub(e.clock.Now()))
	if _, _, _, err := e.st.LogContact(context.Background(), team, store.PartnerRef{Text: "fresh"}, domain.Contact{Method: "call", Direction: "out", When: e.clock.Now()}, nil, "U0PRIYA", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s := e.scheduler(only(scheduler.Config{Schedules: map[string]string{"nudges": "0 9 * * 1-5"}}))
	e.advance(s, monday.AddDate(0, 0, 3).Sub(e.clock.Now()))
	byOwner := map[string][]string{}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "nudge:") {
			var names []string
			for _, sec := range p.Message.Sections {
				names = append(names, strings.SplitN(sec.Text, "*", 3)[1])
			}
			byOwner[p.To] = append(byOwner[p.To], strings.Join(names, "+"))
		}
	}
	// From Monday 10:00, three days: one nudge, on Tuesday at 09:00; not
	// one each working day about the same partners.
	if len(byOwner["U0MARIA"]) != 1 || byOwner["U0MARIA"][0] != "County Health Dept+Eastside Clinic" {
		t.Errorf("maria's nudges = %v; want one DM listing both partners", byOwner["U0MARIA"])
	}
	if len(byOwner["U0DEVON"]) != 1 {
		t.Errorf("devon's nudges = %v; want one", byOwner["U0DEVON"])
	}
	if len(byOwner["U0PRIYA"]) != 0 {
		t.Errorf("priya was nudged about a partner she just contacted")
	}
	// Something changes about Eastside: it is nudged about again at once,
	// alone; a week after the first, County is again (Eastside, nudged on
	// Friday, waits its own week).
	cadence := 20
	if err := e.st.UpdatePartner(context.Background(), team, "eastside-clinic", store.PartnerChange{Cadence: &cadence}, "U0MARIA", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.advance(s, monday.AddDate(0, 0, 4).Sub(e.clock.Now())) // Friday 09:00
	e.advance(s, monday.AddDate(0, 0, 8).Sub(e.clock.Now())) // Tuesday 09:00, a week on
	byOwner = map[string][]string{}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "nudge:") && p.To == "U0MARIA" {
			var names []string
			for _, sec := range p.Message.Sections {
				names = append(names, strings.SplitN(sec.Text, "*", 3)[1])
			}
			byOwner[p.To] = append(byOwner[p.To], strings.Join(names, "+"))
		}
	}
	if got := strings.Join(byOwner["U0MARIA"], " / "); got != "County Health Dept+Eastside Clinic / Eastside Clinic / County Health Dept" {
		t.Errorf("maria's nudges over the week = %s", got)
	}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "nudge:") && len(p.Message.Sections[0].Choices) != 4 {
			t.Errorf("nudge section buttons = %v; want 4", p.Message.Sections[0].Choices)
		}
	}
}

// blockingPoster holds posts until ctx ends.
type blockingPoster struct {
	fakePoster
	started chan struct{}
}

func (p *blockingPoster) Post(ctx context.Context, post scheduler.Post) (scheduler.Posted, error) {
	p.started <- struct{}{}
	<-ctx.Done()
	return scheduler.Posted{}, ctx.Err()
}

// TestStopHandsBackLeases: on stop, work under way is handed back at
// once, so another replica takes it without waiting for the lease.
func TestStopHandsBackLeases(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	e.followUp("county", "U0MARIA", t0, "Send the flyer")
	bp := &blockingPoster{fakePoster: fakePoster{zones: map[string]*time.Location{}}, started: make(chan struct{}, 1)}
	cfg := only(scheduler.Config{Team: team, Loc: ny, Lease: time.Hour, DrainTimeout: time.Second, TeamChannel: "C0TEAM"})
	s, err := scheduler.New(cfg, store.New(e.srv.Client(), 0), bp, e.clock, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-bp.started
	cancel()
	// The drain waits DrainTimeout on the scheduler's clock: move it on
	// until Run returns.
	for stopped := false; !stopped; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			stopped = true
		case <-time.After(10 * time.Millisecond):
			e.clock.Advance(time.Second)
		}
	}
	other := e.scheduler(only(scheduler.Config{Lease: time.Hour, Quiet: quietOff}))
	other.RunDue(context.Background())
	if n := len(e.poster.all()); n != 1 {
		t.Errorf("after the stop, another replica posted %d reminders at once; want 1", n)
	}
}

var _ = domain.MaxReminders

func (e *env) linkedPartner(name, owner, stage, channel string) {
	e.t.Helper()
	p := domain.Partner{Slug: domain.Slugify(name), Name: name, Kind: "clinic", Stage: stage, Owner: owner, Cadence: 30, Channel: channel}
	if err := e.st.AddPartner(context.Background(), team, p, owner, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
}

func TestEventSurveysAndAttendanceQuestion(t *testing.T) {
	e := newEnv(t)
	e.linkedPartner("County Health Dept", "U0MARIA", "active", "C0COUNTY")
	e.partner("Main Street Pharmacy", "U0DEVON")
	delays := store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	ctx := context.Background()
	for _, ev := range []struct{ partner, title string }{{"county", "Flu clinic"}, {"main", "Screenings"}} {
		_, _, err := e.st.AddEvent(ctx, team, store.PartnerRef{Text: ev.partner}, domain.Event{Title: ev.title, Type: "screening",
			Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Registered: -1}, delays, "U0MARIA", t0)
		if err != nil {
			t.Fatal(err)
		}
	}
	// The automatic jobs run as they would over the month (the partners
	// fall past their cadence: nudges): every post, of whatever job, once.
	s := e.scheduler(scheduler.Config{SurveyDelays: delays, Quiet: quietOff})
	e.advance(s, 3*time.Hour+59*time.Minute)
	if n := e.poster.count(store.JobAttendance); n != 2 || e.poster.count(store.JobSurveyPost) != 0 {
		t.Fatalf("before the survey delay: %d attendance questions and %d surveys; want the 2 questions and no survey", n, e.poster.count(store.JobSurveyPost))
	}
	e.advance(s, 2*time.Minute)
	var surveys []scheduler.Post
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "svpost:") {
			surveys = append(surveys, p)
		}
	}
	if len(surveys) != 2 {
		t.Fatalf("%d surveys after the delay; want 2", len(surveys))
	}
	byTo := map[string]scheduler.Post{}
	for _, p := range surveys {
		byTo[p.To] = p
	}
	if p, ok := byTo["C0COUNTY"]; !ok || !strings.Contains(p.Message.Text, "How was “Flu clinic”?") {
		t.Errorf("linked partner's survey: %+v; want it in C0COUNTY", byTo)
	}
	if p, ok := byTo["U0MARIA"]; !ok || !strings.Contains(p.Message.Text, "has no linked channel") {
		t.Errorf("unlinked partner's survey: %+v; want it to the organizer with a note", byTo)
	}
	e.advance(s, 31*24*time.Hour)
	followups := 0
	for k, n := range e.poster.byKey() {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "svpost:") && strings.Contains(p.Message.Text, "A month after") {
			followups++
		}
	}
	if followups != 2 {
		t.Errorf("%d follow-up surveys a month later; want 2", followups)
	}
}

// TestCheckinOncePerQuarterAcrossReplicas: the quarterly check-in goes to
// each active, linked partner once, with three replicas, and is caught up
// once after downtime.
func TestCheckinOncePerQuarterAcrossReplicas(t *testing.T) {
	e := newEnv(t)
	quarter := nextFirst(t0, 10, time.January, time.April, time.July, time.October)
	e.linkedPartner("County Health Dept", "U0MARIA", "active", "C0COUNTY")
	e.linkedPartner("Eastside Clinic", "U0MARIA", "active", "C0EAST")
	e.linkedPartner("Prospect Clinic", "U0MARIA", "prospect", "C0PROSPECT")
	e.partner("Unlinked Pharmacy", "U0DEVON")
	cfg := only(scheduler.Config{Schedules: map[string]string{"checkin": "0 10 1 1,4,7,10 *"}})
	var replicas []*scheduler.Scheduler
	for range 3 {
		replicas = append(replicas, e.scheduler(cfg))
	}
	for _, r := range replicas {
		r.RunDue(context.Background()) // each starts the schedule
	}
	e.clock.Advance(quarter.AddDate(0, 0, 1).Sub(e.clock.Now())) // the quarter's first check-in is due
	for range 2 {                                                // twice: the fan-out, then the surveys
		var wg sync.WaitGroup
		for _, r := range replicas {
			wg.Go(func() { r.RunDue(context.Background()) })
		}
		wg.Wait()
	}
	countTo := func() map[string]int {
		n := map[string]int{}
		for _, p := range e.poster.all() {
			if k, _ := store.ParseJobID(p.Key); k == store.JobSurveyPost {
				if !strings.Contains(p.Message.Text, "How is our partnership") {
					t.Errorf("a survey to %s reads %q; want the check-in", p.To, p.Message.Text)
				}
				n[p.To]++
			}
		}
		return n
	}
	if got := countTo(); len(got) != 2 || got["C0COUNTY"] != 1 || got["C0EAST"] != 1 {
		t.Fatalf("check-ins = %v; want one each in C0COUNTY and C0EAST", got)
	}
	// Every replica down for the next four months: the next quarter's
	// check-in is caught up once.
	e.clock.Advance(120 * 24 * time.Hour)
	back := e.scheduler(cfg)
	back.RunDue(context.Background())
	if got := countTo(); got["C0COUNTY"] != 2 || got["C0EAST"] != 2 {
		t.Errorf("after downtime: %v; want a second check-in each", got)
	}
	for k, n := range e.poster.byKey() {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
}

// findFailsPoster cannot read history for its first failures calls.
type findFailsPoster struct {
	*fakePoster
	failures int
}

func (p *findFailsPoster) Find(ctx context.Context, to, key string, since time.Time) (scheduler.Posted, bool, error) {
	if p.failures > 0 {
		p.failures--
		return scheduler.Posted{}, false, fmt.Errorf("conversations.history: ratelimited")
	}
	return p.fakePoster.Find(ctx, to, key, since)
}

// TestUnknownWhetherPostedWaits: taking over a job whose earlier post
// cannot be checked (history unavailable), the scheduler does not post
// blindly; it tries again later and then posts once.
func TestUnknownWhetherPostedWaits(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	e.followUp("county", "U0MARIA", t0, "Send the flyer")
	lease := 30 * time.Second
	if c, err := e.st.ClaimDue(context.Background(), team, t0, t0.Add(lease), 10, "doomed"); err != nil || len(c.Jobs) != 1 {
		t.Fatalf("doomed claim: %+v, %v", c, err)
	}
	fp := &findFailsPoster{fakePoster: e.poster, failures: 1}
	s, err := scheduler.New(only(scheduler.Config{Team: team, Loc: ny, Lease: lease, TeamChannel: "C0TEAM"}), store.New(e.srv.Client(), 0), fp, e.clock,
		prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(lease + time.Second)
	s.RunDue(context.Background())
	if n := len(e.poster.all()); n != 0 {
		t.Fatalf("posted %d with the earlier post unknowable; want 0 until it can be checked", n)
	}
	e.clock.Advance(time.Minute)
	s.RunDue(context.Background())
	if n := len(e.poster.all()); n != 1 {
		t.Errorf("after history came back: %d posts; want 1", n)
	}
}

// TestFailedPostsRetryOrDrop: a post that failed for a passing reason is
// tried again shortly (looking for it first); one Slack refused for good is
// dropped rather than retried forever.
func TestFailedPostsRetryOrDrop(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      error
		wantPosts int
		wantQueue int64
	}{
		{"passing failure", fmt.Errorf("chat.postMessage: timeout"), 1, 0},
		{"refused for good", fmt.Errorf("%w: channel_not_found", scheduler.ErrUndeliverable), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.partner("County Health Dept", "U0MARIA")
			e.followUp("county", "U0MARIA", t0.Add(time.Second), "Send the flyer")
			s := e.scheduler(only(scheduler.Config{Quiet: quietOff}))
			e.poster.fail = tc.fail
			e.clock.Advance(time.Second)
			s.RunDue(context.Background())
			e.poster.mu.Lock()
			e.poster.fail = nil
			e.poster.mu.Unlock()
			e.advance(s, time.Minute)
			reminders := 0
			for _, p := range e.poster.all() {
				if strings.HasPrefix(p.Key, "fu:") && strings.HasSuffix(p.Key, ":1") {
					reminders++
				}
			}
			if reminders != tc.wantPosts {
				t.Errorf("first reminder posted %d times; want %d", reminders, tc.wantPosts)
			}
			if _, leased, _ := e.st.QueuedJobs(context.Background(), team); leased != tc.wantQueue {
				t.Errorf("%d jobs still leased; want %d", leased, tc.wantQueue)
			}
		})
	}
}

// TestMonthlyReportOnceWithCharts: on the 1st, last month's impact report
// goes to the team channel once across replicas, its charts attached;
// it counts that month's contacts only; with no team channel, or with the
// schedule off, nothing is posted.
func TestMonthlyReportOnceWithCharts(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	// The next report, on the 1st after the test instant, is about the
	// month before it (on New Year's Day, December).
	first := nextFirst(t0, 9)
	month := first.AddDate(0, -1, 0)
	for _, when := range []time.Time{month.Add(12 * time.Hour), month.AddDate(0, 0, 1).Add(12 * time.Hour), month.AddDate(0, -1, 14)} { // two that month, one the month before
		c := domain.Contact{Method: "call", Direction: "out", Who: "U0MARIA", When: when, Summary: "hi"}
		if _, _, _, err := e.st.LogContact(context.Background(), team, store.PartnerRef{Text: "county"}, c, nil, "U0MARIA", when); err != nil {
			t.Fatal(err)
		}
	}
	cfg := only(scheduler.Config{Schedules: map[string]string{"report": "0 9 1 * *"}})
	replicas := []*scheduler.Scheduler{e.scheduler(cfg), e.scheduler(cfg), e.scheduler(cfg)}
	for _, r := range replicas {
		r.RunDue(context.Background())
	}
	e.clock.Advance(first.AddDate(0, 0, 1).Sub(e.clock.Now())) // the day after: the 09:00 report is due
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() { r.RunDue(context.Background()) })
	}
	wg.Wait()
	var reports []scheduler.Post
	for _, p := range e.poster.all() {
		if k, _ := store.ParseJobID(p.Key); k == scheduler.JobReport {
			reports = append(reports, p)
		}
	}
	if len(reports) != 1 {
		t.Fatalf("%d monthly reports; want 1", len(reports))
	}
	r, name := reports[0], month.Format("January 2006")
	if r.To != "C0TEAM" || !strings.Contains(r.Message.Text, "Impact report") || !strings.Contains(r.Message.Text, name) || len(r.Message.Files) == 0 {
		t.Errorf("report to %s: %q with %d files; want %s's impact report, to the team channel, with charts", r.To, r.Message.Text, len(r.Message.Files), name)
	}
	if !strings.Contains(r.Message.Sections[1].Text, "2: 2 call") {
		t.Errorf("%s's contacts: %q; want the 2 of that month only", name, r.Message.Sections[1].Text)
	}
}

func TestMonthlyReportOff(t *testing.T) {
	for name, cfg := range map[string]scheduler.Config{
		"schedule off":    {Schedules: map[string]string{"report": "off"}},
		"no team channel": {TeamChannel: "-"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			if cfg.TeamChannel == "-" {
				cfg.TeamChannel = ""
			}
			s := e.schedulerWith(only(cfg, scheduler.JobReport))
			s.RunDue(context.Background())
			e.advance(s, nextFirst(t0, 10).Sub(e.clock.Now())) // past the 1st's 09:00
			for _, p := range e.poster.all() {
				if k, _ := store.ParseJobID(p.Key); k == scheduler.JobReport || strings.Contains(p.Message.Text, "Impact report") {
					t.Errorf("a monthly report was posted to %s", p.To)
				}
			}
		})
	}
}

// slowPoster's posts take until release is closed, as a post waits in a
// rate-limited outbox; then they go out.
type slowPoster struct {
	*fakePoster
	started chan struct{}
	release chan struct{}
}

func (p *slowPoster) Post(ctx context.Context, post scheduler.Post) (scheduler.Posted, error) {
	p.started <- struct{}{}
	<-p.release
	return p.fakePoster.Post(ctx, post)
}

// TestDrainKeepsLeases: a stopping replica whose post is still on its way
// (a rolling deploy) keeps renewing its lease while it drains, so another
// replica does not take the job back and post it a second time.
func TestDrainKeepsLeases(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	e.followUp("county", "U0MARIA", t0, "Send the flyer")
	sp := &slowPoster{fakePoster: e.poster, started: make(chan struct{}, 1), release: make(chan struct{})}
	cfg := only(scheduler.Config{Team: team, Loc: ny, Lease: 3 * time.Second, DrainTimeout: time.Minute, TeamChannel: "C0TEAM"})
	s, err := scheduler.New(cfg, store.New(e.srv.Client(), 0), sp, e.clock, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-sp.started
	cancel() // SIGTERM while the post is on its way
	// The drain has begun when its renewal ticker and deadline wait on the
	// clock, beside the run loop's ticker.
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if err := e.clock.BlockUntilContext(wctx, 3); err != nil {
		t.Fatalf("the stopping replica does not renew its leases while it drains: %v", err)
	}
	other := e.scheduler(only(scheduler.Config{Lease: 3 * time.Second}))
	rdb := e.srv.Client()
	for range 20 { // ten seconds of drain: three leases and more
		e.clock.Advance(500 * time.Millisecond)
		// The draining replica renews from its own goroutine: wait until
		// its lease reaches past now before the other replica looks, or
		// give up (the renewal never came).
		now := e.clock.Now().UnixMilli()
		for i := 0; ; i++ {
			until, err := rdb.ZScore(context.Background(), "outreach:{"+team+"}:leases", "fu:1:1").Result()
			if err == nil && int64(until) > now {
				break
			}
			if i == 500 {
				t.Fatalf("the draining replica's lease on fu:1:1 ran out (%v, %v)", until, err)
			}
			time.Sleep(10 * time.Millisecond) // the other goroutine's Redis call, not time passing
		}
		other.RunDue(context.Background())
	}
	close(sp.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := e.poster.byKey(); len(n) != 1 || n[fmt.Sprintf("fu:%d:1", 1)] != 1 {
		t.Errorf("posts by job = %v; want the reminder once, by the draining replica", n)
	}
}

// TestOwnerDigestMondays: on Monday morning each person with something
// to mind gets one DM of what they owe this week; someone with nothing
// gets nothing.
func TestOwnerDigestMondays(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	e.partner("Fresh Partner", "U0PRIYA")
	monday := nextAt(t0, time.Monday, 8)
	e.followUp("county", "U0MARIA", monday.AddDate(0, 0, 1), "Send the flyer")   // due that Tuesday
	e.followUp("county", "U0MARIA", monday.AddDate(0, 0, 20), "Plan the spring") // beyond the week
	e.followUp("fresh", "U0DEVON", monday.AddDate(0, 0, 2), "Call back")
	s := e.scheduler(only(scheduler.Config{Schedules: map[string]string{"owner-digests": "0 8 * * 1"}}))
	e.advance(s, monday.Add(time.Hour).Sub(e.clock.Now())) // past Monday 08:00
	byUser := map[string]string{}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, "owner-digest:") {
			byUser[p.To] += p.Message.Text
		}
	}
	if m := byUser["U0MARIA"]; !strings.Contains(m, "Send the flyer") || strings.Contains(m, "Plan the spring") {
		t.Errorf("maria's week = %q; want this week's follow-up only", m)
	}
	if !strings.Contains(byUser["U0DEVON"], "Call back") {
		t.Errorf("devon's week = %q", byUser["U0DEVON"])
	}
	if _, ok := byUser["U0PRIYA"]; ok {
		t.Errorf("priya, with nothing due and no partner past cadence, got %q", byUser["U0PRIYA"])
	}
	for k, n := range e.poster.byKey() {
		if n != 1 {
			t.Errorf("%s posted %d times", k, n)
		}
	}
}

// TestCheckinSkipsPartnersPausedSinceTheFanOut: a partner paused between
// the quarter's fan-out and its check-in job gets none.
func TestCheckinSkipsPartnersPausedSinceTheFanOut(t *testing.T) {
	e := newEnv(t)
	e.linkedPartner("County Health Dept", "U0MARIA", "paused", "C0COUNTY")
	job := store.JobID(scheduler.JobCheckin, "2027-01-01T10:00", "county-health-dept") // queued while it was active
	if _, err := e.st.EnqueueJobs(context.Background(), team, map[string]time.Time{job: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	s := e.scheduler(scheduler.Config{})
	e.advance(s, time.Hour)
	for _, p := range e.poster.all() {
		if strings.Contains(p.Message.Text, "How is our partnership") {
			t.Errorf("a paused partner got a check-in in %s", p.To)
		}
	}
	if _, ok, _ := e.st.JobQueued(context.Background(), team, job); ok {
		t.Errorf("the check-in job is still queued; want it finished")
	}
}

// TestEventWithSeveralPartners (issue 16, item 7): an event run with
// two partners asks its organizer for attendance naming both, and its
// feedback survey goes into each partner's linked channel, once each;
// a partner without a channel gets none of its own.
func TestEventWithSeveralPartners(t *testing.T) {
	e := newEnv(t)
	e.linkedPartner("County Health Dept", "U0MARIA", "active", "C0COUNTY")
	e.linkedPartner("Eastside Clinic", "U0MARIA", "active", "C0EAST")
	e.partner("Main Street Pharmacy", "U0DEVON")
	delays := store.EventDelays{Feedback: 2 * time.Hour, FollowUp: 30 * 24 * time.Hour}
	_, _, err := e.st.AddEvent(context.Background(), team, store.PartnerRef{Text: "county"}, domain.Event{Title: "Health fair", Type: "health-fair",
		With: []string{"eastside-clinic", "main-street-pharmacy"}, Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Registered: -1}, delays, "U0MARIA", t0)
	if err != nil {
		t.Fatal(err)
	}
	s := e.scheduler(only(scheduler.Config{SurveyDelays: delays, Quiet: quietOff}, store.JobEventEnd, store.JobAttendance, store.JobFeedbackSurvey, store.JobSurveyPost))
	e.advance(s, 4*time.Hour+time.Minute)
	var to []string
	for _, p := range e.poster.all() {
		switch {
		case strings.HasPrefix(p.Key, store.JobAttendance+":"):
			if want := "*Health fair* with *County Health Dept, Eastside Clinic and Main Street Pharmacy*"; !strings.Contains(p.Message.Text, want) {
				t.Errorf("the attendance question: %q; want %q", p.Message.Text, want)
			}
		case strings.HasPrefix(p.Key, "svpost:"):
			to = append(to, p.To)
		}
	}
	slices.Sort(to)
	if want := []string{"C0COUNTY", "C0EAST"}; !slices.Equal(to, want) {
		t.Errorf("surveys posted to %v; want %v", to, want)
	}
}

// TestOneMorningMessage (issue 16, item 9): on a Monday the owner's
// "your week" DM (08:00) carries the stay-in-touch nudge (09:00) inside,
// with its buttons: one message a person that morning, not two an hour
// apart.
func TestOneMorningMessage(t *testing.T) {
	e := newEnv(t)
	e.partner("County Health Dept", "U0MARIA")
	e.partner("Main Street Pharmacy", "U0DEVON")
	monday := nextAt(t0.AddDate(0, 0, 40), time.Monday, 7)
	e.clock.Advance(monday.Sub(e.clock.Now()))
	e.followUp("county", "U0MARIA", monday.Add(48*time.Hour), "Send the flyer")
	s := e.scheduler(only(scheduler.Config{Schedules: map[string]string{"nudges": "0 9 * * 1-5", "owner-digests": "0 8 * * 1"}}, scheduler.JobNudges, scheduler.JobOwnerDigests))
	e.advance(s, 3*time.Hour) // to 10:00
	perPerson := map[string][]scheduler.Post{}
	for _, p := range e.poster.all() {
		if strings.HasPrefix(p.Key, scheduler.JobNudge+":") || strings.HasPrefix(p.Key, scheduler.JobOwnerDigest+":") {
			perPerson[p.To] = append(perPerson[p.To], p)
		}
	}
	if n := len(perPerson["U0MARIA"]); n != 1 {
		t.Fatalf("maria got %d morning messages; want one", n)
	}
	m := perPerson["U0MARIA"][0].Message
	if !strings.Contains(m.Text, "*Your week*") || !strings.Contains(m.Text, "Send the flyer") || !strings.Contains(m.Text, "Time to get in touch") ||
		len(m.Sections) != 1 || !strings.Contains(m.Sections[0].Text, "*County Health Dept*") || len(m.Sections[0].Choices) != 4 {
		t.Errorf("maria's morning message: %q %+v", m.Text, m.Sections)
	}
	if n := len(perPerson["U0DEVON"]); n != 1 {
		t.Errorf("devon got %d morning messages; want one", n)
	}
}
