# auspex — build, run, test, install.
#   make run     build, install missing system packages when root, run auspex in the foreground
#   make test    the whole test suite (root runs the real-kernel and journald tests too)
#   make bench   benchmarks (figures, not pass/fail)

SWIFT      ?= swift
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR      = $(PREFIX)/bin
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
TMPFILESDIR?= /usr/lib/tmpfiles.d
RELEASE_BIN = .build/release/auspex

# Debian packages: libraries we link, and the tools the tests drive (auditctl, journald, ip, python3).
BUILD_PACKAGES = libaudit-dev libsystemd-dev
TEST_PACKAGES  = $(BUILD_PACKAGES) auditd systemd iproute2 python3

.PHONY: all build release run test bench deps test-deps install uninstall clean

all: build

# Installs what is missing, only when we are root and apt-get exists; otherwise says what to install.
define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "missing packages:$$missing (install them as root: apt-get install$$missing)"; exit 1; fi; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PACKAGES))

test-deps:
	$(call install_missing,$(TEST_PACKAGES))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	$(RELEASE_BIN) events

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) run -c release auspex-bench

install: release
	install -D -m 0755 $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/auspex

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/auspex

clean:
	rm -rf .build
