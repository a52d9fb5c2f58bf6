// Package bot connects Outreach Bot to Slack over Socket Mode. It is the
// only package (with main) that knows Slack: it turns envelopes into
// commands.Requests, and commands.Replies into acknowledgements, ephemeral
// messages, DMs, modals and the App Home.
package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// Commands is what the bot needs from the command layer.
type Commands interface {
	Handle(ctx context.Context, req commands.Request) message.Reply
	SubmitLog(ctx context.Context, req commands.Request, in commands.LogInput) (message.Reply, map[string]string)
	Home(ctx context.Context, req commands.Request) message.Reply
	Press(ctx context.Context, req commands.Request, action, value string) commands.Pressed
	SubmitComment(ctx context.Context, req commands.Request, survey int64, text string) commands.Pressed
	SubmitForm(ctx context.Context, req commands.Request, f commands.Form) message.Reply
	// MessageShortcut fills in the form a message shortcut opens, or says
	// why this person can record nothing here.
	MessageShortcut(ctx context.Context, req commands.Request, authorTeam, text string) (commands.Shortcut, *message.Reply)
	// ChannelMoved follows a channel to its new id (channel_id_changed);
	// it returns the partner linked to it, "" when none.
	ChannelMoved(ctx context.Context, team, oldID, newID string) (string, error)
	// ChannelShared looks for the organization of the partner linked to a
	// channel Slack says was shared, or joined by someone from outside;
	// it returns the partner ("" when none) and a notice for the team.
	ChannelShared(ctx context.Context, team, channel string) (string, *message.Notice, error)
}

// Deduper remembers, across replicas, what must happen once: each Events
// API event, each message's command, a notice to the team a day. Each
// method records its thing and reports whether it was new.
type Deduper interface {
	FirstDelivery(ctx context.Context, team, eventID string, ttl time.Duration) (bool, error)
	FirstRun(ctx context.Context, team, channel, ts string, ttl time.Duration) (bool, error)
	FirstNotice(ctx context.Context, team, what string, ttl time.Duration) (bool, error)
}

// PostLimiter keeps Slack's limits on chat.postMessage (a channel's
// spacing, the workspace's budget) in one place for every replica: the
// store (Redis). A Deduper that is not one leaves each replica to pace
// itself alone.
type PostLimiter interface {
	ReservePost(ctx context.Context, team, channel string, now time.Time, spacing time.Duration, perSecond float64, scheduled bool) (time.Duration, error)
}

// HomeBus tells every replica whose App Home to redraw: a write through
// one replica reaches the replica that drew the writer's Home. The store
// is one (Redis pub/sub); a Deduper that is not leaves each replica to
// redraw the Homes it drew itself.
type HomeBus interface {
	HomeChanged(ctx context.Context, team string, users ...string) error
	// WatchHomes calls changed for each announced user until ctx ends.
	WatchHomes(ctx context.Context, team string, changed func(user string)) error
}

// Config is the bot's part of the configuration.
type Config struct {
	HomeTeam    string // from auth.test at start
	BotUserID   string // from auth.test at start
	Admins      map[string]bool
	Command     string
	FeedChannel string
	Loc         *time.Location // fallback zone for users without one
	// HandlerTimeout bounds the work before an acknowledgement; Slack
	// gives 3 s. Default 2.5 s.
	HandlerTimeout time.Duration
	// DrainTimeout bounds how long a stop waits for in-flight work.
	DrainTimeout time.Duration
	// Directory is the users and channels cache the commands share; nil
	// makes one.
	Directory *Directory
	// Connections is how many Socket Mode connections to keep open.
	// Default 2: while one socket is refreshed, or dead and being
	// replaced, Slack sends envelopes to the other (it allows 10 per
	// app).
	Connections int
	// PostRate is the workspace-wide budget for scheduled chat.postMessage
	// calls, per second (OUTREACH_POST_RATE); 0 means none.
	PostRate float64
	// AuthProbe is how often, while Slack refuses the bot token, auth.test
	// asks whether it works again. Default 30 s.
	AuthProbe time.Duration
	// SocketIdle is how long a socket may bring nothing (no frame, ping or
	// pong) before the bot pings it, and then waits as long again for an
	// answer before replacing it (30 s, slack-go's ping timeout).
	SocketIdle time.Duration
	// Now is the domain clock, the one the commands and the scheduler
	// run on: a message's ts is Slack's time of it, compared with Now
	// (an edit's window), while the bot's own clock paces acks and posts
	// on real time. Default: the bot's clock.
	Now func() time.Time
}

// eventDedupeTTL outlasts Slack's redelivery schedule (immediately, then
// after 1 and 5 minutes).
const eventDedupeTTL = time.Hour

// Bot is the Socket Mode bot. Run it once.
type Bot struct {
	cfg     Config
	api     *slack.Client
	conns   []*conn
	cmds    Commands
	dedupe  Deduper
	users   *users
	clock   clockwork.Clock
	log     *slog.Logger
	metrics *metrics

	outbox       *Outbox
	seen         *expirable.LRU[string, struct{}] // event ids seen by this process
	homeSeen     *expirable.LRU[string, struct{}] // users this process showed the App Home to
	homeMu       sync.Mutex
	homeChanged  map[string]bool // users whose Homes to announce in the next batch (announceHomes)
	dmChannels   sync.Map        // user id → DM channel id
	auth         authState
	busy         atomic.Int64 // envelopes being handled
	lastEnvelope atomic.Int64 // when the last envelope arrived (unix ns)
	inflight     sync.WaitGroup
	work         chan func()     // to a worker waiting for the next envelope
	idleWorkers  atomic.Int64    // workers waiting on work
	stopped      chan struct{}   // closed when Run returns: waiting workers end
	base         context.Context // handlers' parent: not cancelled by a stop, so in-flight work finishes
}

// New returns a bot using api (built with the bot token, the app-level
// token and the API URL). reg receives the bot's metrics.
func New(cfg Config, api *slack.Client, cmds Commands, dedupe Deduper, clock clockwork.Clock, reg prometheus.Registerer, log *slog.Logger) *Bot {
	if cfg.HandlerTimeout <= 0 {
		cfg.HandlerTimeout = 2500 * time.Millisecond
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 10 * time.Second
	}
	if cfg.Loc == nil {
		cfg.Loc = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.Command == "" {
		cfg.Command = "/outreach"
	}
	if cfg.Directory == nil {
		cfg.Directory = NewDirectory(api, cfg.Loc)
	}
	if cfg.Connections <= 0 {
		cfg.Connections = 2
	}
	if cfg.SocketIdle <= 0 {
		cfg.SocketIdle = socketIdle
	}
	if cfg.AuthProbe <= 0 {
		cfg.AuthProbe = 30 * time.Second
	}
	b := &Bot{
		cfg:      cfg,
		api:      api,
		cmds:     cmds,
		dedupe:   dedupe,
		users:    cfg.Directory.users,
		clock:    clock,
		log:      log,
		metrics:  newMetrics(reg),
		seen:     expirable.NewLRU[string, struct{}](50000, nil, eventDedupeTTL),
		homeSeen: expirable.NewLRU[string, struct{}](10000, nil, 24*time.Hour),
		base:     context.Background(),
		work:     make(chan func()),
		stopped:  make(chan struct{}),
	}
	for i := range cfg.Connections {
		b.conns = append(b.conns, newConn(b, i))
	}
	b.users.observe = b.observe
	cfg.Directory.botUser = cfg.BotUserID
	b.outbox = NewOutbox(api, clock, b.observe, cfg.PostRate)
	if pl, ok := dedupe.(PostLimiter); ok {
		b.outbox.SharedLimits(func(ctx context.Context, channel string, now time.Time, scheduled bool) (time.Duration, error) {
			return pl.ReservePost(ctx, cfg.HomeTeam, channel, now, channelSpacing, cfg.PostRate, scheduled)
		})
	}
	return b
}

// Connected reports whether at least one Socket Mode connection is up:
// envelopes then have a way in (readiness). It turns false as soon as
// slack-go starts reconnecting the last one.
func (b *Bot) Connected() bool {
	for _, c := range b.conns {
		if c.connected.Load() {
			return true
		}
	}
	return false
}

// Run connects and serves until ctx is cancelled, then stops taking new
// work, lets in-flight envelopes finish and acknowledge (up to
// DrainTimeout), and closes the connection. It returns an error only when
// Slack refuses the tokens.
func (b *Bot) Run(ctx context.Context) error {
	defer close(b.stopped)
	sockCtx, stopSock := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSock()
	errc := make(chan error, len(b.conns))
	var loops sync.WaitGroup
	for _, c := range b.conns {
		go func() { errc <- c.run(sockCtx) }()
	}
	loops.Go(func() { b.probeAuth(sockCtx, b.cfg.AuthProbe) })
	if bus, ok := b.dedupe.(HomeBus); ok {
		loops.Go(func() { b.watchHomes(sockCtx, bus) })
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		// Slack refused the app token: every connection fails alike.
		stopSock()
		loops.Wait()
		b.inflight.Wait()
		for range len(b.conns) - 1 {
			<-errc
		}
		return err
	}
	b.log.Info("stopping: finishing in-flight work")
	b.drain()
	stopSock()
	loops.Wait()
	var first error
	for range b.conns {
		if err := <-errc; err != nil && !errors.Is(err, context.Canceled) && first == nil {
			first = err
		}
	}
	return first
}

// quietBeforeClose is how long a stopping bot keeps reading the socket
// with nothing arriving before it closes it: envelopes Slack sent just
// before the stop are still answered.
const quietBeforeClose = 300 * time.Millisecond

// drain waits until no work is in flight and the socket has been quiet
// for quietBeforeClose, or DrainTimeout passes.
func (b *Bot) drain() {
	stopped := b.clock.Now()
	deadline := stopped.Add(b.cfg.DrainTimeout)
	for {
		// Quiet since the stop, at least: a frame may be on its way.
		idle := b.clock.Since(time.Unix(0, max(b.lastEnvelope.Load(), stopped.UnixNano())))
		if b.busy.Load() == 0 && idle >= quietBeforeClose {
			return
		}
		if b.clock.Now().After(deadline) {
			b.log.Warn("stop: in-flight work did not finish in time")
			return
		}
		<-b.clock.After(20 * time.Millisecond)
	}
}

// spawn runs f on a goroutine of its own, counted in hand until it
// returns.
func (b *Bot) spawn(f func()) {
	done := b.begin()
	b.goWork(func() {
		defer done()
		f()
	})
}

// maxIdleWorkers bounds the goroutines kept waiting for the next envelope;
// those a burst needed beyond it end.
const maxIdleWorkers = 64

// goWork runs job on a goroutine kept from an earlier envelope, or a new
// one. A goroutine that starts afresh grows its stack again as a command
// goes deep, copying it each time: measured, that was a tenth of what a
// command cost.
func (b *Bot) goWork(job func()) {
	select {
	case b.work <- job:
	default:
		go b.worker(job)
	}
}

// worker runs job, then waits for the next until the bot stops, unless
// enough others wait already.
func (b *Bot) worker(job func()) {
	for {
		job()
		if b.idleWorkers.Add(1) > maxIdleWorkers {
			b.idleWorkers.Add(-1)
			return
		}
		select {
		case job = <-b.work:
			b.idleWorkers.Add(-1)
		case <-b.stopped:
			b.idleWorkers.Add(-1)
			return
		}
	}
}

// begin counts an envelope as in hand until done is called: a stop waits
// for it.
func (b *Bot) begin() (done func()) {
	b.inflight.Add(1)
	b.busy.Add(1)
	return func() {
		b.busy.Add(-1)
		b.inflight.Done()
	}
}

func (b *Bot) dispatch(c *conn, from *socket, evt socketmode.Event) {
	received := b.clock.Now()
	if evt.Request != nil {
		b.lastEnvelope.Store(received.UnixNano())
	}
	e := envelope{b: b, c: c, from: from, evt: evt, received: received}
	switch evt.Type {
	case socketmode.EventTypeHello:
		// The socket is up since it was dialled (socket.go).
	case socketmode.EventTypeErrorBadMessage:
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			if slash, ok := lenientSlash(bad.Message); ok {
				b.log.Warn("a slash command slack-go could not decode, read field by field", "cause", bad.Cause)
				e.evt = slash
				b.spawn(func() { b.onSlash(e) })
				return
			}
		}
		b.ackBadMessage(c, from, evt)
	case socketmode.EventTypeSlashCommand:
		b.spawn(func() { b.onSlash(e) })
	case socketmode.EventTypeEventsAPI:
		// Events are acknowledged at once, before any work, so Slack does
		// not redeliver them while we work; counted in hand first, so that
		// whoever sees the ack (a stop, a test) also waits for the work.
		done := b.begin()
		e.ack(nil)
		b.goWork(func() {
			defer done()
			b.onEvent(evt)
		})
	case socketmode.EventTypeInteractive:
		b.spawn(func() { b.onInteractive(e) })
	default:
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			e.ack(nil)
		}
	}
}

// envelope is one request from Slack, acknowledged on the connection it
// came by.
type envelope struct {
	b        *Bot
	c        *conn
	from     *socket // the socket that brought it, nil if unknown
	evt      socketmode.Event
	received time.Time
}

// ack acknowledges the envelope, with payload when it accepts one.
func (e envelope) ack(payload any) {
	req, b := e.evt.Request, e.b
	if req == nil || req.EnvelopeID == "" {
		return
	}
	if !req.AcceptsResponsePayload {
		payload = nil
	}
	// An ack does not wait: it is written now, or goes with others being
	// written, or waits in memory for the next socket (socket.go).
	if err := e.c.ackFrom(b.base, e.from, req.EnvelopeID, payload); err != nil {
		b.log.Error("ack failed", "type", req.Type, "err", err)
		if payload != nil {
			// Too large or unmarshalable: at least acknowledge.
			_ = e.c.ack(b.base, req.EnvelopeID, ackMessage{ResponseType: "ephemeral", Text: "That answer is too long to show here. Narrow it down and ask again."})
		}
		return
	}
	b.metrics.ackObserver(req.Type).Observe(b.clock.Since(e.received).Seconds())
}

// ackBadMessage acknowledges envelopes slack-go could not parse (unknown
// event types), which it passes on without a Request; unacknowledged,
// Slack would redeliver them.
func (b *Bot) ackBadMessage(c *conn, from *socket, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	// Only the id is needed: a type of any shape must not stop the ack.
	var env struct {
		EnvelopeID string          `json:"envelope_id"`
		Type       json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(bad.Message, &env); err != nil || env.EnvelopeID == "" {
		b.log.Warn("unreadable socket mode message", "err", bad.Cause)
		return
	}
	b.log.Info("acknowledging an envelope the bot does not handle", "type", message.Clip(string(env.Type), 40), "cause", bad.Cause)
	ctx, cancel := context.WithTimeout(b.base, time.Second)
	defer cancel()
	if err := c.ackFrom(ctx, from, env.EnvelopeID, nil); err != nil {
		b.log.Error("ack failed", "err", err)
	}
}

// cannotIdentify answers when users.info failed: default deny.
func cannotIdentify() message.Reply {
	return message.Reply{Text: ":warning: I couldn't check your Slack account just now, so I did nothing. Please try again in a moment.",
		Outcome: message.OutcomeUnavailable}
}

func (b *Bot) onSlash(e envelope) {
	cmd, ok := e.evt.Data.(slack.SlashCommand)
	if !ok {
		e.ack(nil)
		return
	}
	ctx, cancel := context.WithTimeout(b.base, b.cfg.HandlerTimeout)
	defer cancel()
	var reply message.Reply
	req, err := b.request(ctx, cmd.UserID, cmd.TeamID, cmd.ChannelID, commands.DoorSlash, cmd.Text)
	if err != nil {
		reply = refusedReply(err)
	} else {
		reply = b.cmds.Handle(ctx, req)
	}
	b.metrics.observe(reply)
	if reply.Form == message.FormLog {
		// The trigger expires 3 s after the command: acknowledge, then open.
		e.ack(nil)
		if _, err := b.api.OpenViewContext(ctx, cmd.TriggerID, logModal(reply.FormPartner, cmd.ChannelID, cmd.ResponseURL)); b.observe("views.open", err) != nil {
			b.respond(cmd.ResponseURL, message.Reply{Text: "I couldn't open the form. Type it instead: " + message.Code(reply.FormUsage) + "."})
		}
		return
	}
	ack, err := marshalAck(ephemeralAck(reply))
	switch {
	case err != nil:
		e.ack(ephemeralAck(reply)) // fails, and says so
	case len(ack) >= maxAckBytes:
		// Slack drops Socket Mode acks of 20 KB or more: acknowledge empty
		// and send the long answer through the response URL.
		e.ack(nil)
		b.respond(cmd.ResponseURL, reply)
	default:
		e.ack(json.RawMessage(ack))
	}
	b.postFeed(reply)
	b.refreshHome(cmd.UserID, reply)
	if reply.Later != nil {
		b.runLater(reply, cmd.UserID, cmd.ChannelID, cmd.ResponseURL)
	}
}

// maxAckBytes keeps a Socket Mode acknowledgement under Slack's 20 KB.
const maxAckBytes = 19 * 1024

// respond sends an ephemeral reply through an interaction's response_url.
func (b *Bot) respond(responseURL string, r message.Reply) error {
	return b.respondWith(responseURL, r, false)
}

// respondWith is respond that, with replace, replaces the message the
// response_url came with (an ephemeral one, which nothing else can change).
func (b *Bot) respondWith(responseURL string, r message.Reply, replace bool) error {
	if responseURL == "" {
		return errors.New("no response_url")
	}
	ctx, cancel := context.WithTimeout(b.base, 5*time.Second)
	defer cancel()
	msg := slack.WebhookMessage{ResponseType: slack.ResponseTypeEphemeral, Text: fallbackText(r),
		Blocks: &slack.Blocks{BlockSet: replyBlocks(r)}, ReplaceOriginal: replace}
	if err := postResponse(ctx, responseURL, &msg); err != nil {
		// Not Slack's verdict on the bot (no token goes there): counted, but
		// no reason to hold anything.
		b.metrics.apiErrors.WithLabelValues("response_url", "other").Inc()
		return fmt.Errorf("response_url: %w", err)
	}
	return nil
}

// postResponse posts msg to a response_url. Slack documents no body for
// the answer: any 2xx is delivered unless it is JSON saying "ok": false
// (slack-go's own sender also fails on an empty or plain-text body,
// and the reply would then be sent a second time another way).
func postResponse(ctx context.Context, url string, msg *slack.WebhookMessage) error {
	raw, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var answer struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &answer)
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		if answer.Error != "" {
			return fmt.Errorf("%s (HTTP %d)", answer.Error, resp.StatusCode)
		}
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	case answer.OK != nil && !*answer.OK:
		return fmt.Errorf("%s", cmp.Or(answer.Error, "not ok"))
	}
	return nil
}

// postFeed posts a write's one-line activity to the feed channel.
func (b *Bot) postFeed(r message.Reply) {
	if b.cfg.FeedChannel == "" || r.Feed == "" || r.Outcome != message.OutcomeOK {
		return
	}
	b.post(b.cfg.FeedChannel, message.Reply{Text: r.Feed})
}

// replyTimeout bounds how long a reply may wait in the outbox (behind
// rate limits) before it is no longer worth sending.
const replyTimeout = time.Minute

// post sends a message to a channel or user, through the outbox.
func (b *Bot) post(channel string, r message.Reply) {
	ctx, cancel := context.WithTimeout(b.base, replyTimeout)
	defer cancel()
	_, _, _ = b.outbox.send(&outMsg{ctx: ctx, kind: kindPost, channel: channel, reply: r})
}

// postEphemeral shows r to user in channel only, through the outbox.
func (b *Bot) postEphemeral(channel, user, threadTS string, r message.Reply) error {
	ctx, cancel := context.WithTimeout(b.base, replyTimeout)
	defer cancel()
	_, _, err := b.outbox.send(&outMsg{ctx: ctx, kind: kindEphemeral, channel: channel, user: user, thread: threadTS, reply: r})
	return err
}

// update replaces a message the bot posted, through the outbox.
func (b *Bot) update(channel, ts string, r message.Reply) {
	ctx, cancel := context.WithTimeout(b.base, replyTimeout)
	defer cancel()
	_, _, _ = b.outbox.send(&outMsg{ctx: ctx, kind: kindUpdate, channel: channel, ts: ts, reply: r})
}

// firstDelivery reports whether an Events API event is new, checking this
// process's memory, then Redis (other replicas). When Redis is down the
// event is served: answering twice beats not answering.
func (b *Bot) firstDelivery(ctx context.Context, eventID string) bool {
	if eventID == "" {
		return true
	}
	if _, dup := b.seen.Get(eventID); dup {
		return false
	}
	b.seen.Add(eventID, struct{}{})
	first, err := b.dedupe.FirstDelivery(ctx, b.cfg.HomeTeam, eventID, eventDedupeTTL)
	if err != nil {
		b.log.Warn("event de-duplication unavailable", "err", err)
		return true
	}
	return first
}

func (b *Bot) onEvent(evt socketmode.Event) {
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return
	}
	eventID := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		eventID = cb.EventID
	}
	ctx, cancel := context.WithTimeout(b.base, b.cfg.HandlerTimeout)
	defer cancel()
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if inner.BotID != "" || inner.User == "" || inner.User == b.cfg.BotUserID || !b.firstDelivery(ctx, eventID) {
			return
		}
		text := stripMention(inner.Text, b.cfg.BotUserID)
		if inner.Edited != nil {
			// An edit comes as a new mention (a new event_id, the same ts).
			b.onEditedMention(ctx, inner, text)
			return
		}
		if !b.firstRunOrServe(ctx, inner.Channel, inner.TimeStamp) {
			return // an edit that added the mention ran it already
		}
		b.runMention(ctx, inner, text)
	case *slackevents.MessageEvent:
		// Only people's own new messages in their DM with the bot, and
		// their edits.
		im := inner.ChannelType == "im" || (inner.ChannelType == "" && strings.HasPrefix(inner.Channel, "D"))
		if im && inner.SubType == "message_changed" {
			b.onEditedDM(ctx, eventID, inner)
			return
		}
		if im && inner.SubType == "file_share" && inner.Message != nil && len(inner.Message.Files) > 0 && inner.BotID == "" && inner.User != "" && inner.User != b.cfg.BotUserID {
			if b.firstDelivery(ctx, eventID) {
				b.onFileShare(ctx, inner)
			}
			return
		}
		if !im || inner.BotID != "" || inner.SubType != "" || inner.User == "" || inner.User == b.cfg.BotUserID {
			return
		}
		if !b.firstDelivery(ctx, eventID) {
			return
		}
		reply := b.serveText(ctx, inner.User, inner.UserTeam, inner.Channel, commands.DoorDM, inner.Text)
		b.post(inner.Channel, reply)
		if reply.Later != nil {
			b.runLater(reply, inner.User, inner.Channel, "")
		}
	case *slackevents.ChannelIDChangedEvent:
		// Sharing a private channel with another organization gives it a
		// new id; a partner linked to it, and its surveys, must follow.
		if !b.firstDelivery(ctx, eventID) {
			return
		}
		slug, err := b.cmds.ChannelMoved(ctx, b.cfg.HomeTeam, inner.OldChannelID, inner.NewChannelID)
		switch {
		case err != nil:
			b.log.Error("a channel got a new id, and its partner could not follow", "old", inner.OldChannelID, "new", inner.NewChannelID, "err", err)
		case slug != "":
			b.log.Info("a partner's channel got a new id; relinked", "partner", slug, "old", inner.OldChannelID, "new", inner.NewChannelID)
		}
		if inner.OldChannelID == b.cfg.FeedChannel {
			b.log.Warn("OUTREACH_FEED_CHANNEL's channel has a new id; set the variable to it", "new", inner.NewChannelID)
		}
	case *slackevents.ChannelSharedEvent:
		if !b.firstDelivery(ctx, eventID) {
			return
		}
		b.cfg.Directory.Connected(inner.Channel, inner.ConnectedTeamID)
		b.channelShared(ctx, inner.Channel)
	case *slackevents.MemberJoinedChannelEvent:
		if !b.firstDelivery(ctx, eventID) {
			return
		}
		b.memberJoined(ctx, inner)
	case *slackevents.AppHomeOpenedEvent:
		if inner.Tab != "home" {
			return
		}
		b.publishHome(ctx, inner.User)
	}
}

// onFileShare reads a file dropped into a DM with the bot as an import:
// its dry run follows. Slack also sends file_shared for it, which the
// bot does not subscribe to; the message carries everything needed.
func (b *Bot) onFileShare(ctx context.Context, m *slackevents.MessageEvent) {
	req, err := b.request(ctx, m.User, m.UserTeam, m.Channel, commands.DoorDM, "import")
	if err != nil {
		b.log.Warn("users.info failed", "err", err)
		b.post(m.Channel, cannotIdentify())
		return
	}
	files := m.Message.Files
	req.File = files[0].ID
	reply := b.cmds.Handle(ctx, req)
	b.metrics.observe(reply)
	if len(files) > 1 && reply.Outcome == message.OutcomeOK {
		reply.Text += fmt.Sprintf("\n_I read one file at a time: this is the first of the %d. Drop the others one by one._", len(files))
	}
	b.post(m.Channel, reply)
	if reply.Later != nil {
		b.runLater(reply, m.User, m.Channel, "")
	}
}

// serveText runs a command typed after a mention or in a DM.
func (b *Bot) serveText(ctx context.Context, user, userTeam, channel string, door commands.Door, text string) message.Reply {
	req, err := b.request(ctx, user, userTeam, channel, door, text)
	if err != nil {
		b.log.Warn("users.info failed", "err", err)
		return cannotIdentify()
	}
	reply := b.cmds.Handle(ctx, req)
	b.metrics.observe(reply)
	if reply.Form != "" {
		reply = message.Reply{Text: "Forms open from the slash command or a button. Type it instead: " + message.Code(reply.FormUsage) + "."}
	}
	b.notify(ctx, reply.Notice)
	b.postFeed(reply)
	b.refreshHome(user, reply)
	return reply
}

// stripMention returns the command of a message that mentions the bot:
// what follows the bot's first mention, so that "@alice @Outreach log …"
// runs "log …" while other mentions in the command stay.
func stripMention(text, botID string) string {
	tag := "<@" + botID
	for from := 0; ; {
		i := strings.Index(text[from:], tag)
		if i < 0 {
			return strings.TrimSpace(text)
		}
		rest := text[from+i+len(tag):]
		if strings.HasPrefix(rest, ">") || strings.HasPrefix(rest, "|") {
			if end := strings.IndexByte(rest, '>'); end >= 0 {
				return strings.TrimSpace(strings.TrimLeft(rest[end+1:], " \t\n:,"))
			}
			return strings.TrimSpace(text)
		}
		from += i + len(tag) // another user whose id starts with the bot's
	}
}
