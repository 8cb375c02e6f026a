# hackwatch — `make run` starts the daemon on config.example.json; `make test` runs every test.
# Each target installs the Debian packages it needs when they are missing, so a fresh machine
# needs nothing else.

SWIFT      ?= swift
CONFIG     ?= config.example.json
PREFIX     ?= /usr/local
BUILD_DIR  ?= .build
# Release builds optimise across modules, so the rule evaluator inlines the Model getters it
# calls in another target (see README "Source layout"), and link the Swift runtime and Foundation
# statically: the installed binary needs only libc, libstdc++, libcurl and libsqlite3, not a
# Swift toolchain (a hardened unit cannot reach one in a home folder).
# Linked by lld (the toolchain's) with no exported symbols and packed relative relocations
# (DT_RELR, glibc >= 2.36): the static runtime's -export-dynamic put ~35,000 symbols in .dynsym
# that the dynamic loader looked up at every start, and 2.5 MiB of RELA entries were read once
# and stayed resident; together about 4.4 MiB of idle RSS (README "Memory at idle").
RELEASE_FLAGS ?= -Xswiftc -cross-module-optimization --static-swift-stdlib \
  -Xswiftc -use-ld=lld -Xlinker --no-export-dynamic -Xlinker -z -Xlinker pack-relative-relocs
# `make test` runs a static debug build of the CLI with the toolchain hidden (and installs it
# into a temporary DESTDIR); its own scratch path keeps .build's flags, so neither rebuilds the other.
STATIC_DIR ?= .build-static
# What `make install` copies: the release binary unless told otherwise.
INSTALL_BIN ?= $(BUILD_DIR)/release/hackwatch
BINDIR     := $(DESTDIR)$(PREFIX)/bin
UNITDIR    ?= /etc/systemd/system
SHAREDIR   := $(DESTDIR)$(PREFIX)/share
APT_DEPS   := libcurl4-openssl-dev libsqlite3-dev libssl-dev libxml2-dev libpq-dev
TEST_DEPS  := rsyslog python3 systemd openssl util-linux make dpkg-dev fakeroot e2fsprogs prometheus chromium tzdata postgresql
BENCH_DEPS := prometheus-alertmanager python3 wrk
DEB_DEPS   := dpkg-dev fakeroot lintian

.PHONY: all build release static run test soak bench install uninstall deb deps test-deps bench-deps clean check-imports man

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

# A debug build of the CLI with the Swift runtime linked in, as `release` links it.
static: deps
	$(SWIFT) build --scratch-path $(STATIC_DIR) --product hackwatch --static-swift-stdlib

# The end-to-end tests run the built binary; HACKWATCH_BIN tells them where it is, and
# HACKWATCH_STATIC_BIN where the static one is (run with the toolchain hidden, and installed).
test: test-deps build static
	scripts/check-imports
	HACKWATCH_BIN=$(CURDIR)/$(BUILD_DIR)/debug/hackwatch HACKWATCH_STATIC_BIN=$(CURDIR)/$(STATIC_DIR)/debug/hackwatch \
	  $(SWIFT) test --scratch-path $(BUILD_DIR)

# The kill -9 soak at length (`make test` runs 20 trials): SOAK_TRIALS trials, figures printed.
SOAK_TRIALS ?= 300
soak: test-deps build
	HACKWATCH_SOAK_TRIALS=$(SOAK_TRIALS) $(SWIFT) test --scratch-path $(BUILD_DIR) --filter OutboxCrashTests

# Every import in a target names a dependency it declares (the import graph is the architecture).
check-imports:
	scripts/check-imports

bench: bench-deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(BUILD_DIR)
	@mkdir -p bench
	$(BUILD_DIR)/release/hackwatch-bench --out bench/results.txt
	@cat bench/results.txt

# Builds only when there is no release binary yet, so `make release && sudo make install` works
# where root's PATH (sudo's secure_path) has no swift. Everything in $(PREFIX) is ours and replaced;
# /etc/hackwatch is the admin's: config.json and each rules file are copied there only when
# absent, so an upgrade never overwrites a local edit. The shipped rules always land in
# $(PREFIX)/share/hackwatch/rules/ (compare: diff -u $(PREFIX)/share/hackwatch/rules /etc/hackwatch/rules).
install:
	@[ -x $(INSTALL_BIN) ] || $(MAKE) release
	install -D -m 0755 $(INSTALL_BIN) $(BINDIR)/hackwatch
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/hackwatch|$(PREFIX)/bin/hackwatch|' systemd/hackwatch.service > $(DESTDIR)$(UNITDIR)/hackwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/hackwatch.service
	install -D -m 0644 man/hackwatch.1 $(SHAREDIR)/man/man1/hackwatch.1
	install -d $(SHAREDIR)/bash-completion/completions $(SHAREDIR)/zsh/site-functions $(SHAREDIR)/fish/vendor_completions.d
	$(BINDIR)/hackwatch --generate-completion-script bash | sed '1{/^#!/d}' > $(SHAREDIR)/bash-completion/completions/hackwatch
	$(BINDIR)/hackwatch --generate-completion-script zsh > $(SHAREDIR)/zsh/site-functions/_hackwatch
	$(BINDIR)/hackwatch --generate-completion-script fish > $(SHAREDIR)/fish/vendor_completions.d/hackwatch.fish
	chmod 0644 $(SHAREDIR)/bash-completion/completions/hackwatch $(SHAREDIR)/zsh/site-functions/_hackwatch \
	  $(SHAREDIR)/fish/vendor_completions.d/hackwatch.fish
	install -d $(SHAREDIR)/hackwatch/rules
	install -m 0644 rules/*.rules $(SHAREDIR)/hackwatch/rules/
	install -m 0644 config.example.json $(SHAREDIR)/hackwatch/
	install -d $(DESTDIR)/etc/hackwatch/rules
	install -d -m 0700 $(DESTDIR)/etc/hackwatch/credentials
	@for f in rules/*.rules; do \
	  dest=$(DESTDIR)/etc/hackwatch/$$f; \
	  if [ ! -e $$dest ]; then install -m 0644 $$f $$dest && echo "installed $$dest"; \
	  elif ! cmp -s $$f $$dest; then echo "kept $$dest (edited); the shipped version is $(PREFIX)/share/hackwatch/$$f"; fi; \
	done
	@[ -f $(DESTDIR)/etc/hackwatch/config.json ] && echo "kept $(DESTDIR)/etc/hackwatch/config.json" || \
	  { install -m 0644 config.example.json $(DESTDIR)/etc/hackwatch/config.json && echo "installed $(DESTDIR)/etc/hackwatch/config.json"; }

# Removes what install put in $(PREFIX) and the unit; /etc/hackwatch (config, rules, credentials)
# and the state in /var/lib/hackwatch are the admin's and stay.
uninstall:
	rm -f $(BINDIR)/hackwatch $(DESTDIR)$(UNITDIR)/hackwatch.service $(SHAREDIR)/man/man1/hackwatch.1 \
	  $(SHAREDIR)/bash-completion/completions/hackwatch $(SHAREDIR)/zsh/site-functions/_hackwatch \
	  $(SHAREDIR)/fish/vendor_completions.d/hackwatch.fish
	rm -rf $(SHAREDIR)/hackwatch
	@echo "kept $(DESTDIR)/etc/hackwatch (config, rules, credentials) and /var/lib/hackwatch (state); remove them by hand if unwanted"

# dist/hackwatch_VERSION_ARCH.deb from the release binary (under /usr; /etc files are conffiles),
# checked by lintian.
deb: deps
	$(call apt_ensure,$(DEB_DEPS))
	@[ -x $(INSTALL_BIN) ] || $(MAKE) release
	@deb=$$(scripts/build-deb $(INSTALL_BIN) $$($(INSTALL_BIN) --version)) && echo "built $$deb" && \
	  lintian --fail-on error,warning $$deb

# Regenerates the committed man page from the command definitions (ArgumentParser's
# generate-manual plugin); mdoc wants .Pp, not blank lines, between paragraphs.
man:
	$(SWIFT) package --scratch-path $(BUILD_DIR) plugin generate-manual --configuration debug --authors "hackwatch contributors"
	@mkdir -p man
	sed 's/^$$/.Pp/' $(BUILD_DIR)/plugins/GenerateManual/outputs/hackwatch/hackwatch.1 > man/hackwatch.1

clean:
	rm -rf $(BUILD_DIR) $(STATIC_DIR)
