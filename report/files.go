package report

import (
	"regexp"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/when"
)

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes words safe in a file name: "2026 so far" → "2026-so-far".
func Slug(s string) string {
	return strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// FileStem names a report's files by scope and period, so a second
// report never takes the first one's names: "all-partners-2026",
// "county-health-dept-2026-09-01-2026-11-30".
func FileStem(slug string, p when.Period) string {
	scope := "all-partners"
	if slug != "" {
		scope = Slug(slug)
	}
	return scope + "-" + p.From.Format("2006-01-02") + "-" + p.To.Add(-time.Millisecond).Format("2006-01-02")
}

// day says t's day in loc: "Nov 30", with the year when asked ("Nov 30,
// 2026").
func day(t time.Time, loc *time.Location, withYear bool) string {
	if withYear {
		return t.In(loc).Format("Jan 2, 2006")
	}
	return t.In(loc).Format("Jan 2")
}
