package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
)

// TestRepeatingFollowUpSeries: each occurrence of a repeating follow-up
// is a follow-up of its own; closing the open one (done or cancel)
// creates the next at the rule's next time, with its reminder queued;
// ending the series, from any of its ids, cancels the open one and
// creates none.
func TestRepeatingFollowUpSeries(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	at9 := func(day time.Time, n int) time.Time {
		l := day.In(ny)
		return time.Date(l.Year(), l.Month(), l.Day()+n, 9, 0, 0, 0, ny)
	}
	first := at9(t0, 1)
	id, _, err := s.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"},
		domain.FollowUp{Assignee: "U2", Due: first, Text: "Check the inbox", Rule: "0 9 * * *", Zone: "America/New_York"}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := s.FollowUp(ctx, team, id)
	if f.Series != id || !f.Occurs.Equal(first) || !f.Repeats() {
		t.Fatalf("first occurrence: %+v", f)
	}
	done, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeDone, time.Time{}, "U2", t0)
	if err != nil || done.Status != domain.StatusDone || done.Next == 0 {
		t.Fatalf("done: %+v, %v; want it done and the next named", done, err)
	}
	next, _ := s.FollowUp(ctx, team, done.Next)
	if next.Series != id || !next.Occurs.Equal(at9(t0, 2)) || !next.Due.Equal(next.Occurs) || next.Text != "Check the inbox" || next.Assignee != "U2" || next.Status != domain.StatusOpen {
		t.Errorf("next occurrence: %+v; want the same promise due %v", next, at9(t0, 2))
	}
	if at, ok, _ := s.JobQueued(ctx, team, next.Job); !ok || !at.Equal(next.Due) {
		t.Errorf("next reminder queued at %v (%v); want its due time", at, ok)
	}
	// Cancelling one occurrence skips it: the series goes on.
	skipped, err := s.ChangeFollowUp(ctx, team, next.ID, domain.ChangeCancel, time.Time{}, "U2", t0)
	if err != nil || skipped.Status != domain.StatusCancelled || skipped.Next == 0 {
		t.Fatalf("cancel one: %+v, %v", skipped, err)
	}
	// Closed after its successor's time had come: the one after now.
	late := at9(t0, 4).Add(time.Hour)
	third, _ := s.FollowUp(ctx, team, skipped.Next)
	closed, err := s.ChangeFollowUp(ctx, team, third.ID, domain.ChangeDone, time.Time{}, "U2", late)
	if err != nil {
		t.Fatal(err)
	}
	fourth, _ := s.FollowUp(ctx, team, closed.Next)
	if !fourth.Occurs.Equal(at9(t0, 5)) {
		t.Errorf("closed late: the next comes %v; want %v, the first time after now", fourth.Occurs, at9(t0, 5))
	}
	// Ended from the first id, which is long closed.
	ended, err := s.ChangeFollowUp(ctx, team, id, domain.ChangeEndSeries, time.Time{}, "U1", late)
	if err != nil || ended.ID != fourth.ID || ended.Status != domain.StatusCancelled || ended.Next != 0 || ended.Repeats() {
		t.Fatalf("end series: %+v, %v; want F%d cancelled, nothing after", ended, err, fourth.ID)
	}
	if open, _ := s.OpenFollowUps(ctx, team, "U2"); len(open) != 0 {
		t.Errorf("open after the series ended: %+v", open)
	}
	if due, _, _ := s.QueuedJobs(ctx, team); due != 0 {
		t.Errorf("%d jobs queued after the series ended", due)
	}
	var fe *store.FollowUpError
	if _, err := s.ChangeFollowUp(ctx, team, third.ID, domain.ChangeEndSeries, time.Time{}, "U1", late); !errors.As(err, &fe) || !errors.Is(err, store.ErrNotSeries) || !fe.FollowUp.SeriesEnded {
		t.Errorf("ending it again: %v; want ErrNotSeries, ended", err)
	}
	plain, _, err := s.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"}, domain.FollowUp{Assignee: "U2", Due: first, Text: "once"}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangeFollowUp(ctx, team, plain, domain.ChangeEndSeries, time.Time{}, "U1", t0); !errors.As(err, &fe) || !errors.Is(err, store.ErrNotSeries) || fe.FollowUp.SeriesEnded {
		t.Errorf("ending one that does not repeat: %v; want ErrNotSeries", err)
	}
	if done, err := s.ChangeFollowUp(ctx, team, plain, domain.ChangeDone, time.Time{}, "U1", t0); err != nil || done.Next != 0 {
		t.Errorf("done on one that does not repeat: %+v, %v; want no next", done, err)
	}
}

// TestRollOccurrence: an open occurrence is carried over only by the
// reminder job it is waiting on, from the time it holds, once.
func TestRollOccurrence(t *testing.T) {
	s, _ := newStore(t)
	addPartner(t, s, "County Health Dept", "")
	ctx := context.Background()
	due := t0.Add(time.Hour).Truncate(time.Minute)
	id, _, err := s.AddFollowUp(ctx, team, store.PartnerRef{Text: "county"},
		domain.FollowUp{Assignee: "U2", Due: due, Text: "x", Rule: "0 9 * * *", Zone: "UTC"}, "U1", t0)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := s.FollowUp(ctx, team, id)
	to := due.Add(24 * time.Hour)
	for _, tc := range []struct {
		name    string
		job     string
		from    time.Time
		wantOK  bool
		wantDue time.Time
	}{
		{"another job", "fu:999:1", due, false, due},
		{"from another time", f.Job, due.Add(-time.Hour), false, due},
		{"its job, its time", f.Job, due, true, to},
		{"again: already there", f.Job, due, true, to},
	} {
		got, ok, err := s.RollOccurrence(ctx, team, id, tc.job, tc.from, to)
		if err != nil || ok != tc.wantOK {
			t.Errorf("%s: %v, %v; want ok %v", tc.name, ok, err, tc.wantOK)
		}
		cur, _ := s.FollowUp(ctx, team, id)
		if !cur.Due.Equal(tc.wantDue) || !cur.Occurs.Equal(tc.wantDue) {
			t.Errorf("%s: due %v, occurs %v; want %v", tc.name, cur.Due, cur.Occurs, tc.wantDue)
		}
		if ok && got.ID != id {
			t.Errorf("%s: returned %+v", tc.name, got)
		}
	}
}
