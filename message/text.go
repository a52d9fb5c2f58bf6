package message

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapedMention is a person's mention, <@U123>, once escaped.
var escapedMention = regexp.MustCompile(`&lt;@([UW][A-Z0-9]{2,})&gt;`)

// Esc makes user-typed text safe to show in mrkdwn: with &, < and >
// escaped it cannot form <!channel>, <!here>, <!everyone>, a user group's
// <!subteam^…> or a link, and the doors show it with verbatim set so a
// plain @here is not linked either. A person's mention by id (<@U123>, as
// a picked user is stored) stays one: it tags one person, never a crowd.
//
// It is the one escaping function: whatever a person typed (a name, a
// summary, a need's topic, a title) goes through it, or through Code,
// wherever Slack shows it: replies, feed lines, scheduled posts, the App
// Home, a file's name or title. Text drawn inside a chart's image is not
// Slack's to read and needs none. commands' TestNoBroadcastFromTypedText
// types broadcasts into every command to hold everyone to it.
func Esc(s string) string {
	e := escaper.Replace(s)
	if strings.Contains(e, "&lt;@") {
		e = escapedMention.ReplaceAllString(e, "<@$1>")
	}
	return e
}

// Code shows user text in a code span.
func Code(s string) string { return "`" + Esc(strings.ReplaceAll(s, "`", "'")) + "`" }

var slackID = regexp.MustCompile(`^[UWBCGD][A-Z0-9]{2,}$`)

// Mention renders a Slack user id as a mention; ids are validated so user
// text can never pass for one.
func Mention(id string) string {
	if slackID.MatchString(id) {
		return "<@" + id + ">"
	}
	if id == "" {
		return "nobody"
	}
	return Esc(id)
}

// ChannelLink renders a channel id as a link.
func ChannelLink(id string) string {
	if slackID.MatchString(id) {
		return "<#" + id + ">"
	}
	return Esc(id)
}

// Clip shortens s to n runes with an ellipsis.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Time shows an instant in the user's zone: "Fri Nov 27, 14:05", with
// the year when it is not now's ("Fri Jan 1 1999, 14:05"), so a date of
// another year never reads as one of this year.
func Time(t, now time.Time, loc *time.Location) string {
	return Date(t, now, loc) + t.In(loc).Format(", 15:04")
}

// Date shows the day of an instant in the user's zone: "Fri Nov 27", or
// "Fri Jan 1 1999" when the year is not now's.
func Date(t, now time.Time, loc *time.Location) string {
	if t.In(loc).Year() != now.In(loc).Year() {
		return t.In(loc).Format("Mon Jan 2 2006")
	}
	return t.In(loc).Format("Mon Jan 2")
}

// Ago says how long ago t was, in calendar days of the user's zone.
func Ago(now, t time.Time, loc *time.Location) string {
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
		return "in " + Plural(-days, "day")
	case days < 60:
		return Plural(days, "day") + " ago"
	default:
		return Date(t, now, loc)
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

// Plural is "1 contact", "3 contacts".
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Percent is n of of as a whole percentage, rounded half up ("67%" for 2
// of 3), the same in replies, reports and the PDF; "–" when of is 0.
func Percent(n, of int) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", (n*100+of/2)/of)
}

// WriteLines writes line(i) for the first n items, at most max of them,
// then "…and N more" followed by more (which says how to see the rest).
func WriteLines(b *strings.Builder, n, max int, more string, line func(i int) string) {
	for i := 0; i < n; i++ {
		if i == max {
			fmt.Fprintf(b, "…and %d more%s\n", n-max, more)
			return
		}
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
}

// Counts is "60 email, 40 call, 3 visit": largest first, then by name.
func Counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

// And is "a", "a and b", "a, b and c".
func And(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}
