#!/bin/sh
# Runs the libFuzzer targets of .build-fuzz/swnuma-fuzz (built by build.sh).
#
#   Tests/Fuzz/run.sh --corpus [TARGET...]      one pass over Tests/Fuzz/corpus/<target>/ (make test)
#   Tests/Fuzz/run.sh --seconds N [TARGET...]   fuzz each target for N seconds (make fuzz)
#
# Timed runs grow a working corpus in .build-fuzz/corpus/<target>/ (seeded
# from the saved one), write crashing, slow or memory-hungry inputs to
# .build-fuzz/findings/ and go on, and append "target seconds executions
# findings" to .build-fuzz/fuzz-stats.txt. Exit status 1 when any target finds something.
set -u
cd "$(dirname "$0")/../.."
. Tests/lib.sh
out=.build-fuzz
binary=$out/swnuma-fuzz
all="nodes cpus cpumap cpulist meminfo distance numastat hugepages numa_maps status cgroup mountinfo routes require scanner yaml checkpoint quantity kubelet_flags"

mode=${1:-}
seconds=0
case "$mode" in
--corpus) shift ;;
--seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
*) echo "usage: $0 --corpus|--seconds N [TARGET...]" >&2; exit 2 ;;
esac
targets=${*:-$all}
[ -x "$binary" ] || { echo "$binary is missing: run Tests/Fuzz/build.sh" >&2; exit 2; }

# The Swift runtime's backtracer waits on a crashed fuzzer; libFuzzer prints its own trace.
export SWIFT_BACKTRACE=enable=no
# Every input must finish in FUZZ_TIMEOUT seconds (default 10: an instrumented
# build on a loaded machine; no hostile file may take that long) and within 1 GB.
# LeakSanitizer is off: it counts the statics the Swift runtime makes once
# (numastat's option table, made on the first input that parses numastat's
# words) as leaks; memory is bounded by the two limits instead.
limits="-timeout=${FUZZ_TIMEOUT:-10} -rss_limit_mb=1024 -malloc_limit_mb=512 -detect_leaks=0"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
failing=""
mkdir -p "$out/findings" "$out/logs"
for target in $targets; do
    seeds=Tests/Fuzz/corpus/$target
    [ -d "$seeds" ] || { fail "$target" "no corpus ($seeds)"; failing="$failing $target"; continue; }
    log=$out/logs/$target.log
    if [ "$seconds" = 0 ]; then
        # -runs=0: run every saved input once, mutate nothing.
        # shellcheck disable=SC2086
        SWNUMA_FUZZ_TARGET=$target "$binary" $limits -runs=0 -artifact_prefix="$out/findings/$target-" "$seeds" >"$log" 2>&1
        status=$?
        count=$(find "$seeds" -type f | wc -l)
        if [ $status = 0 ]; then echo "ok   $target ($count inputs)"; pass; else fail "$target" "see $log"; failing="$failing $target"; fi
    else
        work=$out/corpus/$target
        mkdir -p "$work"
        # Keywords of the format, where there is a dictionary for it.
        dict=""
        [ -f "Tests/Fuzz/dictionaries/$target.dict" ] && dict="-dict=Tests/Fuzz/dictionaries/$target.dict"
        before=$(ls "$out/findings" | grep -c "^$target-")
        # Fork mode keeps fuzzing after a finding (each is saved in findings/).
        # shellcheck disable=SC2086
        SWNUMA_FUZZ_TARGET=$target "$binary" $limits $dict -max_total_time="$seconds" -fork=1 \
            -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
            -artifact_prefix="$out/findings/$target-" "$work" "$seeds" >"$log" 2>&1
        status=$?
        # Fork mode's progress lines start with "#<executions>:".
        runs=$(sed -n 's/^#\([0-9][0-9]*\):.*/\1/p' "$log" | tail -1)
        found=$(($(ls "$out/findings" | grep -c "^$target-") - before))
        echo "$target $seconds ${runs:-?} $found" >>"$out/fuzz-stats.txt"
        if [ $status = 0 ] && [ "$found" = 0 ]; then
            echo "ok   $target: ${runs:-?} executions in ${seconds}s"
            pass
        else
            fail "$target" "$found finding(s) in ${runs:-?} executions: see $log and $out/findings/$target-*"
            failing="$failing $target"
        fi
    fi
done
if [ -n "$failing" ]; then
    echo "fuzz targets with findings:$failing" >&2
fi
finish
