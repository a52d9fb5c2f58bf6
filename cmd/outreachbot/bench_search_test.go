//go:build bench

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/outreachbot/outreachbot/domain"
	"github.com/outreachbot/outreachbot/slacktest"
	"github.com/outreachbot/outreachbot/store"
)

// The search row: 10⁵ contacts with text like the team's, 50 partners,
// on a redis-server of its own (AOF everysec); two-word searches typed
// as slash commands through `outreachbot run`, timed from the envelope
// frame to the ack that carries the answer; and the index's own memory,
// MEMORY USAGE of every word's set, per contact.

const (
	searchContacts = 100_000
	searchPartners = 50
	searchRuns     = 2000 // measured, after searchWarm
	searchWarm     = 200
)

// searchQueries are the two-word searches, from common words to rare
// pairs, typed in turn.
var searchQueries = []string{
	"flu clinic", "diabetes workshop", "spanish flyers", "dana screening", "transport seniors",
	"nutrition class", "blood pressure", "pastor fair", "referral cards", "principal nutrition",
	"dental screening", "voicemail coordinator", "prenatal class", "library laptops", "housing referral",
	"mental health", "okafor flu", "sign-up sheet", "teen vaping", "march host",
}

// searchText is a contact summary like the team's: who was reached,
// about what, and what comes next, from a vocabulary of a few hundred
// words, some much commoner than others.
func searchText(rng *rand.Rand) string {
	pick := func(ws []string) string {
		// Squared: the first words of each list are the commonest.
		f := rng.Float64()
		return ws[int(f*f*float64(len(ws)))]
	}
	verbs := []string{"Called", "Emailed", "Met", "Talked with", "Visited", "Left a voicemail for", "Followed up with", "Texted", "Had coffee with", "Ran into"}
	people := []string{"the coordinator", "Dana", "the principal", "the pharmacist", "the pastor", "the nurse manager", "Dr. Okafor", "the director",
		"the volunteer lead", "Maria", "the school nurse", "the health educator", "Mr. Alvarez", "the librarian", "the social worker", "Ms. Chen",
		"the outreach lead", "the board chair", "the case manager", "Pastor Williams"}
	topics := []string{"flu", "diabetes", "nutrition", "blood pressure", "vaccine", "mental health", "dental", "transport", "housing", "prenatal",
		"literacy", "senior", "teen vaping", "asthma", "cancer screening", "hearing", "vision", "food pantry", "insurance", "covid booster",
		"heart health", "smoking cessation", "fall prevention", "lead testing", "medicaid"}
	things := []string{"clinic", "workshop", "class", "fair", "screening", "talk", "flyers", "schedule", "referral cards", "sign-up sheet",
		"program", "meeting", "table", "newsletter", "survey", "room booking", "volunteers", "partnership letter", "bus passes", "materials"}
	tails := []string{"", "; they can host us in March", "; sending 200 flyers next week", ", needs Spanish materials", "; will confirm by Friday",
		" for the spring", "; wants it monthly", "; asked for laptops from the library", "; budget is tight this year", " at the main branch",
		"; two nurses can help", "; moving it to Thursday evenings", "; the hall is free on Saturdays", ", and the parents loved the last one",
		"; 40 signed up so far", "; needs a room with a projector", "; will bring a translator", ", after the board approves it"}
	return fmt.Sprintf("%s %s about the %s %s%s", pick(verbs), pick(people), pick(topics), pick(things), pick(tails))
}

type searchResult struct {
	contacts              int
	seed, rebuild         time.Duration
	p50, p99, max         time.Duration
	storeP50, storeP99    time.Duration
	avgHits               float64
	indexBytes            int64
	sets, wordsPerContact float64
	usedPerContact        float64 // used_memory growth per contact, whole record
}

func (b *bench) search(t *testing.T) {
	sys := newSchedSystem(t, slacktest.Options{}, benchUsers)
	sys.slack.AddChannel(slacktest.Channel{ID: benchChannel, Name: "outreach-team"})
	ctx := context.Background()
	now := time.Now()
	start := time.Now()
	slugs := make([]string, searchPartners)
	for i := range slugs {
		p := domain.Partner{Slug: fmt.Sprintf("partner-%02d", i), Name: fmt.Sprintf("Partner %02d", i), Kind: "clinic", Stage: "active", Cadence: 30}
		if err := sys.st.AddPartner(ctx, home, p, benchUser(0), now); err != nil {
			t.Fatal(err)
		}
		slugs[i] = p.Slug
	}
	texts := make([]string, searchContacts)
	rng := rand.New(rand.NewPCG(7, 11))
	words := 0
	for i := range texts {
		texts[i] = searchText(rng)
		words += len(domain.SearchTokens(texts[i]))
	}
	waitRewrite(t, sys.rdb, false)
	used0 := usedMemory(t, sys.rdb)
	if err := parallel(searchContacts, 16, func(i int) error {
		c := domain.Contact{Method: domain.Methods[i%4], Direction: []string{"out", "out", "in"}[i%3], Who: benchUser(i % benchUsers),
			When: now.Add(-time.Duration(searchContacts-i) * 5 * time.Minute), Summary: texts[i]}
		_, _, _, err := sys.st.LogContact(ctx, home, store.PartnerRef{Text: slugs[i%searchPartners]}, c, nil, c.Who, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	waitRewrite(t, sys.rdb, false)
	res := &searchResult{contacts: searchContacts, seed: time.Since(start), wordsPerContact: float64(words) / searchContacts}
	res.usedPerContact = float64(usedMemory(t, sys.rdb)-used0) / searchContacts

	// The index's own memory: every word's set.
	sets := searchSets(t, sys)
	for _, k := range sets {
		n, err := sys.rdb.MemoryUsage(ctx, k, 0).Result()
		if err != nil {
			t.Fatalf("MEMORY USAGE %s: %v", k, err)
		}
		res.indexBytes += n
	}
	res.sets = float64(len(sets))

	// The migration's rebuild of the same index, from nothing, as a
	// start of the bot over data older than the index runs it (and then
	// the bot's own start finds nothing left to migrate).
	for _, k := range sets {
		if err := sys.rdb.Del(ctx, k).Err(); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Now()
	if _, err := sys.st.Migrate(ctx, home); err != nil {
		t.Fatal(err)
	}
	res.rebuild = time.Since(t0)
	if got := len(searchSets(t, sys)); got != len(sets) {
		t.Fatalf("the rebuild made %d sets; the writes had made %d", got, len(sets))
	}

	// The store alone.
	var storeLat []time.Duration
	for i := range searchRuns {
		q := domain.NewQuery(strings.Fields(searchQueries[i%len(searchQueries)]), nil)
		t0 := time.Now()
		if _, err := sys.st.Search(ctx, home, q.Tokens, store.SearchScope{}, 200); err != nil {
			t.Fatal(err)
		}
		storeLat = append(storeLat, time.Since(t0))
	}
	slices.Sort(storeLat)
	res.storeP50, res.storeP99 = pct(storeLat, 0.50), pct(storeLat, 0.99)

	// Through the bot: the answer rides in the slash command's ack.
	sys.startBot(t, nil)
	var lat []time.Duration
	hits := 0
	for i := range searchWarm + searchRuns {
		q := searchQueries[i%len(searchQueries)]
		ack, err := sys.slack.SlashCommand(ctx, benchUser(i%benchUsers), benchChannel, "/outreach", "search "+q)
		if err != nil {
			t.Fatalf("search %s: %v", q, err)
		}
		if !strings.Contains(string(ack.Payload), ":mag:") {
			t.Fatalf("search %s: answered %s", q, ack.Payload)
		}
		if i < searchWarm {
			continue
		}
		lat = append(lat, ack.Latency)
		if i < searchWarm+len(searchQueries) {
			r, err := sys.st.Search(ctx, home, domain.NewQuery(strings.Fields(q), nil).Tokens, store.SearchScope{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			hits += r.Found[store.KindContact]
		}
	}
	slices.Sort(lat)
	res.p50, res.p99, res.max = pct(lat, 0.50), pct(lat, 0.99), lat[len(lat)-1]
	res.avgHits = float64(hits) / float64(len(searchQueries))
	t.Logf("search: %d contacts seeded in %s; ack p50 %s p99 %s; store p50 %s p99 %s; index %.0f B/contact over %.0f sets; rebuild %s",
		searchContacts, res.seed.Round(time.Millisecond), ms(res.p50), ms(res.p99), ms(res.storeP50), ms(res.storeP99),
		float64(res.indexBytes)/searchContacts, res.sets, res.rebuild.Round(time.Millisecond))
	b.mu.Lock()
	b.results.search = res
	b.mu.Unlock()
}

// searchSets are the keys of the index's sets (SCAN: a benchmark, not a
// code path).
func searchSets(t *testing.T, sys *schedSystem) []string {
	t.Helper()
	var out []string
	iter := sys.rdb.Scan(context.Background(), 0, "outreach:{"+home+"}:search:*", 1000).Iterator()
	for iter.Next(context.Background()) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// searchRows adds the search row to the table.
func (r benchResults) searchRows(tab *table) {
	x := r.search
	if x == nil {
		return
	}
	tab.rule()
	tab.row(fmt.Sprintf("search: %s contacts, 50 partners, two-word searches as slash commands", count(float64(x.contacts))), "", "", "",
		fmt.Sprintf("own redis-server (AOF everysec), seeded through the store in %s; %d searches of %d word pairs", x.seed.Round(time.Second), searchRuns, len(searchQueries)))
	tab.row("  ack with the answer, p50", ms(x.p50), "", "", fmt.Sprintf("store.Search alone p50 %s; %.0f contacts match a pair on average", ms(x.storeP50), x.avgHits))
	tab.row("  ack with the answer, p99", ms(x.p99), "< 3 s (Slack's ack)", verdict(x.p99 < 3*time.Second), fmt.Sprintf("store.Search alone p99 %s; max %s", ms(x.storeP99), ms(x.max)))
	tab.row("  the index's memory per contact", fmt.Sprintf("%.0f B", float64(x.indexBytes)/float64(x.contacts)), "", "",
		fmt.Sprintf("MEMORY USAGE of %s sets; %.1f indexed words a contact", count(x.sets), x.wordsPerContact))
	tab.row("  used_memory growth per contact, all of it", fmt.Sprintf("%.0f B", x.usedPerContact), "≤ 2 KiB (SPEC)", verdict(x.usedPerContact <= 2048),
		"its JSON, indexes, audit entry and its words' sets")
	tab.row("  rebuild by the migration", fmt.Sprintf("%.1f s", x.rebuild.Seconds()), "", "", "the migrations over an emptied index, 500 records a script")
}
