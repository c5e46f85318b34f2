# swnuma: build, run and test. `make run` and `make test` are all the set-up a
# fresh Debian machine needs: missing packages are installed when run as root.

SWIFT_BIN ?= /opt/swift/usr/bin
export PATH := $(SWIFT_BIN):$(PATH)

# A fully static release binary, with its symbols (the start-up order check
# reads them; `make install` strips the installed copy). Every module asks for
# generic type metadata ([String], IDSet<NodeKind>, ...) through accessor
# functions, not by mangled name: the mangled-name path runs the runtime's
# demangler and a scan of all protocol conformances on first use, a third of a
# launch's instructions. It is set here, not in Package.swift, because packages that
# depend on the NUMA library by version refuse unsafe flags in it.
# (Package.swift adds the start-up link order; see scripts/startup-order.py.)
DIRECT_METADATA := -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
RELEASE_FLAGS := -c release -Xswiftc -static-executable $(DIRECT_METADATA)
BIN := .build/release/swnuma

# Debian packages: libnuma-dev to build; the rest for tests (numactl is the
# oracle, qemu/busybox the multi-node guests, mandoc/zsh/fish/bash-completion
# check the man page and completions, jq its examples, hyperfine the benchmarks,
# systemd and man-db `systemd-analyze verify` of deploy/systemd, python3-jinja2
# the Ansible playbook's assertions, hwdata names PCI devices, libxml2-utils
# and librsvg2-bin validate and render --draw's SVG).
BUILD_DEPS := libnuma-dev pkg-config libyaml-dev
TEST_DEPS := numactl hwdata qemu-system-x86 busybox-static cpio gcc libc6-dev mandoc zsh fish bash-completion hyperfine file time python3-jsonschema valgrind jq systemd man-db python3-jinja2 libxml2-utils librsvg2-bin

PREFIX ?= /usr/local
DESTDIR ?=
# The names swnuma is installed under, each with a man page and completions,
# and the JSON Schemas of --json output (installed in share/swnuma/schema/).
NAMES := swnuma swnuma-numastat swnuma-migratepages
SCHEMAS := hardware.schema.json show.schema.json require.schema.json cpuset.schema.json process.schema.json \
    kubelet-check.schema.json kubelet-suggest.schema.json kubelet-state.schema.json

.PHONY: all deps test-deps build run test test-unit test-corpus test-cli test-json test-numastat test-draw test-nfd test-kubelet test-hostile test-vm vm-shell startup-order test-order bench clean fuzz fuzz-build test-fuzz test-malformed

all: build

deps:
	@scripts/ensure-packages.sh $(BUILD_DEPS)

test-deps: deps
	@scripts/ensure-packages.sh $(TEST_DEPS)

build: deps
	swift build $(RELEASE_FLAGS) --product swnuma
	swift build $(RELEASE_FLAGS) --product swnuma-kubelet

run: build
	$(BIN) -H

test: test-deps build test-unit test-corpus test-cli test-json test-numastat test-fuzz test-malformed test-draw test-nfd test-kubelet test-hostile test-docs test-docc test-install test-order test-vm

test-unit: deps
	swift test

test-corpus: build
	Tests/Corpus/run.sh $(BIN)

test-cli: build
	Tests/CLI/run.sh $(BIN)
	Tests/Devices/run.sh $(BIN)

test-json: test-deps build
	Tests/JSON/run.sh $(BIN)

test-numastat: test-deps build
	Tests/Numastat/run.sh $(BIN)
	Tests/Corpus/numastat.sh $(BIN)

# Hostile snapshots under --root: no hang, trap, escape from the root, or more
# than 1 s of CPU or 200 MB (needs /usr/bin/time, Debian package 'time').
test-hostile: test-deps build
	Tests/Hostile/run.sh $(BIN)

test-kubelet: test-deps build
	Tests/Kubelet/run.sh $(BIN)

test-draw: test-deps build
	Tests/Draw/run.sh $(BIN)

# --nfd-features over every captured guest and corpus dump, atomic --output,
# deploy/systemd and deploy/ansible.
test-nfd: test-deps build
	Tests/NFD/run.sh $(BIN)

test-vm: test-deps build
	SWNUMA_BIN=$(CURDIR)/$(BIN) Tests/VM/run.sh

# Rewrite Sources/swnuma/startup.order (the start-up code's link order) from the
# release build run under valgrind. Run it after changing what a start-up
# executes; `make test` says when the file has gone stale.
startup-order: test-deps build
	scripts/startup-order.py $(BIN)
	@# The package manager does not see the file as a link input: drop the
	@# linked binary so that the next build links with the new order.
	rm -f $(BIN)

test-order: test-deps build
	scripts/startup-order.py --check $(BIN)

vm-shell: test-deps build
	SWNUMA_BIN=$(CURDIR)/$(BIN) Tests/VM/run.sh --shell $(or $(TOPOLOGY),four)

clean:
	rm -rf .build .build-fuzz

# libFuzzer targets (Tests/Fuzz): `make fuzz` fuzzes each for FUZZ_SECONDS;
# `make test` runs each once over its saved corpus.
FUZZ_SECONDS ?= 60

fuzz-build: deps
	Tests/Fuzz/build.sh

fuzz: fuzz-build
	Tests/Fuzz/run.sh --seconds $(FUZZ_SECONDS)

test-fuzz: fuzz-build
	Tests/Fuzz/run.sh --corpus

# Malformed command lines of swnuma, numastat and migratepages (Tests/CLI/malformed.txt).
test-malformed: build
	Tests/CLI/malformed.sh $(BIN)

bench: test-deps build
	scripts/bench.py $(BIN)

# The man page and shell completions, generated from the option table.
.PHONY: docs install uninstall test-docs test-install

docs: deps
	swift run generate-swnuma-docs

install: build
	install -D -s -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/swnuma
	install -D -s -m 0755 $(BIN)-kubelet $(DESTDIR)$(PREFIX)/bin/swnuma-kubelet
	ln -sf swnuma $(DESTDIR)$(PREFIX)/bin/swnuma-numastat
	ln -sf swnuma $(DESTDIR)$(PREFIX)/bin/swnuma-migratepages
	for name in $(NAMES); do \
	    install -D -m 0644 man/$$name.8 $(DESTDIR)$(PREFIX)/share/man/man8/$$name.8 && \
	    install -D -m 0644 completions/$$name.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$name && \
	    install -D -m 0644 completions/_$$name $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_$$name && \
	    install -D -m 0644 completions/$$name.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$name.fish || exit 1; \
	done
	for schema in $(SCHEMAS); do \
	    install -D -m 0644 docs/schema/$$schema $(DESTDIR)$(PREFIX)/share/swnuma/schema/$$schema || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/swnuma $(DESTDIR)$(PREFIX)/bin/swnuma-kubelet
	rm -f $(DESTDIR)$(PREFIX)/bin/swnuma-numastat $(DESTDIR)$(PREFIX)/bin/swnuma-migratepages
	for name in $(NAMES); do \
	    rm -f $(DESTDIR)$(PREFIX)/share/man/man8/$$name.8 \
	        $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$name \
	        $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_$$name \
	        $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$name.fish; \
	done
	for schema in $(SCHEMAS); do rm -f $(DESTDIR)$(PREFIX)/share/swnuma/schema/$$schema; done
	-rmdir $(DESTDIR)$(PREFIX)/share/swnuma/schema $(DESTDIR)$(PREFIX)/share/swnuma 2> /dev/null

test-docs: test-deps build
	Tests/Install/docs.sh $(BIN)

test-install: build
	Tests/Install/run.sh $(PREFIX)

# The NUMA library's documentation (Sources/NUMA/NUMA.docc): docc builds it
# without a warning, and every public declaration has a `///` comment.
.PHONY: test-docc
test-docc: test-deps
	Tests/DocC/run.sh
