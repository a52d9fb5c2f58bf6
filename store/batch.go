package store

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
)

// batcher lets script calls made at the same time share a round trip to
// Redis. A call made while none is under way goes at once, alone. One
// made while another is under way waits, with the others that come
// meanwhile, for that one to finish; then the earliest of them sends them
// all in one pipeline, and each gets its own reply. Under load that is a
// write and a read for many commands, for the bot and for Redis, instead
// of one each; alone, a command pays nothing for it.
//
// Every call is still bounded by its own deadline: the pipeline goes
// under the earliest caller's context, whose deadline comes first, and a
// waiting caller's deadline runs while it waits.
type batcher struct {
	mu      sync.Mutex
	running bool          // a call or pipeline is under way
	queue   []*scriptCall // waiting for the next pipeline
}

type scriptCall struct {
	ctx  context.Context
	sc   *redis.Script
	keys []string
	args []any
	val  any
	err  error
	// wake receives nil when the reply is in, or the batch (this call
	// first) when it is this call's turn to send it.
	wake chan []*scriptCall
}

// eval runs sc as Script.Run does, sharing the round trip with the calls
// made at the same time.
func (b *batcher) eval(ctx context.Context, rdb redis.UniversalClient, sc *redis.Script, keys []string, args []any) (any, error) {
	c := &scriptCall{ctx: ctx, sc: sc, keys: keys, args: args}
	b.mu.Lock()
	if !b.running {
		b.running = true
		b.mu.Unlock()
		b.send(rdb, []*scriptCall{c})
		return c.val, c.err
	}
	c.wake = make(chan []*scriptCall, 1)
	b.queue = append(b.queue, c)
	b.mu.Unlock()
	if batch := <-c.wake; batch != nil {
		b.send(rdb, batch)
	}
	return c.val, c.err
}

// send runs batch (batch[0] is the caller), wakes the others with their
// replies, and hands what queued meanwhile to the earliest of it.
func (b *batcher) send(rdb redis.UniversalClient, batch []*scriptCall) {
	if len(batch) == 1 {
		c := batch[0]
		cmd := evalSha(c.ctx, c.sc, c.keys, c.args)
		_ = rdb.Process(c.ctx, cmd)
		c.val, c.err = cmd.Result()
		if c.err != nil && redis.HasErrorPrefix(c.err, "NOSCRIPT") {
			c.val, c.err = c.sc.Run(c.ctx, rdb, c.keys, c.args...).Result()
		}
	} else {
		// Under the context of the earliest caller still waiting; those
		// whose context has ended are not sent.
		var ctx context.Context
		pipe := rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(batch))
		for i, c := range batch {
			if c.err = c.ctx.Err(); c.err != nil {
				continue
			}
			if ctx == nil {
				ctx = c.ctx
			}
			cmds[i] = evalSha(ctx, c.sc, c.keys, c.args)
			_ = pipe.Process(ctx, cmds[i])
		}
		if ctx != nil {
			_, _ = pipe.Exec(ctx) // each command has its own error
		}
		for i, c := range batch {
			if cmds[i] == nil {
				continue
			}
			c.val, c.err = cmds[i].Result()
			if c.err != nil && redis.HasErrorPrefix(c.err, "NOSCRIPT") {
				// Redis lost its scripts (a restart, a failover): Run
				// loads this one again.
				c.val, c.err = c.sc.Run(ctx, rdb, c.keys, c.args...).Result()
			}
		}
	}
	b.mu.Lock()
	next := b.queue
	b.queue = nil
	if len(next) == 0 {
		b.running = false
	}
	b.mu.Unlock()
	for _, c := range batch[1:] {
		c.wake <- nil
	}
	if len(next) > 0 {
		next[0].wake <- next
	}
}

// evalSha is Script.EvalSha's command with each key given by pointer.
// go-redis writes a *string as the string and routes a Cluster command by
// it alike, and a pointer goes into an interface for free where a string
// costs an allocation: a log declares some thirty keys.
func evalSha(ctx context.Context, sc *redis.Script, keys []string, args []any) *redis.Cmd {
	a := make([]any, 0, 3+len(keys)+len(args))
	a = append(a, "evalsha", sc.Hash(), len(keys))
	for i := range keys {
		a = append(a, &keys[i])
	}
	cmd := redis.NewCmd(ctx, append(a, args...)...)
	if len(keys) > 0 {
		cmd.SetFirstKeyPos(3)
	}
	return cmd
}
