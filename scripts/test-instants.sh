#!/usr/bin/env bash
# Runs the suites whose tests read the test clock (end to end, scheduler,
# commands, report, bot, the store, the domain, the fake Slack) again with every test clock at the awkward instants:
# OUTREACH_TEST_NOW moves the instant the tests start at
# (internal/testclock; by default Friday 2026-11-13 10:00 in New York).
# Without -race: ./scripts/test.sh runs every suite with it at the default
# instant; here the calendar is what changes.
#
#   ./scripts/test-instants.sh                     every instant below
#   INSTANTS=2028-02-29T12:00:00Z ./scripts/test-instants.sh -run Week
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-redis.sh
pkgs=(./cmd/outreachbot/ ./scheduler/ ./commands/ ./report/ ./when/ ./bot/... ./store/... ./domain/ ./slacktest/)
instants=(
  2026-12-07T05:30:00Z      # 00:30 in New York: "3 hours ago" is yesterday
  2026-12-07T12:30:00Z      # Monday 07:30 in New York: the week's first jobs come within the hour
  2026-03-08T07:30:00Z      # New York's spring-forward night: 03:30, and 02:30 never was
  2026-11-01T06:30:00Z      # New York's fall-back night: 01:30 EST, the second 01:30 of the night
  2026-12-31T23:30:00-06:00 # year end in Chicago, New Year's Day in New York and UTC
  2028-02-29T12:00:00Z      # a leap day
  2026-11-13T21:30:00Z      # Friday 16:30 in New York: an afternoon, when "2pm" today is past
)
read -r -a instants <<<"${INSTANTS:-${instants[*]}}"
for at in "${instants[@]}"; do
  echo "== go test, OUTREACH_TEST_NOW=$at"
  OUTREACH_TEST_NOW=$at go test -count=1 "$@" "${pkgs[@]}"
done
