# hackwatch — `make run` starts the daemon on config.example.json; `make test` runs every test.
# Each target installs the Debian packages it needs when they are missing, so a fresh machine
# needs nothing else.

SWIFT      ?= swift
CONFIG     ?= config.example.json
PREFIX     ?= /usr/local
BUILD_DIR  ?= .build
# Release builds optimise across modules, so the rule evaluator inlines the Model getters it
# calls in another target (see README "Source layout").
RELEASE_FLAGS ?= -Xswiftc -cross-module-optimization
APT_DEPS   := libcurl4-openssl-dev libsqlite3-dev libssl-dev
TEST_DEPS  := rsyslog python3 systemd openssl prometheus chromium
BENCH_DEPS := prometheus-alertmanager python3 wrk

.PHONY: all build release run test bench install deps test-deps bench-deps clean check-imports

all: build

# Installs only what dpkg does not already have; apt-get update runs only when needed.
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call apt_ensure,$(APT_DEPS))

test-deps: deps
	$(call apt_ensure,$(TEST_DEPS))

bench-deps: deps
	$(call apt_ensure,$(BENCH_DEPS))

build: deps
	$(SWIFT) build --scratch-path $(BUILD_DIR)

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(BUILD_DIR) --product hackwatch

run: build
	$(BUILD_DIR)/debug/hackwatch run --config $(CONFIG)

# The end-to-end tests run the built binary; HACKWATCH_BIN tells them where it is.
test: test-deps build
	scripts/check-imports
	HACKWATCH_BIN=$(CURDIR)/$(BUILD_DIR)/debug/hackwatch $(SWIFT) test --scratch-path $(BUILD_DIR)

# Every import in a target names a dependency it declares (the import graph is the architecture).
check-imports:
	scripts/check-imports

bench: bench-deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(BUILD_DIR)
	@mkdir -p bench
	$(BUILD_DIR)/release/hackwatch-bench --out bench/results.txt
	@cat bench/results.txt

# Builds only when there is no release binary yet, so `make release && sudo make install` works
# where root's PATH (sudo's secure_path) has no swift.
install:
	@[ -x $(BUILD_DIR)/release/hackwatch ] || $(MAKE) release
	install -D -m 0755 $(BUILD_DIR)/release/hackwatch $(DESTDIR)$(PREFIX)/bin/hackwatch
	install -d $(DESTDIR)/etc/systemd/system
	sed 's|/usr/local/bin/hackwatch|$(PREFIX)/bin/hackwatch|' systemd/hackwatch.service > $(DESTDIR)/etc/systemd/system/hackwatch.service
	chmod 0644 $(DESTDIR)/etc/systemd/system/hackwatch.service
	install -d $(DESTDIR)/etc/hackwatch/rules
	install -d -m 0700 $(DESTDIR)/etc/hackwatch/credentials
	install -m 0644 rules/*.rules $(DESTDIR)/etc/hackwatch/rules/
	[ -f $(DESTDIR)/etc/hackwatch/config.json ] || install -m 0644 config.example.json $(DESTDIR)/etc/hackwatch/config.json

clean:
	rm -rf $(BUILD_DIR)
