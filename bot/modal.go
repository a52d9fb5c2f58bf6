package bot

import (
	"encoding/json"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/message"
)

// callbackLog identifies the log-a-contact modal's submissions.
const callbackLog = "log_contact"

// Block ids of the log modal are the commands' field names, so field
// errors map straight onto the inputs.
const (
	blockDirection = "direction"
	actionValue    = "value"
)

// modalMeta is the log modal's private_metadata: where it was opened, so
// the confirmation goes back there and a liaison stays scoped to it, and
// the response_url of the command or press that opened it: the
// confirmation goes through it, which works in any conversation for 30
// minutes, the bot a member or not.
type modalMeta struct {
	Channel     string `json:"c,omitempty"`
	ResponseURL string `json:"r,omitempty"`
}

// maxMetaURL keeps private_metadata within Slack's 3,000 characters; a
// response_url is about a hundred.
const maxMetaURL = 1000

func metaURL(u string) string {
	if len(u) > maxMetaURL {
		return ""
	}
	return u
}

// logModal is the form behind a bare `/outreach log` and the Log contact
// buttons. partner prefills the partner field.
func logModal(partner, channel, responseURL string) slack.ModalViewRequest {
	partnerIn := slack.NewPlainTextInputBlockElement(plain("id, name or the start of the name"), actionValue)
	partnerIn.InitialValue = partner
	partnerIn.MaxLength = 80
	var methods []*slack.OptionBlockObject
	for _, m := range domain.Methods {
		methods = append(methods, slack.NewOptionBlockObject(m, plain(m), nil))
	}
	method := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("how"), actionValue, methods...)
	method.InitialOption = methods[0]
	out := slack.NewOptionBlockObject("out", plain("We reached them"), nil)
	in := slack.NewOptionBlockObject("in", plain("They reached us"), nil)
	dir := slack.NewRadioButtonsBlockElement(actionValue, out, in)
	dir.InitialOption = out
	when := slack.NewPlainTextInputBlockElement(plain("now — or yesterday, dec 3 14:30"), actionValue)
	when.MaxLength = 60
	summary := slack.NewPlainTextInputBlockElement(plain("What happened, what was agreed"), actionValue)
	summary.Multiline = true
	summary.MaxLength = 2000

	whenBlock := slack.NewInputBlock(commands.FieldWhen, plain("When"), nil, when)
	whenBlock.Optional = true
	meta, _ := json.Marshal(modalMeta{Channel: channel, ResponseURL: metaURL(responseURL)})
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackLog,
		Title:           plain("Log a contact"),
		Submit:          plain("Log it"),
		Close:           plain("Cancel"),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(commands.FieldPartner, plain("Partner"), nil, partnerIn),
			slack.NewInputBlock(commands.FieldMethod, plain("Method"), nil, method),
			slack.NewInputBlock(blockDirection, plain("Direction"), nil, dir),
			whenBlock,
			slack.NewInputBlock(commands.FieldSummary, plain("Summary"), nil, summary),
		}},
	}
}

// logInput reads a submitted log modal.
func logInput(v slack.View) (commands.LogInput, modalMeta) {
	val := func(block string) string {
		a, ok := stateValue(v, block)
		if !ok {
			return ""
		}
		if a.SelectedOption.Value != "" {
			return a.SelectedOption.Value
		}
		return a.Value
	}
	var meta modalMeta
	_ = json.Unmarshal([]byte(v.PrivateMetadata), &meta) // our own metadata; empty on error
	return commands.LogInput{
		Partner:   val(commands.FieldPartner),
		Method:    val(commands.FieldMethod),
		Direction: val(blockDirection),
		When:      val(commands.FieldWhen),
		Summary:   val(commands.FieldSummary),
	}, meta
}

// The survey comment form.
const (
	callbackComment = "survey_comment"
	blockComment    = "comment"
)

type commentMeta struct {
	Survey      string `json:"s"`
	Channel     string `json:"c"`
	ResponseURL string `json:"r,omitempty"` // as in modalMeta
}

// commentModal asks for a comment on survey (its "S12" button value),
// remembering the channel the button was pressed in and the press's
// response_url.
func commentModal(survey, channel, responseURL string) slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(plain("What would you like to tell us?"), actionValue)
	in.Multiline = true
	in.MaxLength = 2000
	meta, _ := json.Marshal(commentMeta{Survey: survey, Channel: channel, ResponseURL: metaURL(responseURL)})
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackComment, Title: plain("Add a comment"),
		Submit: plain("Send"), Close: plain("Cancel"), PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock(blockComment, plain("Comment"), nil, in)}},
	}
}

// commentInput reads a submitted comment form.
func commentInput(v slack.View) (survey int64, meta commentMeta, text string) {
	_ = json.Unmarshal([]byte(v.PrivateMetadata), &meta) // our own metadata; empty on error
	survey, _ = domain.ParseSurveyID(meta.Survey)
	a, _ := stateValue(v, blockComment)
	return survey, meta, a.Value
}

// stateValue is the value of a form's input block. A submission may come
// without state (slack-go then leaves View.State nil).
func stateValue(v slack.View, block string) (slack.BlockAction, bool) {
	if v.State == nil {
		return slack.BlockAction{}, false
	}
	a, ok := v.State.Values[block][actionValue]
	return a, ok
}

// The App Home's forms: each fills a command of the table (commands.Form),
// checked exactly as if typed.
const (
	callbackPartner = message.FormPartner
	callbackNeed    = message.FormNeed
	blockName       = "name"
	blockKind       = "kind"
	blockStage      = "stage"
	blockChannel    = "channel"
	blockCadence    = "cadence"
	blockTopics     = "topics"
	blockNote       = "note"
	blockPartner    = "partner"
)

func options(values []string) []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for _, v := range values {
		out = append(out, slack.NewOptionBlockObject(v, plain(v), nil))
	}
	return out
}

func optional(b *slack.InputBlock) *slack.InputBlock {
	b.Optional = true
	return b
}

// partnerModal is the Add a partner form.
func partnerModal() slack.ModalViewRequest {
	name := slack.NewPlainTextInputBlockElement(plain("County Health Dept"), actionValue)
	name.MaxLength = 80
	kind := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("kind"), actionValue, options(domain.Kinds)...)
	stage := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("stage"), actionValue, options(domain.Stages)...)
	channel := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, plain("its shared channel"), actionValue)
	cadence := slack.NewPlainTextInputBlockElement(plain("30d, 2w, 3mo"), actionValue)
	cadence.MaxLength = 10
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackPartner, Title: plain("Add a partner"), Submit: plain("Add"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(blockName, plain("Name"), nil, name),
			optional(slack.NewInputBlock(blockKind, plain("Kind"), nil, kind)),
			optional(slack.NewInputBlock(blockStage, plain("Stage"), nil, stage)),
			optional(slack.NewInputBlock(blockChannel, plain("Linked channel"), plain("Often a channel shared with the partner"), channel)),
			optional(slack.NewInputBlock(blockCadence, plain("Stay in touch every"), nil, cadence)),
		}},
	}
}

// needModal is the Record a need form; channel is where it was opened,
// responseURL the press's (modalMeta).
func needModal(channel, responseURL string) slack.ModalViewRequest {
	topics := slack.NewPlainTextInputBlockElement(plain("diabetes, transportation"), actionValue)
	topics.MaxLength = 200
	note := slack.NewPlainTextInputBlockElement(plain("What you heard, and from whom"), actionValue)
	note.Multiline, note.MaxLength = true, 2000
	partner := slack.NewPlainTextInputBlockElement(plain("id, name or the start of the name"), actionValue)
	partner.MaxLength = 80
	meta, _ := json.Marshal(modalMeta{Channel: channel, ResponseURL: metaURL(responseURL)})
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackNeed, Title: plain("Record a need"), Submit: plain("Record"), Close: plain("Cancel"),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(blockTopics, plain("Topics"), plain("Comma-separated"), topics),
			slack.NewInputBlock(blockNote, plain("What you heard"), nil, note),
			optional(slack.NewInputBlock(blockPartner, plain("From which partner"), nil, partner)),
		}},
	}
}

// formValue reads one input of a submitted view: a select's choice, a
// picked conversation, or typed text.
func formValue(v slack.View, block string) string {
	a, ok := stateValue(v, block)
	if !ok {
		return ""
	}
	switch {
	case a.SelectedOption.Value != "":
		return a.SelectedOption.Value
	case a.SelectedConversation != "":
		return a.SelectedConversation
	}
	return a.Value
}

// formInput turns a submitted App Home form into the command it fills,
// and names the input its mistakes are shown under.
func formInput(v slack.View) (commands.Form, string, modalMeta) {
	var meta modalMeta
	_ = json.Unmarshal([]byte(v.PrivateMetadata), &meta) // our own metadata; empty on error
	if v.CallbackID == callbackNeed {
		return commands.Form{Name: message.FormNeed, Words: []string{formValue(v, blockTopics), formValue(v, blockNote)},
			Options: map[string]string{"partner": formValue(v, blockPartner)}}, blockNote, meta
	}
	return commands.Form{Name: message.FormPartner, Words: []string{formValue(v, blockName)}, Options: map[string]string{
		"kind": formValue(v, blockKind), "stage": formValue(v, blockStage), "channel": formValue(v, blockChannel), "cadence": formValue(v, blockCadence),
	}}, blockName, meta
}
