#!/usr/bin/env bash
# Runs every check and every test, as CI does. Installs redis-server when
# it is missing (the tests start their own on free loopback ports).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-redis.sh
echo "== gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "not gofmt-ed:"; echo "$unformatted"; exit 1
fi
echo "== go vet"
go vet ./...
echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
echo "== import boundaries"
./scripts/check-imports.sh
./scripts/check-imports.sh --self-test
echo "== go test -race"
go test -race -count=1 ./...
echo "== the store suite on the console's embedded store"
OUTREACH_TEST_REDIS=embedded go test -count=1 ./store/...
# Each fuzz target briefly, past its seeds in testdata/fuzz (go test above
# already ran the seeds): Slack's frames, button values, private_metadata,
# what people type. FUZZTIME=1m (or 100000x) for a longer look. The
# default is a count of inputs, not a duration: with a duration, Go 1.26's
# fuzz coordinator can fail a target with "context deadline exceeded" as
# its time runs out on a busy machine, having found nothing
# (go.dev/issue/75804, fixed in Go 1.27).
echo "== fuzz (${FUZZTIME:-5000x} each)"
for target in ./bot:FuzzEnvelope ./bot:FuzzFrameDecode ./bot:FuzzAckJSON ./bot:FuzzPrivateMetadata ./commands:FuzzPress ./commands:FuzzTokenize ./when:FuzzParseWhen; do
  go test -run '^$' -fuzz "^${target#*:}\$" -fuzztime "${FUZZTIME:-5000x}" "${target%%:*}"
done
