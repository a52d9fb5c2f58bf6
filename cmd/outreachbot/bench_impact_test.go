//go:build bench

package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	impact "github.com/outreachbot/outreachbot/report"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
	"github.com/outreachbot/outreachbot/when"
)

// The impact rows: the report (numbers, summary with Slack's charts and
// table, the three PNG charts and the one-page PDF) and the contacts
// export over a year of a network's history, at two sizes: 10⁵ contacts
// and 10⁴ events, and ten times that, each on its own redis-server.
// Time is wall time; memory is the peak of the Go heap in use above what
// it held before, sampled every millisecond.

const impactPartners = 50

// impactSize is one size of history.
type impactSize struct{ contacts, events, needs int }

var impactSizes = []impactSize{{100_000, 10_000, 5_000}, {1_000_000, 100_000, 50_000}}

type impactResult struct {
	impactSize
	seed                    time.Duration
	reportTime, exportTime  time.Duration
	reportPeak, exportPeak  uint64 // bytes above the baseline
	chartBytes, exportBytes int64
	pdfBytes                int64
}

func (b *bench) impact(t *testing.T) {
	for _, size := range impactSizes {
		// A subtest each, so each size's redis-server stops before the
		// next starts.
		t.Run(fmt.Sprint(size.contacts), func(t *testing.T) {
			res := impactAt(t, size)
			b.mu.Lock()
			b.results.impact = append(b.results.impact, res)
			b.mu.Unlock()
		})
	}
}

func impactAt(t *testing.T, size impactSize) *impactResult {
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	st := store.New(rs.Client(), 10*time.Second)
	ctx := context.Background()
	loc, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, loc)
	yearAgo := now.AddDate(-1, 0, 0)
	start := time.Now()
	slugs := make([]string, impactPartners)
	for i := range slugs {
		p := domain.Partner{Slug: fmt.Sprintf("partner-%02d", i), Name: fmt.Sprintf("Partner %02d", i), Kind: "clinic", Stage: domain.Stages[i%len(domain.Stages)], Cadence: 30}
		if err := st.AddPartner(ctx, home, p, "U0BENCH", yearAgo); err != nil {
			t.Fatal(err)
		}
		slugs[i] = p.Slug
	}
	at := func(i, n int) time.Time {
		return yearAgo.Add(time.Duration(int64(i) * int64(now.Sub(yearAgo)) / int64(n)))
	}
	methods := domain.Methods
	if err := parallel(size.contacts, 16, func(i int) error {
		c := domain.Contact{Method: methods[i%len(methods)], Direction: []string{"out", "out", "in"}[i%3], Who: "U0BENCH", When: at(i, size.contacts),
			Summary: fmt.Sprintf("Contact %07d about the health fair and the flu clinic schedule", i)}
		_, _, _, err := st.LogContact(ctx, home, store.PartnerRef{Text: slugs[i%impactPartners]}, c, nil, "U0BENCH", c.When)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := parallel(size.events, 16, func(i int) error {
		s := at(i, size.events)
		id, _, err := st.AddEvent(ctx, home, store.PartnerRef{Text: slugs[i%impactPartners]}, domain.Event{Title: fmt.Sprintf("Workshop %06d", i), Type: "workshop",
			Start: s, End: s.Add(time.Hour), Registered: 20 + i%30, Resources: []string{"room", "books"}}, store.EventDelays{Feedback: time.Hour, FollowUp: 720 * time.Hour}, "U0BENCH", now)
		if err != nil {
			return err
		}
		return st.SetAttended(ctx, home, id, 10+i%25, "U0BENCH", now)
	}); err != nil {
		t.Fatal(err)
	}
	topics := []string{"diabetes", "mental-health", "transportation", "nutrition", "vaccines", "housing", "dental", "insurance"}
	if err := parallel(size.needs, 16, func(i int) error {
		_, err := st.AddNeed(ctx, home, domain.Need{Topics: []string{topics[i%len(topics)]}, Note: "heard at the branch", Partner: slugs[i%impactPartners], Who: "U0BENCH", At: at(i, size.needs)}, "U0BENCH", now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	res := &impactResult{impactSize: size, seed: time.Since(start)}
	period := when.NewPeriod("the last 12 months", yearAgo, now, now, loc)

	res.reportTime, res.reportPeak = measure(func() {
		res.chartBytes = 0
		d, err := impact.Gather(ctx, st, home, "", period, now, loc)
		if err != nil {
			t.Fatal(err)
		}
		_ = impact.Summary(d)
		files, err := impact.Charts(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			w := &countWriter{}
			if err := f.Write(w); err != nil {
				t.Fatal(err)
			}
			res.chartBytes += w.n
		}
		w := &countWriter{}
		if err := impact.PDF(d, impact.Letter).Write(w); err != nil {
			t.Fatal(err)
		}
		res.pdfBytes = w.n
	})
	res.exportTime, res.exportPeak = measure(func() {
		w := &countWriter{}
		f := impact.Export(ctx, st, nil, home, "contacts", "", impact.AllTime, now, loc)
		if err := f.Write(w); err != nil {
			t.Fatal(err)
		}
		res.exportBytes = w.n
	})
	t.Logf("impact %d contacts: seeded in %s; report %s (peak +%.1f MB), export %s (peak +%.1f MB, %.1f MB of CSV)", size.contacts,
		res.seed.Round(time.Millisecond), res.reportTime.Round(time.Millisecond), mb(res.reportPeak), res.exportTime.Round(time.Millisecond), mb(res.exportPeak), float64(res.exportBytes)/1e6)
	return res
}

// measure runs f twice: once for its wall time, as it runs in the bot,
// and once for the peak Go heap in use above the heap before it, sampled
// every millisecond with the collector running at every 10 % of growth.
// The benchmark's process holds the whole run's recorded posts, and at
// the default pace the collector would let garbage grow to their size
// before collecting: that would measure the process, not f.
func measure(f func()) (time.Duration, uint64) {
	start := time.Now()
	f()
	d := time.Since(start)
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
				peak.Store(m.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	return d, peak.Load()
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// impactRows adds the report and export rows to the table, a group per
// size of history.
func (r benchResults) impactRows(tab *table) {
	for _, x := range r.impact {
		tab.rule()
		tab.row(fmt.Sprintf("impact: %s contacts, %s events, a year, 50 partners", count(float64(x.contacts)), count(float64(x.events))), "", "", "",
			fmt.Sprintf("store straight to its own redis-server (AOF everysec), seeded in %s", x.seed.Round(time.Second)))
		tab.row("  report: numbers, message, 3 PNGs, 1-page PDF", ms(x.reportTime), "≤ 2 s (issue)", verdict(x.reportTime <= 2*time.Second),
			fmt.Sprintf("%.0f KB of charts, %.0f KB of PDF", float64(x.chartBytes)/1e3, float64(x.pdfBytes)/1e3))
		tab.row("  report: peak Go heap growth", fmt.Sprintf("%.1f MB", mb(x.reportPeak)), "≤ 50 MB", verdict(mb(x.reportPeak) <= 50), "")
		tab.row("  export contacts: CSV, streamed", ms(x.exportTime), "≤ 2 s (issue)", verdict(x.exportTime <= 2*time.Second), fmt.Sprintf("%.1f MB of CSV", float64(x.exportBytes)/1e6))
		tab.row("  export: peak Go heap growth", fmt.Sprintf("%.1f MB", mb(x.exportPeak)), "≤ 50 MB", verdict(mb(x.exportPeak) <= 50), "pages of 1,000 records")
	}
}
