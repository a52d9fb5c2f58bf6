package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/message"
)

// laterTimeout bounds deferred work (a year's report, a large export)
// and its delivery.
const laterTimeout = 5 * time.Minute

// runLater runs a reply's deferred work after its acknowledgement and
// delivers the result to user: into channel where it was asked, or to
// the user's DM when the result is private (an export) or the channel is
// shared with another organization (a report across partners must not
// reach a partner's liaisons). Failures are answered to the user alone,
// through responseURL when there is one.
func (b *Bot) runLater(r message.Reply, user, channel, responseURL string) {
	b.spawn(func() {
		ctx, cancel := context.WithTimeout(b.base, laterTimeout)
		defer cancel()
		res := r.Later(ctx)
		b.metrics.observe(res)
		b.postFeed(res) // an import's one summary line
		if res.Outcome != message.OutcomeOK {
			b.tell(user, channel, responseURL, res)
			return
		}
		dest, note := channel, ""
		switch {
		case res.Private || channel == "":
			dest = ""
		case channel[0] == 'D':
		case b.sharedChannel(ctx, channel):
			dest, note = "", "_Sent to you here, not to the channel: it is shared with another organization._"
		}
		if dest == "" {
			var err error
			if dest, err = b.dmChannel(ctx, user); err != nil {
				b.tell(user, channel, responseURL, message.Reply{Text: ":warning: I couldn't open a DM with you to send that. Please try again in a moment."})
				return
			}
		}
		if note != "" {
			res.Sections = append(res.Sections, message.Section{Text: note})
		}
		if _, _, err := b.outbox.send(&outMsg{ctx: ctx, kind: kindPost, channel: dest, reply: res}); err != nil {
			b.tell(user, channel, responseURL, message.Reply{Text: ":warning: I couldn't post that here (Slack refused it). Invite me to the channel with `/invite @Outreach`, or ask again in a DM with me."})
			return
		}
		b.shareFiles(ctx, user, channel, dest, responseURL, res.Files)
	})
}

// shareFiles uploads a reply's files into dest, where the reply went.
// Slack shares files only where the bot is a member; uploadInto joins a
// public channel it is not in. Where that cannot be done (no
// channels:join, a private channel), the files go to the asker's DM, and
// the asker is told so: asking again would fail the same way.
func (b *Bot) shareFiles(ctx context.Context, user, channel, dest, responseURL string, files []message.File) {
	for i, f := range files {
		err := b.uploadInto(ctx, dest, f)
		if err == nil {
			continue
		}
		failure, _ := Classify(err)
		if failure == FailDestination && dest[0] != 'D' {
			if dm, derr := b.dmChannel(ctx, user); derr == nil {
				b.tell(user, channel, responseURL, message.Reply{Text: ":information_source: Slack would not let me attach the files here (I'm not a member of this channel and could not join it), so I sent them to you in a DM. Invite me with `/invite @Outreach` to get them here next time."})
				b.post(dm, message.Reply{Text: fmt.Sprintf("The files for what you asked in <#%s>: Slack would not let me attach them there.", dest)})
				b.shareFiles(ctx, user, dm, dm, "", files[i:])
				return
			}
		}
		name := message.Esc(f.Name)
		text := fmt.Sprintf(":warning: I couldn't upload %s. Please ask again in a moment.", name)
		if failure == FailAuth {
			text = fmt.Sprintf(":warning: I couldn't upload %s: Slack refuses the bot's file uploads. An admin needs to grant the app `files:write` (see manifest.yaml) and reinstall it; then ask again.", name)
		}
		b.tell(user, channel, responseURL, message.Reply{Text: text})
		return
	}
}

// tell shows r to user alone, where they are: through the command's or
// press's response_url (it works in any conversation, the bot a member or
// not, for 30 minutes and 5 posts), else as an ephemeral message in
// channel (which needs the bot there), else in their DM with the bot.
func (b *Bot) tell(user, channel, responseURL string, r message.Reply) {
	if responseURL != "" && b.respond(responseURL, r) == nil {
		return
	}
	if channel != "" && channel[0] != 'D' && b.postEphemeral(channel, user, "", r) == nil {
		return
	}
	b.post(user, r)
}

// sharedChannel reports whether people from another organization are in
// channel (Slack Connect). When Slack cannot say, it answers yes: the
// report then goes to a DM, which is never wrong.
func (b *Bot) sharedChannel(ctx context.Context, channel string) bool {
	info, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if b.observe("conversations.info", err) != nil {
		return true
	}
	return info.IsExtShared || info.IsShared || info.IsPendingExtShared
}

// upload writes f to a temporary file (an export streams from Redis, so
// its size is known only once written; Slack's upload flow needs it
// first), then uploads it into channel with Slack's three-step flow
// (files.getUploadURLExternal, the upload, files.completeUploadExternal),
// waiting out rate limits.
func (b *Bot) upload(ctx context.Context, channel string, f message.File) error {
	tmp, err := os.CreateTemp("", "outreach-*-"+f.Name)
	if err != nil {
		return fmt.Errorf("upload %s: %w", f.Name, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := f.Write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", f.Name, err)
	}
	size, err := tmp.Seek(0, 1)
	if err != nil {
		return fmt.Errorf("upload %s: %w", f.Name, err)
	}
	for try := 0; ; try++ {
		if _, err := tmp.Seek(0, 0); err != nil {
			return fmt.Errorf("upload %s: %w", f.Name, err)
		}
		err = b.uploadOnce(ctx, channel, f, tmp, size)
		var rl *slack.RateLimitedError
		if err == nil || !errors.As(err, &rl) || try == 3 {
			return err
		}
		select {
		case <-b.clock.After(rl.RetryAfter):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// uploadOnce is Slack's three steps of an upload. The file goes to the
// upload_url by a POST of our own (multipart, field "file"), as Slack
// documents it: the URL is made for this one file and wants no token, so
// none is sent. (slack-go's UploadToURL sends the token, and so refuses
// any URL that is not https *.slack.com nor on the API's host and port.)
func (b *Bot) uploadOnce(ctx context.Context, channel string, f message.File, r io.Reader, size int64) error {
	u, err := b.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: f.Name, FileSize: int(size)})
	if err != nil {
		return fmt.Errorf("files.getUploadURLExternal: %w", err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", f.Name)
	if err == nil {
		_, err = io.Copy(part, r)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return fmt.Errorf("upload %s: %w", f.Name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.UploadURL, &body)
	if err != nil {
		return fmt.Errorf("upload %s: %w", f.Name, err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := uploadClient.Do(req)
	if err != nil {
		return fmt.Errorf("upload %s: %w", f.Name, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("upload %s: HTTP %d", f.Name, resp.StatusCode)
	}
	c, err := b.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
		Files: []slack.FileSummary{{ID: u.FileID, Title: f.Title}}, Channel: channel})
	if err != nil {
		return fmt.Errorf("files.completeUploadExternal: %w", err)
	}
	if len(c.Files) != 1 {
		return fmt.Errorf("files.completeUploadExternal: %d files, want 1", len(c.Files))
	}
	return nil
}

// uploadClient posts files to Slack's upload URLs.
var uploadClient = &http.Client{Timeout: 2 * time.Minute}
