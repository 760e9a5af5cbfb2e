# The two commands a new machine needs (see README.md):
#   make run    install what is missing, build, open the app
#   make test   install what is missing, build once, run every test, then
#               build the .deb and .rpm and test the installed package
#               (installing a package needs root, as CI is)
# And: make package (the .deb and .rpm), make icons (from assets/icons/icon.svg).
# Everything builds into the one ./target directory.

CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps-run deps-test ui build lint test-rust test-ui test-e2e bindings package test-package icons

# `mockloop` with no subcommand execs `mockloop-window` from beside itself:
# build the whole app package (both executables), then start it.
run: deps-run ui
	$(CARGO) build -p mockloop-app
	target/debug/mockloop

test: deps-test ui build lint test-rust test-ui test-e2e test-package

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

# tauri-cli, pinned in ui/package.json (the npm package), so no cargo install.
TAURI := ui/node_modules/.bin/tauri

# The .deb and .rpm, from Tauri's bundler: a release build (the profile in
# Cargo.toml) of both executables, then the packages in
# target/release/bundle/{deb,rpm}/. AppImage is left out: its tools are
# downloaded from GitHub, which this project's machines cannot reach.
package: deps-run ui
	$(TAURI) build --ci --bundles deb,rpm

# The .deb checked, installed with apt-get, used from its installed paths,
# removed (tests/package/). Needs root.
test-package: package
	node --test --test-reporter=spec tests/package/

# Every icon the bundles use, drawn from the one source image.
icons:
	$(TAURI) icon assets/icons/icon.svg --output target/icons
	cp target/icons/32x32.png target/icons/64x64.png target/icons/128x128.png \
	  target/icons/128x128@2x.png target/icons/icon.png target/icons/icon.icns \
	  target/icons/icon.ico assets/icons/
