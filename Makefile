# Korrigo Station: `make run` sets up the machine and runs the station on a sample batch;
# `make test` sets up the machine and runs every check and test.
SHELL := /bin/bash
CARGO ?= cargo
DEMO := target/demo
export KORRIGO_PDFIUM := $(CURDIR)/vendor/pdfium/libpdfium.so
export OMP_THREAD_LIMIT := 1

.PHONY: setup run test lint unit corpus bench

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/demo.sh

test: setup lint unit corpus

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) nextest run --workspace --locked --no-fail-fast

# The shared scanned-batch corpus, when it is present next to the project.
corpus:
	@bash scripts/check_corpus.sh

bench: setup
	$(CARGO) bench --locked -p korrigo-core --bench grading
	$(CARGO) bench --locked -p korrigo-station --bench import
	$(CARGO) bench --locked -p korrigo-export --bench pdf
