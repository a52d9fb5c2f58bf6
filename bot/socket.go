package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"
)

// The bot keeps its Socket Mode connections itself, over gorilla/websocket,
// rather than through slack-go's socketmode.Client; it still opens each
// with slack-go (apps.connections.open) and decodes every payload with
// slack-go's decoders into slack-go's types (frames.go). slack-go's
// client decodes each frame three times (into a json.RawMessage, into a
// socketmode.Request, then the payload, which SlashCommand decodes twice
// more), and hands it through four goroutines and three channels (reader,
// parser, Events, the bot's loop; each ack through the response sender):
// measured, that was most of what a command cost the bot. Here each
// connection has one goroutine that reads a frame, decodes it once and
// dispatches it; acks are written by whichever goroutine gives one,
// several at once when they come together (conn.send).
//
// The protocol, as Slack documents it and slack-go v0.35.0 implements it:
// Slack sends hello on a new socket; envelopes (envelope_id, type,
// payload, accepts_response_payload, and retry_attempt/retry_reason on
// redeliveries) that want an ack of {"envelope_id", "payload"?} within
// 3 s, and under 20 KB; disconnect (refresh_requested, warning,
// link_disabled) when it is about to close the socket, after which the
// app opens another with apps.connections.open; and WebSocket PINGs,
// answered with PONGs. Slack documents no ping interval, so a socket is
// alive while anything comes from it: after 30 s of silence the bot pings
// it, and replaces it only when nothing answers in 30 s more.

const (
	// socketIdle: nothing from a socket for this long and the bot pings it;
	// nothing for as long again and it is taken for dead (Config.SocketIdle;
	// slack-go's ping timeout).
	socketIdle = 30 * time.Second
	// socketShortLife: a socket that closes sooner than this after it
	// opened is followed by the next only after a backoff, so a server
	// that closes every new socket is not asked for one in a tight loop.
	socketShortLife = 10 * time.Second
	// socketRetire: how long a socket Slack asked to leave is read after
	// its successor is up, unless Slack closes it first.
	socketRetire = 15 * time.Second
	// socketWriteTimeout bounds a write of acks; a socket that takes longer
	// is closed (and its acks go out on the next one).
	socketWriteTimeout  = 10 * time.Second
	socketHandshake     = 45 * time.Second
	socketReadBuffer    = 32 << 10 // several envelopes a read when they queue
	socketWriteBuffer   = 32 << 10
	socketBackoffFirst  = 100 * time.Millisecond
	socketBackoffMax    = 5 * time.Minute
	maxPendingAckFrames = 4096 // acks held while no socket is up; older ones are dropped
)

// maxAckFrame: Slack silently drops Socket Mode responses of 20 KB or
// more (slack-go's maxResponseSize).
const maxAckFrame = 20 * 1024

// conn is one of the bot's Socket Mode connections: one socket at a time,
// replaced when it fails or Slack asks for a refresh. An envelope is
// acknowledged on the connection that brought it.
type conn struct {
	id        int
	b         *Bot
	ack       func(ctx context.Context, envelopeID string, payload any) error // sendAck; tests record instead
	connected atomic.Bool                                                     // a socket is up and not asked to close

	retiring sync.WaitGroup // sockets Slack asked to leave, still being read

	mu      sync.Mutex
	cur     *socket  // where acks go; nil while none is up
	pending [][]byte // ack frames not yet written
	spare   [][]byte // the previous batch's slice, for the next one
	writing bool     // a goroutine is writing pending to cur
}

func newConn(b *Bot, id int) *conn {
	c := &conn{id: id, b: b}
	c.ack = c.sendAck
	return c
}

// sendAck acknowledges an envelope, with payload (a json.RawMessage, or a
// value for encoding/json) when it is not nil. It fails when the frame
// would be 20 KB or more, which Slack drops. The ack is written before
// sendAck returns unless another goroutine is writing acks on the socket
// (it writes this one too) or no socket is up (the next one carries it).
func (c *conn) sendAck(_ context.Context, envelopeID string, payload any) error {
	frame, err := ackBytes(envelopeID, payload)
	if err != nil {
		return err
	}
	c.send(frame)
	return nil
}

// ackBytes is an ack's frame, refused at 20 KB or more, which Slack drops.
func ackBytes(envelopeID string, payload any) ([]byte, error) {
	frame, err := ackFrame(envelopeID, payload)
	if err != nil {
		return nil, fmt.Errorf("socket mode ack: %w", err)
	}
	if len(frame) >= maxAckFrame {
		return nil, fmt.Errorf("socket mode ack of %d bytes: Slack drops those of %d or more", len(frame), maxAckFrame)
	}
	return frame, nil
}

// ackFrom acknowledges an envelope on the socket that brought it, while
// that socket is open but no longer the connection's current one (Slack
// asked for a new socket and the old one is being read out): a server
// that matches acks to the socket an envelope went out on finds it there.
// Otherwise, and when that write fails, it is c.ack.
func (c *conn) ackFrom(ctx context.Context, from *socket, envelopeID string, payload any) error {
	if from != nil && !from.closed.Load() {
		c.mu.Lock()
		old := c.cur != from
		c.mu.Unlock()
		if old {
			frame, err := ackBytes(envelopeID, payload)
			if err != nil {
				return err
			}
			if from.write([][]byte{frame}) == nil {
				return nil
			}
		}
	}
	return c.ack(ctx, envelopeID, payload)
}

// send queues a frame and, unless another goroutine is writing already,
// writes every queued frame on the current socket, in one write when
// several are queued.
func (c *conn) send(frame []byte) {
	c.mu.Lock()
	if len(c.pending) >= maxPendingAckFrames {
		c.pending = c.pending[1:]
		c.b.log.Warn("socket mode: acks held too long without a socket; dropping the oldest", "connection", c.id)
	}
	c.pending = append(c.pending, frame)
	if c.writing || c.cur == nil {
		c.mu.Unlock()
		return
	}
	c.writing = true
	c.mu.Unlock()
	// Under load one Redis reply finishes many commands at once: the
	// goroutines it made ready queue their acks while this one yields, and
	// all go out in one write (a write on loopback TCP costs the bot as
	// much as a command's handling). Alone, nothing else is ready to run
	// and the yield returns at once.
	runtime.Gosched()
	c.mu.Lock()
	c.flushLocked()
}

// flushLocked writes the pending frames while a socket is up. The caller
// holds c.mu, and no other goroutine is writing; it returns with c.mu
// released.
func (c *conn) flushLocked() {
	c.writing = true
	for len(c.pending) > 0 && c.cur != nil {
		s, batch := c.cur, c.pending
		c.pending, c.spare = c.spare[:0], nil
		c.mu.Unlock()
		err := s.write(batch)
		c.mu.Lock()
		if err != nil {
			// The socket is gone; these go out on the next one (an ack
			// that did get through and comes again is one Slack has).
			c.pending = append(batch, c.pending...)
			if c.cur == s {
				c.cur = nil
			}
			c.mu.Unlock()
			c.b.log.Warn("socket mode write failed", "connection", c.id, "err", err)
			s.close()
			c.mu.Lock()
			continue
		}
		clear(batch)
		c.spare = batch[:0]
	}
	c.writing = false
	c.mu.Unlock()
}

// use makes s the socket acks go to, and writes what waited for one.
func (c *conn) use(s *socket) {
	c.mu.Lock()
	c.cur = s
	if c.writing || len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	c.flushLocked()
}

// drop stops sending acks to s.
func (c *conn) drop(s *socket) {
	c.mu.Lock()
	if c.cur == s {
		c.cur = nil
	}
	c.mu.Unlock()
}

// run keeps a socket open until ctx is cancelled: it opens one, reads it,
// and opens the next when it fails or Slack asks for a refresh; the
// socket Slack asked to leave is read until its successor is up. It
// returns ctx's error, or the error of Slack refusing the app token.
func (c *conn) run(ctx context.Context) error {
	var leaving *socket
	wait := socketBackoffFirst
	for {
		s, err := c.open(ctx)
		opened := c.b.clock.Now()
		if err != nil {
			if leaving != nil {
				leaving.close()
			}
			return err
		}
		if leaving != nil {
			// Read on until Slack closes it (it sends a warning "about 10
			// seconds" before), so what it still brings is acknowledged
			// there.
			c.retiring.Add(1)
			go c.retire(ctx, leaving)
			leaving = nil
		}
		c.use(s)
		if !c.connected.Swap(true) {
			c.b.log.Info("socket mode connected", "connection", c.id)
		}
		go c.read(s)
		select {
		case <-ctx.Done():
			c.connected.Store(false)
			c.drop(s)
			s.close()
			<-s.done
			c.retiring.Wait() // and the sockets still being read out
			return ctx.Err()
		case <-s.done:
			c.drop(s)
			s.close()
			c.connected.Store(false)
			if c.b.clock.Since(opened) >= socketShortLife {
				wait = socketBackoffFirst
				c.b.log.Warn("socket mode disconnected; reconnecting", "connection", c.id)
				break
			}
			// Closed soon after it opened: a server that closes every new
			// socket is not asked for the next one in a tight loop.
			c.b.log.Warn("socket mode disconnected soon after it opened; reconnecting after a pause", "connection", c.id, "pause", wait.String())
			select {
			case <-ctx.Done():
				c.retiring.Wait()
				return ctx.Err()
			case <-c.b.clock.After(wait):
			}
			wait = min(2*wait, socketBackoffMax)
		case <-s.refresh:
			// Slack sends nothing new there; acks still go to it until
			// the next socket is up.
			if c.b.clock.Since(opened) >= socketShortLife {
				wait = socketBackoffFirst // a socket that lived: no pause owed
			}
			leaving = s
			c.connected.Store(false)
			c.b.log.Info("socket mode reconnecting", "connection", c.id)
		}
	}
}

// retire closes a socket Slack asked to leave once Slack has closed it,
// socketRetire after its successor is up, or when the bot stops.
func (c *conn) retire(ctx context.Context, s *socket) {
	defer c.retiring.Done()
	select {
	case <-s.done:
	case <-ctx.Done():
	case <-c.b.clock.After(socketRetire):
	}
	s.close()
	<-s.done // its reader has handed on what it read
}

// open calls apps.connections.open and dials the socket it names,
// retrying with backoff. It fails on ctx's end and when Slack refuses the
// app token (as slack-go does: invalid_auth, account_inactive, not_authed,
// token_revoked, or a 404).
func (c *conn) open(ctx context.Context) (*socket, error) {
	wait := socketBackoffFirst
	for {
		s, err := c.dial(ctx)
		if err == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var code slack.StatusCodeError
		switch {
		case errors.As(err, &code) && code.Code == http.StatusNotFound, fatalOpenError(err.Error()):
			c.b.log.Error("socket mode: Slack refused the app token")
			return nil, err
		}
		c.connected.Store(false)
		c.b.log.Warn("socket mode disconnected; reconnecting", "connection", c.id, "err", err)
		d := wait
		var limited *slack.RateLimitedError
		if errors.As(err, &limited) {
			d = max(d, limited.RetryAfter)
		}
		wait = min(2*wait, socketBackoffMax)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.b.clock.After(d):
		}
	}
}

func fatalOpenError(code string) bool {
	switch code {
	case "invalid_auth", "account_inactive", "not_authed", "token_revoked":
		return true
	}
	return false
}

// dial opens one socket: apps.connections.open (slack-go, with the
// app-level token), then the WebSocket it returns.
func (c *conn) dial(ctx context.Context) (*socket, error) {
	_, url, err := c.b.api.StartSocketModeContext(ctx)
	if err != nil {
		return nil, err
	}
	var nc *heldConn
	dialer := &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: socketHandshake,
		ReadBufferSize:   socketReadBuffer,
		WriteBufferSize:  socketWriteBuffer,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			nc = &heldConn{Conn: raw}
			return nc, nil
		},
	}
	// Slack's own clients send this Origin; slack-go does too.
	ws, resp, err := dialer.DialContext(ctx, url, http.Header{"Origin": {"https://api.slack.com"}})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("socket mode dial: %w", err)
	}
	idle := c.b.cfg.SocketIdle
	s := &socket{ws: ws, nc: nc, refresh: make(chan struct{}), done: make(chan struct{}), idle: idle}
	s.pingWatch = c.b.clock.AfterFunc(idle, func() {
		if s.closed.Load() {
			return
		}
		if !s.probing.Swap(true) {
			// Silent a while: ask. Any frame, ping or pong resets this.
			if err := ws.WriteControl(websocket.PingMessage, nil, time.Time{}); err == nil {
				s.pingWatch.Reset(idle)
				return
			}
		}
		c.b.log.Warn("socket mode: nothing from Slack, not even a pong; reconnecting", "connection", c.id, "after", (2 * idle).String())
		s.close()
	})
	s.writeWatch = c.b.clock.AfterFunc(socketWriteTimeout, func() {
		c.b.log.Warn("socket mode: a write is stuck; reconnecting", "connection", c.id)
		s.close()
	})
	s.writeWatch.Stop()
	ws.SetPongHandler(func(string) error {
		s.alive()
		return nil
	})
	ws.SetPingHandler(func(data string) error {
		s.alive()
		// No deadline: the write watchdog closes a stuck socket.
		if err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Time{}); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			c.b.log.Warn("socket mode: pong failed", "connection", c.id, "err", err)
		}
		return nil
	})
	return s, nil
}

// read reads s's frames and hands each to the bot, until s fails or is
// closed; then it closes s.done.
func (c *conn) read(s *socket) {
	defer close(s.done)
	buf := make([]byte, 0, 8<<10)
	for {
		_, r, err := s.ws.NextReader()
		if err != nil {
			if !s.closed.Load() {
				c.b.log.Warn("socket mode read failed", "connection", c.id, "err", err)
			}
			return
		}
		if buf, err = readFrame(buf[:0], r); err != nil {
			if !s.closed.Load() {
				c.b.log.Warn("socket mode read failed", "connection", c.id, "err", err)
			}
			return
		}
		s.alive()
		if c.b.receiveFrom(c, s, buf) {
			s.refreshOnce.Do(func() { close(s.refresh) })
		}
	}
}

// readFrame appends a frame's bytes to buf.
func readFrame(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// socket is one WebSocket to Slack.
type socket struct {
	ws                    *websocket.Conn
	nc                    *heldConn // under ws (and under TLS for wss)
	pingWatch, writeWatch clockwork.Timer
	idle                  time.Duration // silence before a ping of ours (Config.SocketIdle)
	probing               atomic.Bool   // our ping is out, unanswered
	refresh               chan struct{} // closed when Slack asks for a new socket
	refreshOnce           sync.Once
	done                  chan struct{} // closed when reading has ended
	closed                atomic.Bool
	wmu                   sync.Mutex // one write at a time: the batch of the current socket, or an ack on a leaving one
}

// write writes frames, in one write to the network.
func (s *socket) write(frames [][]byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.writeWatch.Reset(socketWriteTimeout)
	defer s.writeWatch.Stop()
	s.nc.hold()
	var err error
	for _, f := range frames {
		if err = s.ws.WriteMessage(websocket.TextMessage, f); err != nil {
			break
		}
	}
	if rerr := s.nc.release(); err == nil {
		err = rerr
	}
	return err
}

// alive notes that something came from the socket: its silence starts
// again.
func (s *socket) alive() {
	if s.closed.Load() {
		return
	}
	s.probing.Store(false)
	s.pingWatch.Reset(s.idle)
}

func (s *socket) close() {
	if s.closed.Swap(true) {
		return
	}
	s.pingWatch.Stop()
	_ = s.ws.Close()
}

// heldConn is the network connection under a socket. While held, what is
// written to it is gathered, and goes out in one write at release: a
// batch of acks costs one system call. Writes are serialized, so that
// what is written while not held cannot pass what was gathered (the TLS
// records under wss must keep their order).
type heldConn struct {
	net.Conn
	mu   sync.Mutex
	held bool
	buf  []byte
}

func (h *heldConn) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		h.buf = append(h.buf, p...)
		return len(p), nil
	}
	return h.Conn.Write(p)
}

// SetWriteDeadline does nothing: gorilla sets none for our writes, and
// socket.writeWatch bounds them.
func (h *heldConn) SetWriteDeadline(time.Time) error { return nil }

func (h *heldConn) hold() {
	h.mu.Lock()
	h.held = true
	h.mu.Unlock()
}

func (h *heldConn) release() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = false
	if len(h.buf) == 0 {
		return nil
	}
	_, err := h.Conn.Write(h.buf)
	if cap(h.buf) > 1<<20 {
		h.buf = nil // a burst's buffer is not kept
	} else {
		h.buf = h.buf[:0]
	}
	return err
}
