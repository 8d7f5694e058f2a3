# Two commands on a fresh clone: `make run` and `make test`. Each installs what is missing first.
SHELL := bash
NODE := node --import tsx
NPM_STAMP := node_modules/.installed
KAFKA_PORT ?= 19092
export KAFKA_PORT

.PHONY: install jars chromium run test test-unit test-integration bench diagrams typecheck lint kafka-up kafka-down clean

install: $(NPM_STAMP)

# npm ci only when the lockfile changed; node-rdkafka builds its bundled librdkafka here (~2 min).
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

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
