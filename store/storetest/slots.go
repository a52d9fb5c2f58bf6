package storetest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Slot is the Redis Cluster hash slot of key: CRC16 of its hash tag (the
// text between the first { and the next }, when not empty), or of the
// whole key, mod 16384 (the cluster specification's HASH_SLOT).
func Slot(key string) int {
	if s := strings.IndexByte(key, '{'); s >= 0 {
		if e := strings.IndexByte(key[s+1:], '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	return int(crc16(key) % 16384)
}

// crc16 is CRC-16/XMODEM (polynomial 0x1021, initial 0), Redis's.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// BotKey matches the keys of the bot's, each of which carries its
// workspace as a hash tag: outreach:{T024BE7LD}:….
var BotKey = regexp.MustCompile(`^outreach:\{[^{}]+\}:`)

// CheckSlots is a go-redis hook that fails t when one command, or one
// pipeline, names keys of two hash slots, or names a key of the bot's
// (outreach:…) without its {team} tag. A script's KEYS must all be the
// bot's; any other argument that starts with outreach: (a key prefix
// handed to a script) counts as a key too. A single node runs such a
// command without complaint and a Cluster refuses it (CROSSSLOT), so the
// check makes every topology as strict as the Cluster.
func CheckSlots(t testing.TB) redis.Hook { return slotCheck{t} }

type slotCheck struct{ t testing.TB }

func (slotCheck) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h slotCheck) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if err := SameSlot([]redis.Cmder{cmd}); err != nil {
			h.t.Errorf("storetest: %v", err)
		}
		return next(ctx, cmd)
	}
}

func (h slotCheck) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if err := SameSlot(cmds); err != nil {
			h.t.Errorf("storetest: pipeline of %d: %v", len(cmds), err)
		}
		return next(ctx, cmds)
	}
}

// SameSlot returns an error when cmds name keys of two hash slots, or a
// key of the bot's without its tag (see CheckSlots).
func SameSlot(cmds []redis.Cmder) error {
	first, slot := "", -1
	for _, cmd := range cmds {
		for _, k := range keysOf(cmd) {
			if !BotKey.MatchString(k) {
				return fmt.Errorf("%s names %q, which lacks the outreach:{team}: hash tag", cmd.Name(), k)
			}
			switch s := Slot(k); {
			case slot == -1:
				first, slot = k, s
			case s != slot:
				return fmt.Errorf("%s names keys of two hash slots: %q (%d) and %q (%d)", cmd.Name(), first, slot, k, s)
			}
		}
	}
	return nil
}

// keysOf returns a command's key-like arguments: a script's KEYS, and any
// argument that starts with outreach:.
func keysOf(cmd redis.Cmder) []string {
	args := cmd.Args()
	var keys []string
	rest := 1
	switch strings.ToLower(cmd.Name()) {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		if len(args) < 3 {
			return nil
		}
		n, _ := strconv.Atoi(fmt.Sprint(args[2]))
		for i := 3; i < 3+n && i < len(args); i++ {
			keys = append(keys, argString(args[i]))
		}
		rest = 3 + n
	}
	for i := rest; i < len(args); i++ {
		if s := argString(args[i]); strings.HasPrefix(s, "outreach:") {
			keys = append(keys, s)
		}
	}
	return keys
}

// argString is a string argument as go-redis writes it, given as a
// string or by pointer (the store passes a script's keys by pointer).
func argString(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case *string:
		return *v
	}
	return ""
}
