# auspex — build, run, test, install.
#   make run     build, install missing system packages when root, run auspex in the foreground
#   make test    the import check, a short fuzzing smoke, then the whole test suite (root runs the real-kernel and
#                journald tests too)
#   make fuzz    libFuzzer + AddressSanitizer over every outside input, FUZZ_SECONDS per target
#   make bench   side by side with laurel and auditd: figures as ratios, met / not met per target (not in make test)
#   make tables  regenerate the kernel tables of Sources/AuditRecords from the installed Linux and libaudit headers
#   make install binary, unit, sysusers/tmpfiles entries, config and rules, man pages, completions, journal catalog
#   make deb     a Debian package of the same files (dpkg-deb), with maintainer scripts from packaging/deb

SHELL      := /bin/bash
SWIFT      ?= swift
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR      = $(PREFIX)/bin
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
TMPFILESDIR?= /usr/lib/tmpfiles.d
RELEASE_BIN = .build/release/auspex

# Debian packages: libraries we link, and the tools the tests drive (auditctl, journald, ip, python3; mandoc lints the
# man pages; the node exporter reads the metrics file; journal-upload/-remote ship alerts; dpkg-dev builds the .deb).
BUILD_PACKAGES = libaudit-dev libsystemd-dev
TEST_PACKAGES  = $(BUILD_PACKAGES) auditd systemd iproute2 python3 mandoc prometheus-node-exporter \
                 systemd-journal-remote dpkg-dev
# Headers the kernel tables are generated from (syscalls, errno, AUDIT_ARCH_*, record types), and their reader.
TABLE_PACKAGES = linux-libc-dev libaudit-dev gcc python3
TABLES_SCRIPT  = Scripts/generate-tables.py
TABLES_DIR     = Sources/AuditRecords

.PHONY: all build release run test check-imports bench bench-eql deps test-deps tables tables-check completions install uninstall deb clean fuzz fuzz-build fuzz-smoke

all: build

# Installs what is missing, only when we are root and apt-get exists; otherwise says what to install. Services the
# packages ship (node exporter, journal-remote, auditd) are not started: a policy-rc.d that refuses is put in place
# for the install when there is none, and removed after.
define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; policy=/usr/sbin/policy-rc.d; ours=""; \
	    if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' > $$policy && chmod 0755 $$policy && ours=1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	    status=$$?; if [ -n "$$ours" ]; then rm -f $$policy; fi; exit $$status; \
	  else echo "missing packages:$$missing (install them as root: apt-get install$$missing)"; exit 1; fi; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PACKAGES))

test-deps:
	$(call install_missing,$(TEST_PACKAGES))

# The syscall, errno, arch and record-type tables: generated, committed, and checked by `make test`.
tables:
	$(call install_missing,$(TABLE_PACKAGES))
	python3 $(TABLES_SCRIPT) $(TABLES_DIR)

# Regenerates the tables into a temporary directory and fails, naming the file, when a committed one differs.
tables-check:
	$(call install_missing,$(TABLE_PACKAGES))
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; python3 $(TABLES_SCRIPT) "$$tmp" || exit 1; stale=0; \
	for f in "$$tmp"/*; do name=$$(basename "$$f"); \
	  if ! cmp -s "$$f" $(TABLES_DIR)/$$name; then stale=1; \
	    echo "$(TABLES_DIR)/$$name differs from what $(TABLES_SCRIPT) generates from the installed headers:"; \
	    diff -u $(TABLES_DIR)/$$name "$$f" | head -20; fi; \
	done; \
	if [ $$stale = 1 ]; then echo "run 'make tables' and commit the result (or fix the generator)"; exit 1; fi; \
	echo "tables: $(TABLES_DIR) matches $(TABLES_SCRIPT)"

build: deps
	$(SWIFT) build

# The Swift runtime is linked in (--static-swift-stdlib): the installed binary and the .deb need no toolchain.
# Whole-program LTO: replay costs 7 % less CPU than without it (the same tree built with plain
# `swift build -c release`, dynamic runtime and no LTO, replays 17 % fewer records per CPU-second); the build
# takes about two minutes.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --experimental-lto-mode=full --product auspex

# The daemon in the foreground with the shipped rule pack (Ctrl-C stops it cleanly). Alerts: journald (when one
# runs) and the spool in RUN_SPOOL. Extra flags: make run ARGS="--no-journald --multicast".
RUN_SPOOL ?= /var/spool/auspex
run: release
	$(RELEASE_BIN) run --config etc/auspex/auspex.toml --rules etc/auspex/rules.d --spool $(RUN_SPOOL) $(ARGS)

# XCTest runs the suites one after another (never in parallel): the live-kernel tests need that. The run ends on
# the failed test cases with their assertion lines, then a plain summary of XCTest's totals in test cases (swift
# test itself ends on Swift Testing's line, which counts no XCTest).
test: test-deps tables-check check-imports fuzz-smoke
	$(SWIFT) build --build-tests
	@mkdir -p .build; $(SWIFT) test --skip-build 2>&1 | tee .build/test.log; status=$${PIPESTATUS[0]}; \
	total=$$(grep -E '^[[:space:]]*Executed [0-9]+ tests?, with' .build/test.log | tail -1); \
	n=$$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$$total"); \
	k=$$(grep -oE '[0-9]+ tests? skipped' <<<"$$total" | grep -oE '^[0-9]+' || echo 0); \
	f=$$(grep -cE "^Test Case '.*' failed \(" .build/test.log); \
	if [ "$$f" -gt 0 ]; then echo "failed test cases and their assertions:"; \
	  grep -E "^Test Case '.*' failed \(|: error: " .build/test.log | cut -c1-400; fi; \
	if [ -n "$$total" ]; then echo "tests: $$((n - f - k)) passed, $$f failed, $$k skipped"; fi; exit $$status

# libFuzzer with AddressSanitizer over every outside input (Sources/FuzzTargets): audit-log, eql, rule-toml,
# exceptions. `make fuzz` runs each target FUZZ_SECONDS (default 600) on one worker, its corpus kept in
# .build/fuzz/corpus/TARGET and seeded from Fuzz/seeds and ../shared; a finding stops it with the input saved in
# .build/fuzz/artifacts/TARGET/ (more flags: Scripts/fuzz.sh TARGET -help=1). `make fuzz-smoke` (part of
# `make test`) runs FUZZ_SMOKE_RUNS inputs of each, seeds included, from an empty corpus; it catches crashes and
# leaks, with a lenient 20 s hang limit so a busy CI machine cannot fail it. The instrumented build lives apart in
# .build/fuzz.
FUZZ_SECONDS    ?= 600
FUZZ_SMOKE_RUNS ?= 2000
FUZZ_TARGETS    ?= audit-log eql rule-toml exceptions
# The debug build: it builds in about half the time of the optimized one.
FUZZ_CONFIG     ?= debug
# `--sanitize fuzzer` makes SwiftPM link libFuzzer's main; swiftc keeps only the last -sanitize flag it is given,
# so the Swift modules get coverage and AddressSanitizer in one (-sanitize=fuzzer,address), the C ones through -Xcc.
define fuzz_build
	@echo "building auspex-fuzz with libFuzzer and AddressSanitizer ($(1)) in .build/fuzz"
	@set -o pipefail; $(SWIFT) build -c $(1) --product auspex-fuzz --scratch-path .build/fuzz --disable-dead-strip \
	  --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -DAUSPEX_LIBFUZZER 2>&1 \
	  | grep -v "Cannot export local symbol"
endef

fuzz-build: deps
	$(call fuzz_build,$(FUZZ_CONFIG))

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  FUZZ_CONFIG=$(FUZZ_CONFIG) Scripts/fuzz.sh $$t -max_total_time=$(FUZZ_SECONDS) || exit 1; done

fuzz-smoke: deps
	$(call fuzz_build,debug)
	@rm -rf .build/fuzz/smoke-corpus; for t in $(FUZZ_TARGETS); do \
	  FUZZ_CONFIG=debug FUZZ_CORPUS_DIR=.build/fuzz/smoke-corpus Scripts/fuzz.sh $$t -runs=$(FUZZ_SMOKE_RUNS) -timeout=20 > .build/fuzz/smoke-$$t.log 2>&1 \
	    || { tail -60 .build/fuzz/smoke-$$t.log; echo "fuzz-smoke: $$t failed (log: .build/fuzz/smoke-$$t.log)"; exit 1; }; \
	  echo "fuzz-smoke: $$t $$(grep -E '^stat::number_of_executed_units' .build/fuzz/smoke-$$t.log | grep -oE '[0-9]+$$') runs, no finding"; \
	done

# Package.swift's dependencies of every target are exactly the modules its files import.
check-imports:
	SWIFT=$(SWIFT) Scripts/check-imports.sh

# Side by side with laurel and auditd (installed from Debian when root), printed as ratios with met / not met per
# target: replay throughput over a log auditd wrote during a C load generator's workload, live CPU, saturation
# drops, peak RSS, alert latency, callgrind instructions per event. Not part of `make test`. Knobs (environment or
# make variables): BENCH_SECONDS (live durations, 60), BENCH_RUNS (alternating runs, 3),
# BENCH_ONLY=replay,live,saturate,churn,latency,callgrind; the rest in Benchmarks/SideBySide/side-by-side.py.
BENCH_VARS = BENCH_SECONDS BENCH_RUNS BENCH_RATE BENCH_SAT_WORKERS BENCH_CORPUS_RECORDS BENCH_NEW_CORPUS \
             BENCH_CHURN_PIDS BENCH_LATENCY_N BENCH_CALLGRIND_RECORDS BENCH_ELASTIC_RULES BENCH_ONLY BENCH_TREE
export $(BENCH_VARS)
bench: release
	python3 Benchmarks/SideBySide/side-by-side.py

# EQL alone: the rule corpus over synthetic ECS events (auspex-bench).
bench-eql: release
	$(SWIFT) run -c release auspex-bench

SYSUSERSDIR ?= /usr/lib/sysusers.d
CATALOGDIR  ?= /usr/lib/systemd/catalog
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
# The binary install ships; `make install AUSPEX_BIN=.build/debug/auspex` (or `make deb …`) skips the release build.
AUSPEX_BIN  ?= $(RELEASE_BIN)
VERSION     := $(shell sed -n 's/.*version = "\(.*\)".*/\1/p' Sources/Detection/Command/BuildInfo.swift)

# Shell completions, generated from the CLI's own definition (swift-argument-parser), never typed by hand.
COMPLETIONS_DIR = .build/completions
completions: $(if $(filter $(RELEASE_BIN),$(AUSPEX_BIN)),release)
	@mkdir -p $(COMPLETIONS_DIR)
	$(AUSPEX_BIN) --generate-completion-script bash > $(COMPLETIONS_DIR)/auspex.bash
	$(AUSPEX_BIN) --generate-completion-script zsh > $(COMPLETIONS_DIR)/_auspex
	$(AUSPEX_BIN) --generate-completion-script fish > $(COMPLETIONS_DIR)/auspex.fish

# Installs the binary, the unit (ExecStart pointed at $(BINDIR)), tmpfiles and sysusers entries, the rule pack,
# the config — an existing /etc/auspex/auspex.toml is never overwritten (the new one lands beside it) —, the man
# pages, the shell completions and the journal catalog.
install: completions
	install -D -m 0755 $(AUSPEX_BIN) $(DESTDIR)$(BINDIR)/auspex
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/auspex/rules.d
	sed 's|/usr/local/bin/auspex|$(BINDIR)/auspex|g' systemd/auspex.service > $(DESTDIR)$(UNITDIR)/auspex.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/auspex.service
	install -m 0644 systemd/auspex.tmpfiles $(DESTDIR)$(TMPFILESDIR)/auspex.conf
	install -m 0644 systemd/auspex.sysusers $(DESTDIR)$(SYSUSERSDIR)/auspex.conf
	install -m 0644 etc/auspex/rules.d/*.toml $(DESTDIR)$(SYSCONFDIR)/auspex/rules.d/
	if [ -e $(DESTDIR)$(SYSCONFDIR)/auspex/auspex.toml ]; then \
	  install -m 0644 etc/auspex/auspex.toml $(DESTDIR)$(SYSCONFDIR)/auspex/auspex.toml.new; \
	else install -m 0644 etc/auspex/auspex.toml $(DESTDIR)$(SYSCONFDIR)/auspex/auspex.toml; fi
	install -D -m 0644 man/auspex.8 $(DESTDIR)$(MANDIR)/man8/auspex.8
	install -D -m 0644 man/auspex.toml.5 $(DESTDIR)$(MANDIR)/man5/auspex.toml.5
	install -D -m 0644 man/auspex-exceptions.5 $(DESTDIR)$(MANDIR)/man5/auspex-exceptions.5
	install -D -m 0644 $(COMPLETIONS_DIR)/auspex.bash $(DESTDIR)$(BASHCOMPDIR)/auspex
	install -D -m 0644 $(COMPLETIONS_DIR)/_auspex $(DESTDIR)$(ZSHCOMPDIR)/_auspex
	install -D -m 0644 $(COMPLETIONS_DIR)/auspex.fish $(DESTDIR)$(FISHCOMPDIR)/auspex.fish
	install -D -m 0644 systemd/auspex.catalog $(DESTDIR)$(CATALOGDIR)/auspex.catalog
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
	  systemd-sysusers $(SYSUSERSDIR)/auspex.conf && systemd-tmpfiles --create $(TMPFILESDIR)/auspex.conf && systemctl daemon-reload; \
	  echo "installed: systemctl enable --now auspex"; fi
	@if [ -z "$(DESTDIR)" ]; then journalctl --update-catalog || true; fi

# Removes what install put in place, except /etc/auspex/auspex.toml (your configuration) and the spool.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/auspex $(DESTDIR)$(UNITDIR)/auspex.service
	rm -f $(DESTDIR)$(TMPFILESDIR)/auspex.conf $(DESTDIR)$(SYSUSERSDIR)/auspex.conf
	for f in etc/auspex/rules.d/*.toml; do rm -f $(DESTDIR)$(SYSCONFDIR)/auspex/rules.d/$$(basename $$f); done
	rm -f $(DESTDIR)$(SYSCONFDIR)/auspex/auspex.toml.new
	rm -f $(DESTDIR)$(MANDIR)/man8/auspex.8 $(DESTDIR)$(MANDIR)/man5/auspex.toml.5 $(DESTDIR)$(MANDIR)/man5/auspex-exceptions.5
	rm -f $(DESTDIR)$(BASHCOMPDIR)/auspex $(DESTDIR)$(ZSHCOMPDIR)/_auspex $(DESTDIR)$(FISHCOMPDIR)/auspex.fish
	rm -f $(DESTDIR)$(CATALOGDIR)/auspex.catalog
	@if [ -z "$(DESTDIR)" ]; then journalctl --update-catalog || true; fi

# A Debian package from a staged `make install` (PREFIX=/usr): the config and rules are conffiles, the maintainer
# scripts (packaging/deb) create the user and spool, reload systemd, and remove what they created on purge.
# DEB_DIR receives auspex_<version>_<arch>.deb. `make deb AUSPEX_BIN=.build/debug/auspex` packages a debug build.
DEB_DIR  ?= .build/deb
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_ROOT  = $(DEB_DIR)/root
deb:
	rm -rf $(DEB_ROOT)
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_ROOT)) PREFIX=/usr UNITDIR=/lib/systemd/system \
	  AUSPEX_BIN=$(AUSPEX_BIN)
	strip --strip-debug $(DEB_ROOT)/usr/bin/auspex
	install -d -m 0755 $(DEB_ROOT)/DEBIAN
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
	  -e "s/@SIZE@/$$(du -sk --exclude=DEBIAN $(DEB_ROOT) | cut -f1)/" packaging/deb/control > $(DEB_ROOT)/DEBIAN/control
	cd $(DEB_ROOT) && find etc -type f | sort | sed 's|^|/|' > DEBIAN/conffiles
	install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm $(DEB_ROOT)/DEBIAN/
	dpkg-deb --root-owner-group -Zgzip --build $(DEB_ROOT) $(DEB_DIR)/auspex_$(VERSION)_$(DEB_ARCH).deb

clean:
	rm -rf .build
