# streamd: the two commands a newcomer needs.
#   make demo   build streamd and show it working, no network needed
#   make test   install what is missing, build, and run every test
# and for operators:
#   make install [PREFIX=/usr/local] [DESTDIR=]   the release binary, units, example config

SWIFT ?= swift
BIN := .build/debug/streamd
PREFIX ?= /usr/local
DESTDIR ?=
SYSTEMD_UNIT_DIR ?= /etc/systemd/system
CONFIG_DIR ?= /etc/streamd

.PHONY: demo test deps test-deps build clean install tsan bench

# deps: what building and running needs (libcurl, pkg-config, CA certificates), for build, demo
# and install; test-deps: that and the test tools (Icecast, ffmpeg, tmux, Chromium, ...).
deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build

# The module tests run together (one per library target, fast, in-process); then the
# real-process targets one at a time (each runs its tests in parallel): daemons, Icecast and
# Chromium would otherwise fight the fast ones for the 2 cores.
MODULE_TESTS := StreamFormatsTests|StreamHTTPTests|StreamStateTests|StreamConfigTests|StreamWatchTests|StreamAPITests|StreamDemoTests
TEST_TARGETS := "($(MODULE_TESTS))" StreamDaemonTests IcecastTests ScreenTests

test: test-deps
	scripts/check-architecture.py
	$(SWIFT) build --build-tests
	scripts/check-units.sh
	@set -e; for target in $(TEST_TARGETS); do \
	  echo "== $$target"; \
	  $(SWIFT) test --skip-build --filter "^$$target\." ; \
	done

# ThreadSanitizer over the module tests (engine, watchers, store, API: everything in-process).
# Not part of make test (a second full build); see README. TSan exits non-zero on any report.
tsan: test-deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" $(SWIFT) test --skip-build --sanitize=thread \
	  --scratch-path .build-tsan --filter "^($(MODULE_TESTS))\."

# Benchmarks, release build, each beside its peer in the same run (see Benchmarks/README.md).
# nginx-light is the peer of the socket API.
bench: deps
	@command -v nginx >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light; }
	$(SWIFT) build -c release --product streamd
	$(SWIFT) build -c release --product streamd-bench
	.build/release/streamd-bench $(BENCH_POLLS)
	Benchmarks/api_vs_nginx.py --streamd .build/release/streamd

demo: build
	$(BIN) demo

install: deps
	$(SWIFT) build -c release
	install -D -m 0755 .build/release/streamd $(DESTDIR)$(PREFIX)/bin/streamd
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|/usr/local/bin/streamd|$(PREFIX)/bin/streamd|' systemd/streamd.service > $(DESTDIR)$(SYSTEMD_UNIT_DIR)/streamd.service
	install -m 0644 systemd/streamd.socket $(DESTDIR)$(SYSTEMD_UNIT_DIR)/streamd.socket
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/streamd.service
	install -d $(DESTDIR)$(CONFIG_DIR)
	[ -e $(DESTDIR)$(CONFIG_DIR)/streamd.toml ] || install -m 0644 systemd/streamd.toml.example $(DESTDIR)$(CONFIG_DIR)/streamd.toml
	install -D -m 0644 systemd/streamd.toml.example $(DESTDIR)$(PREFIX)/share/doc/streamd/streamd.toml.example
	for f in docs/*.md docs/*.json; do install -D -m 0644 $$f $(DESTDIR)$(PREFIX)/share/doc/streamd/$$(basename $$f); done
	@if [ -z "$(DESTDIR)" ] && ! getent group streamd >/dev/null; then groupadd --system streamd && echo "created the system group streamd (members may use the socket)"; fi
	@echo "installed; next: systemctl daemon-reload && systemctl enable --now streamd.socket streamd.service"

clean:
	rm -rf .build
