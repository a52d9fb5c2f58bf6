package store

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKeyMethods pins every key's name, byte for byte, as stored data
// depends on it, and checks that keys has a method for each shape of the
// table, and no method building a key outside it.
func TestKeyMethods(t *testing.T) {
	k := keysFor("T1")
	var pinned []string
	for _, tc := range []struct {
		name string
		args []any
		want string
	}{
		{"Partners", nil, "outreach:{T1}:partners"},
		{"PartnerNames", nil, "outreach:{T1}:partner-names"},
		{"PartnerLex", nil, "outreach:{T1}:partner-lex"},
		{"ChannelIndex", nil, "outreach:{T1}:channel-partner"},
		{"Partner", []any{"county"}, "outreach:{T1}:partner:county"},
		{"People", []any{"county"}, "outreach:{T1}:partner:county:people"},
		{"Contacts", []any{"county"}, "outreach:{T1}:partner:county:contacts"},
		{"ContactLog", []any{"county"}, "outreach:{T1}:partner:county:contact-log"},
		{"ContactPartner", nil, "outreach:{T1}:contact-partner"},
		{"ContactsBy", []any{"U1"}, "outreach:{T1}:contacts:user:U1"},
		{"PartnerFollowUps", []any{"county"}, "outreach:{T1}:partner:county:followups"},
		{"FollowUp", []any{int64(12)}, "outreach:{T1}:followup:12"},
		{"FollowUpTexts", nil, "outreach:{T1}:followup-texts"},
		{"FollowUpsOpen", nil, "outreach:{T1}:followups:open"},
		{"FollowUpsDone", nil, "outreach:{T1}:followups:done"},
		{"FollowUpsOf", []any{"U1"}, "outreach:{T1}:followups:user:U1"},
		{"FollowUpSeries", []any{int64(12)}, "outreach:{T1}:followup-series:12"},
		{"Event", []any{int64(3)}, "outreach:{T1}:event:3"},
		{"Events", nil, "outreach:{T1}:events"},
		{"PartnerEvents", []any{"county"}, "outreach:{T1}:partner:county:events"},
		{"EventSurveys", []any{int64(3)}, "outreach:{T1}:event:3:surveys"},
		{"Survey", []any{int64(4)}, "outreach:{T1}:survey:4"},
		{"SurveyResponses", []any{int64(4)}, "outreach:{T1}:survey:4:responses"},
		{"PartnerSurveys", []any{"county"}, "outreach:{T1}:partner:county:surveys"},
		{"SurveyByOrigin", nil, "outreach:{T1}:survey-by-origin"},
		{"Needs", nil, "outreach:{T1}:needs"},
		{"NeedLog", nil, "outreach:{T1}:need-log"},
		{"PartnerNeeds", []any{"county"}, "outreach:{T1}:partner:county:needs"},
		{"NeedTopics", nil, "outreach:{T1}:need-topics"},
		{"Canvas", []any{"county"}, "outreach:{T1}:canvas:county"},
		{"Canvases", nil, "outreach:{T1}:canvases"},
		{"ContactSeq", nil, "outreach:{T1}:seq:contact"},
		{"FollowUpSeq", nil, "outreach:{T1}:seq:followup"},
		{"EventSeq", nil, "outreach:{T1}:seq:event"},
		{"SurveySeq", nil, "outreach:{T1}:seq:survey"},
		{"NeedSeq", nil, "outreach:{T1}:seq:need"},
		{"Audit", nil, "outreach:{T1}:audit"},
		{"Imported", nil, "outreach:{T1}:imported"},
		{"ImportPending", []any{"U1"}, "outreach:{T1}:import-pending:U1"},
		{"SeenEvent", []any{"Ev1"}, "outreach:{T1}:seen-event:Ev1"},
		{"SeenMessage", []any{"C1", "1764000000.000100"}, "outreach:{T1}:seen-message:C1:1764000000.000100"},
		{"Notified", []any{"unnamed-org:county:U1"}, "outreach:{T1}:notified:unnamed-org:county:U1"},
		{"SchemaVersion", nil, "outreach:{T1}:schema-version"},
		{"Migrating", nil, "outreach:{T1}:migrating"},
		{"SearchToken", []any{"clínica"}, "outreach:{T1}:search:clínica"},
		{"RateChannel", []any{"D024BE91L"}, "outreach:{T1}:rate:channel:D024BE91L"},
		{"RatePosts", nil, "outreach:{T1}:rate:posts"},
		{"Due", nil, "outreach:{T1}:due"},
		{"Leases", nil, "outreach:{T1}:leases"},
		{"Claims", nil, "outreach:{T1}:claims"},
		{"JobsDone", nil, "outreach:{T1}:jobs-done"},
		{"Schedule", []any{"digest"}, "outreach:{T1}:schedule:digest"},
		{"JobFailures", nil, "outreach:{T1}:job-failures"},
		{"JobFailuresAt", nil, "outreach:{T1}:job-failures-at"},
	} {
		pinned = append(pinned, tc.name)
		t.Run(tc.name, func(t *testing.T) {
			m := reflect.ValueOf(k).MethodByName(tc.name)
			if !m.IsValid() {
				t.Fatalf("keys has no method %s", tc.name)
			}
			var in []reflect.Value
			for _, a := range tc.args {
				in = append(in, reflect.ValueOf(a))
			}
			if got := m.Call(in)[0].String(); got != tc.want {
				t.Errorf("%s(%v) = %q; want %q", tc.name, tc.args, got, tc.want)
			}
			if s, ok := ShapeOf(tc.want); !ok || s.Name != tc.name {
				t.Errorf("ShapeOf(%q) = %+v, %v; want %s", tc.want, s, ok, tc.name)
			}
		})
	}
	// Every method but Prefix is a shape of the table, and the reverse.
	var methods, shapes []string
	for i := range reflect.TypeOf(k).NumMethod() {
		if name := reflect.TypeOf(k).Method(i).Name; name != "Prefix" {
			methods = append(methods, name)
		}
	}
	for _, s := range keyShapes {
		shapes = append(shapes, s.name)
	}
	slices.Sort(shapes)
	if diff := cmp.Diff(shapes, methods); diff != "" {
		t.Errorf("methods of keys differ from keyTable (-table +methods):\n%s", diff)
	}
	slices.Sort(pinned)
	if diff := cmp.Diff(shapes, pinned); diff != "" {
		t.Errorf("keys pinned above differ from keyTable (-table +pinned):\n%s", diff)
	}
}

func TestShapeOfRejects(t *testing.T) {
	for _, key := range []string{
		"outreach:T1:partners",                 // no hash tag
		"outreach:{T1}:partner:county:nope",    // no such key
		"outreach:{T1}:followup:twelve",        // id not a number
		"outreach:{T1}:partner-names:extra",    // longer than its shape
		"outreach:{T1}:followups:user:u1",      // not a Slack user id
		"other:{T1}:partners",                  // not ours
		"outreach:{T1}:schedule:Digest",        // not a job kind
		"outreach:{T1}:partner:county:people:", // trailing text
	} {
		if s, ok := ShapeOf(key); ok {
			t.Errorf("ShapeOf(%q) = %+v; want no shape", key, s)
		}
	}
	if s, _ := ShapeOf("outreach:{T1}:claims"); !s.Bookkeeping {
		t.Errorf("claims is not marked as the scheduler's bookkeeping")
	}
	if s, _ := ShapeOf("outreach:{T1}:partner:county"); s.Bookkeeping {
		t.Errorf("a partner is marked as the scheduler's bookkeeping")
	}
}

// TestJobIDs pins every job id, byte for byte (queued jobs depend on it),
// as Go and Lua build it, and that ParseJobID splits it back.
func TestJobIDs(t *testing.T) {
	var pinned []string
	for _, tc := range []struct {
		name, kind string
		params     []string
		want       string
	}{
		{"Reminder", JobReminder, []string{"12", "1"}, "fu:12:1"},
		{"EventEnd", JobEventEnd, []string{"3"}, "evend:3"},
		{"Attendance", JobAttendance, []string{"3"}, "evatt:3"},
		{"FeedbackSurvey", JobFeedbackSurvey, []string{"3"}, "evfb:3"},
		{"FollowUpSurvey", JobFollowUpSurvey, []string{"3"}, "evfu:3"},
		{"SurveyPost", JobSurveyPost, []string{"4"}, "svpost:4"},
		{"Note", JobNote, []string{"county", "12"}, "note:county:12"},
		{"SurveyRemind", JobSurveyRemind, []string{"4"}, "svremind:4"},
		{"SurveyClose", JobSurveyClose, []string{"4"}, "svclose:4"},
		{"Canvas", JobCanvas, []string{"county", "59000001"}, "canvas:county:59000001"},
		{"CanvasNote", JobCanvasNote, []string{"U0LEAD"}, "canvasnote:U0LEAD"},
		// The scheduler's own kinds (scheduler/table.go), by their shape.
		{"Recurring", "digest", []string{"2026-11-30T09:00"}, "digest:2026-11-30T09:00"},
		{"FannedOut", "owner-digest", []string{"2026-11-30T08:00", "U1"}, "owner-digest:2026-11-30T08:00:U1"},
	} {
		pinned = append(pinned, tc.name)
		t.Run(tc.name, func(t *testing.T) {
			i := slices.IndexFunc(jobShapes, func(s *shape) bool { return s.name == tc.name })
			if i < 0 {
				t.Fatalf("no job shape %s", tc.name)
			}
			args := tc.params
			if jobShapes[i].params[0] == "kind" {
				args = append([]string{tc.kind}, tc.params...)
			}
			if got := jobShapes[i].build("", args...); got != tc.want {
				t.Errorf("J.%s = %q; want %q", tc.name, got, tc.want)
			}
			if got := JobID(tc.kind, tc.params...); got != tc.want {
				t.Errorf("JobID(%q, %q) = %q; want %q", tc.kind, tc.params, got, tc.want)
			}
			if kind, rest := ParseJobID(tc.want); kind != tc.kind || rest != strings.Join(tc.params, ":") {
				t.Errorf("ParseJobID(%q) = %q, %q", tc.want, kind, rest)
			}
			if !jobIDPattern().MatchString(tc.want) {
				t.Errorf("%q does not match the job shapes", tc.want)
			}
		})
	}
	var shapes []string
	for _, s := range jobShapes {
		shapes = append(shapes, s.name)
	}
	if diff := cmp.Diff(shapes, pinned); diff != "" {
		t.Errorf("job ids pinned above differ from jobShapes (-table +pinned):\n%s", diff)
	}
	kinds := JobKinds()
	slices.Sort(kinds)
	if k := slices.Compact(slices.Clone(kinds)); len(k) != len(kinds) {
		t.Errorf("a job kind is defined twice: %v", kinds)
	}
}

// jobIDPattern matches any job id of jobShapes.
var jobIDPattern = sync.OnceValue(func() *regexp.Regexp {
	alts := make([]string, len(jobShapes))
	for i, s := range jobShapes {
		alts[i] = s.pattern()
	}
	return regexp.MustCompile(`^(?:` + strings.Join(alts, "|") + `)$`)
})

// TestKeysForManyWorkspaces: a workspace's keys are the same whether they
// come from the cache or are built, for more workspaces than the cache
// keeps, and the cache stops at its bound.
func TestKeysForManyWorkspaces(t *testing.T) {
	for i := range 3 * maxCachedWorkspaces {
		team := "T" + strings.Repeat("X", i%5) + itoa(int64(i))
		for range 2 { // the second time, from the cache where it is kept
			k := keysFor(team)
			if got, want := k.Partners(), "outreach:{"+team+"}:partners"; got != want {
				t.Fatalf("keysFor(%q).Partners() = %q; want %q", team, got, want)
			}
			if got, want := k.Due(), "outreach:{"+team+"}:due"; got != want {
				t.Fatalf("keysFor(%q).Due() = %q; want %q", team, got, want)
			}
			if got, want := k.Partner("county"), "outreach:{"+team+"}:partner:county"; got != want {
				t.Fatalf("keysFor(%q).Partner() = %q; want %q", team, got, want)
			}
		}
	}
	workspaces.RLock()
	n := len(workspaces.m)
	workspaces.RUnlock()
	if n > maxCachedWorkspaces {
		t.Errorf("%d workspaces cached; want at most %d", n, maxCachedWorkspaces)
	}
	if got, want := (keys{prefix: "outreach:{T9}:"}).Audit(), "outreach:{T9}:audit"; got != want {
		t.Errorf("keys without a cache: Audit() = %q; want %q", got, want)
	}
}
