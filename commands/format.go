package commands

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// esc makes user-typed text safe to show in mrkdwn: with &, < and >
// escaped it cannot form <!channel>, <@U…> or a link, and the doors show
// it with verbatim set so plain @here is not linked either.
func esc(s string) string { return escaper.Replace(s) }

// code shows user text in a code span.
func code(s string) string { return "`" + esc(strings.ReplaceAll(s, "`", "'")) + "`" }

var slackID = regexp.MustCompile(`^[UWBCGD][A-Z0-9]{2,}$`)

// mention renders a Slack user id as a mention; ids are validated so user
// text can never pass for one.
func mention(id string) string {
	if slackID.MatchString(id) {
		return "<@" + id + ">"
	}
	if id == "" {
		return "nobody"
	}
	return esc(id)
}

// channelLink renders a channel id as a link.
func channelLink(id string) string {
	if slackID.MatchString(id) {
		return "<#" + id + ">"
	}
	return esc(id)
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// when shows an instant in the user's zone: "Fri Nov 27, 14:05".
func showTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon Jan 2, 15:04")
}

func showDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon Jan 2")
}

// ago says how long ago t was, in calendar days of the user's zone.
func ago(now, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	days := calendarDays(t.In(loc), now.In(loc))
	switch {
	case days == 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days < 0:
		return "in " + plural(-days, "day")
	case days < 60:
		return plural(days, "day") + " ago"
	default:
		return showDate(t, loc)
	}
}

// calendarDays counts midnights between a and b in their location.
func calendarDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// writeLines writes line(i) for the first n items, at most max of them,
// then "…and N more" followed by more (which says how to see the rest).
func writeLines(b *strings.Builder, n, max int, more string, line func(i int) string) {
	for i := 0; i < n; i++ {
		if i == max {
			fmt.Fprintf(b, "…and %d more%s\n", n-max, more)
			return
		}
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
}

// joinText joins tokens' text with spaces.
func joinText(toks []Token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}
