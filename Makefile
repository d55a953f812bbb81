# Korrigo Station: `make run` sets up the machine and runs the station on a sample batch;
# `make test` sets up the machine and runs every check and test.
SHELL := /bin/bash
CARGO ?= cargo
DEMO := target/demo
export KORRIGO_PDFIUM := $(CURDIR)/vendor/pdfium/libpdfium.so
export OMP_THREAD_LIMIT := 1
# The PostgreSQL the server's tests use (scripts/pg.sh starts it).
export KORRIGO_TEST_PG ?= host=127.0.0.1 port=5432 user=postgres password=postgres dbname=postgres
# Every workspace build of the tests selects the same packages and features (the desktop
# app serving the built UI), so the unit, bindings, keyring and window steps share one
# build of each dependency instead of rebuilding it for a different feature set.
export KORRIGO_WORKSPACE := --workspace --locked --features korrigo-desktop/custom-protocol

.PHONY: setup run test ui lint unit pg keyring bindings window corpus bench

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/demo.sh

test: setup ui lint bindings unit keyring window corpus

# The UI: type-checked, built into ui/dist (which the desktop binary embeds), unit-tested.
ui:
	cd ui && npm run build && npm test

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit: pg ui
	$(CARGO) nextest run $(KORRIGO_WORKSPACE) --no-fail-fast

# The local PostgreSQL of the server's tests.
pg:
	@bash scripts/pg.sh

# The station's token in a real OS keyring (Secret Service in a private D-Bus session).
keyring:
	@bash scripts/keyring-test.sh

# The TypeScript bindings of the IPC types, generated afresh from Rust (ts-rs), must be
# the ones the UI was built with (ui/src/bindings).
bindings: ui
	@rm -rf target/bindings-fresh
	TS_RS_EXPORT_DIR=$(CURDIR)/target/bindings-fresh $(CARGO) nextest run $(KORRIGO_WORKSPACE) -E 'test(/export_bindings/)' --status-level fail
	@diff -r ui/src/bindings target/bindings-fresh || { echo "ui/src/bindings is stale: run make unit and commit the regenerated files" >&2; exit 1; }

# The desktop app in a real window (Xvfb + tauri-driver): the main path, with screenshots.
window:
	@bash scripts/window-test.sh

# The shared scanned-batch corpus, when it is present next to the project.
corpus:
	@bash scripts/check_corpus.sh

bench: setup
	$(CARGO) bench --locked -p korrigo-core --bench grading
	$(CARGO) bench --locked -p korrigo-station --bench import
	$(CARGO) bench --locked -p korrigo-export --bench pdf
	$(CARGO) bench --locked -p korrigo-app --bench pages
	@bash scripts/pg.sh
	$(CARGO) bench --locked -p korrigo-server --bench sync
