# Thin aliases; the scripts hold the logic.
.PHONY: console test test-instants test-cluster bench lint

console:
	go run ./cmd/outreachbot console --demo

test:
	./scripts/test.sh

test-instants:
	./scripts/test-instants.sh

test-cluster:
	./scripts/test-cluster.sh

bench:
	./scripts/bench.sh

lint:
	gofmt -l .
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	./scripts/check-imports.sh
