package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/message"
)

// Slack allows about one message per second per channel
// (docs.slack.dev/apis/web-api/rate-limits); posts to one channel are
// spaced a little wider so the limit is not hit in the first place.
const channelSpacing = 1050 * time.Millisecond

// gather is how long a lane waits before its first scheduled post, so that
// posts due together reach it and go out in due order.
const gather = 100 * time.Millisecond

// maxTransient bounds the tries of a scheduled post that keeps failing
// with errors that may pass and did not reach Slack (a refused
// connection, service_unavailable): after them the scheduler takes over,
// with its own bounded backoff.
const maxTransient = 5

// fenceRetry is how long a scheduled post waits when its fence cannot
// say whether the job's lease is still its own (Redis away).
const fenceRetry = 500 * time.Millisecond

// sentKeys bounds how many scheduled posts, and for how long, the outbox
// remembers having sent, so that a second post of the same job to the
// same place is answered with the first one's outcome.
const (
	sentKeys   = 50000
	sentKeyTTL = 24 * time.Hour
)

// ErrFenced: a scheduled post was not sent because its fence said, as it
// was about to leave, that the job's lease had moved to another holder.
var ErrFenced = errors.New("not sent: the job's lease moved to another holder")

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
	key     string    // job id carried as metadata: a scheduled post
	order   time.Time // lanes send the earliest first
	// fence, for a scheduled post, is asked right before the call: false
	// drops the post (ErrFenced); an error makes it wait and ask again.
	fence func(ctx context.Context) (bool, error)
	seq   uint64
	tries int // failed calls that may pass
	done  chan sent
	// also are the callers that posted the same job to the same place
	// while this one waited: they get its outcome.
	also []chan sent
}

// scheduled tells a scheduled post from an answer to a person.
func (m *outMsg) scheduled() bool { return m.key != "" }

type sent struct {
	channel, ts string
	err         error
	// first: this call's message was the one sent, not an earlier post of
	// the same job to the same place.
	first bool
}

// Outbox sends the bot's messages: per channel, in order, paced to
// Slack's rate limits, honouring 429 Retry-After and retrying failures
// that may pass, with backoff. It never drops a message: send returns
// only when Slack accepted it, when Slack refused it for good (a bad
// channel, a revoked token), or when the caller gave up.
//
// Each method has its own lanes, one per channel, as Slack limits each
// method on its own (chat.postMessage per channel and workspace-wide,
// chat.update and chat.postEphemeral per workspace): a scheduled post
// waiting out a 429 never holds up the answer to a button press or a
// mention in the same channel. In a lane, answers to people go before
// scheduled posts, and scheduled posts go in due order. Scheduled posts
// also keep within a workspace-wide budget of chat.postMessage calls, so
// that a fan-out to many channels does not run into Slack's own limit;
// answers count against it but never wait for it.
//
// A scheduled post is sent once per job and place by this process: a
// second post with the same key to the same place, while the first waits
// or after it went out, is not queued; its caller gets the first one's
// outcome. Right before a scheduled post's call, its fence checks, and
// extends, the job's lease; a post whose lease has moved is not sent.
type Outbox struct {
	api     *slack.Client
	clock   clockwork.Clock
	observe func(method string, err error) error
	budget  *budget // nil: no workspace budget
	// shared, when set, keeps the channel spacing and the budget with
	// every replica (SharedLimits).
	shared func(ctx context.Context, channel string, now time.Time, scheduled bool) (time.Duration, error)

	mu       sync.Mutex
	lanes    map[string]*lane
	lastPost map[string]time.Time // per channel, outliving its lane
	paused   map[string]time.Time // per method, after a 429 of a workspace-wide limit
	limited  map[string]time.Time // per channel, the Retry-After of its last chat.postMessage 429
	pending  map[string]*outMsg   // scheduled posts queued or under way, by place and key
	sent     *expirable.LRU[string, sent]
	seq      uint64
	wg       sync.WaitGroup
}

type lane struct {
	kind, channel string
	queue         []*outMsg
	lastPost      time.Time
	notBefore     time.Time     // a Retry-After or a backoff
	fresh         bool          // a scheduled post opened the lane: gather before sending
	kick          chan struct{} // a message arrived: look at the queue again
}

// NewOutbox returns an outbox over api. observe is told of every call's
// outcome (metrics, logs, Slack refusing the token). perSecond is the
// workspace budget for scheduled chat.postMessage calls; 0 means none.
func NewOutbox(api *slack.Client, clock clockwork.Clock, observe func(method string, err error) error, perSecond float64) *Outbox {
	o := &Outbox{api: api, clock: clock, observe: observe, lanes: map[string]*lane{}, lastPost: map[string]time.Time{}, paused: map[string]time.Time{},
		limited: map[string]time.Time{}, pending: map[string]*outMsg{}, sent: expirable.NewLRU[string, sent](sentKeys, nil, sentKeyTTL)}
	if perSecond > 0 {
		o.budget = newBudget(perSecond, clock.Now())
	}
	return o
}

// send queues m in its lane and waits for the outcome.
func (o *Outbox) send(m *outMsg) (string, string, error) {
	r := o.sendOnce(m)
	return r.channel, r.ts, r.err
}

// onceKey is what makes two scheduled posts the same: one job's post to
// one place.
func (m *outMsg) onceKey() string { return m.channel + "\x00" + m.key }

// sendOnce queues m in its lane and waits for the outcome; a scheduled
// post of a job already queued or sent to the same place by this process
// is not queued again: it gets that post's outcome (first false).
func (o *Outbox) sendOnce(m *outMsg) sent {
	m.done = make(chan sent, 1)
	o.mu.Lock()
	if m.scheduled() && m.kind == kindPost {
		if r, ok := o.sent.Get(m.onceKey()); ok {
			o.mu.Unlock()
			r.first = false
			return r
		}
		if p, ok := o.pending[m.onceKey()]; ok {
			p.also = append(p.also, m.done)
			o.mu.Unlock()
			select {
			case r := <-m.done:
				r.first = false
				return r
			case <-m.ctx.Done():
				return sent{err: m.ctx.Err()}
			}
		}
		o.pending[m.onceKey()] = m
	}
	o.seq++
	m.seq = o.seq
	if m.order.IsZero() {
		m.order = o.clock.Now()
	}
	key := m.kind + "/" + m.channel
	l, ok := o.lanes[key]
	if !ok {
		l = &lane{kind: m.kind, channel: m.channel, fresh: m.scheduled(), kick: make(chan struct{}, 1)}
		if m.kind == kindPost {
			l.lastPost = o.lastPost[m.channel]
		}
		o.lanes[key] = l
		o.wg.Add(1)
		go o.run(key, l)
	}
	l.queue = append(l.queue, m)
	o.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
	select {
	case r := <-m.done:
		r.first = r.err == nil
		return r
	case <-m.ctx.Done():
		return sent{err: m.ctx.Err()}
	}
}

// finish gives m's outcome to its caller and to those who posted the same
// job to the same place meanwhile, and remembers a scheduled post sent.
func (o *Outbox) finish(m *outMsg, r sent) {
	o.mu.Lock()
	if m.scheduled() && m.kind == kindPost && o.pending[m.onceKey()] == m {
		delete(o.pending, m.onceKey())
		if r.err == nil {
			o.sent.Add(m.onceKey(), r)
		}
	}
	also := m.also
	o.mu.Unlock()
	m.done <- r
	for _, c := range also {
		c <- r
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

// first orders a lane: answers to people first, then due order, then
// arrival.
func first(a, b *outMsg) int {
	if a.scheduled() != b.scheduled() {
		if a.scheduled() {
			return 1
		}
		return -1
	}
	if c := a.order.Compare(b.order); c != 0 {
		return c
	}
	return int(a.seq - b.seq)
}

// run sends one lane's messages until the lane is empty.
func (o *Outbox) run(key string, l *lane) {
	defer o.wg.Done()
	if l.fresh {
		<-o.clock.After(gather)
	}
	for {
		o.mu.Lock()
		var gaveUp []*outMsg
		l.queue = slices.DeleteFunc(l.queue, func(m *outMsg) bool {
			if m.ctx.Err() != nil {
				gaveUp = append(gaveUp, m)
				return true
			}
			return false
		})
		if len(gaveUp) > 0 {
			o.mu.Unlock()
			for _, m := range gaveUp {
				o.finish(m, sent{err: m.ctx.Err()})
			}
			continue
		}
		if len(l.queue) == 0 {
			delete(o.lanes, key)
			if l.kind == kindPost {
				o.lastPost[l.channel] = l.lastPost
			}
			for ch, t := range o.lastPost {
				if o.clock.Since(t) > channelSpacing {
					delete(o.lastPost, ch)
				}
			}
			o.mu.Unlock()
			return
		}
		slices.SortStableFunc(l.queue, first)
		m := l.queue[0]
		now := o.clock.Now()
		wait := l.notBefore.Sub(now)
		if paused := o.paused[m.method()].Sub(now); paused > wait {
			wait = paused
		}
		if m.kind == kindPost && !l.lastPost.IsZero() {
			wait = max(wait, channelSpacing-now.Sub(l.lastPost))
		}
		if wait <= 0 && m.kind == kindPost && o.shared != nil {
			// Slack's limits are the workspace's: ask Redis, where every
			// replica keeps them, outside the lock (a round trip).
			o.mu.Unlock()
			w, err := o.reserve(m, now)
			o.mu.Lock()
			switch {
			case err == nil:
				wait = w
			case m.scheduled():
				// Without Redis no scheduled post goes unmetered.
				wait = fenceRetry
			case o.budget != nil:
				// An answer to a person goes, paced by this replica alone.
				o.budget.force(now)
			}
			// A message that goes first may have arrived meanwhile: the
			// reservation is for a post to this channel, whichever it is.
			slices.SortStableFunc(l.queue, first)
			m = l.queue[0]
		} else if wait <= 0 && m.kind == kindPost && o.budget != nil {
			if m.scheduled() {
				wait = o.budget.take(now)
			} else {
				o.budget.force(now)
			}
		}
		if wait > 0 {
			o.mu.Unlock()
			// Look again when the wait is over, or when a message that
			// may go first arrives.
			select {
			case <-o.clock.After(wait):
			case <-l.kick:
			case <-m.ctx.Done():
			}
			continue
		}
		l.queue = l.queue[1:]
		o.mu.Unlock()

		if m.fence != nil {
			if ok, err := o.fenced(m); err != nil {
				o.mu.Lock()
				l.notBefore = o.clock.Now().Add(fenceRetry)
				l.queue = append(l.queue, m) // it keeps its place
				o.mu.Unlock()
				continue
			} else if !ok {
				o.finish(m, sent{err: ErrFenced})
				continue
			}
		}
		ch, ts, err := o.call(m)
		o.observe(m.method(), err)
		if err == nil {
			if m.kind == kindPost {
				l.lastPost = o.clock.Now()
			}
			o.finish(m, sent{channel: ch, ts: ts})
			continue
		}
		if retryAt, ok := o.retry(m, err); ok {
			o.mu.Lock()
			l.notBefore = retryAt
			l.queue = append(l.queue, m) // first again: it keeps its place in the order
			o.mu.Unlock()
			continue
		}
		o.finish(m, sent{err: err})
	}
}

// fenceTimeout bounds one fence: a Redis call.
const fenceTimeout = 2 * time.Second

// SharedLimits has the outbox keep Slack's limits on chat.postMessage
// with every replica, through reserve (in Redis): each post asks it
// first, and waits as long as it says. reserve returns 0 when the post
// may go (and counts it); an error holds a scheduled post (it waits and
// asks again: never unmetered) and lets an answer to a person go under
// this replica's own pacing. Call it before the first message.
func (o *Outbox) SharedLimits(reserve func(ctx context.Context, channel string, now time.Time, scheduled bool) (time.Duration, error)) {
	o.shared = reserve
}

// reserve asks the shared limits for m's post.
func (o *Outbox) reserve(m *outMsg, now time.Time) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(m.ctx, fenceTimeout)
	defer cancel()
	return o.shared(ctx, m.channel, now, m.scheduled())
}

// fenced asks m's fence whether m may leave.
func (o *Outbox) fenced(m *outMsg) (bool, error) {
	ctx, cancel := context.WithTimeout(m.ctx, fenceTimeout)
	defer cancel()
	return m.fence(ctx)
}

// workspaceLimited notes a chat.postMessage 429 in channel, waited out
// until at, and says whether it is the workspace-wide limit. Slack limits
// chat.postMessage to about one message a second per channel and also
// workspace-wide (docs.slack.dev/apis/web-api/rate-limits), and a 429
// does not say which limit it is: one channel's 429 may be its own (say,
// another replica posting there too); 429s in two channels within one
// Retry-After are the workspace's. o.mu is held.
func (o *Outbox) workspaceLimited(channel string, now, at time.Time) bool {
	other := false
	for ch, until := range o.limited {
		switch {
		case !until.After(now):
			delete(o.limited, ch)
		case ch != channel:
			other = true
		}
	}
	o.limited[channel] = at
	return other
}

// retry says whether m is worth another call after err, and when.
func (o *Outbox) retry(m *outMsg, err error) (time.Time, bool) {
	now := o.clock.Now()
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		at := now.Add(max(rl.RetryAfter, time.Second))
		o.mu.Lock()
		defer o.mu.Unlock()
		if m.kind == kindPost && !o.workspaceLimited(m.channel, now, at) {
			return at, true // this channel's limit: its lane waits
		}
		// chat.update and chat.postEphemeral are limited per workspace,
		// and so is chat.postMessage beyond its channels: every lane of
		// the method waits, rather than each running into the same limit.
		if at.After(o.paused[m.method()]) {
			o.paused[m.method()] = at
		}
		return at, true
	}
	if f, _ := Classify(err); f != FailRetry {
		return time.Time{}, false
	}
	if m.scheduled() && Ambiguous(err) {
		// The post may have landed: a blind retry could double it. The
		// scheduler retries the job, which looks for the post first.
		return time.Time{}, false
	}
	m.tries++
	if m.scheduled() && m.tries >= maxTransient {
		return time.Time{}, false
	}
	return now.Add(min(time.Second<<(m.tries-1), 30*time.Second)), true
}

func (m *outMsg) method() string {
	return map[string]string{kindPost: "chat.postMessage", kindEphemeral: "chat.postEphemeral", kindUpdate: "chat.update"}[m.kind]
}

func (o *Outbox) call(m *outMsg) (string, string, error) {
	ch, ts, err := o.callOnce(m)
	if _, code := Classify(err); code == "invalid_blocks" && hasNative(m.reply) {
		// Slack refused the charts or tables (a surface or a limit it
		// does not document): the same numbers go as text.
		m.reply = plainReply(m.reply)
		return o.callOnce(m)
	}
	return ch, ts, err
}

func (o *Outbox) callOnce(m *outMsg) (string, string, error) {
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

// budget is a token bucket: perSecond calls a second, bursts up to
// max(1, perSecond). Outbox.mu guards it.
type budget struct {
	perSecond, burst float64
	tokens           float64
	last             time.Time
}

func newBudget(perSecond float64, now time.Time) *budget {
	burst := max(1, perSecond)
	return &budget{perSecond: perSecond, burst: burst, tokens: burst, last: now}
}

func (b *budget) refill(now time.Time) {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.perSecond)
	b.last = now
}

// take spends a call, returning 0, or says how long until one is there.
func (b *budget) take(now time.Time) time.Duration {
	b.refill(now)
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / b.perSecond * float64(time.Second))
}

// force spends a call now, into debt if need be: an answer to a person
// never waits, but counts.
func (b *budget) force(now time.Time) {
	b.refill(now)
	b.tokens--
}
