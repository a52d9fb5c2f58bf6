// Package slacktest is an in-process fake of Slack for offline tests and
// benchmarks. It serves the Web API over HTTP and the Socket Mode WebSocket on
// 127.0.0.1, so that an unmodified slack-go socketmode client pointed at
// APIURL connects to it and works as it would against Slack.
//
// The fake copies Slack's documented protocol and payload shapes. Tests see
// the same failures that real Slack causes:
//
//   - Socket Mode (https://docs.slack.dev/apis/events-api/using-socket-mode,
//     https://api.slack.com/methods/apps.connections.open): the app token goes
//     in the Authorization header. A single-use ws:// URL carries a ticket.
//     hello is sent on open, and disconnect asks the client to reconnect.
//     Envelopes carry a UUID envelope_id and must be acked within 3 seconds.
//   - The fake sends WebSocket PING frames because slack-go never pings. It
//     reconnects when server pings stop arriving.
//   - events_api payloads are the full event_callback outer event
//     (https://docs.slack.dev/apis/events-api/). An event that is not acked is
//     redelivered with the same event_id, a new envelope_id, and retry_attempt
//     1..3 with retry_reason "timeout". The schedule is compressed.
//     slash_commands and interactive envelopes are never retried. A late ack
//     is a user-visible error.
//   - Slash commands are limited to users of the installing workspace
//     (https://docs.slack.dev/apis/slack-connect/). A command from another
//     team's user never reaches the app. So are shortcuts: a message
//     shortcut is an interactive message_action with the message, a global
//     one a shortcut (MessageShortcut, GlobalShortcut; see shortcuts.go).
//   - Web API (https://docs.slack.dev/apis/web-api/): HTTP 200 with "ok".
//     Failures carry a non-empty "error". Rate limits are HTTP 429 with an
//     integer Retry-After (https://docs.slack.dev/apis/web-api/rate-limits).
//     ts values are "<secs>.<6 digits>" strings. created, updated and
//     event_time are integers.
//   - trigger_id is single use and expires after 3 seconds
//     (https://docs.slack.dev/reference/methods/views.open).
//   - File uploads use the files.getUploadURLExternal / upload /
//     files.completeUploadExternal flow
//     (https://docs.slack.dev/messaging/working-with-files). The upload URL is
//     on the API host, because slack-go only sends the token there.
//   - Socket Mode spreads envelopes across an app's open connections, and
//     refreshes each on its own (DisconnectOne).
//   - The bot token can break at run time (SetAuthError: token_revoked and
//     the like fail every call) or lack a scope (RemoveScope: missing_scope
//     with needed and provided). The bot may not have joined a channel
//     (Channel.NotJoined): conversations.history and chat.postEphemeral
//     answer not_in_channel there, and chat.postMessage works only with
//     chat:write.public. See access.go.
//   - Channel canvases: conversations.canvases.create, canvases.sections.lookup
//     and canvases.edit, a canvas kept as Slack's sections, their ids new
//     after every edit, with the errors of a free or canvas-less
//     workspace (SetCanvasPlan) and the methods' tiers (canvas.go).
//   - conversations.history pages with has_more and next_cursor;
//     conversations.members with next_cursor, from Channel.Members and the
//     bot (members.go).
//   - Rate limits per channel and workspace-wide for chat.postMessage
//     (ChannelRate, WorkspaceRate) and per method for the others
//     (MethodRate, TierRate).
//   - An edited message that mentions the app is delivered again as
//     app_mention with a new event_id and "edited" (EditMention,
//     EditMessage); an edit in a DM with the app is message_changed with
//     message and previous_message (EditMessage); a shared private channel
//     gets a new id (ChangeChannelID). See edits.go.
//   - Sharing a channel with other organizations delivers channel_shared,
//     one per organization, and people joining a channel the bot is in
//     member_joined_channel (ShareChannel, JoinChannel); an archived
//     channel refuses posts with is_archived (SetArchived). See sharing.go.
//   - A response_url takes five posts within 30 minutes of Now.
//   - User and conversation objects carry team_id, is_stranger,
//     is_restricted, is_ext_shared and shared_team_ids
//     (https://docs.slack.dev/reference/objects/user-object,
//     https://docs.slack.dev/reference/objects/conversation-object), so code
//     paths for external (Slack Connect) users can be tested.
//
// The fake keeps every Web API write it receives so tests can inspect it:
// Posts, OpenedViews, PublishedViews, Uploads, Calls.
package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Identifiers the fake uses for the app itself.
const (
	AppID   = "A0FAKEAPP"
	BotID   = "B0FAKEBOT"
	BotName = "fakebot"

	// verificationToken is the deprecated per-app token Slack still puts in
	// payloads. slack-go's socketmode does not check it.
	verificationToken = "fakeverificationtoken"
	// triggerLifetime is how long a trigger_id may be exchanged.
	triggerLifetime = 3 * time.Second
)

// Errors returned by the envelope-delivering methods.
var (
	// ErrNotValidCommand is what Slack shows ("/cmd is not a valid command")
	// when a user from another workspace runs the app's slash command.
	ErrNotValidCommand = errors.New("slacktest: not a valid command for a user outside the installing workspace")
	// ErrAckTimeout means the app did not ack the envelope in time.
	ErrAckTimeout = errors.New("slacktest: envelope not acknowledged in time")
	// ErrNotConnected means no Socket Mode connection was open to deliver on.
	ErrNotConnected = errors.New("slacktest: no open Socket Mode connection")
	// ErrClosed means the server was closed.
	ErrClosed = errors.New("slacktest: server closed")
	// ErrUnknownEvent means RedeliverEvent got an event_id the fake never sent.
	ErrUnknownEvent = errors.New("slacktest: unknown event_id")
)

// Options configures a Server. Zero values take the documented defaults.
type Options struct {
	HomeTeam        string        // default "T0HOME"
	BotToken        string        // default "xoxb-fake"
	AppToken        string        // default "xapp-fake"
	BotUserID       string        // default "UBOT"
	PingEvery       time.Duration // default 2s
	AckTimeout      time.Duration // default 3s: slash_commands, interactive, SendRaw
	EventAckTimeout time.Duration // default 3s: events_api, before a redelivery
	// AcksOnTheirSocket takes an ack only from the socket its envelope
	// went out on, as a server that keeps each socket's envelopes to
	// itself would (Slack documents no such rule; a client should not
	// depend on either).
	AcksOnTheirSocket bool
	// RetryDelays is the wait before each events_api redelivery. Its length is
	// the number of retries. Nil means [0, 200ms, 500ms]. An empty non-nil
	// slice turns retries off.
	RetryDelays []time.Duration
	// ChannelRate is how many chat.postMessage calls per second one channel
	// accepts before the fake answers 429. Bursts of up to max(1, rate) are
	// allowed. 0 turns the limit off.
	ChannelRate float64
	// WorkspaceRate is how many chat.postMessage calls per second the
	// whole workspace accepts, across channels, before the fake answers
	// 429 ("a workspace-wide limit" whose size Slack does not publish).
	// Bursts of up to max(1, rate). 0 turns it off.
	WorkspaceRate float64
	// MethodRate limits other methods, per method and workspace-wide, in
	// calls per second (Slack's tiers, https://docs.slack.dev/apis/web-api/rate-limits:
	// Tier 3 is 50+ a minute, Tier 4 100+; TierRate has them). Bursts of
	// up to max(1, rate). Methods not listed are not limited.
	MethodRate map[string]float64
	// HistoryLimit caps the messages one conversations.history page
	// returns, as Slack does (999; 15 for apps held to the limits of
	// non-Marketplace apps). 0 means 999.
	HistoryLimit int
	// Scopes are the bot token's scopes; nil grants AllScopes.
	Scopes []string
	Logf   func(format string, args ...any) // optional, e.g. t.Logf
	// Now is the time Slack stamps on messages (ts, Post.At) and events
	// (event_time); nil means the wall clock. A test that moves the bot's
	// clock passes the same clock here, so that history read "since" a
	// time agrees with what the bot posted. Protocol deadlines (acks,
	// triggers, rate limits) always run on the wall clock, as Slack's do.
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.HomeTeam == "" {
		o.HomeTeam = "T0HOME"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BotToken == "" {
		o.BotToken = "xoxb-fake"
	}
	if o.AppToken == "" {
		o.AppToken = "xapp-fake"
	}
	if o.BotUserID == "" {
		o.BotUserID = "UBOT"
	}
	if o.PingEvery <= 0 {
		o.PingEvery = 2 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.EventAckTimeout <= 0 {
		o.EventAckTimeout = 3 * time.Second
	}
	if o.HistoryLimit <= 0 || o.HistoryLimit > 999 {
		o.HistoryLimit = 999
	}
	if o.RetryDelays == nil {
		o.RetryDelays = []time.Duration{0, 200 * time.Millisecond, 500 * time.Millisecond}
	}
}

// User is a workspace member known to the fake. A TeamID other than the home
// team makes the user external (Slack Connect). An empty TeamID means the
// home team.
type User struct {
	ID, TeamID, Name, TZ                               string
	IsBot, IsRestricted, IsUltraRestricted, IsStranger bool
}

// Channel is a conversation known to the fake. If Members is non-empty,
// chat.postEphemeral rejects users who are not in it. NotJoined means the
// bot is not a member (see access.go for what that refuses). IsArchived
// refuses posts with is_archived (see sharing.go).
type Channel struct {
	ID, Name                               string
	IsIM, IsPrivate, IsShared, IsExtShared bool
	NotJoined, IsArchived                  bool
	SharedTeamIDs, Members                 []string
}

// Ack is the app's acknowledgement of one envelope.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil if the ack had no payload
	Latency    time.Duration   // from the envelope frame written to the ack frame read
}

// AckResult is what SlashCommandAsync delivers.
type AckResult struct {
	Ack
	Err error
}

// Post is one recorded message write: chat.postMessage, chat.postEphemeral,
// chat.update, or a POST to a response_url.
type Post struct {
	Kind     string // "postMessage", "postEphemeral", "update", "response_url"
	Channel  string // resolved channel id (D… for DMs)
	Target   string // channel as given by the caller (may be a user id)
	User     string // for ephemeral posts and response_url posts: the user it was shown to
	TS       string // empty for ephemeral response_url replies
	Text     string
	Blocks   json.RawMessage
	Metadata json.RawMessage
	At       time.Time

	ThreadTS        string // thread_ts, if the post was a thread reply
	ResponseType    string // response_url only: "ephemeral" or "in_channel"
	ReplaceOriginal bool   // response_url only
	DeleteOriginal  bool   // response_url only
}

// Upload is one completed file upload.
type Upload struct {
	FileID, Filename, Title, Channel, InitialComment string
	ThreadTS                                         string
	Data                                             []byte
}

// Server is a running fake Slack. Create it with New and stop it with Close.
type Server struct {
	opts Options
	base string // http://127.0.0.1:<port>
	http *http.Server
	// closed is closed by Close. Waiters select on it.
	closed    chan struct{}
	closeOnce sync.Once
	// wg counts the goroutines the fake starts, so Close can wait for them.
	wg       sync.WaitGroup
	upgrader websocket.Upgrader
	started  time.Time

	mu         sync.Mutex
	isClosed   bool
	changed    chan struct{} // closed and replaced on every state change; see bumpLocked
	triggerTTL time.Duration
	// maxResponseURLs bounds the response_urls remembered (tests lower it).
	maxResponseURLs int

	users    map[string]User
	channels map[string]*channelState
	dms      map[string]string // user id → D channel id

	conns     []*wsConn
	connOpens int
	tickets   map[string]bool

	waiters      map[string]*waiter // envelope_id → waiter
	events       map[string]*eventRecord
	eventOrder   []string // event ids, oldest first, to bound memory
	ackTimeouts  int
	lastTSMicros int64

	posts         []Post
	history       map[string][]*message // channel → messages in post order
	ephemeral     map[string]bool       // channel+"/"+ts of ephemeral posts
	triggers      map[string]*trigger
	triggerOrder  fifo // the keys of triggers, oldest first
	lastTrigger   string
	responseURLs  map[string]*responseTarget
	responseOrder fifo // the keys of responseURLs, oldest first

	views        map[string]map[string]any // view id → current view
	opened       []json.RawMessage
	updatedViews []json.RawMessage
	published    map[string][]json.RawMessage
	homeViewID   map[string]string // user → home view id

	pendingUploads map[string]*pendingUpload
	uploads        []Upload
	files          map[string]*userFile // files people uploaded (files.go)

	canvases   map[string]*canvasDoc // canvas id → canvas (canvas.go)
	canvasPlan string                // SetCanvasPlan

	said      map[string]*said // channel+"/"+ts → what a person wrote (edits.go)
	saidOrder []string         // its keys, oldest first, to bound memory

	calls         map[string]int
	userInfoCalls map[string]int
	rateLimited   int
	failNext      map[string]*failSpec
	rlNext        map[string]*rateLimitSpec
	buckets       map[string]*bucket // per channel, chat.postMessage
	workspace     *bucket            // chat.postMessage, all channels
	methodBuckets map[string]*bucket
	rateLimitedBy map[string]int // 429s by method

	authError string          // SetAuthError
	scopes    map[string]bool // the bot token's scopes

	nextConn int // round robin over connections
}

type channelState struct {
	Channel
	created int64
	imUser  string // for DMs the fake opened: the other member
	mpim    bool   // opened by conversations.open with several users
}

type failSpec struct {
	n    int
	code string
}

type rateLimitSpec struct {
	n, retryAfter int
	// RateLimitEvery: every'th call answers 429 until the deadline.
	every, count int
	until        time.Time
}

// New starts a fake Slack on 127.0.0.1 with a random port. It panics if it
// cannot listen, as httptest.NewServer does.
func New(opts Options) *Server {
	opts.setDefaults()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("slacktest: listen: %v", err))
	}
	s := &Server{
		opts:    opts,
		base:    "http://" + ln.Addr().String(),
		closed:  make(chan struct{}),
		started: time.Now(),
		// slack-go sends Origin: https://api.slack.com. gorilla's default
		// same-origin check would answer 403.
		upgrader:        websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		changed:         make(chan struct{}),
		triggerTTL:      triggerLifetime,
		maxResponseURLs: maxResponseURLs,
		users:           map[string]User{},
		channels:        map[string]*channelState{},
		dms:             map[string]string{},
		tickets:         map[string]bool{},
		waiters:         map[string]*waiter{},
		events:          map[string]*eventRecord{},
		history:         map[string][]*message{},
		ephemeral:       map[string]bool{},
		triggers:        map[string]*trigger{},
		responseURLs:    map[string]*responseTarget{},
		views:           map[string]map[string]any{},
		published:       map[string][]json.RawMessage{},
		homeViewID:      map[string]string{},
		pendingUploads:  map[string]*pendingUpload{},
		files:           map[string]*userFile{},
		canvases:        map[string]*canvasDoc{},
		said:            map[string]*said{},
		calls:           map[string]int{},
		userInfoCalls:   map[string]int{},
		failNext:        map[string]*failSpec{},
		rlNext:          map[string]*rateLimitSpec{},
		buckets:         map[string]*bucket{},
		methodBuckets:   map[string]*bucket{},
		rateLimitedBy:   map[string]int{},
		scopes:          newScopes(opts.Scopes),
	}
	s.users[opts.BotUserID] = User{ID: opts.BotUserID, TeamID: opts.HomeTeam, Name: BotName, IsBot: true}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.tracked(s.handleAPI))
	mux.HandleFunc("/link/", s.tracked(s.handleLink))
	mux.HandleFunc("/upload/", s.tracked(s.handleUpload))
	mux.HandleFunc("/response/", s.tracked(s.handleResponseURL))
	mux.HandleFunc("/files-pri/", s.tracked(s.handleFilePrivate))
	mux.HandleFunc("/signin", s.tracked(s.handleSignin))
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.http.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s
}

// Close stops the server, closes all sockets, fails pending deliveries with
// ErrClosed and waits for the fake's goroutines to end.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.isClosed = true
		close(s.closed)
		conns := slices.Clone(s.conns)
		s.bumpLocked()
		s.mu.Unlock()
		_ = s.http.Close()
		// Hijacked WebSocket connections are not closed by http.Server.Close.
		for _, c := range conns {
			_ = c.c.Close()
		}
		s.wg.Wait()
	})
}

// APIURL is the Web API base for slack.OptionAPIURL, with the trailing slash.
func (s *Server) APIURL() string { return s.base + "/api/" }

// BotToken is the bot token (xoxb-…) the Web API accepts.
func (s *Server) BotToken() string { return s.opts.BotToken }

// AppToken is the app-level token (xapp-…) apps.connections.open accepts.
func (s *Server) AppToken() string { return s.opts.AppToken }

// AddUser adds or replaces a user. An empty Name defaults to the lowercased id.
func (s *Server) AddUser(u User) {
	if u.TeamID == "" {
		u.TeamID = s.opts.HomeTeam
	}
	if u.Name == "" {
		u.Name = lowerID(u.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddChannel adds or replaces a conversation.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	created := s.started.Unix()
	if old, ok := s.channels[c.ID]; ok {
		created = old.created
	}
	c.SharedTeamIDs = slices.Clone(c.SharedTeamIDs)
	c.Members = slices.Clone(c.Members)
	s.channels[c.ID] = &channelState{Channel: c, created: created}
}

// WaitConnected returns when at least one Socket Mode connection is open and
// not draining after a disconnect request.
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.waitFor(ctx, func() bool { return s.activeConnsLocked() > 0 })
}

// Connections is the number of open Socket Mode connections that can receive
// envelopes.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activeConnsLocked()
}

// ConnectionOpens counts successful apps.connections.open calls.
func (s *Server) ConnectionOpens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connOpens
}

// Posts returns a copy of every recorded message write, in order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// WaitPosts waits until at least n posts are recorded and returns them all.
func (s *Server) WaitPosts(ctx context.Context, n int) ([]Post, error) {
	var out []Post
	err := s.waitFor(ctx, func() bool {
		if len(s.posts) < n {
			return false
		}
		out = slices.Clone(s.posts)
		return true
	})
	return out, err
}

// OpenedViews returns the modals opened by views.open and views.push, as the
// fake returned them (with id, hash and state filled in).
func (s *Server) OpenedViews() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.opened)
}

// UpdatedViews returns the views sent by views.update, as stored afterwards.
func (s *Server) UpdatedViews() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updatedViews)
}

// PublishedViews returns the Home tab views published for a user, oldest first.
func (s *Server) PublishedViews(userID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.published[userID])
}

// Uploads returns the completed file uploads.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, len(s.uploads))
	for i, u := range s.uploads {
		u.Data = slices.Clone(u.Data)
		out[i] = u
	}
	return out
}

// Calls counts the requests to a Web API method, including failed ones.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// UserInfoCalls counts users.info requests for one user.
func (s *Server) UserInfoCalls(userID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userInfoCalls[userID]
}

// RateLimited counts the HTTP 429 answers.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// RateLimitedCalls counts the HTTP 429 answers to one method.
func (s *Server) RateLimitedCalls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimitedBy[method]
}

// AckTimeouts counts slash command, interactive and SendRaw envelopes that
// were not acked in time. In Slack the user would see an error for each.
func (s *Server) AckTimeouts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ackTimeouts
}

// FailNext makes the next n calls to method answer {"ok":false,"error":errCode}.
func (s *Server) FailNext(method string, n int, errCode string) {
	if errCode == "" {
		errCode = "fatal_error" // an empty error would read as success in slack-go
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = &failSpec{n: n, code: errCode}
}

// RateLimitNext makes the next n calls to method answer HTTP 429 with
// Retry-After: retryAfter (at least 1).
func (s *Server) RateLimitNext(method string, n int, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rlNext[method] = &rateLimitSpec{n: n, retryAfter: max(1, retryAfter)}
}

// RateLimitEvery makes every n-th call to method answer HTTP 429 with
// Retry-After: retryAfter (at least 1) for the next d, as a workspace
// under load does now and then. It replaces RateLimitNext's setting for
// the method.
func (s *Server) RateLimitEvery(method string, n, retryAfter int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rlNext[method] = &rateLimitSpec{every: max(1, n), retryAfter: max(1, retryAfter), until: time.Now().Add(d)}
}

// TriggerID returns the trigger_id of the most recent envelope that had one.
func (s *Server) TriggerID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastTrigger
}

// bumpLocked wakes everyone in waitFor. s.mu must be held.
func (s *Server) bumpLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) is true.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		if s.isClosed {
			s.mu.Unlock()
			return ErrClosed
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// tracked makes Close wait for in-flight requests, so that nothing the fake
// does (such as calling Options.Logf) outlives Close.
func (s *Server) tracked(h http.HandlerFunc) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.isClosed {
			s.mu.Unlock()
			http.Error(rw, "slacktest closed", http.StatusServiceUnavailable)
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		defer s.wg.Done()
		h(rw, r)
	}
}

// goTracked runs f in a goroutine that Close waits for. It reports false,
// and runs nothing, once the server is closed.
func (s *Server) goTracked(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("slacktest: "+format, args...)
	}
}

// userLocked returns a known user. An unknown id is treated as a member of
// the home team named after the id, so tests need not register every user.
func (s *Server) userLocked(id string) User {
	if u, ok := s.users[id]; ok {
		return u
	}
	return User{ID: id, TeamID: s.opts.HomeTeam, Name: lowerID(id)}
}

// dmLocked returns the bot's DM channel with a user and creates it the first time.
func (s *Server) dmLocked(userID string) string {
	if id, ok := s.dms[userID]; ok {
		return id
	}
	id := "D" + userID
	s.dms[userID] = id
	if _, ok := s.channels[id]; !ok {
		s.channels[id] = &channelState{
			Channel: Channel{ID: id, IsIM: true},
			created: time.Now().Unix(),
			imUser:  userID,
		}
	}
	return id
}

// nextTSLocked returns a Slack timestamp, strictly increasing across the
// whole fake, so it is unique and increasing in every channel.
func (s *Server) nextTSLocked() string {
	now := s.opts.Now().UnixMicro()
	if now <= s.lastTSMicros {
		now = s.lastTSMicros + 1
	}
	s.lastTSMicros = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}
