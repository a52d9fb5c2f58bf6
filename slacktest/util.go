package slacktest

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// teamDomain makes a workspace subdomain from a team id, e.g. "t0home".
func teamDomain(teamID string) string { return strings.ToLower(teamID) }

func lowerID(id string) string { return strings.ToLower(id) }

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randID returns prefix followed by n random characters in Slack's id alphabet.
func randID(prefix string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idChars[rand.IntN(len(idChars))]
	}
	return prefix + string(b)
}

// deepCopy copies a JSON-shaped map.
func deepCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // only JSON-decoded data is stored
	}
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return out
}

// tzInfo returns Slack's tz_label and tz_offset (seconds east of UTC) for a
// zone name at now (Slack gives the offset in force). Zones the host
// cannot load get offset 0.
func tzInfo(name string, now time.Time) (string, int) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return name, 0
	}
	abbr, off := now.In(loc).Zone()
	return abbr, off
}

// tsMicros parses a Slack timestamp "<secs>.<micros>" into microseconds.
func tsMicros(ts string) (int64, bool) {
	secs, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return 0, false
	}
	frac = (frac + "000000")[:6]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return s*1e6 + f, true
}
