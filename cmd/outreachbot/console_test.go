package main

import (
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/outreachbot/outreachbot/internal/golden"
	"github.com/outreachbot/outreachbot/internal/testclock"
)

// consoleRun pipes lines into `outreachbot console --demo`, its clock
// at the test instant, and returns what it printed. The console's
// embedded store is its zero-setup default; these tests check the
// console itself, not storage.
func consoleRun(t *testing.T, env map[string]string, lines ...string) string {
	t.Helper()
	var out strings.Builder
	code := run(context.Background(), testclock.New(), []string{"console", "--demo"}, func(k string) string { return env[k] },
		strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, io.Discard)
	if code != 0 {
		t.Fatalf("console exited %d:\n%s", code, out.String())
	}
	return out.String()
}

// after returns what was printed after the echo of line.
func after(out, line string) string {
	_, rest, _ := strings.Cut(out, "> "+line+"\n")
	if i := strings.Index(rest, "\n> "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func TestConsoleLogThenHistoryNewestFirst(t *testing.T) {
	out := consoleRun(t, nil, "partner list", `log county call "Talked about flu clinic"`, "history county")
	if got := after(out, "partner list"); strings.Count(got, "\n•") < 6 {
		t.Errorf("partner list shows fewer than 6 demo partners:\n%s", got)
	}
	if got := after(out, `log county call "Talked about flu clinic"`); !strings.Contains(got, "Logged call → *County Health Dept*") {
		t.Errorf("log reply = %q", got)
	}
	hist := strings.Split(strings.TrimSpace(after(out, "history county")), "\n")
	if len(hist) < 3 || !strings.Contains(hist[1], "Talked about flu clinic") {
		t.Errorf("history does not show the new contact first:\n%s", strings.Join(hist, "\n"))
	}
}

func TestConsoleReminderDoneAndNudge(t *testing.T) {
	// The demo holds 19 follow-ups, a year's worth: this one is F20.
	out := consoleRun(t, nil, `followup county tomorrow "Send the flyer"`, ":advance 1d", "done F20", ":advance 5d")
	reminders := regexp.MustCompile(`(?s)── DM to @you · [^\n]*──\n[^\n]*Follow-up .F20.[^\n]*Send the flyer`).FindAllString(out, -1)
	if len(reminders) != 1 {
		t.Errorf("reminder printed %d times before done; want once:\n%s", len(reminders), out)
	}
	if !strings.Contains(after(out, ":advance 1d"), "[1] Done  [2] Snooze 1 day  [3] Snooze 1 week  [4] Log contact") {
		t.Errorf("the reminder lacks its choices:\n%s", after(out, ":advance 1d"))
	}
	if !strings.Contains(after(out, "done F20"), "Done: `F20`") {
		t.Errorf("done F20 = %q", after(out, "done F20"))
	}
	if strings.Contains(after(out, ":advance 5d"), "Send the flyer") {
		t.Errorf("a done follow-up was reminded again")
	}
	// Main Street Pharmacy is past its 30-day cadence in the demo.
	if !strings.Contains(out, "── DM to @maria") || !strings.Contains(out, "*Main Street Pharmacy*") {
		t.Errorf("no nudge for the overdue partner:\n%s", out)
	}
}

func TestConsoleSurveyAfterEvent(t *testing.T) {
	out := consoleRun(t, nil, `event add county "Flu talk" now until:1h`, ":advance 3h", ":in #county-health-shared", ":press 4", ":press 6", ":press 9 Very clear, thanks", "survey results E16")
	if n := strings.Count(out, "How was “Flu talk”?"); n != 4 { // posted once, then shown updated after each press
		t.Errorf("survey text appears %d times; want the post and three updates", n)
	}
	if !strings.Contains(after(out, ":advance 3h"), "── #county-health-shared") {
		t.Errorf("the survey was not posted to the partner's channel:\n%s", after(out, ":advance 3h"))
	}
	_, res, _ := strings.Cut(out, "> survey results E16\n") // the demo holds 15 events; this is E16
	for _, want := range []string{"1 response", "*4.0* average of 1 rating", "Yes 1", "Very clear, thanks"} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %q:\n%s", want, res)
		}
	}
}

// TestConsoleCommentFirst: a survey answered with a comment before any
// rating reads back in the console's embedded store as in Redis.
func TestConsoleCommentFirst(t *testing.T) {
	out := consoleRun(t, nil, "survey checkin county", ":advance 1m", ":in #county-health-shared", ":press 11 Great partnership", "survey results S8")
	_, res, _ := strings.Cut(out, "> survey results S8\n") // the last line: all the rest
	if !strings.Contains(res, "Great partnership") || strings.Contains(res, "went wrong") {
		t.Errorf("results after a comment first:\n%s", res)
	}
}

// TestConsoleNamesResolve: in the console, people are named as they are
// shown (@maria); Slack would send their ids.
func TestConsoleNamesResolve(t *testing.T) {
	out := consoleRun(t, nil, `partner add "Test Clinic" owner:@maria`, `followup test tomorrow "Call them" to:@devon`, "followups @devon", "partner list owner:@you")
	if !strings.Contains(after(out, `partner add "Test Clinic" owner:@maria`), "owner @maria") {
		t.Errorf("owner:@maria: %s", after(out, `partner add "Test Clinic" owner:@maria`))
	}
	if got := after(out, "followups @devon"); !strings.Contains(got, "Call them") {
		t.Errorf("followups @devon: %s", got)
	}
	if got := after(out, "partner list owner:@you"); !strings.Contains(got, "Lincoln Elementary") || strings.Contains(got, "County Health") {
		t.Errorf("partner list owner:@you: %s", got)
	}
}

// TestConsoleWeekGolden is a first week as the console shows it, from a
// fixed morning of its own (the golden file shows its dates): a liaison writes in a DM, their note reaches the
// partner's owner, and the team snoozes and answers it.
func TestConsoleWeekGolden(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	start := clockwork.NewFakeClockAt(time.Date(2026, 11, 30, 10, 0, 0, 0, ny)) // a Monday
	lines := []string{
		":as liaison", ":in dm",
		`log meeting "Can we move the January workshop to the 14th?"`,
		`need transportation "Families can't get to the evening class"`,
		"followups",
		":as maria", ":in dm",
		":advance 1m",
		"history county 2",
		`log county call "Called Dana back about the 14th"`,
		`contact edit last "Emailed Dana back about the 14th" method:email`,
		`followup county friday "Confirm the 14th with Dana"`,
		"snooze F20 monday",
		"snooze F20 3d",
		"followups",
		"needs 30d county",
	}
	var out strings.Builder
	code := run(context.Background(), start, []string{"console", "--demo"}, func(k string) string {
		return map[string]string{"OUTREACH_TZ": "America/New_York"}[k]
	}, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, io.Discard)
	if code != 0 {
		t.Fatalf("console exited %d:\n%s", code, out.String())
	}
	golden.Check(t, "console-week.golden", out.String())
}

// TestConsoleReportFilesNeverOverwritten: the console writes a report's
// charts and PDF to files named by scope and period; the same report
// asked again gets new names, so the first one's files stay as printed.
func TestConsoleReportFilesNeverOverwritten(t *testing.T) {
	// The last 12 months, not this year: on New Year's Day this year has
	// nothing yet.
	out := consoleRun(t, nil, "report period:12mo pdf", "report period:12mo pdf", "report county")
	paths := regexp.MustCompile(`📎 [^\n]*: (\S+)`).FindAllStringSubmatch(out, -1)
	seen := map[string]bool{}
	pdfs := 0
	for _, m := range paths {
		p := m[1]
		if seen[p] {
			t.Errorf("%s printed twice: a later report overwrote an earlier one's file", p)
		}
		seen[p] = true
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("printed %s, which cannot be read: %v", p, err)
			continue
		}
		if strings.HasSuffix(p, ".pdf") {
			pdfs++
			if !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("%s is not a PDF", p)
			}
		}
	}
	// 12 months of the demo have contacts, events and needs: 3 charts and the
	// PDF, twice; the partner's last 30 days at least its contacts.
	if len(paths) < 2*(3+1)+1 || pdfs != 2 {
		t.Errorf("printed %d files, %d of them PDFs; want 3 charts and a PDF twice, then the partner's charts:\n%s", len(paths), pdfs, out)
	}
	if !strings.Contains(out, "county-health-dept") {
		t.Errorf("a partner's report's files do not name the partner:\n%s", out)
	}
}

// TestConsoleChannelByName: the console knows its channels by name, so
// channel:#name (the README's own example) links one, as a picked
// <#C…> does in Slack.
func TestConsoleChannelByName(t *testing.T) {
	line := `partner add "Lincoln Library Friends" channel:#outreach-team`
	out := consoleRun(t, nil, line, "partner set lincoln channel:#no-such-channel")
	if got := after(out, line); !strings.Contains(got, "Linked to #outreach-team") {
		t.Errorf("%s:\n%s", line, got)
	}
	if got := after(out, "partner set lincoln channel:#no-such-channel"); !strings.Contains(got, "`channel:` needs a channel") {
		t.Errorf("an unknown channel name: %s", got)
	}
}

// TestConsolePressIsYours: :press presses the last buttons shown to the
// person typing, where they are typing: not a reminder in someone
// else's DM, nor a survey in a channel they are not in.
func TestConsolePressIsYours(t *testing.T) {
	// Due tomorrow at 09:00, so two days on it has been posted whatever the
	// hour now; the morning's nudges and Monday's your-week DM, which
	// carry buttons of their own, are off, so Maria's last buttons are
	// her reminder's.
	off := map[string]string{"OUTREACH_SCHEDULE_NUDGES": "off", "OUTREACH_SCHEDULE_OWNER_DIGEST": "off"}
	out := consoleRun(t, off, `followup county tomorrow "Send the flyer" to:@maria`, ":advance 2d", ":press 1", ":as maria", ":press 1", ":press 1")
	_, rest, _ := strings.Cut(out, "> :advance 2d\n")
	first := after(rest, ":press 1")
	if !strings.Contains(first, "no message with buttons for you here") {
		t.Errorf("you pressed Maria's reminder:\n%s", first)
	}
	_, asMaria, _ := strings.Cut(rest, "> :as maria\n")
	if got := after(asMaria, ":press 1"); !strings.Contains(got, "Done") || strings.Contains(got, "no message with buttons") {
		t.Errorf("Maria pressing her reminder's Done:\n%s", got)
	}
}

// TestConsoleFirstWeekGolden is a new team's first week at the console,
// from a fixed Monday of its own (the golden file shows its dates): it
// brings its spreadsheet in (a dry run with its errors, then the
// import), links its partner's channel by name, and types what people
// type in their second week (issue 16): a date after the method, phone
// calls, outcomes, topics of two words, show, until, a liaison's help.
func TestConsoleFirstWeekGolden(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	start := clockwork.NewFakeClockAt(time.Date(2026, 11, 30, 9, 30, 0, 0, ny)) // a Monday
	lines := []string{
		"import ./testdata/import-first-year.csv",
		"import confirm",
		"partner list",
		"partner set county channel:#county-health-shared owner:@maria",
		"history county 3",
		`log county call yesterday talked about flu shots outcome:"They will host a clinic in January"`,
		"log eastside phone call left a message for Ana",
		`need Mental Health "Teens asked about stress at exam time" partner:county`,
		`followup county tomorrow "Send Dana the sign-up sheet"`,
		"snooze F1 until friday",
		`followup eastside 12/15 "Book the community room"`,
		`event add county "Flu shot clinic" dec 3 10am until:noon with:eastside`,
		`event add county "flu shot clinic" dec 3 10am until:noon with:eastside`,
		"show county",
		":as liaison", ":in dm",
		"help log",
		`log meeting "Can we move the January clinic to the 14th?"`,
		":as maria", ":in dm",
		":advance 4d",
		":press 1",
		":in #county-health-shared",
		":press 5",
		"survey results E1",
		"import ./testdata/import-first-year.csv",
	}
	var out strings.Builder
	code := run(context.Background(), start, []string{"console"}, func(k string) string {
		// The monthly report would print where the console writes its
		// charts, a new directory each run.
		return map[string]string{"OUTREACH_TZ": "America/New_York", "OUTREACH_SCHEDULE_REPORT": "off"}[k]
	}, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, io.Discard)
	if code != 0 {
		t.Fatalf("console exited %d:\n%s", code, out.String())
	}
	golden.Check(t, "console-first-week.golden", out.String())
}
