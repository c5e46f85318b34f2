#!/usr/bin/env bash
# End-to-end checks of the built swnuma on this (one-node) machine: exit
# status, stdout and stderr of accepted and refused command lines, following
# numactl's accept/refuse decisions and swnuma's contract fixes.
#
#   Tests/CLI/run.sh [SWNUMA]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
. "$here/../lib.sh"

# ok NAME RC -- ARGS...: accepted with status RC.
ok() {
    local name=$1 rc=$2
    shift 3
    "$swnuma" "$@" > "$work/out" 2> "$work/err"
    local got=$?
    if [ "$got" -ne "$rc" ]; then fail "$name" "exit $got, expected $rc"; return; fi
    passed=$((passed + 1))
}

# refused NAME WORD -- ARGS...: exit 1, nothing on stdout, one diagnostic line
# naming WORD (plus at most the usage hint line).
refused() {
    local name=$1 word=$2
    shift 3
    "$swnuma" "$@" > "$work/out" 2> "$work/err"
    local got=$?
    if [ "$got" -ne 1 ]; then fail "$name" "exit $got, expected 1"; return; fi
    if [ -s "$work/out" ]; then fail "$name" "stdout is not empty"; return; fi
    if ! head -1 "$work/err" | grep -q '^swnuma: '; then fail "$name" "stderr does not start with 'swnuma: '"; return; fi
    if ! head -1 "$work/err" | grep -qF -- "$word"; then fail "$name" "first stderr line does not name '$word'"; return; fi
    local lines
    lines=$(grep -vc "^Try 'swnuma --help'" "$work/err")
    if [ "$lines" -ne 1 ]; then fail "$name" "$lines diagnostic lines, expected 1"; return; fi
    passed=$((passed + 1))
}

# stdout_is NAME EXPECTED: the last command's stdout.
stdout_is() {
    if [ "$(cat "$work/out")" != "$2" ]; then fail "$1" "stdout differs from: $2"; return; fi
    passed=$((passed + 1))
}

# --- information options
ok version 0 -- --version
stdout_is version-text "swnuma $(sed -n 's/.*static let version = "\(.*\)".*/\1/p' "$repo/Sources/SwnumaCLI/Core/Program.swift")"
ok help 0 -- --help
grep -q -- '--membind' "$work/out" && passed=$((passed + 1)) || fail help-lists-options "--help does not list --membind"
ok help-short 0 -- -h
ok hardware-ignores-command 0 -- -H foo bar
grep -q '^available: ' "$work/out" && passed=$((passed + 1)) || fail hardware-output "no available: line"
ok show-stops-scanning 0 -- -s --bogus extra
ok cluster-Hs 0 -- -Hs
grep -q '^policy: ' "$work/out" && passed=$((passed + 1)) || fail cluster-Hs-shows "-Hs did not show the policy"

# --- usage errors (numactl refuses these too)
# bare swnuma: the short usage on stderr, as numactl prints its usage
"$swnuma" > "$work/out" 2> "$work/err"
rc=$?
if [ "$rc" -eq 1 ] && [ ! -s "$work/out" ] && head -1 "$work/err" | grep -q '^Usage: swnuma \[options\]' \
    && grep -q -- '--hardware' "$work/err" && tail -1 "$work/err" | grep -q "^Try 'swnuma --help'"; then
    passed=$((passed + 1))
else
    fail no-arguments "expected the usage on stderr and exit 1 (got $rc)"
fi
refused no-command-after-policy 'no command' -- -m 0
refused double-dash-only 'no command' -- --
refused unknown-short "'-x'" -- -x
refused unknown-long "'--frobnicate'" -- --frobnicate
refused ambiguous-prefix "'--p=0'" -- --p=0 true
refused ambiguous-cpu "'--cpu'" -- --cpu 0 true
refused show-takes-no-value "'--show'" -- --show=1
refused missing-value "'-m'" -- -m
refused missing-long-value "'--membind'" -- --membind
refused conflicting-policies '-l/--localalloc' -- -l -l true
refused conflicting-policies-before-parse '-m/--membind' -- -i 0 -m x true
refused all-after-spec '--all' -- -C 0 -a true
refused hardware-after-policy '-H/--hardware' -- -m 0 -H
refused balancing-after-policy '-b/--balancing' -- -m 0 -b
refused version-after-policy '--version' -- -m 0 --version
refused same-without-previous 'same' -- -m same true
refused shm-option-for-process '--huge' -- -L 1m --huge true
refused length-before-cpubind '--length' -- --length 1m -C 0 true
refused dump-without-shm '--dump' -- -d true
refused touch-without-shm '--touch' -- -T true
refused bad-shmmode "'9'" -- -M 9 true
refused bad-shmid "'x'" -- -I x true

# --- a word after a <nodes>/<cpus> option that is not one (a forgotten
# argument) is named with its option, before what follows it is looked at
# names NAME TEXT: the last command's first stderr line contains TEXT.
names() {
    if head -1 "$work/err" | grep -qF -- "$2"; then passed=$((passed + 1)); else fail "$1" "first stderr line does not name '$2'"; fi
}
refused forgotten-interleave "'redis-server' is not <nodes>" -- -i redis-server --port 1
names forgotten-interleave-option "-i needs <nodes>"
refused forgotten-membind "'true' is not <nodes>" -- --membind true
names forgotten-membind-option "--membind needs <nodes>"
refused forgotten-physcpubind "'ls' is not <cpus>" -- -C ls
names forgotten-physcpubind-option "-C needs <cpus>"
refused forgotten-cpunodebind "'./worker' is not <nodes>" -- --cpunodebind ./worker --flag
refused forgotten-preferred "'db' is not <nodes>" -- -p db
refused forgotten-attached "'x' is not <nodes>" -- -m0 -ix true
refused bad-spec-before-unknown-option "'0,,1'" -- -m 0,,1 --bogus
refused unknown-option-after-good-spec "'--port'" -- -m 0 --port 1
refused bad-spec-before-conflict "'x' is not <nodes>" -- -m 0 -i x true
refused bad-spec-before-version "'ls' is not <cpus>" -- -C ls --version

# --- <nodes> and <cpus>
refused node-does-not-exist 'node 5 does not exist' -- -m 5 true
refused trailing-junk "'0abc'" -- -m 0abc true
refused trailing-comma "'0,'" -- -m 0, true
refused leading-comma "',0'" -- -m ,0 true
refused open-range "'0-'" -- -m 0- true
refused range-end-missing 'node 5 does not exist' -- -m 0-5 true
refused negative "'-1'" -- -m -1 true
refused huge-number "18446744073709551616" -- -m 18446744073709551616 true
refused wraps-in-numactl "4294967296" -- -m 4294967296 true
refused relative-past-end '+1' -- -m +1 true
refused bang-after-plus "'+!0'" -- -m '+!0' true
refused uppercase-all "'ALL'" -- -m ALL true
refused all-not-last "'all,0'" -- -m all,0 true
refused range-to-all "'0-all'" -- -m 0-all true
refused empty-membind 'empty' -- -m '' true
refused inverted-to-empty 'empty' -- -m '!0' true
refused empty-preferred-many 'empty' -- -P '' true
refused preferred-needs-one 'exactly one' -- -p '' true
refused cpu-does-not-exist 'cpu 99 does not exist' -- -C 99 true
refused cpu-open-range "'0-'" -- -C 0- true
refused cpu-device "'netdev:lo'" -- -C netdev:lo true
refused reversed-range 'reversed' -- -C 1-0 true
refused no-cpus 'no CPUs' -- -C '' true
refused no-node-cpus 'no CPUs' -- -N '' true
refused netdev-missing "'nonexist'" -- -m netdev:nonexist true
refused netdev-illegal "'a.b'" -- -m netdev:a.b true
refused pci-garbage "'zz'" -- -m pci:zz true
refused file-missing "'/nonexistent'" -- -m file:/nonexistent true
refused ip-unresolvable "'nonexistent.invalid'" -- -m ip:nonexistent.invalid true
refused ip-loopback-has-no-node "'lo'" -- -m ip:127.0.0.1 true

ok hex-octal-blank 0 -- -m 0x0 true
ok octal 0 -- -m 00 true
ok leading-blank 0 -- -m ' 0' true
ok minus-zero 0 -- -m -0 true
ok relative-range 0 -- -m +0-0 true
ok repeated 0 -- -m 0,0 true
ok list-then-all 0 -- -m 0,all true
ok empty-interleave-is-default 0 -- -i '' true
ok preferred-all-one-node 0 -- -p all true
ok preferred-repeated 0 -- -p 0,0 true
ok same-after-membind 0 -- -m 0 -N same true
ok long-prefixes 0 -- --mem=0 true
ok long-prefix-space 0 -- --inter 0 true
ok cpubind-alias 0 -- -c 0 true
ok attached-value 0 -- -m0 true
ok shmid-alone 0 -- -I 5 true
ok strict-warns 0 -- --strict true
grep -q 'strict' "$work/err" && passed=$((passed + 1)) || fail strict-warning "no warning about --strict"

# --- launching
ok exit-status 7 -- sh -c 'exit 7'
ok words-after-command 0 -- echo -m 0
stdout_is words-after-command-output "-m 0"
ok pid-preserved 0 -- sh -c 'echo $$ > '"$work/pid"
refused command-missing "nonexistent_cmd_xyz" -- nonexistent_cmd_xyz
refused command-not-executable "/etc/passwd" -- /etc/passwd
refused dash-command "'-l'" -- -m 0 -- -l
( "$swnuma" sh -c 'kill -TERM $$' ) 2> /dev/null
[ $? -eq 143 ] && passed=$((passed + 1)) || { : > "$work/out"; : > "$work/err"; fail signal "SIGTERM did not reach the caller"; }

# --- --show after policies, byte for byte (numactl 2.0.19 with every line ended)
ok show-interleave 0 -- -i 0 "$swnuma" -s
stdout_is show-interleave-text "$(printf 'policy: interleave\npreferred node: 0 (interleave next)\ninterleavemask: 0 \ninterleavenode: 0\nphyscpubind: 0 1 \ncpubind: 0 \nnodebind: 0 \nmembind: 0 \npreferred: 0 ')"
ok show-local 0 -- -l "$swnuma" -s
stdout_is show-local-text "$(printf 'policy: local\npreferred node: \nphyscpubind: 0 1 \ncpubind: 0 \nnodebind: 0 \nmembind: 0 \npreferred: ')"
ok show-bind-cpu 0 -- -m 0 -C 1 "$swnuma" -s
stdout_is show-bind-cpu-text "$(printf 'policy: bind\npreferred node: 0\nphyscpubind: 1 \ncpubind: 0 \nnodebind: 0 \nmembind: 0 \npreferred: 0 ')"
ok show-empty-interleave 0 -- -i '' "$swnuma" -s
stdout_is show-empty-interleave-text "$(printf 'policy: default\npreferred node: current\nphyscpubind: 0 1 \ncpubind: 0 \nnodebind: 0 \nmembind: 0 \npreferred: ')"
ok show-balancing 0 -- -b -m 0 "$swnuma" -s
head -1 "$work/out" | grep -qE '^policy: (\[8194\]|bind)$' && passed=$((passed + 1)) || fail show-balancing-policy "unexpected policy line"
ok show-preferred-many 0 -- -P 0 "$swnuma" -s
stdout_is show-preferred-many-text "$(printf 'policy: preferred-many\npreferred node: 0 (preferred-many)\nphyscpubind: 0 1 \ncpubind: 0 \nnodebind: 0 \nmembind: 0 \npreferred: 0 ')"
ok physcpubind-hex 0 -- -C 0x1 "$swnuma" -s
grep -qx 'physcpubind: 1 ' "$work/out" && passed=$((passed + 1)) || fail physcpubind-hex-cpu "-C 0x1 is not cpu 1"
ok physcpubind-relative 0 -- -C +1 "$swnuma" -s
grep -qx 'physcpubind: 1 ' "$work/out" && passed=$((passed + 1)) || fail physcpubind-relative-cpu "-C +1 is not the second allowed cpu"
refused same-is-a-command "'same'" -- -m 0 same

# --- <cpus> against an affinity narrowed with taskset (golden 44-46)
if command -v taskset > /dev/null; then
    taskset -c 1 "$swnuma" -C 0 true > "$work/out" 2> "$work/err"
    [ $? -eq 1 ] && grep -q 'cpu 0' "$work/err" && [ ! -s "$work/out" ] && passed=$((passed + 1)) || fail taskset-outside "-C 0 under taskset -c 1 was not refused naming cpu 0"
    for case in "+0:1" "all:1" "!1:0"; do
        spec=${case%%:*}
        want=${case##*:}
        taskset -c 1 "$swnuma" -C "$spec" "$swnuma" -s > "$work/out" 2> "$work/err"
        grep -qx "physcpubind: $want " "$work/out" && passed=$((passed + 1)) || fail "taskset-$spec" "-C $spec under taskset -c 1 did not bind to $want"
    done
    taskset -c 1 "$swnuma" -a -C 0 "$swnuma" -s > "$work/out" 2> "$work/err"
    grep -qx "physcpubind: 0 " "$work/out" && passed=$((passed + 1)) || fail taskset-all "-a -C 0 under taskset -c 1 did not bind to 0"
fi

# --- weighted interleave: shown by name where the kernel has it (Linux 6.9+),
# refused with the kernel version it needs where it does not
if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
    ok weighted-interleave 0 -- -w 0 "$swnuma" -s
    weight=$(cat /sys/kernel/mm/mempolicy/weighted_interleave/node0 2>/dev/null || echo 1)
    stdout_is weighted-interleave-text "$(printf 'policy: weighted-interleave\npreferred node: 0 (interleave next)\ninterleavemask: 0 \ninterleaveweights: %s\ninterleavenode: 0\nphyscpubind: 0 1 \ncpubind: 0 \nnodebind: 0 \nmembind: 0 \npreferred: 0 ' "$weight")"
else
    refused weighted-interleave-kernel 'Linux 6.9' -- -w 0 true
fi

# --- snapshots
mkdir -p "$work/snap/sys/devices/system/node/node0"
printf '00000003\n' > "$work/snap/sys/devices/system/node/node0/cpumap"
printf 'Node 0 MemTotal: 2097152 kB\nNode 0 MemFree: 1048576 kB\n' > "$work/snap/sys/devices/system/node/node0/meminfo"
printf '10\n' > "$work/snap/sys/devices/system/node/node0/distance"
ok root-hardware 0 -- --root "$work/snap" -H
stdout_is root-hardware-text "$(printf 'available: 1 nodes (0)\nnode 0 cpus: 0 1\nnode 0 size: 2048 MB\nnode 0 free: 1024 MB\nnode distances:\nnode     0 \n   0:   10 ')"
SWNUMA_ROOT="$work/snap" "$swnuma" -H --cpu-compress > "$work/out" 2> "$work/err"
stdout_is env-root "$(printf 'available: 1 nodes (0)\nnode 0 cpus: 0-1 (2)\nnode 0 size: 2048 MB\nnode 0 free: 1024 MB\nnode distances:\nnode     0 \n   0:   10 ')"
refused root-missing "/nonexistent" -- --root /nonexistent -H
refused root-refuses-launch "snapshot" -- --root "$work/snap" true
refused root-refuses-policy "snapshot" -- --root "$work/snap" -m 0 true
refused root-refuses-show "snapshot" -- --root "$work/snap" --show

# --- shared-memory mode (--file on /dev/shm, --shm with a key file in $work)
shm=/dev/shm/swnuma-cli-$$
shmkeys() {
    # ftok(3)'s key of a file and project id: id, device and inode bits.
    local dev ino
    read -r dev ino < <(stat -c '%d %i' "$1")
    printf '0x%08x' $(( (($2 & 0xff) << 24) | ((dev & 0xff) << 16) | (ino & 0xffff) ))
}
shmcleanup() {
    rm -f "$shm"-*
    local id
    for id in 0 3; do
        [ -e "$work/key" ] && ipcrm -M "$(shmkeys "$work/key" "$id")" 2> /dev/null
    done
}
at_exit shmcleanup
# lines LINE...: the last command's stdout is exactly these lines.
lines() {
    local name=$1
    shift
    if [ "$(cat "$work/out")" != "$(printf '%s\n' "$@")" ]; then fail "$name" "stdout differs from: $*"; return; fi
    passed=$((passed + 1))
}
refused shm-file-needs-length '--length' -- --file "$shm-a" -m 0
[ ! -e "$shm-a" ] && passed=$((passed + 1)) || fail shm-file-not-created "$shm-a was created without --length"
ok shm-file-bind-dump 0 -- -L 16k --file "$shm-a" -m 0 --dump
lines shm-file-bind-dump-text '0000000000000000-0000000000004000: bind : 0 '
[ "$(stat -c %s "$shm-a")" = 16384 ] && passed=$((passed + 1)) || fail shm-file-size "the file is not 16384 bytes"
refused shm-existing-file-needs-length 'length not specified' -- --file "$shm-a" --dump
ok shm-file-local-offset 0 -- -L 8k -o 4k --file "$shm-b" -l --dump
lines shm-file-local-offset-text '0000000000001000-0000000000003000: local : '
ok shm-file-interleave-nodes 0 -- -L 16k --file "$shm-c" -i 0 --dump --dump-nodes
lines shm-file-interleave-nodes-text '0000000000000000-0000000000004000: interleave : 0 ' '0000000000000000-0000000000004000: 0'
ok shm-file-weighted-is-interleave 0 -- -L 16k --file "$shm-d" -w 0 --dump
lines shm-file-weighted-text '0000000000000000-0000000000004000: interleave : 0 '
ok shm-file-preferred 0 -- -L 16k --file "$shm-e" -p 0 --dump
lines shm-file-preferred-text '0000000000000000-0000000000004000: preferred-many : 0 '
ok shm-file-fresh-dump 0 -- -L 16k --file "$shm-f" --dump
lines shm-file-fresh-dump-text
ok shm-dump-at-its-place 0 -- -L 16k --file "$shm-g" --dump -m 0 --dump
lines shm-dump-at-its-place-text '0000000000000000-0000000000004000: bind : 0 '
ok shm-strict-touch 0 -- -L 16k --file "$shm-a" -t -m 0 --touch --dump-nodes
lines shm-strict-touch-text '0000000000000000-0000000000004000: 0'
ok shm-verify 0 -- -L 16k --file "$shm-h" -m 0 --touch --verify
lines shm-verify-quiet
ok shm-verify-interleave 0 -- -L 16k --file "$shm-i" -i all --verify
refused shm-unaligned-length 'page aligned' -- -L 4097 --file "$shm-a"
refused shm-unaligned-offset 'page aligned' -- -L 16k -o 100 --file "$shm-a"
refused shm-touch-offset-beyond '0x4000' -- -L 16k -o 16k --file "$shm-a" --touch
refused shm-verify-needs-policy '--verify' -- -L 16k -o 20k --file "$shm-a" -V
refused shm-extra-words "'extra'" -- -L 16k --file "$shm-a" -m 0 extra
refused shm-after-cpubind 'CPU binding' -- -C 0 --file "$shm-a"
refused shm-length-after-file '--length' -- -L 16k --file "$shm-a" --length 1m
refused shm-file-is-directory 'Is a directory' -- -L 4k --file /tmp -m 0
refused shm-empty-interleave 'empty' -- -L 16k --file "$shm-a" -i ''
refused shm-node-does-not-exist 'node 5 does not exist' -- -L 16k --file "$shm-a" -m 5
refused shm-preferred-needs-one 'exactly one' -- -L 16k --file "$shm-a" -p ''
refused shm-snapshot 'snapshot' -- --root "$work/snap" -L 16k --file "$shm-a" -m 0
"$swnuma" --shm "$work/key" -m 0 > "$work/out" 2> "$work/err"
if [ $? -eq 1 ] && [ ! -s "$work/out" ] && [ "$(head -1 "$work/err")" = "swnuma: creating shm key file $work/key mode 0600" ] \
    && sed -n 2p "$work/err" | grep -q -- '--length' && [ "$(wc -l < "$work/err")" -eq 2 ] && [ -e "$work/key" ]; then
    passed=$((passed + 1))
else
    fail shm-key-file-needs-length "expected the key file notice, then a refusal naming --length"
fi
ok shm-create-segment 0 -- --length 1m --shm "$work/key" -m 0 --dump
lines shm-create-segment-text '0000000000000000-0000000000100000: bind : 0 '
[ "$(cat "$work/err")" = "swnuma: creating shared memory segment $work/key id 0 mode 0600 length 1MB" ] && passed=$((passed + 1)) || fail shm-create-segment-notice "unexpected notice"
ok shm-existing-segment 0 -- --shm "$work/key" --dump-nodes --dump
lines shm-existing-segment-text '0000000000000000-0000000000100000: 0' '0000000000000000-0000000000100000: bind : 0 '
[ ! -s "$work/err" ] && passed=$((passed + 1)) || fail shm-existing-segment-quiet "stderr is not empty"
ok shm-segment-id-mode 0 -- -I 3 -L 3m -M 0640 --shm "$work/key"
[ "$(cat "$work/err")" = "swnuma: creating shared memory segment $work/key id 3 mode 0640 length 3MB" ] && passed=$((passed + 1)) || fail shm-segment-id-mode-notice "unexpected notice"
ipcs -m | grep -q "$(shmkeys "$work/key" 3) .* 640 *3145728 " && passed=$((passed + 1)) || fail shm-segment-listed "ipcs does not list a 3 MiB segment with mode 640"
"$swnuma" -L 1m --shm /nonexistent/dir/key > "$work/out" 2> "$work/err"
[ $? -eq 1 ] && [ ! -s "$work/out" ] && sed -n 2p "$work/err" | grep -q 'No such file or directory' && passed=$((passed + 1)) || fail shm-key-file-cannot-be-created "expected a refusal naming the reason"

# the same command lines under numactl, where 2.0.16 prints what 2.0.19 does
if command -v numactl > /dev/null; then
    for args in "-L 16k --file $shm-n1 -m 0 --dump" "-L 8k -o 4k --file $shm-n2 -l --dump" \
        "-L 16k --file $shm-n3 -i 0 --dump --dump-nodes" "-L 16k --file $shm-n4 --dump" \
        "-L 32k --file $shm-n5 -m 0 --touch --dump-nodes --dump" "--shm $work/key --dump --dump-nodes"; do
        rm -f "$shm"-n*
        # shellcheck disable=SC2086
        "$swnuma" $args > "$work/a" 2> /dev/null; a=$?
        rm -f "$shm"-n*
        # shellcheck disable=SC2086
        numactl $args > "$work/b" 2> /dev/null; b=$?
        if [ "$a" = "$b" ] && cmp -s "$work/a" "$work/b"; then passed=$((passed + 1)); else
            cp "$work/a" "$work/out"; cp "$work/b" "$work/err"; fail "shm-vs-numactl: $args" "exit $a vs $b, or stdout differs (stderr shows numactl's)"
        fi
    done
fi
shmcleanup

# --- a failed write of stdout: one line on stderr, exit 1, in every mode
# that writes; a reader that closed the pipe is not an error
swnuma_path=$(cd "$(dirname "$swnuma")" && pwd)/$(basename "$swnuma")
ln -sf "$swnuma_path" "$work/swnuma-numastat"
ln -sf "$swnuma_path" "$work/swnuma-migratepages"
full_fails() {
    local name=$1
    shift
    "$@" > /dev/full 2> "$work/err"
    local rc=$?
    if [ "$rc" -eq 1 ] && [ "$(wc -l < "$work/err")" -eq 1 ] \
        && grep -q 'cannot write to standard output: No space left on device$' "$work/err"; then
        passed=$((passed + 1))
    else
        : > "$work/out"
        fail "full-$name" "exit $rc, expected 1 with one line naming the failed write"
    fi
}
full_fails hardware "$swnuma" -H
full_fails hardware-json "$swnuma" --json -H
full_fails show "$swnuma" --show
full_fails show-json "$swnuma" --show --json
full_fails require-json "$swnuma" --require 'nodes>=1' --json
full_fails help "$swnuma" --help
full_fails version "$swnuma" --version
full_fails dump "$swnuma" -L 16k --file "/dev/shm/swnuma-cli-$$-full" -m 0 --dump
rm -f "/dev/shm/swnuma-cli-$$-full"
full_fails numastat "$work/swnuma-numastat"
full_fails numastat-m "$work/swnuma-numastat" -m
full_fails numastat-V "$work/swnuma-numastat" -V
full_fails migratepages-help "$work/swnuma-migratepages" --help
full_fails migratepages-version "$work/swnuma-migratepages" --version
head -1 "$work/err" | grep -q '^swnuma-migratepages: ' && passed=$((passed + 1)) || fail full-program-name "the line does not name swnuma-migratepages"
# Nothing written: nothing failed.
"$swnuma" --require 'nodes>=1' > /dev/full 2> "$work/err" && [ ! -s "$work/err" ] && passed=$((passed + 1)) \
    || fail full-nothing-written "--require alone wrote nothing, yet failed"
# A closed pipe (SIGPIPE ignored, so the write fails with EPIPE): no message.
{ sleep 0.3; (trap '' PIPE; "$swnuma" -H 2> "$work/err"; echo $? > "$work/rc"); } | true
[ "$(cat "$work/rc")" = 0 ] && [ ! -s "$work/err" ] && passed=$((passed + 1)) || fail epipe "a closed pipe was reported"

# --- --require: a huge page size the machine lacks does not hold; decimal sizes
four=$repo/Tests/Fixtures/sysfs/vm-four
require_rc() {
    local name=$1 rc=$2
    shift 2
    "$swnuma" --root "$four" "$@" > "$work/out" 2> "$work/err"
    local got=$?
    if [ "$got" -eq "$rc" ]; then passed=$((passed + 1)); else fail "$name" "exit $got, expected $rc"; fi
}
require_rc require-absent-size 3 --require 'hugepages(3M).total==0'
names require-absent-size-lists "the machine has no 3M huge pages; its huge page sizes are 2M, 1G"
require_rc require-4k-is-not-a-huge-page 3 --require 'hugepages(4K).free>=0'
require_rc require-node-absent-size 3 --require 'node(1).hugepages(16G).total<1'
names require-node-absent-size-lists "node 1 has no 16G huge pages; its huge page sizes are 2M, 1G"
require_rc require-present-size 0 --require 'hugepages(2M).total>=0'
require_rc require-absent-json 3 --json --require 'hugepages(3M).total==0'
grep -q '"actual": null' "$work/out" && passed=$((passed + 1)) || fail require-absent-json-null "actual is not null"
# node 0 of vm-four has 150200 kB free: 146.6796875M exactly.
require_rc require-decimal-exact 0 --require 'node(0).free==146.6796875M'
require_rc require-decimal-above 3 --require 'node(0).free>=146.68M'
require_rc require-decimal-below 0 --require 'node(0).free>=0.143G'
require_rc require-decimal-rounds-down 0 --require 'node(0).free>=146.67968751M'
require_rc require-decimal-without-suffix 1 --require 'nodes>=1.5'
names require-decimal-without-suffix-says "fraction without a suffix"
require_rc require-decimal-too-large 1 --require 'node(0).free>=16777216.5T'
names require-decimal-too-large-says "is too large"

# --- side by side with numactl on this machine (2.0.16: 3-wide distance columns)
if command -v numactl > /dev/null; then
    "$swnuma" -H | grep -v ' free: ' | sed '/^node distances:/,$d' > "$work/a"
    numactl -H | grep -v ' free: ' | sed '/^node distances:/,$d' > "$work/b"
    cmp -s "$work/a" "$work/b" && passed=$((passed + 1)) || { diff "$work/b" "$work/a" > "$work/out"; : > "$work/err"; fail hardware-vs-numactl "differs from numactl -H"; }
    "$swnuma" -H | sed -n '/^node distances:/,$p' | tr -s ' ' > "$work/a"
    numactl -H | sed -n '/^node distances:/,$p' | tr -s ' ' > "$work/b"
    cmp -s "$work/a" "$work/b" && passed=$((passed + 1)) || fail distances-vs-numactl "distance values differ from numactl -H"
    "$swnuma" -s > "$work/a"; numactl -s > "$work/b"
    cmp -s "$work/a" "$work/b" && passed=$((passed + 1)) || fail show-vs-numactl "--show differs from numactl --show"
else
    skip --mandatory numactl-oracle "numactl is not installed"
fi

finish
