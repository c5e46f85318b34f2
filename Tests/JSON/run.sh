#!/usr/bin/env bash
# Checks swnuma's JSON output: every document validates against its schema
# in docs/schema, and its numbers agree with the text output (node ids, CPUs,
# size/free in MB, distances; --show's masks) and with --require.
#
#   Tests/JSON/run.sh [SWNUMA] [CORPUS_DIR]
#
# Runs over this machine, the fixtures in Tests/Fixtures/sysfs, and every
# sysfs dump in the shared corpus (../shared/corpus beside the checkout, or
# SWNUMA_CORPUS; skipped and said so when absent, a failure under CI=true).
# Needs python3 with the jsonschema package (pip install jsonschema).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}
check="$here/check.py"

. "$here/../lib.sh"
if ! python3 -c 'import jsonschema, referencing' 2> /dev/null; then
    fail "tools" "python3 cannot import jsonschema (apt-get install python3-jsonschema)"
    finish
fi

# run NAME EXPECTED_STATUS ARGS...: runs swnuma into $work/out, $work/err; returns non-zero on a wrong status.
run() {
    local name=$1 expected=$2
    shift 2
    "$swnuma" "$@" > "$work/out" 2> "$work/err"
    status=$?
    if [ "$status" -ne "$expected" ]; then
        fail "$name" "exit $status, expected $expected (swnuma $*)"
        return 1
    fi
}

# verify NAME COMMAND...: runs check.py; counts a pass or a failure.
verify() {
    local name=$1
    shift
    local message
    if message=$(python3 "$check" "$@" 2>&1); then
        passed=$((passed + 1))
    else
        fail "$name" "$message"
    fi
}

# hardware NAME [--root DIR]: -H --json against its schema and -H; then every
# --require the JSON implies must hold, alone and with --json.
hardware() {
    local name=$1
    shift
    run "$name -H" 0 "$@" -H || return
    cp "$work/out" "$work/text"
    run "$name -H --json" 0 "$@" -H --json || return
    cp "$work/out" "$work/json"
    verify "$name hardware" hardware "$work/json" "$work/text"
    local args=()
    while IFS= read -r expression; do args+=(--require "$expression"); done < <(python3 "$check" requirements "$work/json")
    if run "$name require" 0 "$@" "${args[@]}"; then
        if [ -s "$work/out" ] || [ -s "$work/err" ]; then fail "$name require" "output from a passing check"; else passed=$((passed + 1)); fi
    fi
    run "$name require --json" 0 "$@" --json "${args[@]}" && verify "$name require --json" require "$work/out" 0
}

# --- this machine
hardware live
run "live show" 0 --show && cp "$work/out" "$work/text" &&
    run "live show --json" 0 --json --show && verify "live show --json" show "$work/out" "$work/text"
run "live show under policy" 0 --cpunodebind=0 -- "$swnuma" --show && cp "$work/out" "$work/text" &&
    run "live show --json under policy" 0 --cpunodebind=0 -- "$swnuma" --json --show &&
    verify "live show --json under policy" show "$work/out" "$work/text"

# A failing and a missing-node requirement: exit 3, JSON still printed, one stderr line each.
if run "require fails" 3 --json --require 'nodes>=1' --require 'nodes>100000' --require 'node(4000).free>=64G'; then
    verify "require fails --json" require "$work/out" 3
    if [ "$(grep -c "^swnuma: requirement '" "$work/err")" -eq 2 ] && grep -q "node(4000).free>=64G' failed: node 4000 does not exist" "$work/err"; then
        passed=$((passed + 1))
    else
        fail "require fails stderr" "expected two 'requirement ... failed' lines"
    fi
fi
# A guarded -H prints nothing when a requirement fails.
if run "require guards -H" 3 --require 'cpus>100000000' -H --json; then
    [ -s "$work/out" ] && fail "require guards -H" "stdout is not empty" || passed=$((passed + 1))
fi
# A guarded command runs only when the requirements hold.
run "require guards launch" 3 --require 'nodes==0' -- sh -c 'echo ran' && { [ -s "$work/out" ] && fail "require guards launch" "the command ran" || passed=$((passed + 1)); }
run "require allows launch" 0 --require 'nodes>=1' -- sh -c 'echo ran' && { [ "$(cat "$work/out")" = ran ] && passed=$((passed + 1)) || fail "require allows launch" "the command did not run"; }
# A malformed requirement is a usage error naming the token; nothing on stdout.
if run "require malformed" 1 --json --require 'node(1).fre>=64G'; then
    if [ -s "$work/out" ] || ! head -1 "$work/err" | grep -q "unknown property 'fre'"; then
        fail "require malformed" "stdout not empty or the message does not name 'fre'"
    else
        passed=$((passed + 1))
    fi
fi

# --process --json of a process that keeps still, against its numa_maps.
sleep 60 &
sleeper=$!
# Until the child has become sleep, its maps are the shell's and still change.
for _ in $(seq 50); do [ "$(cat "/proc/$sleeper/comm" 2> /dev/null)" = sleep ] && break; sleep 0.1; done
sleep 0.1
run "live process --json" 0 --process "$sleeper" --json && verify "live process --json" process "$work/out" "$sleeper"
kill "$sleeper" 2> /dev/null
wait "$sleeper" 2> /dev/null

# --- fixtures
for fixture in "$repo"/Tests/Fixtures/sysfs/*/; do
    hardware "fixture $(basename "$fixture")" --root "$fixture"
done

# --- corpus
if [ ! -d "$corpus/sysfs" ]; then
    skip --mandatory corpus "no corpus at $corpus/sysfs"
else
    for tarball in "$corpus"/sysfs/*.tar.bz2; do
        name=$(basename "$tarball" .tar.bz2)
        mkdir -p "$work/corpus/$name"
        tar -xjf "$tarball" -C "$work/corpus/$name"
        # The folder holding sys/ is the root; its name need not match the tarball's.
        root=$(find "$work/corpus/$name" -maxdepth 3 -type d -name sys -print -quit)
        hardware "corpus $name" --root "${root%/sys}"
    done
    # The cgroup v2 dump names its cpuset through proc/self/cpuset and a cgroup2 mount.
    tarball="$corpus/sysfs/32amd64-4s2n4c-cgroup2.tar.bz2"
    if [ -f "$tarball" ]; then
        root=$(find "$work/corpus/32amd64-4s2n4c-cgroup2" -maxdepth 3 -type d -name sys -print -quit)
        run "corpus cgroup2 cpuset" 0 --root "${root%/sys}" -H --json &&
            verify "corpus cgroup2 cpuset" cpuset "$work/out" /uid_2008/job_15389/step_0 2 0-5 0-5
    fi
fi

finish
