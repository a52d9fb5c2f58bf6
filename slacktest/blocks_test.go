package slacktest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// Blocks as Slack's reference pages show them: a bar chart, a pie and a
// table with a number column and a button.
const (
	goodBar = `{"type":"data_visualization","block_id":"c1","title":"Contacts by week","chart":{"type":"bar",
		"axis_config":{"categories":["Nov 2","Nov 9"],"x_label":"Week","y_label":"Contacts"},
		"series":[{"name":"call","data":[{"label":"Nov 2","value":3},{"label":"Nov 9","value":0}]},
		          {"name":"email","data":[{"label":"Nov 2","value":1},{"label":"Nov 9","value":2}]}]}}`
	goodPie   = `{"type":"data_visualization","title":"Methods","chart":{"type":"pie","segments":[{"label":"call","value":3},{"label":"email","value":1}]}}`
	goodTable = `{"type":"data_table","caption":"Partners","page_size":10,"rows":[
		[{"type":"raw_text","text":"Partner"},{"type":"raw_text","text":"Contacts"},{"type":"raw_text","text":""}],
		[{"type":"raw_text","text":"County"},{"type":"raw_number","value":12,"text":"12"},
		 {"type":"action_cell","element":{"type":"button","action_id":"fu_done#1","value":"F1","text":{"type":"plain_text","text":"Done"}},"fallback":{"type":"raw_text","text":"Done"}}]]}`
)

// TestNativeBlocksValidated: chat.postMessage and views.publish take the
// data_visualization and data_table blocks Slack's schema allows and
// refuse the others, as Slack does: invalid_blocks for a message,
// invalid_arguments for a view, each problem named with where it is.
func TestNativeBlocksValidated(t *testing.T) {
	srv := newServer(t, Options{})
	long := strings.Repeat("x", 21)
	for _, tc := range []struct {
		name, block string
		where       string // the JSON pointer Slack names; "" for a block it takes
	}{
		{"bar chart", goodBar, ""},
		{"pie chart", goodPie, ""},
		{"table", strings.Replace(goodTable, `"text":""`, `"text":"Act"`, 1), ""},
		{"table with an empty cell", goodTable, "/blocks/0/rows/0/2/text"},
		{"title past 50", strings.Replace(goodPie, `"Methods"`, `"`+strings.Repeat("t", 51)+`"`, 1), "/blocks/0/title"},
		{"pie of 7 slices", strings.Replace(goodPie, `{"label":"email","value":1}`, strings.Repeat(`{"label":"s","value":1},`, 6)+`{"label":"e","value":1}`, 1), "/blocks/0/chart/segments"},
		{"slice of 0", strings.Replace(goodPie, `"value":1`, `"value":0`, 1), "/blocks/0/chart/segments/1/value"},
		{"label past 20", strings.Replace(goodPie, `"label":"call"`, `"label":"`+long+`"`, 1), "/blocks/0/chart/segments/0/label"},
		{"category past 20", strings.ReplaceAll(goodBar, `Nov 9`, long), "/blocks/0/chart/axis_config/categories/1"},
		{"point off the axis", strings.Replace(goodBar, `{"label":"Nov 9","value":0}`, `{"label":"Nov 16","value":0}`, 1), "/blocks/0/chart/series/0/data/1/label"},
		{"a point missing", strings.Replace(goodBar, `,{"label":"Nov 9","value":0}`, ``, 1), "/blocks/0/chart/series/0/data"},
		{"two series of one name", strings.Replace(goodBar, `"name":"email"`, `"name":"call"`, 1), "/blocks/0/chart/series/1/name"},
		{"seven series", strings.Replace(goodBar, `"series":[`, `"series":[`+strings.Repeat(`{"name":"s","data":[{"label":"Nov 2","value":1},{"label":"Nov 9","value":1}]},`, 6), 1), "/blocks/0/chart/series"},
		{"unknown chart", strings.Replace(goodPie, `"type":"pie"`, `"type":"donut"`, 1), "/blocks/0/chart/type"},
		{"extra field", strings.Replace(goodPie, `"title"`, `"subtitle":"x","title"`, 1), "/blocks/0"},
		{"header of numbers", strings.Replace(goodTable, `{"type":"raw_text","text":"Contacts"}`, `{"type":"raw_number","value":1}`, 1), "/blocks/0/rows/0/1/type"},
		{"rows of two widths", strings.Replace(goodTable, `{"type":"raw_text","text":"County"},`, ``, 1), "/blocks/0/rows/1"},
		{"header only", `{"type":"data_table","caption":"x","rows":[[{"type":"raw_text","text":"a"}]]}`, "/blocks/0/rows"},
		{"no caption", strings.Replace(goodTable, `"caption":"Partners",`, ``, 1), "/blocks/0"},
		{"page of 101", strings.Replace(goodTable, `"page_size":10`, `"page_size":101`, 1), "/blocks/0/page_size"},
		{"10,001 characters", `{"type":"data_table","caption":"x","rows":[[{"type":"raw_text","text":"h"}],[{"type":"raw_text","text":"` + strings.Repeat("y", 10000) + `"}]]}`, "/blocks/0/rows"},
		{"button text past 75", strings.Replace(goodTable, `"text":"Done"}}`, `"text":"`+strings.Repeat("d", 76)+`"}}`, 1), "/blocks/0/rows/1/2/element/text/text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"channel":"C1","text":"report","blocks":[` + tc.block + `]}`
			got := postJSON(t, srv, "chat.postMessage", body)
			if tc.where == "" {
				if got["ok"] != true {
					t.Errorf("refused a valid block: %v", got)
				}
			} else if got["ok"] != false || got["error"] != "invalid_blocks" || !strings.Contains(jsonString(got["errors"]), "[json-pointer:"+tc.where+"]") {
				t.Errorf("answered %v; want invalid_blocks at %s", got, tc.where)
			}
			// The same block in a Home tab: invalid_arguments, or taken.
			view := `{"user_id":"UALICE","view":{"type":"home","blocks":[` + tc.block + `]}}`
			got = postJSON(t, srv, "views.publish", view)
			if tc.where == "" {
				if got["ok"] != true {
					t.Errorf("views.publish refused a valid block: %v", got)
				}
			} else if got["error"] != "invalid_arguments" || !strings.Contains(jsonString(got["response_metadata"]), "/view"+tc.where) {
				t.Errorf("views.publish answered %v; want invalid_arguments at /view%s", got, tc.where)
			}
		})
	}
	// slack-go's own types make blocks the fake takes.
	api := newAPI(srv)
	chart := slack.NewDataVisualizationBlock("Needs", slack.NewDataVisualizationBarChart(
		slack.NewDataVisualizationAxisConfig("diabetes", "housing"),
		slack.NewDataVisualizationDataSeries("this period", slack.NewDataVisualizationDataPoint("diabetes", 4), slack.NewDataVisualizationDataPoint("housing", 1))))
	table := slack.NewDataTableBlock("Partners").AddRow(slack.NewDataTableRawTextCell("Partner"), slack.NewDataTableRawTextCell("Contacts")).
		AddRow(slack.NewDataTableRawTextCell("County"), slack.NewDataTableRawNumberCell(3))
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("report", false), slack.MsgOptionBlocks(chart, table)); err != nil {
		t.Errorf("slack-go's chart and table: %v", err)
	}
}

func postJSON(t *testing.T, srv *Server, method, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+method, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+srv.BotToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
