# The two commands a new machine needs (see README.md):
#   make run    install what is missing, build, open the app
#   make test   install what is missing, build once, run every test
# Everything builds into the one ./target directory.

CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps-run deps-test ui build lint test-rust test-ui test-e2e bindings

# The binary loads the window from libmockloop_window beside it: build the
# whole app package (binary and library), then start it.
run: deps-run ui
	$(CARGO) build -p mockloop-app
	target/debug/mockloop

test: deps-test ui build lint test-rust test-ui test-e2e

deps-run:
	scripts/install-deps.sh run

deps-test:
	scripts/install-deps.sh test

# The window embeds ui/dist at compile time, so the UI is built first.
ui:
	cd ui && npm run build

build: ui
	$(CARGO) build --workspace --all-targets

# Writes ui/src/lib/bindings.ts, the window's TypeScript, from the Rust
# commands, events and types (src-tauri/src/ipc.rs). `make test` fails
# while the committed file is stale. Then rebuild the UI (`make ui`).
bindings:
	MOCKLOOP_WRITE_BINDINGS=1 $(CARGO) test -p mockloop-app --lib ipc::tests::bindings_are_current

# Formatting and clippy, warnings denied: a warning fails the tests.
lint: build
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust: build
	$(CARGO) test --workspace

test-ui:
	cd ui && npm run check && npm test

test-e2e: build
	node --test --test-reporter=spec tests/e2e/
