#!/usr/bin/env bash
# Measures SPEC §8's figures against `outreachbot run`, the fake Slack and a
# real redis-server (appendonly yes, appendfsync everysec), and prints them
# as a table beside the raw Redis round trip measured in the same run.
# Figures are reported, never asserted: this fails only when the system is
# broken (error replies, lost acks, acknowledged contacts not stored,
# reminders lost or posted twice).
#
#   ./scripts/bench.sh            the table
#   BENCH_VERBOSE=1 ./scripts/bench.sh   the whole go test output too
#   BENCH_ARGS='-cpuprofile cpu.out' ./scripts/bench.sh   extra go test flags
#   BENCH_ROWS='due-scan|crash' ./scripts/bench.sh   only those rows: raw,
#       latency, ladder, throughput, bot-cpu, due-posted, due-scan, memory,
#       fan-out, fan-out-budget, crash, outage, impact, import, search,
#       recurring
#   BENCH_ROWS=bot-cpu BENCH_PROFILE_DIR=/tmp/prof ./scripts/bench.sh   also
#       saves CPU and allocation profiles of both bots under load (go tool pprof)
#   BENCH_CPU_ROUNDS=5   the bot-cpu row's rounds (default 3)
#   BENCH_BOT_ENV='GOGC=200'   variables for Outreach Bot alone in that row
#   BENCH_BASELINE_BIN=/tmp/before   an earlier build of outreachbot that
#       takes its turn in every bot-cpu round, for a before and after
#       measured side by side
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-redis.sh
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run='^TestBench$'
if [ "${BENCH_ROWS:-}" != "" ]; then
  run="^TestBench\$/^(${BENCH_ROWS})\$"
fi
echo "building and running the benchmark (every row takes a while; BENCH_ROWS picks some)…" >&2
status=0
# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
go test -tags bench -run "$run" -count=1 -v -timeout 30m ${BENCH_ARGS:-} ./cmd/outreachbot/ >"$out" 2>&1 || status=$?
if [ "${BENCH_VERBOSE:-}" != "" ]; then
  cat "$out"
fi
if grep -q '^BENCH-TABLE-BEGIN$' "$out"; then
  sed -n '/^BENCH-TABLE-BEGIN$/,/^BENCH-TABLE-END$/{/^BENCH-TABLE-\(BEGIN\|END\)$/d;p}' "$out"
fi
if [ "$status" != 0 ]; then
  echo >&2
  echo "bench: the run failed (a broken build or system; missed targets never fail it); go test output:" >&2
  grep -v '^BENCH-TABLE' "$out" | tail -n 60 >&2
  exit "$status"
fi
