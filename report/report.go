// Package report turns what the team logged into the impact report
// (SPEC §3 `report`): the numbers of a period, a Block Kit summary and
// PNG charts, and the CSV exports. It reads the store a page at a time,
// so a year of a busy network's history fits in flat memory, and it knows
// nothing of Slack or of the command grammar: the commands and the
// scheduler's monthly report both call it.
package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/when"
)

// Source is what a report reads; *store.Store has it.
type Source interface {
	ListPartners(ctx context.Context, team string) ([]domain.Partner, error)
	EachContact(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Contact) error) error
	EachEvent(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Event) error) error
	EachSurvey(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Survey, []domain.Response) error) error
	EachFollowUp(ctx context.Context, team, slug string, f func(domain.FollowUp) error) error
	EachNeed(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Need) error) error
}

// Data is every number of one report.
type Data struct {
	Period  when.Period
	Partner *domain.Partner // nil for the whole workspace
	Now     time.Time
	Loc     *time.Location // the zone days and weeks are counted in

	// Partners in scope (archived ones left out), by stage and health now.
	Partners int
	ByStage  map[string]int
	ByHealth map[string]int
	OneWay   int

	// Contacts that happened in the period.
	Contacts         int
	ContactsByMethod map[string]int
	ContactsIn       int // they reached us
	Weeks            []Week
	Months           []Week // the same by calendar month
	// ByPartner is each partner's share, for the report's table: the
	// partners in scope, archived ones with history included.
	ByPartner []PartnerRow

	// Held is how many events started in the period, by now; Events are
	// the latest EventsKept of them, oldest first (what the charts and
	// the table show), so memory stays flat over any history. Upcoming
	// are the period's events still to start.
	Held       int
	Events     []domain.Event
	Upcoming   int
	Registered int // summed over events whose registration is known
	Attended   int // summed over events whose attendance is recorded
	// AttendedOf is the registration of the events whose attendance and
	// registration are both known: attendance against registration.
	AttendedOf, AttendedWithRegistration int
	NoAttendance                         int // events over, attendance not recorded

	// Surveys created in the period, by template.
	Surveys map[string]*SurveyStats

	// Needs heard in the period, ranked, with the previous period's counts.
	Needs      []TopicCount
	NeedsTotal int

	// Follow-ups that fell due in the period, by now; DueLater are the
	// period's open follow-ups not due yet.
	DueOnTime, DueLate, DueOpen, DueCancelled int
	DueLater                                  int
}

// EventsKept is how many of the period's latest events a report keeps
// for its charts and table (a table shows at most 100).
const EventsKept = 100

// Counted is the part of the period the numbers cover: up to now when
// the period runs past it.
func (d *Data) Counted() when.Period { return d.Period.Counted(d.Now) }

// PartnerRow is one partner's contacts, events and people reached in
// the period, and its last contact ever.
type PartnerRow struct {
	Slug, Name                string
	Archived                  bool
	Contacts, Events, Reached int
	LastContact               time.Time
}

// Week is the contacts of one week (Monday to Sunday in the team's zone).
type Week struct {
	Start    time.Time
	ByMethod map[string]int
}

// SurveyStats sums one template's surveys: how many went out, how many
// people answered, and the rating that stands for the template (Rated).
type SurveyStats struct {
	Surveys, Responses int
	RatingSum, Ratings int
	Question           string // the question averaged
}

// Average is the mean rating; 0 when nobody rated.
func (s *SurveyStats) Average() float64 {
	if s == nil || s.Ratings == 0 {
		return 0
	}
	return float64(s.RatingSum) / float64(s.Ratings)
}

// TopicCount is one need topic's count in the period and the one before.
type TopicCount struct {
	Topic           string
	Count, Previous int
	Latest          []domain.Need // the latest notes, newest first (up to 3)
}

// Gather reads the numbers of period for one partner (slug) or the whole
// workspace (slug ""). loc is the zone weeks are counted in. Only what
// has happened by now counts: contacts, needs and surveys up to now,
// events that have started, follow-ups that have fallen due. What the
// period still holds is counted apart (Upcoming, DueLater).
func Gather(ctx context.Context, src Source, team, slug string, period when.Period, now time.Time, loc *time.Location) (*Data, error) {
	all, err := src.ListPartners(ctx, team)
	if err != nil {
		return nil, err
	}
	d := &Data{Period: period, Now: now, Loc: loc, ByStage: map[string]int{}, ByHealth: map[string]int{},
		ContactsByMethod: map[string]int{}, Surveys: map[string]*SurveyStats{}}
	var scope []domain.Partner
	for i, p := range all {
		if slug != "" && p.Slug != slug {
			continue
		}
		if slug != "" {
			d.Partner = &all[i]
		}
		scope = append(scope, p)
		if p.Archived {
			continue // history still counts; the registry does not
		}
		d.Partners++
		d.ByStage[p.Stage]++
		h := p.Health(now)
		d.ByHealth[h.State]++
		if h.OneWay {
			d.OneWay++
		}
	}
	if slug != "" && d.Partner == nil {
		return nil, fmt.Errorf("report: partner %q: %w", slug, store.ErrNotFound)
	}
	counted := period.Counted(now)
	weeks, months := newWeeks(counted, loc), newMonths(counted, loc)
	rows := map[string]*PartnerRow{}
	for _, p := range scope {
		row := &PartnerRow{Slug: p.Slug, Name: p.Name, Archived: p.Archived, LastContact: p.LastContact}
		rows[p.Slug] = row
		if err := src.EachContact(ctx, team, p.Slug, counted.From, counted.To, func(c domain.Contact) error {
			d.Contacts++
			row.Contacts++
			d.ContactsByMethod[c.Method]++
			if c.Direction == "in" {
				d.ContactsIn++
			}
			weeks.add(c.When, c.Method)
			months.add(c.When, c.Method)
			return nil
		}); err != nil {
			return nil, err
		}
		if err := src.EachSurvey(ctx, team, p.Slug, counted.From, counted.To, d.addSurvey); err != nil {
			return nil, err
		}
		if err := src.EachFollowUp(ctx, team, p.Slug, func(f domain.FollowUp) error {
			if !counted.Contains(f.Due) {
				if period.Contains(f.Due) && f.Status == domain.StatusOpen {
					d.DueLater++
				}
				return nil
			}
			switch {
			case f.Status == domain.StatusCancelled:
				d.DueCancelled++
			case f.Status == domain.StatusOpen:
				d.DueOpen++
			case !f.DoneAt.IsZero() && !f.DoneOnTime(loc):
				d.DueLate++
			default:
				d.DueOnTime++
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	d.Weeks, d.Months = weeks.list, months.list
	if err := src.EachEvent(ctx, team, slug, period.From, period.To, func(e domain.Event) error {
		if !counted.Contains(e.Start) {
			d.Upcoming++
			return nil
		}
		d.Held++
		if d.Events = append(d.Events, e); len(d.Events) >= 2*EventsKept {
			d.Events = append(d.Events[:0], d.Events[len(d.Events)-EventsKept:]...)
		}
		for _, ps := range append([]string{e.Partner}, e.With...) {
			if row := rows[ps]; row != nil {
				row.Events++
				row.Reached += max(e.Attended, 0)
			}
		}
		if e.Registered >= 0 {
			d.Registered += e.Registered
		}
		switch {
		case e.Attended >= 0:
			d.Attended += e.Attended
			if e.Registered >= 0 {
				d.AttendedWithRegistration += e.Attended
				d.AttendedOf += e.Registered
			}
		case e.End.Before(now):
			d.NoAttendance++
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if len(d.Events) > EventsKept {
		d.Events = d.Events[len(d.Events)-EventsKept:]
	}
	if err := d.gatherNeeds(ctx, src, team, slug); err != nil {
		return nil, err
	}
	for _, p := range scope {
		if r := rows[p.Slug]; !r.Archived || r.Contacts > 0 || r.Events > 0 {
			d.ByPartner = append(d.ByPartner, *r)
		}
	}
	return d, nil
}

func (d *Data) addSurvey(sv domain.Survey, rs []domain.Response) error {
	st := d.Surveys[sv.Template]
	if st == nil {
		st = &SurveyStats{Question: domain.Templates[sv.Template].Rated}
		d.Surveys[sv.Template] = st
	}
	st.Surveys++
	st.Responses += len(rs)
	for _, r := range rs {
		var v int
		if _, err := fmt.Sscanf(r.Answers[st.Question], "%d", &v); err == nil && v >= 1 && v <= 5 {
			st.RatingSum += v
			st.Ratings++
		}
	}
	return nil
}

// gatherNeeds counts needs by topic in the period and the one before.
func (d *Data) gatherNeeds(ctx context.Context, src Source, team, slug string) error {
	var err error
	d.Needs, d.NeedsTotal, err = Needs(ctx, src, team, slug, d.Counted())
	return err
}

// NeedSource is what Needs reads.
type NeedSource interface {
	EachNeed(ctx context.Context, team, slug string, from, to time.Time, f func(domain.Need) error) error
}

// Needs ranks the topics of the needs heard in period — of one partner,
// or of all when slug is "" — with the period before's counts, and
// returns how many needs were heard in period.
func Needs(ctx context.Context, src NeedSource, team, slug string, period when.Period) ([]TopicCount, int, error) {
	return NeedsWhere(ctx, src, team, slug, period, nil)
}

// NeedsWhere is Needs of the needs keep accepts (all when keep is nil):
// what one organization told the team, say.
func NeedsWhere(ctx context.Context, src NeedSource, team, slug string, period when.Period, keep func(domain.Need) bool) ([]TopicCount, int, error) {
	total := 0
	counts := map[string]*TopicCount{}
	get := func(t string) *TopicCount {
		if counts[t] == nil {
			counts[t] = &TopicCount{Topic: t}
		}
		return counts[t]
	}
	prev := period.Previous()
	if err := src.EachNeed(ctx, team, slug, prev.From, prev.To, func(n domain.Need) error {
		if keep != nil && !keep(n) {
			return nil
		}
		for _, t := range n.Topics {
			get(t).Previous++
		}
		return nil
	}); err != nil {
		return nil, 0, err
	}
	if err := src.EachNeed(ctx, team, slug, period.From, period.To, func(n domain.Need) error {
		if keep != nil && !keep(n) {
			return nil
		}
		total++
		for _, t := range n.Topics {
			tc := get(t)
			tc.Count++
			tc.Latest = append([]domain.Need{n}, tc.Latest...) // oldest first in, newest first out
			if len(tc.Latest) > 3 {
				tc.Latest = tc.Latest[:3]
			}
		}
		return nil
	}); err != nil {
		return nil, 0, err
	}
	return RankTopics(counts), total, nil
}

// RankTopics orders topics by count in the period, then by growth, then
// by name; topics heard only in the period before are kept last, so a
// need that went quiet still shows as ▼.
func RankTopics(counts map[string]*TopicCount) []TopicCount {
	out := make([]TopicCount, 0, len(counts))
	for _, tc := range counts {
		out = append(out, *tc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if da, db := a.Count-a.Previous, b.Count-b.Previous; da != db {
			return da > db
		}
		return a.Topic < b.Topic
	})
	return out
}

// Trend is a topic's change from the previous period: "▲3", "▼1", "new"
// or "=".
func (tc TopicCount) Trend() string {
	switch diff := tc.Count - tc.Previous; {
	case tc.Previous == 0 && tc.Count > 0:
		return "new"
	case diff > 0:
		return fmt.Sprintf("▲%d", diff)
	case diff < 0:
		return fmt.Sprintf("▼%d", -diff)
	}
	return "="
}

// weeks buckets contacts by the week they happened in (or the month).
type weeks struct {
	list []Week // by start, each bucket running to the next one's start
}

func newWeeks(p when.Period, loc *time.Location) *weeks {
	w := &weeks{}
	for s := weekStart(p.From, loc); s.Before(p.To); s = s.AddDate(0, 0, 7) {
		w.list = append(w.list, Week{Start: s, ByMethod: map[string]int{}})
	}
	return w
}

// newMonths buckets contacts by calendar month instead.
func newMonths(p when.Period, loc *time.Location) *weeks {
	w := &weeks{}
	y, m, _ := p.From.In(loc).Date()
	for s := time.Date(y, m, 1, 0, 0, 0, 0, loc); s.Before(p.To); s = s.AddDate(0, 1, 0) {
		w.list = append(w.list, Week{Start: s, ByMethod: map[string]int{}})
	}
	return w
}

// add counts a contact at t in the last bucket starting by t: the
// buckets' starts are local midnights, so no zone is looked up per
// contact.
func (w *weeks) add(t time.Time, method string) {
	i := sort.Search(len(w.list), func(i int) bool { return w.list[i].Start.After(t) }) - 1
	if i >= 0 {
		w.list[i].ByMethod[method]++
	}
}

// weekStart is the Monday 00:00 of t's week in loc.
func weekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	back := (int(t.Weekday()) + 6) % 7
	y, m, d := t.AddDate(0, 0, -back).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
