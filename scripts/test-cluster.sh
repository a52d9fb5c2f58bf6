#!/usr/bin/env bash
# Runs the store, scheduler, command and end-to-end suites again against a
# local 3-master Redis Cluster and against Sentinel (a master, a replica,
# one sentinel), which the tests start themselves (store/storetest); the
# three-replica and failover tests run only here. Installs
# redis-server and redis-sentinel when missing.
#
#   ./scripts/test-cluster.sh              both topologies
#   TOPOLOGIES=sentinel ./scripts/test-cluster.sh
#   ./scripts/test-cluster.sh -run Failover -v    extra go test flags
#
# Without -race: ./scripts/test.sh runs every suite with it on one node,
# and here the timing of real failovers matters more than the detector.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-redis.sh
pkgs=(./store/... ./scheduler/ ./commands/ ./cmd/outreachbot/)
# The three-replica and failover tests append their figures here;
# go test shows nothing of a passing package.
OUTREACH_FIGURES=$(mktemp)
export OUTREACH_FIGURES
trap 'rm -f "$OUTREACH_FIGURES"' EXIT
for top in ${TOPOLOGIES:-cluster sentinel}; do
  echo "== go test, OUTREACH_TEST_REDIS=$top"
  OUTREACH_TEST_REDIS=$top go test -count=1 -timeout 10m "$@" "${pkgs[@]}"
done
if [ -s "$OUTREACH_FIGURES" ]; then
  echo "== figures"
  cat "$OUTREACH_FIGURES"
fi
