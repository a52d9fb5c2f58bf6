package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is one Socket Mode connection. gorilla/websocket allows one writer
// at a time, so every write goes through wmu.
type wsConn struct {
	c    *websocket.Conn
	wmu  sync.Mutex
	done chan struct{} // closed when the read loop ends

	// draining is set (under Server.mu) once a disconnect was sent or the
	// socket was dropped. Such a connection gets no new envelopes.
	draining bool
}

const writeWait = 5 * time.Second

func (w *wsConn) writeText(b []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	_ = w.c.SetWriteDeadline(time.Now().Add(writeWait))
	return w.c.WriteMessage(websocket.TextMessage, b)
}

func (w *wsConn) ping() error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.c.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
}

func (s *Server) activeConnsLocked() int {
	n := 0
	for _, c := range s.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

// currentConnLocked picks the connection for the next envelope: Slack
// spreads envelopes across an app's open connections (up to 10), so the
// fake takes those not draining in turn.
func (s *Server) currentConnLocked() *wsConn {
	var active []*wsConn
	for _, c := range s.conns {
		if !c.draining {
			active = append(active, c)
		}
	}
	if len(active) == 0 {
		return nil
	}
	s.nextConn++
	return active[s.nextConn%len(active)]
}

// handleLink is the WebSocket endpoint that apps.connections.open hands out.
// The handshake carries no token, only the single-use ticket.
func (s *Server) handleLink(rw http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket") // other parameters, e.g. debug_reconnects, are ignored
	s.mu.Lock()
	ok := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		http.Error(rw, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	c, err := s.upgrader.Upgrade(rw, r, nil)
	if err != nil {
		s.logf("websocket upgrade: %v", err)
		return // Upgrade has answered the client
	}
	w := &wsConn{c: c, done: make(chan struct{})}

	s.mu.Lock()
	n := s.activeConnsLocked() + 1
	s.mu.Unlock()
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{
			"host":                        "applink-fake",
			"started":                     time.Now().UTC().Format("2006-01-02 15:04:05.000"),
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": AppID},
	})
	if err := w.writeText(hello); err != nil {
		_ = c.Close()
		return
	}

	s.mu.Lock()
	if s.isClosed {
		s.mu.Unlock()
		_ = c.Close()
		return
	}
	s.conns = append(s.conns, w)
	s.bumpLocked()
	s.mu.Unlock()
	s.logf("socket connected (%d open)", n)

	s.wg.Add(1) // safe: this handler is itself counted in s.wg
	go func() {
		defer s.wg.Done()
		s.pingLoop(w)
	}()

	s.readLoop(w)

	close(w.done)
	_ = c.Close()
	s.mu.Lock()
	s.conns = slices.DeleteFunc(s.conns, func(x *wsConn) bool { return x == w })
	s.bumpLocked()
	s.mu.Unlock()
	s.logf("socket closed")
}

// pingLoop sends PING control frames. slack-go treats missing server pings
// as a dead connection and reconnects.
func (s *Server) pingLoop(w *wsConn) {
	t := time.NewTicker(s.opts.PingEvery)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-s.closed:
			return
		case <-t.C:
			if err := w.ping(); err != nil {
				return
			}
		}
	}
}

// readLoop reads acks until the connection fails. gorilla answers the
// client's pings and close frames itself while we read.
func (s *Server) readLoop(w *wsConn) {
	for {
		_, data, err := w.c.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now()
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(data, &a); err != nil || a.EnvelopeID == "" {
			s.logf("unreadable frame from app: %q", data)
			continue
		}
		if string(a.Payload) == "null" {
			a.Payload = nil
		}
		s.resolveAck(w, a.EnvelopeID, a.Payload, at)
	}
}

// waiter collects the ack for one or more envelopes. All deliveries of one
// event share a waiter, so an ack for any of them settles the event.
type waiter struct {
	ch   chan Ack             // buffered 1: the first ack wins
	sent map[string]time.Time // envelope_id → written; guarded by Server.mu
	on   map[string]*wsConn   // envelope_id → the socket it went out on; guarded by Server.mu
}

func newWaiter() *waiter {
	return &waiter{ch: make(chan Ack, 1), sent: map[string]time.Time{}, on: map[string]*wsConn{}}
}

func (s *Server) resolveAck(from *wsConn, envID string, payload json.RawMessage, at time.Time) {
	s.mu.Lock()
	wt, ok := s.waiters[envID]
	if ok && s.opts.AcksOnTheirSocket && wt.on[envID] != from {
		s.mu.Unlock()
		s.logf("ack for envelope %s on another socket than it went out on: not taken", envID)
		return
	}
	var sentAt time.Time
	if ok {
		sentAt = wt.sent[envID]
		s.forgetLocked(wt)
	}
	s.mu.Unlock()
	if !ok {
		s.logf("ack for unknown, late or already acked envelope %s", envID)
		return
	}
	select {
	case wt.ch <- Ack{EnvelopeID: envID, Payload: payload, Latency: max(0, at.Sub(sentAt))}:
	default:
	}
}

func (s *Server) forgetLocked(wt *waiter) {
	for id := range wt.sent {
		if s.waiters[id] == wt {
			delete(s.waiters, id)
		}
	}
}

func (s *Server) forget(wt *waiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forgetLocked(wt)
}

// transmit registers envID with wt and writes frame on the current
// connection. It returns ErrNotConnected if there is none or the write fails.
func (s *Server) transmit(wt *waiter, envID string, frame []byte) error {
	s.mu.Lock()
	if s.isClosed {
		s.mu.Unlock()
		return ErrClosed
	}
	c := s.currentConnLocked()
	if c == nil {
		s.mu.Unlock()
		return ErrNotConnected
	}
	s.waiters[envID] = wt
	// Taken before the write so that an ack read before this goroutine
	// resumes still finds a start time.
	wt.sent[envID] = time.Now()
	wt.on[envID] = c
	s.mu.Unlock()
	if err := c.writeText(frame); err != nil {
		s.mu.Lock()
		delete(s.waiters, envID)
		delete(wt.sent, envID)
		s.mu.Unlock()
		return fmt.Errorf("%w: %v", ErrNotConnected, err)
	}
	return nil
}

// await waits up to timeout for wt's ack. It does not unregister wt, so
// that an event can keep accepting acks for earlier deliveries across retries.
func (s *Server) await(ctx context.Context, wt *waiter, timeout time.Duration) (Ack, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case a := <-wt.ch:
		return a, nil
	case <-t.C:
		// An ack may have landed at the same instant; prefer it.
		select {
		case a := <-wt.ch:
			return a, nil
		default:
		}
		return Ack{}, ErrAckTimeout
	case <-ctx.Done():
		return Ack{}, ctx.Err()
	case <-s.closed:
		return Ack{}, ErrClosed
	}
}

// envelope is a Socket Mode request frame.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt,omitempty"`
	RetryReason            *string         `json:"retry_reason,omitempty"`
}

// sendOnce delivers a non-retried envelope (slash_commands, interactive or
// raw). On success the caller must await and then forget the waiter.
func (s *Server) sendOnce(envID string, frame []byte) (*waiter, error) {
	wt := newWaiter()
	if err := s.transmit(wt, envID, frame); err != nil {
		return nil, err
	}
	return wt, nil
}

// roundTrip delivers a non-retried envelope and waits for its ack. A
// missing ack counts as a user-visible timeout.
func (s *Server) roundTrip(ctx context.Context, envID string, frame []byte, timeout time.Duration) (Ack, error) {
	wt, err := s.sendOnce(envID, frame)
	if err != nil {
		return Ack{}, err
	}
	return s.finish(ctx, wt, envID, timeout)
}

func (s *Server) finish(ctx context.Context, wt *waiter, envID string, timeout time.Duration) (Ack, error) {
	defer s.forget(wt)
	a, err := s.await(ctx, wt, timeout)
	if errors.Is(err, ErrAckTimeout) {
		s.mu.Lock()
		s.ackTimeouts++
		s.mu.Unlock()
		s.logf("envelope %s not acked within %v: the user sees a timeout error; not retried", envID, timeout)
	}
	return a, err
}

// Disconnect sends {"type":"disconnect","reason":reason} on every open
// connection, as Slack does before it refreshes a connection. The client is
// expected to call apps.connections.open again and open a new socket. The
// fake closes the old socket itself if the client has not done so after a
// grace period.
func (s *Server) Disconnect(reason string) {
	for _, w := range s.drainAll() {
		s.sendDisconnect(w, reason)
	}
}

// sendDisconnect asks w's client to reconnect, and closes w itself if the
// client has not after Slack's grace period.
func (s *Server) sendDisconnect(w *wsConn, reason string) {
	frame, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": "applink-fake"},
	})
	if err := w.writeText(frame); err != nil {
		_ = w.c.Close()
		return
	}
	s.goTracked(func() {
		t := time.NewTimer(10 * time.Second) // Slack: "about 10 seconds"
		defer t.Stop()
		select {
		case <-w.done:
		case <-s.closed:
		case <-t.C:
			_ = w.c.Close()
		}
	})
}

// DisconnectOne sends {"type":"disconnect","reason":reason} on the oldest
// open connection only, as Slack refreshes each connection on its own
// schedule ("once every few hours"); envelopes go to the others
// meanwhile. It reports false when no connection was open.
func (s *Server) DisconnectOne(reason string) bool {
	s.mu.Lock()
	var w *wsConn
	for _, c := range s.conns {
		if !c.draining {
			w = c
			break
		}
	}
	if w != nil {
		w.draining = true
		s.bumpLocked()
	}
	s.mu.Unlock()
	if w == nil {
		return false
	}
	s.sendDisconnect(w, reason)
	return true
}

// DropConnection closes every socket abruptly, without a close frame.
func (s *Server) DropConnection() {
	for _, w := range s.drainAll() {
		_ = w.c.Close()
	}
}

func (s *Server) drainAll() []*wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*wsConn
	for _, w := range s.conns {
		if !w.draining {
			w.draining = true
			out = append(out, w)
		}
	}
	s.bumpLocked()
	return out
}
