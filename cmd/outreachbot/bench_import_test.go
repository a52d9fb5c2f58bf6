//go:build bench

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
	"github.com/outreachbot/outreachbot/store"
	"github.com/outreachbot/outreachbot/store/storetest"
)

// The import row: a CSV of 50 partners and 10⁵ contacts over a year,
// read from disk by `import <path>` as the console does it (a Slack drop
// reads the same temporary file after its download): the dry run, then
// import confirm, each time into a fresh workspace of its own
// redis-server. Time is wall time; memory the peak Go heap in use above
// what it held before (measure).

const importContacts = 100_000

type importResult struct {
	fileBytes          int64
	dryTime, applyTime time.Duration
	dryPeak, applyPeak uint64
	stored             int
}

func (b *bench) importRow(t *testing.T) {
	res := importAt(t)
	b.mu.Lock()
	b.results.imports = append(b.results.imports, res)
	b.mu.Unlock()
}

func importAt(t *testing.T) *importResult {
	rs := storetest.NewWith(t, storetest.Options{AppendOnly: true, AppendFsync: "everysec"})
	st := store.New(rs.Client(), 10*time.Second)
	loc, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, loc)
	path := filepath.Join(t.TempDir(), "contacts-a-year.csv")
	size := writeImportCSV(t, path, now.AddDate(-1, 0, 0), now)
	h := commands.New(st, clockwork.NewFakeClockAt(now), commands.Config{Loc: loc, Directory: consoleDirectory{}, Files: consoleDirectory{}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	do := func(ws int, text string) message.Reply {
		req := commands.Request{Team: fmt.Sprintf("T0IMPORT%d", ws), User: "U0YOU", UserTeam: "T0IMPORT", Role: commands.RoleAdmin, Channel: "D0YOU", Door: commands.DoorConsole, Text: text, Loc: loc}
		r := h.Handle(context.Background(), req)
		if r.Later == nil {
			t.Fatalf("%s: %s", text, r.Text)
		}
		out := r.Later(context.Background())
		if out.Outcome != message.OutcomeOK {
			t.Fatalf("%s: %s %s", text, out.Outcome, out.Text)
		}
		return out
	}
	res := &importResult{fileBytes: size}
	// measure runs each twice; each run is a workspace of its own, so
	// that the second imports as much as the first: two dry runs, then
	// each one's import confirm.
	dry, apply := 0, 0
	res.dryTime, res.dryPeak = measure(func() {
		dry++
		if r := do(dry, "import "+path); !strings.Contains(r.Text, fmt.Sprintf("%d contacts", importContacts)) {
			t.Fatalf("dry run: %s", r.Text)
		}
	})
	res.applyTime, res.applyPeak = measure(func() {
		apply++
		if r := do(apply, "import confirm"); !strings.Contains(r.Text, fmt.Sprintf("Imported `contacts-a-year.csv`: 50 partners, %d contacts.", importContacts)) {
			t.Fatalf("import: %s", r.Text)
		}
	})
	runs := apply
	var total int64
	for i := 0; i < 50; i++ {
		n, err := st.CountContacts(context.Background(), fmt.Sprintf("T0IMPORT%d", runs-1), fmt.Sprintf("partner-%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	res.stored = int(total)
	t.Logf("import %d contacts (%.1f MB): dry run %s (peak +%.1f MB), import %s (peak +%.1f MB)", importContacts, float64(size)/1e6,
		res.dryTime.Round(time.Millisecond), mb(res.dryPeak), res.applyTime.Round(time.Millisecond), mb(res.applyPeak))
	return res
}

// writeImportCSV writes 50 partners and importContacts contacts between
// from and to, as one mixed table.
func writeImportCSV(t *testing.T, path string, from, to time.Time) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "record,name,kind,partner,when,method,direction,who,summary,outcome")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(w, "partner,Partner %02d,clinic,,,,,,,\n", i)
	}
	span := to.Sub(from)
	for i := 0; i < importContacts; i++ {
		at := from.Add(time.Duration(int64(i) * int64(span) / importContacts))
		fmt.Fprintf(w, "contact,,,partner-%02d,%s,%s,%s,U0MARIA,Contact %07d about the health fair and the flu clinic schedule,%s\n",
			i%50, at.Format(time.RFC3339), domain.Methods[i%len(domain.Methods)], []string{"out", "out", "in"}[i%3], i, []string{"", "", "", "agreed to host"}[i%4])
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return st.Size()
}

// importRows adds the import row to the table.
func (r benchResults) importRows(tab *table) {
	for _, x := range r.imports {
		tab.rule()
		tab.row(fmt.Sprintf("import: %s contacts and 50 partners, one CSV (%.1f MB)", count(importContacts), float64(x.fileBytes)/1e6), "", "", "",
			fmt.Sprintf("%s stored, batches of 500 rows a script", count(float64(x.stored))))
		tab.row("  dry run: counts, errors, first rows", ms(x.dryTime), "", "", "")
		tab.row("  dry run: peak Go heap growth", fmt.Sprintf("%.1f MB", mb(x.dryPeak)), "flat", "", "")
		tab.row("  import confirm", ms(x.applyTime), "", "", "")
		tab.row("  import: peak Go heap growth", fmt.Sprintf("%.1f MB", mb(x.applyPeak)), "flat", "", "")
	}
}
