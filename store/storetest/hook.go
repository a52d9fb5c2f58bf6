package storetest

import (
	"context"
	"slices"
	"sync"

	"github.com/redis/go-redis/v9"
)

// OnReply calls f once, right after the first command through c whose
// reply is an array beginning with head (a script's {'err', 'resolved'}
// that asks for a second round, say) and before that reply reaches its
// caller: a test puts another writer's change between a script's rounds
// this way without knowing go-redis.
func OnReply(c redis.UniversalClient, f func(ctx context.Context), head ...any) {
	c.AddHook(&onReply{head: head, f: f})
}

type onReply struct {
	head []any
	f    func(ctx context.Context)
	once sync.Once
}

func (h *onReply) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *onReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if c, ok := cmd.(*redis.Cmd); ok {
			if arr, ok := c.Val().([]any); ok && len(arr) >= len(h.head) && slices.Equal(arr[:len(h.head)], h.head) {
				h.once.Do(func() { h.f(ctx) })
			}
		}
		return err
	}
}

func (h *onReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
