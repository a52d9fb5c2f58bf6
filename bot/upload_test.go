package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/message"
)

// An upload_url on another host than the API's (as Slack's own,
// files.slack.com, is) takes the file, with no token sent there.
func TestUploadToAnotherHost(t *testing.T) {
	var got []byte
	var auth string
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got, _ = io.ReadAll(f)
		w.Write([]byte("OK - " + r.URL.Path))
	}))
	defer files.Close()
	completed := ""
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = r.ParseForm()
		switch r.URL.Path {
		case "/api/files.getUploadURLExternal":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "upload_url": files.URL + "/upload/v1/F1", "file_id": "F1"})
		case "/api/files.completeUploadExternal":
			completed = r.Form.Get("channel_id") + " " + r.Form.Get("files")
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "files": []any{map[string]any{"id": "F1", "title": "Contacts"}}})
		default:
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "unknown_method"})
		}
	}))
	defer api.Close()
	b := &Bot{api: slack.New("xoxb-secret", slack.OptionAPIURL(api.URL+"/api/"))}
	err := b.uploadOnce(context.Background(), "D0MARIA", message.File{Name: "contacts.csv", Title: "Contacts"}, strings.NewReader("a,b\n1,2\n"), 8)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte("a,b\n1,2\n")) || auth != "" {
		t.Errorf("upload got %q with Authorization %q; want the file and no token", got, auth)
	}
	if !strings.HasPrefix(completed, "D0MARIA ") || !strings.Contains(completed, `"F1"`) {
		t.Errorf("completeUploadExternal: %q", completed)
	}
}
