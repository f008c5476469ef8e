# streamd: the two commands a newcomer needs.
#   make demo   build streamd and show it working, no network needed
#   make test   install what is missing, build, and run every test

SWIFT ?= swift
BIN := .build/debug/streamd

.PHONY: demo test deps build clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

demo: build
	$(BIN) demo

clean:
	rm -rf .build
