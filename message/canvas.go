package message

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/outreachbot/outreachbot/domain"
)

// A partner's channel canvas (SPEC §4): four parts the bot keeps
// current, holding only what the partner's liaisons may see (SPEC §1):
// the follow-ups the team shared with them, the partnership's upcoming
// events, the latest survey's counts and averages (no names, no
// comments), and the needs its community told us. People may write
// anything else in the canvas; the bot rewrites its own parts alone.

// CanvasPart is one part of the canvas: a heading, and a body that is one
// paragraph (its lines joined by hard line breaks) whose first line,
// Marker, is how the bot finds it again.
type CanvasPart struct {
	Title  string
	Marker string
	Body   string // the whole paragraph, Marker first
}

// Markdown is the part as the canvas holds it: its heading, its body.
func (p CanvasPart) Markdown() string { return "## " + p.Title + "\n\n" + p.Body }

// CanvasSurvey is a survey as the canvas shows it.
type CanvasSurvey struct {
	Survey    domain.Survey
	Subject   SurveySubject
	Responses []domain.Response
}

// PartnerCanvas is what a partner's canvas shows, gathered at Now.
type PartnerCanvas struct {
	Partner   string            // its name
	FollowUps []domain.FollowUp // open ones shared with the partner, soonest first
	Events    []domain.Event    // upcoming, soonest first
	Survey    *CanvasSurvey     // the latest, nil for none
	Needs     []NeedTopic       // most heard first
	Notes     []domain.Need     // the latest needs heard, newest first
	Now       time.Time
	Loc       *time.Location // the team's zone: times show it
}

// NeedTopic is a need topic and how often it was heard.
type NeedTopic struct {
	Topic string
	Count int
}

// canvasTitles are the parts' headings, the bot's to find them by.
const (
	CanvasNextSteps = "Shared next steps"
	CanvasEvents    = "Upcoming events"
	CanvasSurveyTop = "Latest survey"
	CanvasNeeds     = "What the community told us"
)

// CanvasTitle is the canvas's title.
func (c PartnerCanvas) CanvasTitle() string { return "Our partnership with " + oneLine(c.Partner) }

// Intro is the canvas's first paragraph, written when the bot makes it.
func (c PartnerCanvas) Intro() string {
	return "# " + CanvasText(c.CanvasTitle()) + "\n\nThe outreach team's bot keeps the four parts below up to date. Write anything you like around them; the bot rewrites only its own parts."
}

// Parts are the canvas's parts, in order.
func (c PartnerCanvas) Parts() []CanvasPart {
	return []CanvasPart{c.nextSteps(), c.events(), c.survey(), c.needs()}
}

// part builds a part from its lines: the marker, then each line.
func part(title, what string, lines []string) CanvasPart {
	marker := "Kept up to date by the outreach team's bot: " + what + "."
	return CanvasPart{Title: title, Marker: marker, Body: strings.Join(append([]string{marker}, lines...), "  \n")}
}

func (c PartnerCanvas) nextSteps() CanvasPart {
	var lines []string
	for i, f := range c.FollowUps {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("…and %d more.", len(c.FollowUps)-10))
			break
		}
		lines = append(lines, fmt.Sprintf("• F%d %s, by %s", f.ID, CanvasText(Clip(f.Text, 200)), c.when(f.Due)))
	}
	if len(lines) == 0 {
		lines = append(lines, "Nothing open just now.")
	}
	return part(CanvasNextSteps, "what the team promised you, soonest first", lines)
}

func (c PartnerCanvas) events() CanvasPart {
	var lines []string
	for i, e := range c.Events {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("…and %d more.", len(c.Events)-10))
			break
		}
		line := fmt.Sprintf("• E%d %s, %s", e.ID, CanvasText(Clip(e.Title, 120)), c.when(e.Start))
		if e.Where != "" {
			line += ", " + CanvasText(Clip(e.Where, 80))
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = append(lines, "None planned yet.")
	}
	return part(CanvasEvents, "the events we run together", lines)
}

func (c PartnerCanvas) survey() CanvasPart {
	if c.Survey == nil {
		return part(CanvasSurveyTop, "what you told us in our last survey", []string{"No survey yet."})
	}
	sv := c.Survey.Survey
	t := domain.Templates[sv.Template]
	about := c.Survey.Subject.Partner
	if c.Survey.Subject.Event != "" {
		about = "“" + c.Survey.Subject.Event + "”"
	}
	head := fmt.Sprintf("S%d %s, sent %s: %s", sv.ID, CanvasText(fmt.Sprintf(t.Title, about)), Date(sv.Created, c.Now, c.Loc), Plural(len(c.Survey.Responses), "response"))
	switch {
	case sv.Closed(c.Now):
		head += ", closed"
	case !sv.Closes.IsZero():
		head += ", open until " + c.when(sv.Closes)
	}
	if sv.Anonymous {
		head += " (anonymous)"
	}
	lines := []string{head}
	for _, q := range t.Questions {
		lines = append(lines, "• "+CanvasText(q.Text)+" "+Tally(q, c.Survey.Responses))
	}
	return part(CanvasSurveyTop, "what you told us in our last survey", lines)
}

func (c PartnerCanvas) needs() CanvasPart {
	var topics []string
	for i, n := range c.Needs {
		if i == 8 {
			break
		}
		topics = append(topics, fmt.Sprintf("%s (%d)", CanvasText(n.Topic), n.Count))
	}
	var lines []string
	if len(topics) == 0 {
		lines = append(lines, "Nothing heard in the last 90 days.")
	} else {
		lines = append(lines, "In the last 90 days: "+strings.Join(topics, ", ")+".")
	}
	for i, n := range c.Notes {
		if i == 3 {
			break
		}
		lines = append(lines, fmt.Sprintf("• “%s”, %s", CanvasText(Clip(n.Note, 200)), Date(n.At, c.Now, c.Loc)))
	}
	return part(CanvasNeeds, "the health needs your community shared with us", lines)
}

// when is a time with the zone's abbreviation: the canvas's readers are
// in several zones.
func (c PartnerCanvas) when(t time.Time) string {
	return Time(t, c.Now, c.Loc) + " " + t.In(c.Loc).Format("MST")
}

// Tally is one question's answers, counted: "4.3 of 5 (12 ratings)", or
// "Yes 9 · Maybe 4 · No 1".
func Tally(q domain.Question, rs []domain.Response) string {
	if q.Rating {
		sum, n := 0, 0
		for _, r := range rs {
			if v, err := strconv.Atoi(r.Answers[q.ID]); err == nil {
				sum, n = sum+v, n+1
			}
		}
		if n == 0 {
			return "no ratings yet"
		}
		return fmt.Sprintf("%.1f of 5 (%s)", float64(sum)/float64(n), Plural(n, "rating"))
	}
	counts := make([]string, len(q.Choices))
	for ci, choice := range q.Choices {
		k := 0
		for _, r := range rs {
			if r.Answers[q.ID] == strconv.Itoa(ci) {
				k++
			}
		}
		counts[ci] = fmt.Sprintf("%s %d", choice, k)
	}
	return strings.Join(counts, " · ")
}

// canvasEscaper escapes what canvas markdown would read as syntax:
// emphasis, code, links and images (a canvas mention is an image of
// @U123), headings, tables, and the angle brackets and ampersand of
// Slack's own syntax. Each becomes the character itself, shown as typed.
var canvasEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	"#", `\#`, "!", `\!`, "|", `\|`, "~", `\~`, "<", `\<`, ">", `\>`, "&", `\&`,
)

// CanvasText makes user-typed text safe in a canvas, which reads markdown
// rather than mrkdwn: Esc's counterpart there. Everything a person typed
// (a title, a need, a place) goes through it before the bot writes it
// into a canvas: with markdown's punctuation escaped it cannot form a
// link, a mention (![](@U123)), a heading that would pass for one of the
// bot's parts, or <!channel>; and it stays on one line.
func CanvasText(s string) string { return canvasEscaper.Replace(oneLine(s)) }

// oneLine joins s's lines with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// CanvasRefused is the one note to each admin when Slack refuses the
// workspace's canvases (code, Slack's reason): what it means and what to
// do; the rest of the bot works on.
func CanvasRefused(code string) Reply {
	why := "Slack refuses channel canvases in this workspace"
	switch code {
	case "team_tier_cannot_create_channel_canvases", "free_team_canvas_tab_already_exists":
		why = "Slack's plan for this workspace does not let apps create channel canvases"
	case "canvas_disabled_user_team":
		why = "an admin has turned canvases off for this workspace"
	case "missing_scope":
		why = "the app was installed without the canvases:read and canvases:write scopes (manifest.yaml has them): reinstall it to grant them"
	}
	return Reply{Text: fmt.Sprintf(":information_source: *Partner canvases are off for now*: %s (`%s`). "+
		"Everything else works as before; only the canvases in partners' channels are not kept. "+
		"I will try again in 30 days, and say nothing more about it; set `OUTREACH_PARTNER_CANVAS=off` to stop trying.", why, Esc(code))}
}
