package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/outreachbot/outreachbot/commands"
	"github.com/outreachbot/outreachbot/message"
)

// maxHomeBlocks is Block Kit's limit for a Home tab (messages have 50).
const maxHomeBlocks = 100

// publishHome renders the App Home tab for user and remembers that they
// look at it, so that their own writes refresh it.
func (b *Bot) publishHome(ctx context.Context, user string) {
	b.homeSeen.Add(user, struct{}{})
	req, err := b.request(ctx, user, "", "", commands.DoorForm, "")
	var r message.Reply
	if err != nil {
		r = refusedReply(err)
	} else {
		r = b.cmds.Home(ctx, req)
	}
	err = b.publishView(ctx, user, r)
	if _, code := Classify(err); (code == "invalid_arguments" || code == "invalid_blocks") && hasNative(r) {
		// Slack refused the Home's tables or chart: the same as text.
		err = b.publishView(ctx, user, plainReply(r))
	}
	b.observe("views.publish", err)
}

func (b *Bot) publishView(ctx context.Context, user string, r message.Reply) error {
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocksWithin(r, maxHomeBlocks, false)}}
	_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
	return err
}

// refreshHome has user's App Home republished after a write of theirs,
// by the replica that showed it to them, whichever took the write: the
// write is announced to every replica (HomeBus), and each one that drew
// that Home redraws it (a Home nobody opened is left alone: views.publish
// for every write would cost a call per command). Without a bus, or when
// the announcement fails, this replica redraws the Home it drew.
func (b *Bot) refreshHome(user string, r message.Reply) {
	if r.Feed == "" || r.Outcome != message.OutcomeOK {
		return // not a write
	}
	bus, ok := b.dedupe.(HomeBus)
	if !ok {
		if _, ok := b.homeSeen.Get(user); ok {
			b.spawn(func() {
				ctx, cancel := context.WithTimeout(b.base, 10*time.Second)
				defer cancel()
				b.publishHome(ctx, user)
			})
		}
		return
	}
	b.homeMu.Lock()
	first := len(b.homeChanged) == 0
	if b.homeChanged == nil {
		b.homeChanged = map[string]bool{}
	}
	b.homeChanged[user] = true
	b.homeMu.Unlock()
	if first {
		b.spawn(func() { b.announceHomes(bus) })
	}
}

// homeGather is how long writes gather before their Homes are announced
// together: a burst of commands costs Redis one round trip, and a Home
// is still redrawn well within a second.
const homeGather = 50 * time.Millisecond

// announceHomes announces, after homeGather, the Homes of everyone who
// wrote meanwhile; when Redis cannot take the announcement, this replica
// redraws those it drew itself.
func (b *Bot) announceHomes(bus HomeBus) {
	<-b.clock.After(homeGather)
	b.homeMu.Lock()
	users := make([]string, 0, len(b.homeChanged))
	for u := range b.homeChanged {
		users = append(users, u)
	}
	b.homeChanged = nil
	b.homeMu.Unlock()
	ctx, cancel := context.WithTimeout(b.base, 10*time.Second)
	defer cancel()
	err := bus.HomeChanged(ctx, b.cfg.HomeTeam, users...)
	if err == nil {
		return
	}
	b.log.Warn("could not tell the other replicas to redraw Homes", "users", len(users), "err", err)
	for _, u := range users {
		if _, ok := b.homeSeen.Get(u); ok {
			b.publishHome(ctx, u)
		}
	}
}

// watchHomes redraws the Homes this replica drew when any replica
// announces a write of their owner's, until ctx ends.
func (b *Bot) watchHomes(ctx context.Context, bus HomeBus) {
	for ctx.Err() == nil {
		err := bus.WatchHomes(ctx, b.cfg.HomeTeam, func(user string) {
			if _, ok := b.homeSeen.Get(user); !ok {
				return
			}
			b.spawn(func() {
				pctx, cancel := context.WithTimeout(b.base, 10*time.Second)
				defer cancel()
				b.publishHome(pctx, user)
			})
		})
		if ctx.Err() == nil {
			b.log.Warn("watching for Homes to redraw stopped; starting again", "err", err)
			select {
			case <-ctx.Done():
			case <-b.clock.After(time.Second):
			}
		}
	}
}
