# The shell suites' harness (Tests/*/run.sh and the other suite scripts):
# counters, pass/fail/skip, a check of a command's stdout, stderr and exit
# status, temporary folders removed on exit, and the closing line.
#
#   here=$(cd "$(dirname "$0")" && pwd)
#   . "$here/../lib.sh"          # sets $work, a fresh temporary folder
#   ...cases: pass / fail / skip / check_command...
#   finish                        # "N passed, N failed[, N skipped]"; exit 1 on any failure
#
# POSIX sh plus `local` (bash, and dash for Tests/Fuzz/run.sh). Suites count
# with these functions or by adding to $passed and $failed themselves.
#
# Functions:
#   pass, ok                    one check passed
#   fail NAME [WHY [FILE]]      one check failed: "not ok NAME: WHY", then the
#                               first lines of FILE, or else of the last
#                               command's $work/out and $work/err
#   not_ok NAME [FILE]          the same without a reason
#   skip [--mandatory] NAME [WHY]
#                               one check could not run here ("skip NAME: WHY");
#                               with --mandatory it fails instead under CI=true
#   skip_suite [--mandatory] WHY
#                               the whole suite cannot run: one skip, then finish
#   check_command NAME [--status N] [--stdout TEXT | --stdout-file FILE |
#                 --stdout-empty] [--stderr TEXT | --stderr-has TEXT |
#                 --stderr-empty] -- COMMAND ARGS...
#                               runs COMMAND (stdin /dev/null, stdout to
#                               $work/out, stderr to $work/err) and compares;
#                               the status expected is 0 unless --status says
#                               otherwise; TEXT is compared without trailing
#                               newlines, FILE byte for byte
#   make_temp VAR [--memory]    a new temporary folder in VAR, removed on exit
#                               (--memory: in /dev/shm when it is writable)
#   at_exit COMMAND             COMMAND (evaluated then) runs on exit, before
#                               the folders are removed
#   finish                      prints the closing line and exits: 1 on any
#                               failure, or when nothing was checked at all
#
# The closing line is exactly "N passed, N failed", with ", N skipped" after
# it when a check was skipped.

passed=0
failed=0
skipped=0
harness_temps=""
harness_exit=""

harness_cleanup() {
    if [ -n "$harness_exit" ]; then
        eval "$harness_exit"
    fi
    if [ -n "$harness_temps" ]; then
        # Each folder was made by mktemp here; the names hold no blanks.
        # shellcheck disable=SC2086
        rm -rf $harness_temps
    fi
}
trap harness_cleanup EXIT
# An interrupted suite still removes its folders.
trap 'exit 130' INT
trap 'exit 143' TERM

at_exit() {
    harness_exit="${harness_exit}${1}
"
}

make_temp() {
    local name=$1 folder
    if [ "${2:-}" = --memory ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
        folder=$(mktemp -d -p /dev/shm swnuma-test.XXXXXX)
    else
        folder=$(mktemp -d "${TMPDIR:-/tmp}/swnuma-test.XXXXXX")
    fi || { echo "cannot make a temporary folder" >&2; exit 2; }
    harness_temps="$harness_temps $folder"
    eval "$name=\$folder"
}

pass() { passed=$((passed + 1)); }
ok() { passed=$((passed + 1)); }

# harness_show LABEL FILE: the first lines of FILE, indented, when it has any.
harness_show() {
    if [ -s "$2" ]; then
        head -c 600 "$2" | head -20 | awk -v label="    $1" '{ print label $0 }'
    fi
}

fail() {
    failed=$((failed + 1))
    if [ -n "${2:-}" ]; then echo "not ok $1: $2"; else echo "not ok $1"; fi
    if [ -n "${3:-}" ]; then
        harness_show "" "$3"
    elif [ -n "${work:-}" ]; then
        harness_show "stdout: " "$work/out"
        harness_show "stderr: " "$work/err"
    fi
}

not_ok() {
    fail "$1" "" "${2:-/dev/null}"
}

skip() {
    local mandatory=""
    if [ "$1" = --mandatory ]; then
        mandatory=yes
        shift
    fi
    if [ -n "$mandatory" ] && [ "${CI:-}" = true ]; then
        failed=$((failed + 1))
        echo "not ok $1: ${2:-cannot run here}, and CI=true does not allow a skip"
        return
    fi
    skipped=$((skipped + 1))
    if [ -n "${2:-}" ]; then echo "skip $1: $2"; else echo "skip $1"; fi
}

skip_suite() {
    if [ "$1" = --mandatory ]; then
        skip --mandatory suite "$2"
    else
        skip suite "$1"
    fi
    finish
}

check_command() {
    local name=$1 status=0 want_out="" want_out_kind="" want_err="" want_err_kind="" got why=""
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        case "$1" in
        --status) status=$2; shift 2 ;;
        --stdout) want_out_kind=text; want_out=$2; shift 2 ;;
        --stdout-file) want_out_kind=file; want_out=$2; shift 2 ;;
        --stdout-empty) want_out_kind=empty; shift ;;
        --stderr) want_err_kind=text; want_err=$2; shift 2 ;;
        --stderr-has) want_err_kind=has; want_err=$2; shift 2 ;;
        --stderr-empty) want_err_kind=empty; shift ;;
        *) echo "check_command $name: unknown option '$1'" >&2; exit 2 ;;
        esac
    done
    [ "${1:-}" = -- ] || { echo "check_command $name: no '--' before the command" >&2; exit 2; }
    shift
    "$@" < /dev/null > "$work/out" 2> "$work/err"
    got=$?
    if [ "$got" -ne "$status" ]; then
        why="exit $got, expected $status"
    else
        case "$want_out_kind" in
        text) [ "$(cat "$work/out")" = "$want_out" ] || why="stdout is not: $want_out" ;;
        file) cmp -s "$want_out" "$work/out" || why="stdout differs from $want_out" ;;
        empty) [ ! -s "$work/out" ] || why="stdout is not empty" ;;
        esac
    fi
    if [ -z "$why" ]; then
        case "$want_err_kind" in
        text) [ "$(cat "$work/err")" = "$want_err" ] || why="stderr is not: $want_err" ;;
        has) grep -qF -- "$want_err" "$work/err" || why="stderr does not contain: $want_err" ;;
        empty) [ ! -s "$work/err" ] || why="stderr is not empty" ;;
        esac
    fi
    if [ -n "$why" ]; then
        fail "$name" "$why"
        return 1
    fi
    pass
}

finish() {
    if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]; then
        echo "not ok suite: no check ran"
        failed=1
    fi
    if [ "$skipped" -gt 0 ]; then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
    [ "$failed" -eq 0 ] && exit 0
    exit 1
}

make_temp work
