package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// waitUploads waits until the fake has at least n uploads.
func (e *e2e) waitUploads(n int) []slacktest.Upload {
	e.t.Helper()
	for i := 0; i < 1000; i++ {
		if us := e.slack.Uploads(); len(us) >= n {
			return us
		}
		time.Sleep(10 * time.Millisecond) // waiting for the bot's uploads, not for time to pass
	}
	e.t.Fatalf("%d uploads; want %d", len(e.slack.Uploads()), n)
	return nil
}

// TestEndToEndReport: `report period:<this year>` is acknowledged at once,
// then its summary is posted where it was asked and its charts uploaded
// there through Slack's three-step upload; a partner's report covers that
// partner only.
func TestEndToEndReport(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" stage:active channel:<#C0COUNTY|county-health-shared>`)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "Eastside Clinic" stage:engaged`)
	for _, line := range []string{
		// Dated today, so that they fall in this year's report.
		`log county call "Talked about the flu clinic"`,
		`log county email in "They asked for flyers"`,
		`log eastside visit "Dropped off brochures"`,
		`need diabetes "Cooking classes" partner:county`,
	} {
		if r := e.slash("U0MARIA", "C0OUTREACH", line); strings.Contains(r.Text, "warning") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	ny, _ := time.LoadLocation("America/New_York") // the bot's OUTREACH_TZ in these tests
	year := e.clock.Now().In(ny).Format("2006")
	r := e.slash("U0MARIA", "C0OUTREACH", "report period:"+year)
	if !strings.Contains(r.Text, "Putting together the impact report") {
		t.Fatalf("report ack = %q", r.Text)
	}
	summary := e.waitPost(answerIn("C0OUTREACH"))
	if !strings.Contains(summary.Text, "Impact report") {
		t.Errorf("the answer in the channel reads %q; want the impact report", summary.Text)
	}
	blocks := string(summary.Blocks)
	for _, want := range []string{"3: 1 call, 1 email, 1 visit", "2 by us, 1 from partners", "1 need: diabetes 1 new", "2: 1 active, 1 engaged", year + " so far"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("report summary lacks %q:\n%s", want, blocks)
		}
	}
	// Slack's own chart and table, which the fake took as Slack's schema
	// would (it records only posts it accepts).
	var bs []struct {
		Type    string `json:"type"`
		Title   string `json:"title"`
		Caption string `json:"caption"`
		Rows    [][]struct {
			Text string `json:"text"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(summary.Blocks, &bs); err != nil {
		t.Fatal(err)
	}
	var charts, tables []string
	for _, b := range bs {
		switch b.Type {
		case "data_visualization":
			charts = append(charts, b.Title)
		case "data_table":
			tables = append(tables, fmt.Sprintf("%s: %d rows, %s first", b.Caption, len(b.Rows)-1, b.Rows[1][0].Text))
		}
	}
	wantCharts := []string{"Contacts · all partners · " + year + " so far", "Needs heard · all partners · " + year + " so far"}
	if fmt.Sprint(charts) != fmt.Sprint(wantCharts) || len(tables) != 1 || tables[0] != "Partners, "+year+" so far: 2 rows, County Health Dept first" {
		t.Errorf("report message carries charts %q and tables %q; want %q and the partners' table", charts, tables, wantCharts)
	}
	ups := e.waitUploads(2) // contacts per week, needs (no events yet)
	for _, u := range ups {
		if u.Channel != "C0OUTREACH" {
			t.Errorf("%s uploaded to %s; want C0OUTREACH", u.Filename, u.Channel)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(u.Data))
		if err != nil || cfg.Width < 1200 {
			t.Errorf("%s: %v, %d px wide; want a PNG at least 1200 wide", u.Filename, err, cfg.Width)
		}
	}
	if e.slack.Calls("files.getUploadURLExternal") < 2 || e.slack.Calls("files.completeUploadExternal") < 2 {
		t.Errorf("uploads did not use the three-step flow")
	}
	// One partner's report; asked in the partner's shared channel, it goes
	// to the asker's DM instead.
	mark := e.mark()
	e.slash("U0MARIA", "C0COUNTY", "report eastside period:"+year)
	p := e.waitAfter(mark, answer)
	if !strings.HasPrefix(p.Channel, "D") {
		t.Errorf("a report asked for in a shared channel went to %s; want the asker's DM", p.Channel)
	}
	if !strings.Contains(p.Text, "Impact report") || !strings.Contains(p.Text, "Eastside Clinic") {
		t.Errorf("the report in the DM reads %q; want Eastside Clinic's impact report", p.Text)
	}
	if b := string(p.Blocks); !strings.Contains(b, "1: 1 visit") || strings.Contains(b, "call") {
		t.Errorf("Eastside's report counts other partners' contacts:\n%s", b)
	}
	// `report … pdf` uploads one page for the board beside the charts.
	e.slash("U0MARIA", "C0OUTREACH", "report county period:"+year+" pdf")
	var pdf slacktest.Upload
	for n := len(ups) + 1; pdf.Filename == ""; n++ {
		for _, u := range e.waitUploads(n) {
			if strings.HasSuffix(u.Filename, ".pdf") {
				pdf = u
			}
		}
	}
	if pdf.Filename != "impact-report-county-health-dept-"+year+"-01-01-"+year+"-12-31.pdf" || !bytes.HasPrefix(pdf.Data, []byte("%PDF-")) || !strings.Contains(string(pdf.Data), "/MediaBox [0 0 612.00 792.00]") {
		t.Errorf("report pdf uploaded %s (%d bytes); want a US Letter PDF (the team's zone is New York)", pdf.Filename, len(pdf.Data))
	}
}

// TestEndToEndExport: an admin's `export contacts` uploads a CSV into the
// admin's DM that parses back to the logged contacts, a formula inert; a
// member and a liaison are refused and nothing is uploaded.
func TestEndToEndExport(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	// An hour on, three contacts back-dated within it: after the partner
	// was added, whatever the instant (between midnight and 03:00 in New
	// York, hours back fall on the day before the partner was added).
	e.tick(time.Hour)
	for i, s := range []string{`=HYPERLINK("x")`, `"Talked about the flu clinic"`, `"They asked for flyers"`} {
		if r := e.slash("U0MARIA", "C0OUTREACH", fmt.Sprintf("log county call %s when:\"%d minutes ago\"", s, 10*(i+1))); !strings.Contains(r.Text, "Logged call") {
			t.Fatalf("log %s: %q", s, r.Text)
		}
	}
	if r := e.slash("U0MARIA", "C0OUTREACH", "export contacts"); !strings.Contains(r.Text, "admin") {
		t.Errorf("member's export: %q; want a refusal", r.Text)
	}
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> export contacts"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitPost(ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "Sorry") {
		t.Errorf("a liaison's export: %q; want a refusal", p.Text)
	}
	r := e.slash("U0LEAD", "C0OUTREACH", "export contacts")
	if !strings.Contains(r.Text, "Exporting contacts") {
		t.Fatalf("admin's export ack = %q", r.Text)
	}
	ups := e.waitUploads(1)
	if len(ups) != 1 {
		t.Fatalf("%d uploads; want the admin's one", len(ups))
	}
	u := ups[0]
	if !strings.HasPrefix(u.Channel, "D") {
		t.Errorf("export uploaded to %s; want the admin's DM", u.Channel)
	}
	data, ok := bytes.CutPrefix(u.Data, []byte("\ufeff"))
	if !ok {
		t.Errorf("export does not start with UTF-8's byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[col["summary"]])
		// The name beside the id comes from users.info.
		if row[col["who"]] != "U0MARIA" || row[col["who_name"]] != "maria" {
			t.Errorf("who %q (%q); want U0MARIA with her Slack name", row[col["who"]], row[col["who_name"]])
		}
	}
	want := fmt.Sprint([]string{"They asked for flyers", "Talked about the flu clinic", `'=HYPERLINK("x")`})
	if fmt.Sprint(got) != want {
		t.Errorf("exported summaries %v; want %s (oldest first)", got, want)
	}
}

// TestEndToEndLiaisonNeed: a liaison's mention in their partner's shared
// channel records a need for that partner; the same event delivered
// twice counts once; a team member's `needs` shows it under the partner.
func TestEndToEndLiaisonNeed(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" channel:<#C0COUNTY|county-health-shared>`)
	id, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", `<@UBOT> need transportation "no bus to the clinic"`)
	if err != nil {
		t.Fatal(err)
	}
	if p := e.waitPost(ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "Recorded need `N1`") {
		t.Fatalf("the liaison's need: %q; want N1 recorded", p.Text)
	}
	if _, err := e.slack.RedeliverEvent(e.ctx(), id); err != nil {
		t.Fatal(err)
	}
	// A later event is a barrier: the redelivery before it is handled.
	mark := e.mark()
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0COUNTY", "<@UBOT> needs"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitAfter(mark, ephemeralTo("U0DANA", "C0COUNTY")); !strings.Contains(p.Text, "Community needs") {
		t.Errorf("the liaison's needs: %q", p.Text)
	}
	r := e.slash("U0MARIA", "C0OUTREACH", "needs")
	if !strings.Contains(r.Text, "*transportation* 1 new") || !strings.Contains(r.Text, "no bus to the clinic — <@U0DANA> · County Health Dept") {
		t.Errorf("needs = %q; want the liaison's need under County Health, counted once", r.Text)
	}
}

// TestEndToEndAppHome: app_home_opened publishes the person's Home with
// their follow-ups as Slack's own table (sortable, paged), the team's
// month as a chart, their partners, events and the latest needs. With 200
// open follow-ups every one is in a table and the Home stays within
// Block Kit's 100 blocks; the fake Slack, checking Slack's schema, takes
// it. Done pressed in the table closes the follow-up and the Home is
// redrawn.
func TestEndToEndAppHome(t *testing.T) {
	e := startE2E(t, nil)
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" owner:<@U0MARIA|maria> stage:active`)
	e.slash("U0MARIA", "C0OUTREACH", `event add county "Flu shot clinic" in 3 days 10am`)
	e.slash("U0MARIA", "C0OUTREACH", `need diabetes "Cooking classes" partner:county`)
	e.slash("U0MARIA", "C0OUTREACH", `log county call "Talked about the flu clinic"`)
	now := e.clock.Now()
	for i := 0; i < 200; i++ {
		e.addFollowUp("county", "U0MARIA", now.Add(time.Duration(i-100)*time.Hour+time.Minute), fmt.Sprintf("Task %03d", i))
	}
	if _, err := e.slack.AppHomeOpened(e.ctx(), "U0MARIA"); err != nil {
		t.Fatal(err)
	}
	view := e.waitView("U0MARIA", 1)
	type cell struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		Value   float64
		Element struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"element"`
	}
	var v struct {
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
			Text    struct {
				Text string `json:"text"`
			} `json:"text"`
			Caption string   `json:"caption"`
			Rows    [][]cell `json:"rows"`
			Title   string   `json:"title"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(view, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Blocks) > 100 {
		t.Fatalf("Home has %d blocks; Slack allows 100", len(v.Blocks))
	}
	var all strings.Builder
	var captions, charts []string
	done := map[string]bool{}
	firstDone, doneBlock := "", ""
	for _, b := range v.Blocks {
		all.WriteString(b.Text.Text + "\n")
		switch b.Type {
		case "data_table":
			captions = append(captions, b.Caption)
			for _, row := range b.Rows[1:] {
				for _, c := range row {
					if c.Type == "action_cell" && strings.HasPrefix(c.Element.ActionID, "fu_done") {
						done[c.Element.Value] = true
						if firstDone == "" {
							firstDone, doneBlock = c.Element.Value, b.BlockID
						}
						all.WriteString(c.Element.ActionID + "\n")
					}
				}
				all.WriteString(row[2].Text + "\n")
			}
		case "data_visualization":
			charts = append(charts, b.Title)
		}
	}
	if want := []string{"Your follow-ups 1–100 of 200, soonest due first", "Your follow-ups 101–200 of 200, soonest due first"}; fmt.Sprint(captions) != fmt.Sprint(want) {
		t.Errorf("Home tables %q; want %q", captions, want)
	}
	if len(done) != 200 {
		t.Errorf("the tables hold Done buttons for %d follow-ups; want all 200", len(done))
	}
	if len(charts) != 1 || !strings.HasPrefix(charts[0], "The team's ") {
		t.Errorf("Home charts %q; want the team's month", charts)
	}
	for _, want := range []string{"*Your follow-ups* (200, 100 overdue)", "County Health Dept", "Flu shot clinic", "diabetes", "F1 Task 000", "F200 Task 199"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("Home lacks %q", want)
		}
	}
	if firstDone != "F1" {
		t.Fatalf("first Done button is for %q; want F1, the most overdue", firstDone)
	}
	if _, err := e.slack.BlockAction(e.ctx(), "U0MARIA", "", "", "fu_done#1", doneBlock, firstDone); err != nil {
		t.Fatal(err)
	}
	view = e.waitView("U0MARIA", 2)
	if !strings.Contains(string(view), "(199, 99 overdue)") {
		t.Errorf("after Done in the Home's table, it does not show 199 follow-ups")
	}
}

// waitView waits for the n-th Home published for user and returns it.
func (e *e2e) waitView(user string, n int) json.RawMessage {
	e.t.Helper()
	for i := 0; i < 1000; i++ {
		if vs := e.slack.PublishedViews(user); len(vs) >= n {
			return vs[n-1]
		}
		time.Sleep(10 * time.Millisecond) // waiting for the bot's views.publish, not for time to pass
	}
	e.t.Fatalf("Home not published %d times for %s", n, user)
	return nil
}

// TestEndToEndLiaisonDMNoteReachesOwner: a liaison whose organization is
// linked to one partner (through its shared channel) writes to the bot in
// a DM; the note is logged for that partner and its owner gets a DM with
// a Log a reply button. The same liaison in another partner's shared
// channel is refused.
func TestEndToEndLiaisonDMNoteReachesOwner(t *testing.T) {
	e := startE2E(t, map[string]string{"OUTREACH_QUIET_HOURS": "off"})
	e.slack.AddChannel(slacktest.Channel{ID: "C0EAST", Name: "eastside-shared", IsShared: true, IsExtShared: true, SharedTeamIDs: []string{home, "T0EASTSIDE"}})
	e.slash("U0MARIA", "C0OUTREACH", `partner add "County Health Dept" owner:<@U0MARIA|maria> channel:<#C0COUNTY|county-health-shared>`)
	e.slash("U0LEAD", "C0OUTREACH", `partner add "Eastside Clinic" owner:<@U0LEAD|lead> channel:<#C0EAST|eastside-shared>`)
	if _, _, err := e.slack.DirectMessage(e.ctx(), "U0DANA", `log meeting "Can we move the January workshop to the 14th?"`); err != nil {
		t.Fatal(err)
	}
	if p := e.waitPost(dmAnswer); !strings.Contains(p.Text, "Logged meeting ← *County Health Dept*") {
		t.Fatalf("the answer to the liaison's DM: %q; want the meeting logged for County Health", p.Text)
	}
	e.tick(time.Second) // the scheduler tells the owner
	note := e.waitPost(kindPost(store.JobNote))
	if note.Target != "U0MARIA" || !strings.Contains(note.Text, "left a note") || !strings.Contains(note.Text, "January workshop") ||
		!strings.Contains(string(note.Blocks), `"log_contact"`) {
		t.Errorf("the owner's DM to %s = %q %s; want the note to Maria and a Log a reply button", note.Target, note.Text, note.Blocks)
	}
	if _, _, err := e.slack.Mention(e.ctx(), "U0DANA", "C0EAST", `<@UBOT> log call "hello from County"`); err != nil {
		t.Fatal(err)
	}
	if p := e.waitPost(ephemeralTo("U0DANA", "C0EAST")); !strings.Contains(p.Text, "Sorry") {
		t.Errorf("a County liaison in Eastside's channel: %q; want a refusal", p.Text)
	}
	if r := e.slash("U0LEAD", "C0OUTREACH", "history eastside"); strings.Contains(r.Text, "hello from County") {
		t.Errorf("a liaison of County logged in Eastside's channel:\n%s", r.Text)
	}
}
