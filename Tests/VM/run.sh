#!/usr/bin/env bash
# swnuma real-kernel test bed: boots small multi-node QEMU guests (TCG) with
# a Debian cloud kernel and a busybox initramfs, runs Tests/VM/guest/*.sh
# inside them against the swnuma binary under test, with Debian's numactl
# beside it as the reference, and reports per guest.
#
#   Tests/VM/run.sh                     every topology in topologies.conf
#   Tests/VM/run.sh NAME...             only those topologies
#   Tests/VM/run.sh --shell NAME        interactive busybox shell in a guest
#   Tests/VM/run.sh --capture NAME DIR  copy the guest's NUMA sysfs into DIR
#   Tests/VM/run.sh --capture-all       refresh Tests/Fixtures/sysfs/vm-*
#   Tests/VM/run.sh --prepare           install tools, fetch kernel, no boot
#   Tests/VM/run.sh --list              print the topology names
#
# Environment:
#   SWNUMA_BIN        binary under test (default .build/release/swnuma,
#                     relative paths are taken from the repository root)
#   SWNUMA_VM_CACHE   kernel and helper cache (default /var/cache/swnuma-vm)
#   SWNUMA_VM_TIMEOUT seconds one guest may run (default 240)
#   SWNUMA_VM_JOBS    guests booted at once (default 2)
#   SWNUMA_VM_KEEP    set to 1 to keep the work folder (initramfs, logs)
#   CI                "true" turns a skipped suite into a failure
#
# Exit status: 0 all passed (or skipped outside CI), 1 failures, 2 usage.
set -euo pipefail
trap 'echo "run.sh: unexpected failure at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CONF="$HERE/topologies.conf"
CACHE=${SWNUMA_VM_CACHE:-/var/cache/swnuma-vm}
TIMEOUT=${SWNUMA_VM_TIMEOUT:-240}
JOBS=${SWNUMA_VM_JOBS:-2}
BIN=${SWNUMA_BIN:-.build/release/swnuma}
case "$BIN" in /*) ;; *) BIN="$REPO/$BIN" ;; esac

# Debian packages the harness needs on the host.
HOST_PACKAGES="qemu-system-x86 busybox-static numactl cpio gcc libc6-dev"

BEGIN_MARK='@@SWNUMA-VM-BEGIN@@'
DONE_MARK='@@SWNUMA-VM-DONE@@'
CAP_BEGIN='@@SWNUMA-CAPTURE-BEGIN@@'
CAP_END='@@SWNUMA-CAPTURE-END@@'

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 2; }

# A skip is fine on a developer machine without the tools, but CI must run
# the suite, so under CI=true a skip fails.
skip() {
    say "VM suite SKIPPED: $1"
    [ $# -gt 1 ] && say "  to enable it, run: $2"
    if [ "${CI:-}" = "true" ]; then
        say "VM suite: a skip counts as a failure under CI=true"
        exit 1
    fi
    exit 0
}

is_root() { [ "$(id -u)" = 0 ]; }

topology_names() {
    sed -n 's/^\[\([A-Za-z0-9_-]*\)\][[:space:]]*$/\1/p' "$CONF"
}

# QEMU options of one topology, one "option argument" per line.
topology_lines() {
    awk -v want="$1" '
        /^[[:space:]]*(#|$)/ { next }
        /^\[/ { cur = $0; gsub(/^\[|\][[:space:]]*$/, "", cur); next }
        cur == want { sub(/^[[:space:]]+/, ""); sub(/[[:space:]]+$/, ""); print }
    ' "$CONF"
}

# What the guest should see, derived from the same QEMU options, as a
# shell fragment the guest scripts source (/topo/NAME.env).
topology_env() {
    topology_lines "$1" | awk -v name="$1" '
        function expand(spec, out,   n, parts, i, ab, j) {
            n = split(spec, parts, ",")
            out = ""
            for (i = 1; i <= n; i++) {
                if (parts[i] == "") continue
                if (split(parts[i], ab, "-") == 2)
                    for (j = ab[1] + 0; j <= ab[2] + 0; j++) out = out " " j
                else out = out " " (parts[i] + 0)
            }
            return out
        }
        function mib(s,   v) {
            v = s + 0
            if (s ~ /[Gg]$/) v *= 1024
            else if (s ~ /[Kk]$/) v /= 1024
            else if (s !~ /[Mm]$/) v /= 1048576
            return v
        }
        {
            opt = $1; arg = $2
            n = split(arg, kv, ",")
            if (opt == "-object" && kv[1] == "memory-backend-ram") {
                id = ""; sz = 0
                for (i = 2; i <= n; i++) {
                    split(kv[i], p, "=")
                    if (p[1] == "id") id = p[2]
                    if (p[1] == "size") sz = mib(p[2])
                }
                backend[id] = sz
            } else if (opt == "-numa" && kv[1] == "node") {
                # cpus=A-B may repeat; the pieces after it without "=" are
                # more ranges of the same list (cpus=0-1,4 is not valid QEMU,
                # but accept it).
                nid = ""; cpus = ""; mem = ""; last = ""
                for (i = 2; i <= n; i++) {
                    if (index(kv[i], "=") == 0) {
                        if (last == "cpus") cpus = cpus "," kv[i]
                        continue
                    }
                    split(kv[i], p, "=")
                    last = p[1]
                    if (p[1] == "nodeid") nid = p[2] + 0
                    if (p[1] == "cpus") cpus = cpus "," p[2]
                    if (p[1] == "memdev") mem = p[2]
                }
                nodes[++nnodes] = nid
                ncpus[nid] = expand(cpus)
                nmem[nid] = mem
            } else if (opt == "-device") {
                dbus = ""; dnode = ""; did = ""
                for (i = 2; i <= n; i++) {
                    split(kv[i], p, "=")
                    if (p[1] == "bus") dbus = p[2]
                    if (p[1] == "id") did = p[2]
                    if (p[1] == "numa_node") dnode = p[2]
                }
                if (kv[1] ~ /^pxb/) pxbnode[did] = dnode
                else if (dbus in pxbnode) pxbdevs = pxbdevs " " kv[1] ":" pxbnode[dbus]
            } else if (opt == "-numa" && kv[1] == "dist") {
                for (i = 2; i <= n; i++) {
                    split(kv[i], p, "=")
                    if (p[1] == "src") s = p[2] + 0
                    if (p[1] == "dst") d = p[2] + 0
                    if (p[1] == "val") v = p[2] + 0
                }
                dist[s, d] = v
            }
        }
        END {
            # nodes sorted by id
            for (i = 1; i <= nnodes; i++)
                for (j = i + 1; j <= nnodes; j++)
                    if (nodes[j] < nodes[i]) { t = nodes[i]; nodes[i] = nodes[j]; nodes[j] = t }
            all = ""; memn = ""; cpun = ""; cpuonly = ""; memonly = ""; allcpus = ""
            for (i = 1; i <= nnodes; i++) {
                id = nodes[i]
                all = all " " id
                m = (nmem[id] == "") ? 0 : backend[nmem[id]]
                c = ncpus[id]
                printf "CPUS_%d=\x27%s\x27\n", id, substr(c, 2)
                printf "MEM_%d=%d\n", id, m
                if (m > 0) memn = memn " " id
                if (c != "") { cpun = cpun " " id; allcpus = allcpus c }
                if (c != "" && m == 0) cpuonly = cpuonly " " id
                if (c == "" && m > 0) memonly = memonly " " id
                row = ""
                for (j = 1; j <= nnodes; j++) {
                    o = nodes[j]
                    if (id == o) v = ((id, o) in dist) ? dist[id, o] : 10
                    else if ((id, o) in dist) v = dist[id, o]
                    else if ((o, id) in dist) v = dist[o, id]
                    else v = 20
                    row = row " " v
                }
                printf "DIST_%d=\x27%s\x27\n", id, substr(row, 2)
            }
            printf "TOPO=\x27%s\x27\n", name
            printf "NODES=\x27%s\x27\n", substr(all, 2)
            printf "MEMNODES=\x27%s\x27\n", substr(memn, 2)
            printf "CPUNODES=\x27%s\x27\n", substr(cpun, 2)
            printf "CPUONLY=\x27%s\x27\n", substr(cpuonly, 2)
            printf "MEMONLY=\x27%s\x27\n", substr(memonly, 2)
            printf "ALLCPUS=\x27%s\x27\n", substr(allcpus, 2)
            printf "PXB_DEVICES=\x27%s\x27\n", substr(pxbdevs, 2)
        }
    '
}

# --------------------------------------------------------------------------
# Host tools

apt_lists_empty() {
    local f
    for f in /var/lib/apt/lists/*_Packages*; do
        [ -e "$f" ] && return 1
    done
    return 0
}

apt_update_if_needed() {
    if apt_lists_empty; then
        say "run.sh: apt lists are empty, running apt-get update"
        apt-get update -qq >&2
    fi
}

missing_packages() {
    local p missing=""
    for p in $HOST_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing="$missing $p"
    done
    printf '%s' "${missing# }"
}

ensure_packages() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && return 0
    if ! is_root; then
        skip "missing host packages: $missing" \
            "sudo apt-get install -y --no-install-recommends $missing"
    fi
    apt_update_if_needed
    say "run.sh: installing $missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 ||
        { apt-get update -qq >&2 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2; }
}

# Newest linux-image-6.1.0-N-cloud-amd64 the apt lists know about.
newest_kernel_package() {
    local pkg
    pkg=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
          grep -E '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' | sort -V | tail -n 1 || true)
    if [ -z "$pkg" ]; then
        # the meta package depends on the current one
        pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
              sed -n 's/.*Depends: \(linux-image-6\.1\.0-[0-9]*-cloud-amd64\)$/\1/p' |
              sort -V | tail -n 1 || true)
    fi
    printf '%s' "$pkg"
}

newest_cached_kernel() {
    ls -d "$CACHE"/kernel/linux-image-6.1.0-*-cloud-amd64/vmlinuz 2>/dev/null | sort -V | tail -n 1 || true
}

# Sets KERNEL to an unpacked vmlinuz, downloading it into the cache when
# needed.  The package is unpacked with dpkg-deb -x, never installed.
ensure_kernel() {
    local pkg cached dir tmp
    cached=$(newest_cached_kernel)
    if is_root; then apt_update_if_needed; fi
    pkg=$(newest_kernel_package)
    if [ -z "$pkg" ] && [ -z "$cached" ] && is_root; then
        apt-get update -qq >&2
        pkg=$(newest_kernel_package)
    fi
    if [ -z "$pkg" ]; then
        [ -n "$cached" ] && { KERNEL=$cached; return 0; }
        skip "no linux-image-6.1.0-*-cloud-amd64 known to apt and none cached in $CACHE" \
            "sudo apt-get update && sudo SWNUMA_VM_CACHE=$CACHE $0 --prepare"
    fi
    dir="$CACHE/kernel/$pkg"
    if [ -f "$dir/vmlinuz" ]; then KERNEL="$dir/vmlinuz"; return 0; fi
    if ! mkdir -p "$CACHE/kernel" 2>/dev/null || [ ! -w "$CACHE/kernel" ]; then
        [ -n "$cached" ] && { say "run.sh: $pkg not cached, using $cached"; KERNEL=$cached; return 0; }
        skip "kernel $pkg is not in $CACHE, which this user cannot write" \
            "sudo SWNUMA_VM_CACHE=$CACHE $0 --prepare   (or set SWNUMA_VM_CACHE to a writable folder)"
    fi
    say "run.sh: downloading $pkg into $CACHE/kernel"
    tmp=$(mktemp -d "$CACHE/kernel/.dl.XXXXXX")
    if ! (cd "$tmp" && apt-get download -qq "$pkg" >&2 2>/dev/null ||
          apt-get download "$pkg" >&2); then
        rm -rf "$tmp"
        [ -n "$cached" ] && { say "run.sh: download failed, using $cached"; KERNEL=$cached; return 0; }
        skip "apt-get download $pkg failed" "sudo apt-get update && sudo SWNUMA_VM_CACHE=$CACHE $0 --prepare"
    fi
    dpkg-deb -x "$tmp"/*.deb "$tmp/x"
    mkdir -p "$tmp/keep"
    cp "$tmp"/x/boot/vmlinuz-* "$tmp/keep/vmlinuz"
    cp "$tmp"/x/boot/config-* "$tmp/keep/config" 2>/dev/null || true
    (cd "$tmp" && ls ./*.deb) > "$tmp/keep/source-deb"
    rm -rf "$dir"
    mv "$tmp/keep" "$dir"
    rm -rf "$tmp"
    KERNEL="$dir/vmlinuz"
}

# Sets TOUCHMEM to the static memory toucher, rebuilt when touch.c changes.
ensure_touchmem() {
    local sum out dir
    sum=$(sha256sum "$HERE/guest/touch.c" | cut -c1-16)
    dir="$CACHE/helpers"
    out="$dir/touchmem-$sum"
    if [ -x "$out" ]; then TOUCHMEM=$out; return 0; fi
    if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then dir="$WORK"; fi
    out="$dir/touchmem-$sum"
    if [ ! -x "$out" ]; then
        gcc -static -O2 -Wall -o "$out.tmp" "$HERE/guest/touch.c" ||
            die "cannot build guest/touch.c (needs gcc and libc6-dev)"
        mv "$out.tmp" "$out"
    fi
    TOUCHMEM=$out
}

prepare_host() {
    command -v apt-get >/dev/null || skip "not a Debian system (no apt-get)"
    ensure_packages
    for t in qemu-system-x86_64 cpio gcc numactl; do
        command -v "$t" >/dev/null || skip "$t not found" \
            "sudo apt-get install -y --no-install-recommends $HOST_PACKAGES"
    done
    [ -x /bin/busybox ] || skip "/bin/busybox not found" \
        "sudo apt-get install -y busybox-static"
    ensure_kernel
}

# --------------------------------------------------------------------------
# Initramfs

# Copies a binary and every shared object ldd lists for it (the dynamic
# loader included) into the root tree, at the same paths.
copy_with_libs() {
    local src=$1 dest=$2 root=$3 lib
    mkdir -p "$root$(dirname "$dest")"
    cp -L "$src" "$root$dest"
    chmod 0755 "$root$dest"
    { ldd "$src" 2>/dev/null || true; } | awk '
        /=> \// { print $3; next }
        /^[[:space:]]*\// { print $1 }
    ' | while read -r lib; do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

build_initramfs() {
    local root="$WORK/root" name applet
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,run,tests,topo,etc,root}
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
    done
    copy_with_libs "$(command -v numactl)" /usr/bin/numactl "$root"
    if [ -x "$BIN" ]; then
        copy_with_libs "$BIN" /usr/bin/swnuma "$root"
        ln -s swnuma "$root/usr/bin/swnuma-numastat"
        ln -s swnuma "$root/usr/bin/swnuma-migratepages"
    fi
    cp "$TOUCHMEM" "$root/usr/bin/touchmem"
    cp "$HERE/guest/init" "$root/init"
    chmod 0755 "$root/init"
    cp "$HERE"/guest/*.sh "$root/tests/"
    for name in $(topology_names); do
        topology_env "$name" > "$root/topo/$name.env"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
    printf 'root:x:0:\n' > "$root/etc/group"
    (cd "$root" && find . | cpio -o -H newc --quiet) > "$WORK/initramfs.cpio"
}

# --------------------------------------------------------------------------
# Guests

qemu_args() {
    local name=$1 mode=$2 line
    QEMU=(qemu-system-x86_64 -accel tcg -cpu max -nographic -no-reboot
          -kernel "$KERNEL" -initrd "$WORK/initramfs.cpio"
          -append "console=ttyS0 quiet panic=-1 nokaslr swnuma.mode=$mode swnuma.topo=$name")
    while IFS= read -r line; do
        QEMU+=("${line%%[[:space:]]*}")
        line=${line#*[[:space:]]}
        QEMU+=("${line#"${line%%[![:space:]]*}"}")
    done < <(topology_lines "$name")
}

# Boots one guest in test mode; its console goes to $WORK/NAME.log.
boot_test() {
    local name=$1 rc=0 start
    qemu_args "$name" test
    start=$(date +%s)
    timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null >"$WORK/$name.log" 2>&1 || rc=$?
    echo "$rc $(( $(date +%s) - start ))" > "$WORK/$name.status"
}

# Summarises one guest from its console log.  Prints the summary line and
# failure details; returns 1 when anything failed.
report_guest() {
    local name=$1 log="$WORK/$1.log" rc secs body pass fail finished=yes
    read -r rc secs < "$WORK/$name.status"
    body=$(tr -d '\r' < "$log" | sed -n "/$BEGIN_MARK\$/,/^$DONE_MARK\$/p")
    grep -qx "$DONE_MARK" <<<"$body" || finished=no
    pass=$(grep -c '^ok ' <<<"$body" || true)
    fail=$(grep -c '^not ok ' <<<"$body" || true)
    if [ "$finished" = no ]; then
        fail=$((fail + 1))
    fi
    printf 'guest %s: %d passed, %d failed (%ss)\n' "$name" "$pass" "$fail" "$secs"
    grep '^not ok ' <<<"$body" | sed 's/^/    /' || true
    if [ "$finished" = no ]; then
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            printf '    not ok %s.finished: guest timed out after %ss\n' "$name" "$TIMEOUT"
        else
            printf '    not ok %s.finished: guest stopped before the end (qemu status %s)\n' "$name" "$rc"
        fi
        printf '    last console lines:\n'
        tr -d '\r' < "$log" | grep -v '^$' | tail -n 15 | sed 's/^/      | /'
    fi
    TOTAL_PASS=$((TOTAL_PASS + pass))
    TOTAL_FAIL=$((TOTAL_FAIL + fail))
    [ "$fail" = 0 ]
}

setup_work() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/swnuma-vm.XXXXXX")
    if [ "${SWNUMA_VM_KEEP:-0}" = 1 ]; then
        say "run.sh: keeping work folder $WORK"
    else
        trap 'rm -rf "$WORK"' EXIT
    fi
}

known_topology() {
    topology_names | grep -qx "$1" || die "unknown topology '$1' (known: $(topology_names | tr '\n' ' '))"
}

run_tests() {
    local names=("$@") name running=0 overall=0 start
    for name in "${names[@]}"; do known_topology "$name"; done
    prepare_host
    if [ ! -x "$BIN" ]; then
        skip "binary under test $BIN does not exist" \
            "make build   (or point SWNUMA_BIN at a swnuma binary)"
    fi
    setup_work
    ensure_touchmem
    build_initramfs
    say "run.sh: kernel $KERNEL"
    say "run.sh: testing $BIN in ${#names[@]} guest(s), $JOBS at a time"
    start=$(date +%s)
    for name in "${names[@]}"; do
        boot_test "$name" &
        running=$((running + 1))
        if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
    done
    wait
    TOTAL_PASS=0 TOTAL_FAIL=0
    for name in "${names[@]}"; do
        report_guest "$name" || overall=1
    done
    printf 'vm: %d passed, %d failed\n' "$TOTAL_PASS" "$TOTAL_FAIL"
    say "run.sh: ${#names[@]} guest(s) in $(( $(date +%s) - start ))s"
    return "$overall"
}

run_shell() {
    local name=$1
    known_topology "$name"
    prepare_host
    [ -x "$BIN" ] || say "run.sh: note: $BIN does not exist; the guest has numactl only"
    setup_work
    ensure_touchmem
    build_initramfs
    qemu_args "$name" shell
    say "run.sh: booting '$name'; leave the shell (exit / Ctrl-D) to power off,"
    say "        or press Ctrl-A then X to kill QEMU."
    "${QEMU[@]}"
}

# Boots NAME in capture mode; the guest prints a base64 tar of its NUMA
# sysfs between markers, which is unpacked into DEST.
run_capture() {
    local name=$1 dest=$2 rc=0
    known_topology "$name"
    prepare_host
    setup_work
    ensure_touchmem
    build_initramfs
    qemu_args "$name" capture
    timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null >"$WORK/$name.log" 2>&1 || rc=$?
    if ! tr -d '\r' < "$WORK/$name.log" | grep -qx "$CAP_END"; then
        say "run.sh: capture of '$name' failed (qemu status $rc); last console lines:"
        tr -d '\r' < "$WORK/$name.log" | tail -n 20 >&2
        return 1
    fi
    # Replace only what a capture writes: the folder may hold other files
    # (goldens made from the fixture).
    mkdir -p "$dest"
    rm -rf "$dest/sys" "$dest/proc" "$dest/numactl-H.txt"
    tr -d '\r' < "$WORK/$name.log" |
        sed -n "/$CAP_BEGIN\$/,/^$CAP_END\$/{/@@\$/d;p}" |
        base64 -d | tar -xzf - -C "$dest"
    say "run.sh: captured '$name' into $dest ($(find "$dest" -type f | wc -l) files)"
}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
    exit 2
}

main() {
    case "${1:-}" in
        -h|--help) usage ;;
        --list) topology_names ;;
        --prepare) prepare_host; setup_work; ensure_touchmem
                   say "run.sh: ready; kernel $KERNEL" ;;
        --shell) [ $# -eq 2 ] || usage; run_shell "$2" ;;
        --capture) [ $# -eq 3 ] || usage; run_capture "$2" "$3" ;;
        --capture-all)
            local n
            for n in $(topology_names); do
                run_capture "$n" "$REPO/Tests/Fixtures/sysfs/vm-$n"
                trap - EXIT; rm -rf "$WORK"
            done ;;
        -*) usage ;;
        "") mapfile -t names < <(topology_names); run_tests "${names[@]}" ;;
        *) run_tests "$@" ;;
    esac
}

main "$@"
