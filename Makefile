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
# Each function in a section of its own, so that the start-up order (startup.order)
# can place every function a start-up runs, not whole source files; and no merged
# functions, whose thunks have no symbol the order could name. A start-up then
# touches a third fewer 64 KB windows of code (BENCHMARKS.md, scripts/startup-order.py).
CODE_LAYOUT := -Xswiftc -Xfrontend -Xswiftc -function-sections -Xswiftc -Xfrontend -Xswiftc -disable-llvm-merge-functions-pass
# No implicit `import _Concurrency`: swnuma runs no tasks, and the concurrency
# runtime would link libdispatch, whose constructor reads two sysfs files and
# the CPU affinity before main on every run (the tests' debug build keeps it
# for a task-local meter; see DecodeSteps).
NO_CONCURRENCY := -Xswiftc -Xfrontend -Xswiftc -disable-implicit-concurrency-module-import
RELEASE_FLAGS := -c release -Xswiftc -static-executable $(DIRECT_METADATA) $(CODE_LAYOUT) $(NO_CONCURRENCY)
BIN := .build/release/swnuma

# Debian packages: libnuma-dev to build; the rest for tests (numactl is the
# oracle, qemu/busybox the multi-node guests, mandoc/zsh/fish/bash-completion
# check the man page and completions, jq its examples, hyperfine the benchmarks,
# systemd and man-db `systemd-analyze verify` of deploy/systemd, python3-jinja2
# the Ansible playbook's assertions, hwdata names PCI devices, libxml2-utils
# and librsvg2-bin validate and render --draw's SVG).
# ansible-core runs the playbook; dpkg-dev and lintian build and check the Debian package.
BUILD_DEPS := libnuma-dev pkg-config libyaml-dev
TEST_DEPS := numactl hwdata qemu-system-x86 busybox-static cpio gcc libc6-dev mandoc zsh fish bash-completion hyperfine file time python3-jsonschema valgrind jq systemd man-db python3-jinja2 libxml2-utils librsvg2-bin golang-go golang-github-davecgh-go-spew-dev golang-k8s-sigs-yaml-dev golang-k8s-sigs-json-dev golang-github-evanphx-json-patch-dev strace ansible-core lintian dpkg-dev

PREFIX ?= /usr/local
DESTDIR ?=
# The names swnuma is installed under, each with a man page and completions,
# and the JSON Schemas of --json output (installed in share/swnuma/schema/).
NAMES := swnuma swnuma-numastat swnuma-migratepages
SCHEMAS := hardware.schema.json show.schema.json require.schema.json cpuset.schema.json process.schema.json \
    kubelet-check.schema.json kubelet-suggest.schema.json kubelet-state.schema.json kubelet-fit.schema.json \
    node-resource-topology.schema.json

# One test-<suite> target per folder of Tests/ (Tests/README.md lists them,
# what each proves and the Debian packages it needs).
SUITES := test-unit test-cli test-corpus test-devices test-draw test-hostile test-json test-kubelet test-kubelet-topology test-nfd \
    test-numastat test-process test-fuzz test-install test-docc test-ansible test-deb test-order test-vm

.PHONY: all deps test-deps build run test $(SUITES) test-malformed test-docs vm-shell startup-order bench clean fuzz fuzz-build

all: build

deps:
	@scripts/ensure-packages.sh $(BUILD_DEPS)

test-deps: deps
	@scripts/ensure-packages.sh $(TEST_DEPS)

build: deps
	swift build $(RELEASE_FLAGS) --product swnuma

run: build
	$(BIN) -H

test: test-deps build $(SUITES)

# The Swift test targets (Tests/NUMATests, Tests/SwnumaCLITests,
# Tests/KubeletMemoryTests; their tree builder is Tests/Support).
test-unit: deps
	swift test

# -H of every real-machine dump in ../shared/corpus, and numastat against
# Debian's numastat over the same dumps.
test-corpus: test-deps build
	Tests/Corpus/run.sh $(BIN)
	Tests/Corpus/numastat.sh $(BIN)

# Command lines accepted and refused, and the table of malformed ones.
test-cli: test-deps build
	Tests/CLI/run.sh $(BIN)
	Tests/CLI/malformed.sh $(BIN)

# Device node specs and --devices.
test-devices: test-deps build
	Tests/Devices/run.sh $(BIN)

test-json: test-deps build
	Tests/JSON/run.sh $(BIN)

# numastat and migratepages against Debian's on this machine.
test-numastat: test-deps build
	Tests/Numastat/run.sh $(BIN)

# --process on a written proc/ snapshot.
test-process: test-deps build
	Tests/Process/run.sh $(BIN)

# Hostile snapshots under --root: no hang, trap, escape from the root, or more
# than 1 s of CPU or 200 MB (needs /usr/bin/time, Debian package 'time').
test-hostile: test-deps build
	Tests/Hostile/run.sh $(BIN)

test-kubelet: test-deps build
	Tests/Kubelet/run.sh $(BIN)

test-kubelet-topology: test-deps build
	Tests/KubeletTopology/run.sh $(BIN)

test-draw: test-deps build
	Tests/Draw/run.sh $(BIN)

# --nfd-features over every captured guest and corpus dump, atomic --output,
# deploy/systemd and deploy/ansible.
test-nfd: test-deps build
	Tests/NFD/run.sh $(BIN)

# deploy/ansible/numa-check.yml run by ansible-playbook against localhost and
# against snapshots of Tests/Fixtures/sysfs (Debian package ansible-core).
test-ansible: test-deps build
	Tests/Ansible/run.sh $(BIN)

# The Debian package (scripts/build-deb.sh, packaging/debian/): `make deb`
# writes .build/deb/swnuma_VERSION_ARCH.deb from `make install`;
# `make test-deb` builds one, checks it with lintian, installs it with dpkg -i,
# runs it and removes it (root only; skipped otherwise, and said so).
.PHONY: deb
deb: deps
	scripts/build-deb.sh

test-deb: test-deps
	Tests/Deb/run.sh

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

# Malformed command lines of swnuma, numastat and migratepages (Tests/CLI/malformed.txt),
# alone (test-cli runs them too).
test-malformed: build
	Tests/CLI/malformed.sh $(BIN)

# RUNS=N times the table of comparisons N times in a row (bench.py --runs).
RUNS ?= 1
bench: test-deps build
	scripts/bench.py --runs $(RUNS) $(BIN)

# The man page and shell completions, generated from the option table.
.PHONY: docs install uninstall

docs: deps
	swift run generate-swnuma-docs

# The binary is stripped into a copy first and then installed whole: `install -s`
# strips the installed file in place, rewriting it in pieces, and the page cache
# then holds it in small pieces, which costs every run more page faults (68 to
# 72 for numastat, against 63) until the cache is dropped (BENCHMARKS.md).
install: build
	strip -o $(BIN).stripped $(BIN)
	install -D -m 0755 $(BIN).stripped $(DESTDIR)$(PREFIX)/bin/swnuma
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
	rm -f $(DESTDIR)$(PREFIX)/bin/swnuma
	rm -f $(DESTDIR)$(PREFIX)/bin/swnuma-numastat $(DESTDIR)$(PREFIX)/bin/swnuma-migratepages
	for name in $(NAMES); do \
	    rm -f $(DESTDIR)$(PREFIX)/share/man/man8/$$name.8 \
	        $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$name \
	        $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_$$name \
	        $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$name.fish; \
	done
	for schema in $(SCHEMAS); do rm -f $(DESTDIR)$(PREFIX)/share/swnuma/schema/$$schema; done
	-rmdir $(DESTDIR)$(PREFIX)/share/swnuma/schema $(DESTDIR)$(PREFIX)/share/swnuma 2> /dev/null

# The man pages and completions, alone (test-install runs them too).
test-docs: test-deps build
	Tests/Install/docs.sh $(BIN)

# The man pages and completions checked with mandoc, man and the shells;
# make install into a temporary DESTDIR and make uninstall.
test-install: test-deps build
	Tests/Install/docs.sh $(BIN)
	Tests/Install/run.sh $(PREFIX)

# The NUMA library's documentation (Sources/NUMA/NUMA.docc): docc builds it
# without a warning, and every public declaration has a `///` comment.
test-docc: test-deps
	Tests/DocC/run.sh
