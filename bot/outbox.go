package bot

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/outreachbot/outreachbot/message"
	"github.com/slack-go/slack"
)

// Slack allows about one message per second per channel
// (docs.slack.dev/apis/web-api/rate-limits); posts to one channel are
// spaced a little wider so the limit is not hit in the first place.
const channelSpacing = 1050 * time.Millisecond

// gather is how long a lane waits before its first scheduled post, so that
// posts due together reach it and go out in due order.
const gather = 100 * time.Millisecond

// Message kinds.
const (
	kindPost      = "post"
	kindEphemeral = "ephemeral"
	kindUpdate    = "update"
)

// outMsg is one Web API write waiting in a lane.
type outMsg struct {
	ctx     context.Context
	kind    string
	channel string // channel id, or a user id for a DM
	user    string // ephemeral: who sees it
	ts      string // update: the message to replace
	thread  string
	reply   message.Reply
	key     string    // job id carried as metadata, for finding the post again
	order   time.Time // lanes send the earliest first
	seq     uint64
	done    chan sent
}

type sent struct {
	channel, ts string
	err         error
}

// Outbox sends the bot's messages: per channel, in order, paced to
// Slack's rate limit, honouring 429 Retry-After and retrying transient
// failures with backoff. It never drops a message: Send returns only when
// Slack accepted it, when Slack refused it for good (a bad channel), or
// when the caller gave up.
type Outbox struct {
	api   *slack.Client
	clock clockwork.Clock
	err   func(method string, err error)

	mu       sync.Mutex
	lanes    map[string]*lane
	lastPost map[string]time.Time // per channel, outliving its lane
	seq      uint64
	wg       sync.WaitGroup
}

type lane struct {
	queue    []*outMsg
	lastPost time.Time
	fresh    bool // a scheduled post opened the lane: gather before sending
}

// NewOutbox returns an outbox over api. onError is told of every failed
// call (metrics, logs).
func NewOutbox(api *slack.Client, clock clockwork.Clock, onError func(method string, err error)) *Outbox {
	return &Outbox{api: api, clock: clock, err: onError, lanes: map[string]*lane{}, lastPost: map[string]time.Time{}}
}

// send queues m in its channel's lane and waits for the outcome.
func (o *Outbox) send(m *outMsg) (string, string, error) {
	m.done = make(chan sent, 1)
	o.mu.Lock()
	o.seq++
	m.seq = o.seq
	if m.order.IsZero() {
		m.order = o.clock.Now()
	}
	key := m.channel
	l, ok := o.lanes[key]
	if !ok {
		l = &lane{fresh: m.key != "", lastPost: o.lastPost[key]}
		o.lanes[key] = l
		o.wg.Add(1)
		go o.run(key, l)
	}
	l.queue = append(l.queue, m)
	o.mu.Unlock()
	select {
	case r := <-m.done:
		return r.channel, r.ts, r.err
	case <-m.ctx.Done():
		return "", "", m.ctx.Err()
	}
}

// Wait blocks until every lane is empty, or ctx ends.
func (o *Outbox) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { o.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run sends one lane's messages until the lane is empty.
func (o *Outbox) run(key string, l *lane) {
	defer o.wg.Done()
	if l.fresh {
		<-o.clock.After(gather)
	}
	for {
		o.mu.Lock()
		if len(l.queue) == 0 {
			delete(o.lanes, key)
			o.lastPost[key] = l.lastPost
			for ch, t := range o.lastPost {
				if o.clock.Since(t) > channelSpacing {
					delete(o.lastPost, ch)
				}
			}
			o.mu.Unlock()
			return
		}
		// Earliest first: scheduled posts carry their due time.
		slices.SortStableFunc(l.queue, func(a, b *outMsg) int {
			if c := a.order.Compare(b.order); c != 0 {
				return c
			}
			return int(a.seq - b.seq)
		})
		m := l.queue[0]
		l.queue = l.queue[1:]
		o.mu.Unlock()
		if m.ctx.Err() != nil {
			continue // the caller gave up before it was sent
		}
		if m.kind == kindPost && !l.lastPost.IsZero() {
			if wait := channelSpacing - o.clock.Since(l.lastPost); wait > 0 {
				select {
				case <-o.clock.After(wait):
				case <-m.ctx.Done():
					continue
				}
			}
		}
		r := o.deliver(m)
		if m.kind == kindPost && r.err == nil {
			l.lastPost = o.clock.Now()
		}
		m.done <- r
	}
}

// deliver makes the call, retrying what can succeed later.
func (o *Outbox) deliver(m *outMsg) sent {
	backoff := time.Second
	for {
		ch, ts, err := o.call(m)
		if err == nil {
			return sent{channel: ch, ts: ts}
		}
		o.err(m.method(), err)
		var wait time.Duration
		var rl *slack.RateLimitedError
		switch {
		case errors.As(err, &rl):
			wait = max(rl.RetryAfter, time.Second)
		case m.key != "" && ambiguous(err):
			// The post may have landed: a blind retry could double it. The
			// scheduler retries the job, which looks for the post first.
			return sent{err: err}
		case transient(err):
			wait, backoff = backoff, min(2*backoff, 30*time.Second)
		default:
			return sent{err: err}
		}
		select {
		case <-o.clock.After(wait):
		case <-m.ctx.Done():
			return sent{err: m.ctx.Err()}
		}
	}
}

func (m *outMsg) method() string {
	return map[string]string{kindPost: "chat.postMessage", kindEphemeral: "chat.postEphemeral", kindUpdate: "chat.update"}[m.kind]
}

func (o *Outbox) call(m *outMsg) (string, string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(fallbackText(m.reply), false), slack.MsgOptionBlocks(replyBlocks(m.reply)...)}
	if m.thread != "" {
		opts = append(opts, slack.MsgOptionTS(m.thread))
	}
	switch m.kind {
	case kindEphemeral:
		ts, err := o.api.PostEphemeralContext(m.ctx, m.channel, m.user, opts...)
		return m.channel, ts, err
	case kindUpdate:
		ch, ts, _, err := o.api.UpdateMessageContext(m.ctx, m.channel, m.ts, opts...)
		return ch, ts, err
	}
	if m.key != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType: metadataEvent, EventPayload: map[string]any{"job": m.key},
		}))
	}
	return o.api.PostMessageContext(m.ctx, m.channel, opts...)
}

// metadataEvent marks the bot's scheduled posts, so a replica that takes
// over a job can find out whether it was posted already.
const metadataEvent = "outreach_job"

// ambiguous reports whether a failed call may still have reached Slack
// (a timeout or a connection lost after the request was sent).
func ambiguous(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded)
}

// Permanent reports whether Slack refused a message for good (a channel
// that does not exist, a deactivated user): trying again cannot help.
func Permanent(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && !transient(err)
}

// transient reports whether a failed call may succeed if tried again.
func transient(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited":
			return true
		}
		return false
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500 || sc.Code == 429
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
