package storetest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Next is a store.NextFunc for the store's own tests, which may not
// import the rule language (when/): it reads rules of the form
// "M H * * *" and "M H * * D[,D…]" only (every day, or on those
// weekdays, at H:M in zone), the first such time after after.
func Next(rule, zone string, after time.Time) (time.Time, error) {
	f := strings.Fields(strings.Split(rule, "|")[0])
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return time.Time{}, fmt.Errorf("storetest.Next: rule %q is not a daily or weekly one", rule)
	}
	mi, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("storetest.Next: rule %q", rule)
	}
	days := map[time.Weekday]bool{}
	if f[4] != "*" {
		for _, d := range strings.Split(f[4], ",") {
			n, err := strconv.Atoi(d)
			if err != nil {
				return time.Time{}, fmt.Errorf("storetest.Next: rule %q", rule)
			}
			days[time.Weekday(n)] = true
		}
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	l := after.In(loc)
	for i := 0; i <= 8; i++ {
		t := time.Date(l.Year(), l.Month(), l.Day()+i, h, mi, 0, 0, loc)
		if t.After(after) && (len(days) == 0 || days[t.Weekday()]) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("storetest.Next: rule %q: none within a week", rule)
}
