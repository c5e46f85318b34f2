#!/usr/bin/env bash
# `make install` into a temporary DESTDIR: every file lands where it should,
# the installed binary runs and the installed man page renders; then
# `make uninstall` removes every one of them.
#
#   Tests/Install/run.sh [PREFIX]
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=${1:-/usr/local}
. "$here/../lib.sh"
make_temp destdir

files=("bin/swnuma")
for name in swnuma swnuma-numastat swnuma-migratepages; do
    files+=(
        "share/man/man8/$name.8"
        "share/bash-completion/completions/$name"
        "share/zsh/vendor-completions/_$name"
        "share/fish/vendor_completions.d/$name.fish"
    )
done
schemas=(hardware.schema.json show.schema.json require.schema.json cpuset.schema.json
    kubelet-check.schema.json kubelet-suggest.schema.json kubelet-state.schema.json kubelet-fit.schema.json
    node-resource-topology.schema.json)
for schema in "${schemas[@]}"; do files+=("share/swnuma/schema/$schema"); done

if make -s -C "$repo" install DESTDIR="$destdir" PREFIX="$prefix" > "$destdir.log" 2>&1; then ok; else
    not_ok "make install"
    tail -20 "$destdir.log"
fi
rm -f "$destdir.log"
root=$destdir$prefix
for file in "${files[@]}"; do
    if [ -f "$root/$file" ]; then ok; else not_ok "installed $prefix/$file"; fi
done
if [ -x "$root/bin/swnuma" ]; then ok; else not_ok "$prefix/bin/swnuma is executable"; fi
if "$root/bin/swnuma" --version | grep -q '^swnuma '; then ok; else not_ok "installed swnuma --version"; fi
for mode in numastat migratepages; do
    if [ "$(readlink "$root/bin/swnuma-$mode")" = swnuma ]; then ok; else not_ok "$prefix/bin/swnuma-$mode -> swnuma"; fi
done
if "$root/bin/swnuma-numastat" -V | grep -q '^swnuma-numastat '; then ok; else not_ok "installed swnuma-numastat -V"; fi
if "$root/bin/swnuma-migratepages" --help | grep -q '^Usage: swnuma-migratepages '; then ok; else
    not_ok "installed swnuma-migratepages --help"
fi
if "$root/bin/swnuma" --root "$repo/Tests/Fixtures/sysfs/vm-two" --kubelet-check --v=2 | grep -q '^verdict: '; then ok; else
    not_ok "installed swnuma runs --kubelet-check itself"
fi
# One program: the kubelet modes run inside swnuma, and what make install puts
# in bin/ weighs at most 12 MB (stripped, static).
if [ ! -e "$root/bin/swnuma-kubelet" ]; then ok; else not_ok "no second program: bin/swnuma-kubelet is installed"; fi
weight=$(du -b -c "$root"/bin/* | tail -1 | cut -f1)
if [ "$weight" -le $((12 * 1024 * 1024)) ]; then ok; else not_ok "installed programs weigh $weight bytes, more than 12 MB"; fi
# Nothing runs before main that swnuma does not need: no crash backtracer looking
# for its helper (readlink, stats of libexec/swift/...), no concurrency runtime
# (libdispatch's constructor reads sysfs and the CPU affinity). `--version`
# reads nothing, so every file or affinity call it makes is one of those.
if command -v strace > /dev/null; then
    strace -f -qq -o "$destdir.trace" -e trace=%file,sched_getaffinity,ioctl "$root/bin/swnuma" --version > /dev/null
    if grep -q "swift-backtrace\|libexec/swift" "$destdir.trace"; then not_ok "start-up looks for swift-backtrace" "$destdir.trace"; else ok; fi
    if grep -q "/sys/devices/system/cpu\|sched_getaffinity" "$destdir.trace"; then
        not_ok "start-up reads the CPU count or affinity before main" "$destdir.trace"
    else
        ok
    fi
    if grep -q "ioctl" "$destdir.trace"; then not_ok "start-up asks the terminal for its settings" "$destdir.trace"; else ok; fi
    rm -f "$destdir.trace"
else
    skip --mandatory "start-up system calls" "strace is not installed"
fi
for mode in numastat migratepages; do
    for flag in -V --version; do
        if [ "$("$root/bin/swnuma-$mode" $flag)" = "swnuma-$mode $("$root/bin/swnuma" --version | cut -d' ' -f2)" ]; then ok; else
            not_ok "installed swnuma-$mode $flag"
        fi
    done
done
for name in swnuma swnuma-numastat swnuma-migratepages; do
    if cmp -s "$repo/man/$name.8" "$root/share/man/man8/$name.8"; then ok; else not_ok "installed man page is man/$name.8"; fi
    title=$(echo "$name" | tr a-z A-Z)
    if MANPAGER=cat man -l "$root/share/man/man8/$name.8" 2> /dev/null | grep -q "^$title(8)"; then ok; else
        not_ok "installed man page $name.8 renders"
    fi
    for pair in "$name.bash:share/bash-completion/completions/$name" "_$name:share/zsh/vendor-completions/_$name" \
        "$name.fish:share/fish/vendor_completions.d/$name.fish"; do
        if cmp -s "$repo/completions/${pair%%:*}" "$root/${pair#*:}"; then ok; else not_ok "installed ${pair#*:}"; fi
    done
done
for schema in "${schemas[@]}"; do
    if cmp -s "$repo/docs/schema/$schema" "$root/share/swnuma/schema/$schema"; then ok; else
        not_ok "installed share/swnuma/schema/$schema"
    fi
done
# The installed man page says where the schemas are.
if MANPAGER=cat MANWIDTH=200 man -l "$root/share/man/man8/swnuma.8" 2> /dev/null | grep -q "share/swnuma/schema/"; then
    ok
else
    not_ok "swnuma.8 names share/swnuma/schema/"
fi

if make -s -C "$repo" uninstall DESTDIR="$destdir" PREFIX="$prefix" > /dev/null 2>&1; then ok; else not_ok "make uninstall"; fi
for file in "${files[@]}" bin/swnuma-numastat bin/swnuma-migratepages; do
    if [ ! -e "$root/$file" ] && [ ! -L "$root/$file" ]; then ok; else not_ok "uninstall removed $prefix/$file"; fi
done
left=$(find "$destdir" -type f -o -type l)
if [ -z "$left" ]; then ok; else not_ok "files left after uninstall: $left"; fi

finish
