package slacktest

import (
	"encoding/json"
	"slices"
	"strings"
)

// Channel canvases, as Slack documents them:
//
//   - conversations.canvases.create (https://docs.slack.dev/reference/methods/conversations.canvases.create,
//     Tier 2, canvases:write): channel_id, title, document_content
//     {"type":"markdown","markdown":…}; {"ok":true,"canvas_id":"F…"}. A
//     channel has one channel canvas: channel_canvas_already_exists. A
//     free workspace cannot create them: team_tier_cannot_create_channel_canvases
//     (SetCanvasPlan); where admins switched canvases off,
//     canvas_disabled_user_team.
//   - canvases.sections.lookup (https://docs.slack.dev/reference/methods/canvases.sections.lookup,
//     Tier 3, canvases:read): criteria {section_types: h1, h2, h3 or
//     any_header; contains_text}, at least one of them;
//     {"ok":true,"sections":[{"id":…}]}. canvas_not_found.
//   - canvases.edit (https://docs.slack.dev/reference/methods/canvases.edit,
//     Tier 3, canvases:write): changes, "only one operation per API call":
//     insert_after and insert_before (section_id, document_content),
//     insert_at_start and insert_at_end (document_content), replace
//     (document_content; with section_id that section, without it the
//     whole canvas), delete (section_id). canvas_not_found,
//     canvas_editing_failed (an unknown section, among others).
//
// A canvas is a list of sections, as Slack's canvases (built on Quip)
// keep them: each heading line is a section of its type (h1, h2, h3), and
// each block of other lines up to a blank line or a heading is one
// section more. Section ids are "temp:C:…" and are issued afresh after
// every edit, as Slack's are, so a caller looks a section up right before
// it edits it. Conversations.info shows a channel's canvas under
// properties.canvas.file_id.

// canvasDoc is one canvas.
type canvasDoc struct {
	id, channel, title string
	sections           []canvasSection
}

type canvasSection struct {
	id, kind, text string // kind: h1, h2, h3, or "" for any other block
}

// SetCanvasPlan says what the workspace's plan lets apps do with
// canvases: "" for a paid plan (channel canvases), "free" (no channel
// canvas can be created: team_tier_cannot_create_channel_canvases) or
// "disabled" (admins switched canvases off: canvas_disabled_user_team).
func (s *Server) SetCanvasPlan(plan string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.canvasPlan = plan
}

// Canvas is the markdown of channel's canvas, its sections separated by
// blank lines, and whether it has one.
func (s *Server) Canvas(channel string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.canvasOfLocked(channel)
	if c == nil {
		return "", false
	}
	var parts []string
	for _, sec := range c.sections {
		parts = append(parts, sec.text)
	}
	return strings.Join(parts, "\n\n"), true
}

// EditCanvasAsUser appends markdown to channel's canvas, as a person
// writing in it would, creating the canvas if there is none.
func (s *Server) EditCanvasAsUser(channel, markdown string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.canvasOfLocked(channel)
	if c == nil {
		c = &canvasDoc{id: randID("F", 10), channel: channel}
		s.canvases[c.id] = c
	}
	c.sections = append(c.sections, parseCanvas(markdown)...)
	c.renumber()
	s.bumpLocked()
}

func (s *Server) canvasOfLocked(channel string) *canvasDoc {
	for _, c := range s.canvases {
		if c.channel == channel {
			return c
		}
	}
	return nil
}

// parseCanvas splits markdown into sections: a heading line each, and
// each run of other lines up to a blank line or a heading.
func parseCanvas(markdown string) []canvasSection {
	var out []canvasSection
	var block []string
	flush := func() {
		if len(block) > 0 {
			out = append(out, canvasSection{text: strings.Join(block, "\n")})
			block = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "# "), strings.HasPrefix(trimmed, "## "), strings.HasPrefix(trimmed, "### "):
			flush()
			level := strings.Index(trimmed, " ")
			out = append(out, canvasSection{kind: "h" + string(rune('0'+level)), text: trimmed})
		default:
			block = append(block, line)
		}
	}
	flush()
	return out
}

// renumber issues every section a new id, as an edit does.
func (c *canvasDoc) renumber() {
	for i := range c.sections {
		c.sections[i].id = "temp:C:" + randID("", 28)
	}
}

// markdownArg reads a document_content argument's markdown.
func markdownArg(p *params, key string) (string, bool, bool) {
	raw, ok := p.jsonArg(key)
	if !ok {
		return "", false, false
	}
	if raw == nil {
		return "", false, true
	}
	var dc struct {
		Type     string `json:"type"`
		Markdown string `json:"markdown"`
	}
	if json.Unmarshal(raw, &dc) != nil || dc.Type != "markdown" {
		return "", false, false
	}
	return dc.Markdown, true, true
}

func (s *Server) conversationsCanvasesCreate(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	channel := p.str("channel_id")
	if channel == "" {
		return invalidArguments("[ERROR] missing required field: channel_id")
	}
	switch s.canvasPlan {
	case "free":
		return fail("team_tier_cannot_create_channel_canvases")
	case "disabled":
		return fail("canvas_disabled_user_team")
	}
	if c, ok := s.channels[channel]; ok && c.NotJoined && s.privateLocked(channel) {
		return fail("channel_not_found")
	}
	if s.canvasOfLocked(channel) != nil {
		return fail("channel_canvas_already_exists")
	}
	md, _, ok := markdownArg(p, "document_content")
	if !ok {
		return invalidArguments("[ERROR] document_content must be {\"type\":\"markdown\",\"markdown\":…}")
	}
	c := &canvasDoc{id: randID("F", 10), channel: channel, title: p.str("title"), sections: parseCanvas(md)}
	c.renumber()
	s.canvases[c.id] = c
	s.bumpLocked()
	return map[string]any{"ok": true, "canvas_id": c.id}
}

func (s *Server) canvasesSectionsLookup(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.canvases[p.str("canvas_id")]
	if !ok {
		return fail("canvas_not_found")
	}
	if s.canvasPlan == "disabled" {
		return fail("canvas_disabled_user_team")
	}
	raw, ok := p.jsonArg("criteria")
	var cr struct {
		SectionTypes []string `json:"section_types"`
		ContainsText string   `json:"contains_text"`
	}
	if !ok || raw == nil || json.Unmarshal(raw, &cr) != nil || (len(cr.SectionTypes) == 0 && cr.ContainsText == "") || len(cr.SectionTypes) > 3 {
		return invalidArguments("[ERROR] criteria needs section_types (1 to 3) or contains_text")
	}
	sections := []map[string]any{}
	for _, sec := range c.sections {
		typeOK := len(cr.SectionTypes) == 0 || slices.Contains(cr.SectionTypes, sec.kind) || (sec.kind != "" && slices.Contains(cr.SectionTypes, "any_header"))
		if typeOK && strings.Contains(sec.text, cr.ContainsText) {
			sections = append(sections, map[string]any{"id": sec.id})
		}
	}
	return map[string]any{"ok": true, "sections": sections}
}

func (s *Server) canvasesEdit(p *params) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.canvases[p.str("canvas_id")]
	if !ok {
		return fail("canvas_not_found")
	}
	if s.canvasPlan == "disabled" {
		return fail("canvas_disabled_user_team")
	}
	raw, ok := p.jsonArg("changes")
	var changes []struct {
		Operation       string          `json:"operation"`
		SectionID       string          `json:"section_id"`
		DocumentContent json.RawMessage `json:"document_content"`
	}
	if !ok || raw == nil || json.Unmarshal(raw, &changes) != nil || len(changes) != 1 {
		return invalidArguments("[ERROR] changes: only one operation per API call is supported")
	}
	ch := changes[0]
	var content []canvasSection
	if len(ch.DocumentContent) > 0 && ch.Operation != "delete" {
		var dc struct {
			Type     string `json:"type"`
			Markdown string `json:"markdown"`
		}
		if json.Unmarshal(ch.DocumentContent, &dc) != nil || dc.Type != "markdown" {
			return invalidArguments("[ERROR] document_content must be {\"type\":\"markdown\",\"markdown\":…}")
		}
		content = parseCanvas(dc.Markdown)
	}
	at := slices.IndexFunc(c.sections, func(sec canvasSection) bool { return sec.id == ch.SectionID })
	needsSection := ch.Operation == "insert_after" || ch.Operation == "insert_before" || ch.Operation == "delete"
	switch {
	case needsSection && ch.SectionID == "":
		return invalidArguments("[ERROR] " + ch.Operation + " needs a section_id")
	case ch.SectionID != "" && at < 0:
		return fail("canvas_editing_failed") // no such section (ids change with every edit)
	case ch.Operation != "delete" && len(ch.DocumentContent) == 0:
		return invalidArguments("[ERROR] " + ch.Operation + " needs document_content")
	}
	secs := c.sections
	switch ch.Operation {
	case "insert_at_start":
		secs = append(slices.Clone(content), secs...)
	case "insert_at_end":
		secs = append(secs, content...)
	case "insert_before":
		secs = slices.Insert(secs, at, content...)
	case "insert_after":
		secs = slices.Insert(secs, at+1, content...)
	case "replace":
		if ch.SectionID == "" {
			secs = content
		} else {
			secs = slices.Replace(secs, at, at+1, content...)
		}
	case "delete":
		secs = slices.Delete(secs, at, at+1)
	default:
		return invalidArguments("[ERROR] unknown operation " + ch.Operation)
	}
	c.sections = secs
	c.renumber()
	s.bumpLocked()
	return map[string]any{"ok": true}
}
