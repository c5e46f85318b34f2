#!/usr/bin/env bash
# The Debian package end to end: built by scripts/build-deb.sh (gzip-compressed
# here, for time) unless a .deb is given; lintian says nothing at its default
# level; the contents are where Debian and the README put them; `dpkg -i`
# installs it and the installed programs, man pages, completions, fact and
# units work; `dpkg -r` removes it and leaves none of its files behind.
#
#   Tests/Deb/run.sh [DEB]
#
# Installs into this machine's /usr, so it runs as root only, and only when
# no swnuma package and none of the package's files are there already;
# otherwise it is skipped, and says so (under CI=true a skip is a failure).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures=$repo/Tests/Fixtures/sysfs
. "$here/../lib.sh"

skip_deb() { skip_suite --mandatory "$1"; }
[ "$(id -u)" = 0 ] || skip_deb "dpkg -i needs root"
for tool in dpkg-deb lintian; do
    command -v "$tool" > /dev/null || skip_deb "$tool is not installed (packages dpkg-dev, lintian)"
done
if dpkg-query -W -f='${db:Status-Abbrev}' swnuma 2> /dev/null | grep -q '^.i'; then
    skip_deb "a swnuma package is installed already; this suite would replace and remove it"
fi

installed=false
at_exit 'if $installed; then dpkg -r swnuma > /dev/null 2>&1; fi'

# dpkg ACTION...: runs dpkg, waiting up to a minute while another dpkg or apt
# holds the lock (other builds on the same machine install packages too).
dpkg_locked() {
    local tries=0
    while :; do
        dpkg "$@" > "$work/dpkg.out" 2>&1 && return 0
        grep -q -i "lock" "$work/dpkg.out" && [ $tries -lt 30 ] || return 1
        tries=$((tries + 1))
        sleep 2
    done
}

if [ $# -ge 1 ]; then
    deb=$1
else
    deb=$(DEB_COMPRESSION=gzip "$repo/scripts/build-deb.sh" "$work/out" 2> "$work/build.err") || {
        echo "deb: FAILED: scripts/build-deb.sh: $(tail -3 "$work/build.err")"
        exit 1
    }
fi
[ -f "$deb" ] || { echo "deb: FAILED: no package at $deb"; exit 1; }

# --- lintian, at its default level: no tag at all
lintian "$deb" > "$work/lintian" 2> "$work/lintian.err"
status=$?
grep -v "running with root privileges is not recommended" "$work/lintian.err" >> "$work/lintian"
if [ $status -eq 0 ] && [ ! -s "$work/lintian" ]; then pass; else fail lintian "exit $status: $(head -5 "$work/lintian")"; fi

# --- contents
dpkg-deb -c "$deb" > "$work/listing"
awk '{print $6}' "$work/listing" | sed 's#^\./#/#; s#/$##' | grep -v '^/*$' > "$work/paths"
contains() { grep -qx -- "$1" "$work/paths"; }
expected=(/usr/bin/swnuma /usr/share/doc/swnuma/copyright /usr/share/doc/swnuma/changelog.gz
    /usr/share/swnuma/systemd/swnuma-nfd.service /usr/share/swnuma/systemd/swnuma-nfd.timer
    /usr/share/swnuma/ansible/numa-check.yml /usr/share/swnuma/ansible/swnuma.fact
    /usr/share/swnuma/schema/hardware.schema.json)
for name in swnuma swnuma-numastat swnuma-migratepages; do
    expected+=(/usr/share/man/man8/$name.8.gz /usr/share/bash-completion/completions/$name
        /usr/share/zsh/vendor-completions/_$name /usr/share/fish/vendor_completions.d/$name.fish)
done
for path in "${expected[@]}"; do
    if contains "$path"; then pass; else fail contents "no $path"; fi
done
for name in swnuma-numastat swnuma-migratepages; do
    if grep -q "\./usr/bin/$name -> swnuma$" "$work/listing"; then pass; else fail contents "/usr/bin/$name is not a link to swnuma"; fi
done
if awk '$2 != "root/root" { bad = 1 } END { exit bad }' "$work/listing"; then pass; else fail owners "files not owned by root/root"; fi
if ! grep -q "usr/share/man/.*\.[1-9]$" "$work/paths"; then pass; else fail man-compressed "$(grep "usr/share/man/.*\.[1-9]$" "$work/paths" | head -1)"; fi
# No Depends unless a program is dynamically linked.
dpkg-deb -x "$deb" "$work/tree"
needed=$(for program in "$work"/tree/usr/bin/*; do [ -L "$program" ] || readelf -d "$program" 2> /dev/null; done | grep -c '(NEEDED)')
depends=$(dpkg-deb -f "$deb" Depends)
if { [ "$needed" = 0 ] && [ -z "$depends" ]; } || { [ "$needed" != 0 ] && [ -n "$depends" ]; }; then pass; else
    fail depends "$needed NEEDED entries, Depends: '$depends'"
fi
if [ "$(dpkg-deb -f "$deb" Version)" = "$("$work/tree/usr/bin/swnuma" --version | cut -d' ' -f2)" ]; then pass; else
    fail version "control's Version is not swnuma --version's"
fi

# Nothing of the package may be on the machine before it is installed: dpkg
# would overwrite it and dpkg -r would then remove it.
while read -r path; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        [ -d "$path" ] && [ ! -L "$path" ] && continue
        skip_deb "$path is on this machine already (make install PREFIX=/usr?); dpkg -r would remove it"
    fi
done < "$work/paths"
[ -e /usr/share/swnuma ] && skip_deb "/usr/share/swnuma exists already"
# A page from another install (/usr/local) would come first in man's path.
man_before=$(env -u MANPATH man -w swnuma 2> /dev/null)

# --- dpkg -i
if dpkg_locked -i "$deb"; then installed=true; pass; else fail dpkg-install "$(tail -3 "$work/dpkg.out")"; fi
if $installed; then
    if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' swnuma)" = "ii " ]; then pass; else fail dpkg-status "not 'ii'"; fi
    if dpkg --verify swnuma > "$work/verify" 2>&1 && [ ! -s "$work/verify" ]; then pass; else fail dpkg-verify "$(head -3 "$work/verify")"; fi

    # The programs, by the names a shell finds.
    if [ "$(PATH=/usr/bin:/bin command -v swnuma)" = /usr/bin/swnuma ]; then pass; else fail on-path "swnuma is not /usr/bin/swnuma"; fi
    if /usr/bin/swnuma -H > "$work/H" 2> "$work/err" && head -1 "$work/H" | grep -q '^available: [0-9]* nodes'; then pass; else
        fail "swnuma -H" "$(head -1 "$work/err")"
    fi
    if /usr/bin/swnuma --root "$fixtures/vm-two" -H | cmp -s - "$fixtures/vm-two/hardware.golden"; then pass; else
        fail "swnuma --root -H" "differs from vm-two's golden output"
    fi
    if /usr/bin/swnuma-numastat > "$work/numastat" 2> "$work/err" && head -1 "$work/numastat" | grep -q 'node0' \
        && grep -q '^numa_hit ' "$work/numastat"; then pass; else
        fail swnuma-numastat "$(head -1 "$work/err")"
    fi
    if SWNUMA_ROOT=$fixtures/vm-two /usr/bin/swnuma-numastat | head -1 | grep -q 'node0 *node1$'; then pass; else
        fail "swnuma-numastat under SWNUMA_ROOT" "no node0 and node1 columns"
    fi
    if /usr/bin/swnuma-migratepages --help | grep -q '^Usage: swnuma-migratepages '; then pass; else fail swnuma-migratepages "--help"; fi

    # man finds every page, and every program has one.
    for program in /usr/bin/swnuma*; do
        name=$(basename "$program")
        page=$(env -u MANPATH man -w "$name" 2> /dev/null)
        if [ -n "$page" ] && [ -e "$page" ]; then pass; else fail "man -w $name" "no page found"; fi
    done
    if [ -n "$man_before" ] || [ "$(env -u MANPATH man -w swnuma)" = /usr/share/man/man8/swnuma.8.gz ]; then pass; else
        fail "man -w swnuma" "$(env -u MANPATH man -w swnuma 2>&1)"
    fi

    # bash-completion loads swnuma's completion on demand.
    if [ -f /usr/share/bash-completion/bash_completion ]; then
        loaded=$(bash -c 'source /usr/share/bash-completion/bash_completion; __load_completion swnuma-numastat; complete -p swnuma-numastat' 2> /dev/null)
        if [ -n "$loaded" ]; then pass; else fail bash-completion "swnuma-numastat's completion did not load"; fi
    else
        echo "deb: bash-completion loading SKIPPED: package bash-completion is not installed"
    fi
    if [ -f /usr/share/zsh/vendor-completions/_swnuma ] && [ -f /usr/share/fish/vendor_completions.d/swnuma.fish ]; then pass; else
        fail completions "zsh or fish completion missing"
    fi

    # The fact finds the packaged swnuma on PATH; the service runs it.
    if PATH=/usr/bin:/bin SWNUMA_ROOT=$fixtures/vm-four /usr/share/swnuma/ansible/swnuma.fact > "$work/fact.json" \
        && python3 -c 'import json, sys; assert len(json.load(open(sys.argv[1]))["nodes"]) == 4' "$work/fact.json"; then pass; else
        fail fact "the packaged fact did not print vm-four's four nodes"
    fi
    if grep -q '^ExecStart=/usr/bin/swnuma --nfd-features ' /usr/share/swnuma/systemd/swnuma-nfd.service; then pass; else
        fail unit "ExecStart is not /usr/bin/swnuma"
    fi
    if command -v systemd-analyze > /dev/null; then
        mkdir -p "$work/units"
        cp /usr/share/swnuma/systemd/* "$work/units/"
        (cd "$work/units" && systemd-analyze verify swnuma-nfd.service swnuma-nfd.timer) > "$work/verify" 2>&1
        if [ $? -eq 0 ] && [ ! -s "$work/verify" ]; then pass; else fail systemd-verify "$(head -3 "$work/verify")"; fi
    fi
    if [ -s /usr/share/swnuma/schema/hardware.schema.json ] && /usr/bin/swnuma --json -H | python3 -c 'import json, sys; json.load(sys.stdin)'; then
        pass
    else
        fail schema "no schema, or swnuma --json -H is not JSON"
    fi

    # --- dpkg -r: nothing of the package stays
    if dpkg_locked -r swnuma; then installed=false; pass; else fail dpkg-remove "$(tail -3 "$work/dpkg.out")"; fi
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' swnuma 2> /dev/null)
    if [ -z "$status" ] || [ "${status:0:2}" = un ] || [ "${status:0:2}" = pn ]; then pass; else fail removed-status "'$status'"; fi
    left=$(while read -r path; do
        if [ -L "$path" ] || [ -f "$path" ]; then echo "$path"; fi
    done < "$work/paths")
    if [ -z "$left" ]; then pass; else fail leftovers "$(echo "$left" | head -3 | tr '\n' ' ')"; fi
    for folder in /usr/share/swnuma /usr/share/doc/swnuma; do
        if [ ! -e "$folder" ]; then pass; else fail leftovers "$folder"; fi
    done
    if [ "$(env -u MANPATH man -w swnuma 2> /dev/null)" = "$man_before" ]; then pass; else fail leftovers "man -w swnuma still finds a page"; fi
fi

finish
