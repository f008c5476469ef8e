# streamd: the two commands a newcomer needs.
#   make demo   build streamd and show it working, no network needed
#   make test   install what is missing, build, and run every test
# and for operators:
#   make install [PREFIX=/usr/local] [DESTDIR=]   the release binary (no Swift needed to run it),
#                man page, completions, units, example config

SWIFT ?= swift
BIN := .build/debug/streamd
PREFIX ?= /usr/local
DESTDIR ?=
SYSTEMD_UNIT_DIR ?= /etc/systemd/system
CONFIG_DIR ?= /etc/streamd

.PHONY: demo test deps test-deps build clean install tsan bench fuzz

# deps: what building and running needs (libcurl, pkg-config, CA certificates), for build, demo
# and install; test-deps: that and the test tools (Icecast, ffmpeg, tmux, Chromium, ...).
deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build

# The module tests run together (one per library target, fast, in-process); then the
# real-process targets one at a time (each runs its tests in parallel): daemons, Icecast,
# Mosquitto and Chromium would otherwise fight the fast ones for the 2 cores. In the daemon
# tests at most 12 run at once (swift-testing's width): all 90 at once held a daemon's source
# poll back over 3 s on CI's 2 cores, and its stations read stale; 12 at once take as long
# (85 s beside two busy loops, every test passing). Not the other targets: ScreenTests at 12
# took twice as long (50 s → 104 s) and once timed out waiting for a page (CI of 0f133b8).
MODULE_TESTS := StreamFormatsTests|StreamAudioTests|StreamHTTPTests|StreamStateTests|StreamConfigTests|StreamWatchTests|StreamAPITests|StreamMQTTTests|StreamOutputsTests|StreamDemoTests
TEST_TARGETS := "($(MODULE_TESTS))" StreamDaemonTests IcecastTests MQTTBrokerTests ScreenTests
DAEMON_TEST_WIDTH := 12

test: test-deps
	scripts/check-architecture.py
	$(SWIFT) build --build-tests
	scripts/check-units.sh
	@set -e; for target in $(TEST_TARGETS); do \
	  echo "== $$target"; \
	  case $$target in \
	    StreamDaemonTests) SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(DAEMON_TEST_WIDTH) $(SWIFT) test --skip-build --filter "^$$target\." ;; \
	    *) $(SWIFT) test --skip-build --filter "^$$target\." ;; \
	  esac; \
	done
	scripts/test-install.sh

# ThreadSanitizer over the module tests (engine, watchers, store, API: everything in-process).
# Not part of make test (a second full build); see README. TSan exits non-zero on any report.
tsan: test-deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" $(SWIFT) test --skip-build --sanitize=thread \
	  --scratch-path .build-tsan --filter "^($(MODULE_TESTS))\."

# Benchmarks, release build, each beside its peer in the same run (see Benchmarks/README.md).
# nginx-light serves the socket API's bytes and the polled endpoints. Built in a folder of
# their own, so that make install's static release build is not rebuilt after each.
BENCH_BUILD := .build-bench
bench: deps
	@command -v nginx >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light; }
	@command -v redis-server >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server; }
	@test -x /usr/sbin/mosquitto || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mosquitto; }
	@command -v curl >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl; }
	@command -v ffmpeg >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ffmpeg; }
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product streamd
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product streamd-bench
	$(BENCH_BUILD)/release/streamd-bench $(BENCH_POLLS)
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product streamd-levels-bench
	Benchmarks/levels_vs_ffmpeg.py --bench $(BENCH_BUILD)/release/streamd-levels-bench
	Benchmarks/api_vs_nginx.py --streamd $(BENCH_BUILD)/release/streamd
	Benchmarks/poll_vs_c.py --streamd $(BENCH_BUILD)/release/streamd
	Benchmarks/fanout_vs_redis.py --streamd $(BENCH_BUILD)/release/streamd --subscribers 250 1000
	Benchmarks/fanout_vs_mosquitto.py --streamd $(BENCH_BUILD)/release/streamd --subscribers 250 1000
	Benchmarks/follow_vs_curl.py --streamd $(BENCH_BUILD)/release/streamd
	Benchmarks/follow_vs_curl.py --streamd $(BENCH_BUILD)/release/streamd --silence
	Benchmarks/sigterm_stalled.py --streamd $(BENCH_BUILD)/release/streamd

demo: build
	$(BIN) demo

# The installed binary carries the Swift standard library and Foundation (--static-swift-stdlib):
# it runs on a machine without Swift, needing only system libraries (libcurl, libxml2, libstdc++;
# scripts/test-install.sh checks with ldd and runs it with the toolchain hidden).
# The man page comes from the command-line definitions, by swift-argument-parser's
# generate-manual plugin; the plugin builds the package first, in debug so the static release
# build is left alone (a release build by the plugin would be linked against the shared Swift
# libraries and undo it). The completions come from the release binary itself.
RELEASE_BIN := .build/release/streamd
MAN_PAGE := .build/plugins/GenerateManual/outputs/StreamDaemon/streamd.8
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null)
MAN_DIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
# Debian's zsh reads /usr/share/zsh/vendor-completions and /usr/local/share/zsh/site-functions.
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
DOC_DIR ?= $(PREFIX)/share/doc/streamd

install: deps
	$(SWIFT) build -c release --static-swift-stdlib --product streamd
	rm -f $(MAN_PAGE)
	$(SWIFT) package generate-manual --configuration debug --section 8 $(if $(MAN_DATE),--date $(MAN_DATE))
	@[ -s $(MAN_PAGE) ] || { echo "install: the generate-manual plugin left no $(MAN_PAGE)" >&2; exit 1; }
	install -D -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/streamd
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(MAN_DIR)/man8/streamd.8
	install -d $(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	$(RELEASE_BIN) --generate-completion-script bash > $(DESTDIR)$(BASH_COMPLETION_DIR)/streamd
	$(RELEASE_BIN) --generate-completion-script zsh > $(DESTDIR)$(ZSH_COMPLETION_DIR)/_streamd
	$(RELEASE_BIN) --generate-completion-script fish > $(DESTDIR)$(FISH_COMPLETION_DIR)/streamd.fish
	chmod 0644 $(DESTDIR)$(BASH_COMPLETION_DIR)/streamd $(DESTDIR)$(ZSH_COMPLETION_DIR)/_streamd $(DESTDIR)$(FISH_COMPLETION_DIR)/streamd.fish
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed -e 's|/usr/local/bin/streamd|$(PREFIX)/bin/streamd|' -e 's|file:///usr/local/share/doc/streamd/|file://$(DOC_DIR)/|g' \
	  systemd/streamd.service > $(DESTDIR)$(SYSTEMD_UNIT_DIR)/streamd.service
	install -m 0644 systemd/streamd.socket $(DESTDIR)$(SYSTEMD_UNIT_DIR)/streamd.socket
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/streamd.service
	install -d $(DESTDIR)$(CONFIG_DIR)
	[ -e $(DESTDIR)$(CONFIG_DIR)/streamd.toml ] || install -m 0644 systemd/streamd.toml.example $(DESTDIR)$(CONFIG_DIR)/streamd.toml
	install -D -m 0644 systemd/streamd.toml.example $(DESTDIR)$(DOC_DIR)/streamd.toml.example
	for f in docs/*.md docs/*.json; do install -D -m 0644 $$f $(DESTDIR)$(DOC_DIR)/$$(basename $$f); done
	@if [ -z "$(DESTDIR)" ] && ! getent group streamd >/dev/null; then groupadd --system streamd && echo "created the system group streamd (members may use the socket)"; fi
	@echo "installed; next: systemctl daemon-reload && systemctl enable --now streamd.socket streamd.service"

clean:
	rm -rf .build

# libFuzzer targets for the parsers that read bytes from outside (Fuzz/, scripts/fuzz,
# docs/reliability.md): FUZZ_SECONDS per target (default 60), built in .build-fuzz. Not part
# of make test or CI.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) scripts/fuzz $(FUZZ_TARGETS)
