package slacktest

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/google/uuid"
)

// Files people share, as Slack serves them to an app
// (https://docs.slack.dev/reference/objects/file-object,
// https://docs.slack.dev/reference/methods/files.info,
// https://docs.slack.dev/messaging/working-with-files):
//
//   - A file dropped into a DM with the bot arrives as a message event of
//     subtype file_share whose files hold the file object (for a Slack
//     Connect DM only the id, with file_access "check_file_info"), and as
//     a file_shared event with the file's id, for apps that subscribe.
//   - files.info (scope files:read) answers the file object, for a file
//     shared where the bot is; file_not_found otherwise.
//   - url_private and url_private_download need the bot token in an
//     Authorization: Bearer header. Without it Slack does not refuse: it
//     redirects to the workspace's sign-in page (redir=<the file's path>),
//     which slack-go's GetFile recognises.

// userFile is a file a person uploaded.
type userFile struct {
	id, name, title, user, team string
	created                     int64
	data                        []byte
	shared                      map[string]bool // conversations it was shared into
}

// UploadFile stores a file as if userID had uploaded it (not shared
// anywhere yet) and returns its id.
func (s *Server) UploadFile(userID, name string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(userID)
	id := randID("F", 10)
	s.files[id] = &userFile{id: id, name: name, title: name, user: u.ID, team: u.TeamID, created: s.opts.Now().Unix(),
		data: append([]byte(nil), data...), shared: map[string]bool{}}
	return id
}

// ShareFileInDM delivers what Slack sends when userID drops the uploaded
// file into their DM with the bot, with text as the message: the
// message.im event (subtype file_share), then file_shared. It returns
// the message event's id and its ack.
func (s *Server) ShareFileInDM(ctx context.Context, userID, fileID, text string) (string, Ack, error) {
	s.mu.Lock()
	f, ok := s.files[fileID]
	if !ok {
		s.mu.Unlock()
		return "", Ack{}, fmt.Errorf("slacktest: no file %s", fileID)
	}
	u := s.userLocked(userID)
	dm := s.dmLocked(u.ID)
	f.shared[dm] = true
	ts := s.nextTSLocked()
	ext := u.TeamID != s.opts.HomeTeam
	obj := s.fileObjectLocked(f)
	if ext {
		obj = map[string]any{"id": f.id, "mode": "file_access", "file_access": "check_file_info", "created": 0, "timestamp": 0, "user": ""}
	}
	ev := map[string]any{
		"type": "message", "subtype": "file_share", "text": text, "files": []any{obj}, "upload": true,
		"user": u.ID, "display_as_bot": false, "ts": ts, "event_ts": ts, "client_msg_id": uuid.NewString(),
		"channel": dm, "channel_type": "im", "team": u.TeamID,
	}
	if ext {
		ev["user_team"], ev["source_team"] = u.TeamID, u.TeamID
	}
	s.mu.Unlock()
	id, a, err := s.SendEvent(ctx, ev, ext)
	if err != nil {
		return id, a, err
	}
	_, _, err = s.SendEvent(ctx, map[string]any{
		"type": "file_shared", "channel_id": dm, "file_id": f.id, "user_id": u.ID, "file": map[string]any{"id": f.id}, "event_ts": ts,
	}, ext)
	return id, a, err
}

// FileDownloads is how many times a file's content was served with the
// bot token.
func (s *Server) FileDownloads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls["files-pri"]
}

func (s *Server) fileObjectLocked(f *userFile) map[string]any {
	ext := path.Ext(f.name)
	ftype := strings.TrimPrefix(strings.ToLower(ext), ".")
	mt := mime.TypeByExtension(ext)
	if mt == "" {
		mt = "application/octet-stream"
	}
	mt, _, _ = strings.Cut(mt, ";")
	priv := fmt.Sprintf("%s/files-pri/%s-%s/%s", s.base, f.team, f.id, url.PathEscape(f.name))
	var ims []string
	for c := range f.shared {
		ims = append(ims, c)
	}
	return map[string]any{
		"id": f.id, "created": f.created, "timestamp": f.created, "name": f.name, "title": f.title,
		"mimetype": mt, "filetype": ftype, "pretty_type": strings.ToUpper(ftype), "user": f.user, "user_team": f.team,
		"editable": false, "size": len(f.data), "mode": "hosted", "is_external": false, "external_type": "",
		"is_public": false, "public_url_shared": false, "display_as_bot": false, "username": "",
		"url_private":          priv,
		"url_private_download": fmt.Sprintf("%s/files-pri/%s-%s/download/%s", s.base, f.team, f.id, url.PathEscape(f.name)),
		"permalink":            fmt.Sprintf("https://%s.slack.com/files/%s/%s/%s", teamDomain(f.team), f.user, f.id, url.PathEscape(f.name)),
		"channels":             []string{}, "groups": []string{}, "ims": ims, "comments_count": 0,
	}
}

// filesInfo answers the file object of a file shared where the bot is.
func (s *Server) filesInfo(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[p.str("file")]
	if !ok || !s.botSeesLocked(f) {
		return fail("file_not_found")
	}
	return map[string]any{"ok": true, "file": s.fileObjectLocked(f), "comments": []any{},
		"paging": map[string]any{"count": 100, "total": 0, "page": 1, "pages": 0}}
}

// botSeesLocked reports whether the file was shared into a conversation
// the bot is in (its DMs are).
func (s *Server) botSeesLocked(f *userFile) bool {
	for c := range f.shared {
		if strings.HasPrefix(c, "D") || s.memberLocked(c) {
			return true
		}
	}
	return false
}

// handleFilePrivate serves a file's content to the bot token, and sends
// anyone else to the sign-in page, as files.slack.com does.
func (s *Server) handleFilePrivate(rw http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/files-pri/")
	head, _, _ := strings.Cut(rest, "/")
	_, id, _ := strings.Cut(head, "-")
	s.mu.Lock()
	f, ok := s.files[id]
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	authorized := token == s.opts.BotToken && s.authError == "" && s.scopes["files:read"] && ok && s.botSeesLocked(f)
	if authorized {
		s.calls["files-pri"]++
	}
	s.mu.Unlock()
	if !authorized {
		http.Redirect(rw, r, "/signin?redir="+url.QueryEscape(r.URL.Path), http.StatusFound)
		return
	}
	rw.Header().Set("Content-Type", "application/octet-stream")
	_, _ = rw.Write(f.data)
}

// handleSignin is the workspace's sign-in page.
func (s *Server) handleSignin(rw http.ResponseWriter, _ *http.Request) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(rw, "<!DOCTYPE html><html><body>Sign in to your workspace</body></html>")
}
