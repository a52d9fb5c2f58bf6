package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
)

// Files reads the files people drop into a DM with the bot for import:
// files.info for its name, size and private URL, then the file itself
// with the bot token (scope files:read), into a temporary file that is
// removed when the import closes it.
type Files struct {
	api filesAPI
	max int64
}

type filesAPI interface {
	GetFileInfoContext(ctx context.Context, fileID string, count, page int) (*slack.File, []slack.Comment, *slack.Paging, error)
	GetFileContext(ctx context.Context, downloadURL string, w io.Writer) error
}

// NewFiles reads files through api, refusing any larger than max bytes.
func NewFiles(api filesAPI, max int64) *Files { return &Files{api: api, max: max} }

// Open implements commands.Files; ref is a Slack file id.
func (f *Files) Open(ctx context.Context, ref string) (commands.ImportFile, error) {
	info, _, _, err := f.api.GetFileInfoContext(ctx, ref, 0, 0)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && (se.Err == "file_not_found" || se.Err == "file_deleted") {
		return commands.ImportFile{}, &commands.FileError{Msg: "That file is no longer in Slack (deleted?). Drop it into our DM again."}
	}
	if err != nil {
		return commands.ImportFile{}, fmt.Errorf("files.info: %w", err)
	}
	if !commands.Importable(info.Name) {
		return commands.ImportFile{}, &commands.FileError{Msg: fmt.Sprintf("`%s` isn't a spreadsheet I read. Save it as CSV (UTF-8) or Excel workbook (.xlsx) and drop that.", safeName(info.Name))}
	}
	if int64(info.Size) > f.max {
		return commands.ImportFile{}, tooLarge(info.Name, int64(info.Size), f.max)
	}
	url := info.URLPrivateDownload
	if url == "" {
		url = info.URLPrivate
	}
	tmp, err := os.CreateTemp("", "outreach-import-*")
	if err != nil {
		return commands.ImportFile{}, fmt.Errorf("import file: %w", err)
	}
	body := &tempFile{tmp}
	w := &capped{w: tmp, left: f.max}
	if err := f.api.GetFileContext(ctx, url, w); err != nil {
		body.Close()
		if w.over {
			return commands.ImportFile{}, tooLarge(info.Name, f.max+1, f.max)
		}
		return commands.ImportFile{}, fmt.Errorf("download %s: %w", ref, err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		body.Close()
		return commands.ImportFile{}, fmt.Errorf("import file: %w", err)
	}
	return commands.ImportFile{Name: info.Name, Body: body}, nil
}

func tooLarge(name string, size, max int64) error {
	return &commands.FileError{Msg: fmt.Sprintf("`%s` is %.1f MB; I import files up to %d MB. Split it (one tab or file per kind, or a year at a time) and drop the parts one by one.",
		safeName(name), float64(size)/(1<<20), max>>20)}
}

// safeName is a file name as it can stand between backticks.
func safeName(s string) string {
	out := []rune{}
	for _, r := range s {
		switch r {
		case '`', '<', '>', '&':
			r = '_'
		}
		out = append(out, r)
	}
	return string(out)
}

// capped writes at most left bytes and then fails: Slack's size in
// files.info is the uploader's word, the download is what counts.
type capped struct {
	w    io.Writer
	left int64
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		c.over = true
		return 0, errors.New("file larger than the import limit")
	}
	c.left -= int64(len(p))
	return c.w.Write(p)
}

// tempFile is removed when closed.
type tempFile struct{ *os.File }

func (t *tempFile) Close() error {
	err := t.File.Close()
	if rerr := os.Remove(t.Name()); err == nil {
		err = rerr
	}
	return err
}
