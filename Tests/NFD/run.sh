#!/usr/bin/env bash
# End-to-end checks of `swnuma --nfd-features` and of deploy/:
# - every label name and value follows Kubernetes' label rules and NFD's
#   namespace rule (checked here by regular expressions of this script's own)
#   on every real-machine dump of the shared corpus and every captured guest;
# - --output replaces the file atomically: a reader looping over it while
#   swnuma rewrites it with changing contents only ever sees a whole file,
#   and an unchanged file keeps its modification time;
# - numactl's --o still means --offset beside the new options;
# - the systemd units pass `systemd-analyze verify` without a word;
# - --output - is standard output;
# - the Ansible fact prints JSON with the nodes (the playbook runs in
#   Tests/Ansible/run.sh).
#
#   Tests/NFD/run.sh [SWNUMA] [CORPUS_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swnuma=${1:-$repo/.build/release/swnuma}
swnuma=$(cd "$(dirname "$swnuma")" && pwd)/$(basename "$swnuma")
corpus=${2:-${SWNUMA_CORPUS:-$repo/../shared/corpus}}
fixtures=$repo/Tests/Fixtures/sysfs
. "$here/../lib.sh"

# check_labels FILE...: every line of every file is a comment or a valid
# name=value; one line "FILE: problem" per fault (one python for all files).
check_labels() {
    python3 - "$@" <<'EOF'
import re, sys
prefix_part = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
name_rule = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
value_rule = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
for path in sys.argv[1:]:
    def problem(*words):
        print(path + ":", *words)
    seen = set()
    count = 0
    for line in open(path).read().split("\n")[:-1]:
        if line.startswith("#"):
            continue
        if "=" not in line:
            problem("no '=':", line); continue
        name, value = line.split("=", 1)
        prefix, _, bare = name.rpartition("/")
        if "/" in prefix:
            problem("two slashes:", name)
        if prefix:
            parts = prefix.split(".")
            if len(prefix) > 253 or not all(re.fullmatch(prefix_part, p) for p in parts):
                problem("bad prefix:", name)
            if (prefix == "kubernetes.io" or prefix.endswith(".kubernetes.io")) and not (
                    prefix.endswith("feature.node.kubernetes.io") or prefix.endswith("profile.node.kubernetes.io")):
                problem("namespace NFD refuses:", name)
        if len(bare) > 63 or not name_rule.match(bare):
            problem("bad name:", name)
        if len(value) > 63 or not value_rule.match(value):
            problem("bad value:", line)
        if name in seen:
            problem("twice:", name)
        seen.add(name)
        count += 1
    if count < 5:
        problem("only", count, "labels")
EOF
}

# --- labels of every captured guest and corpus dump
roots=()
for fixture in "$fixtures"/*/; do roots+=("${fixture%/}"); done
if [ -d "$corpus/sysfs" ]; then
    for tarball in "$corpus"/sysfs/*.tar.bz2; do
        name=$(basename "$tarball" .tar.bz2)
        mkdir -p "$work/corpus/$name"
        tar -xjf "$tarball" -C "$work/corpus/$name"
        root=$(find "$work/corpus/$name" -maxdepth 3 -type d -name sys -print -quit)
        roots+=("${root%/sys}")
    done
else
    skip corpus "no corpus at $corpus/sysfs"
fi
files=()
for root in "${roots[@]}"; do
    name=$(basename "$root")
    if ! "$swnuma" --root "$root" --nfd-features --expiry 1h --label "vendor.example/two-nodes=nodes>=2" \
        --label "node0-cpus=node(0).cpus>=1" > "$work/labels-$name" 2> "$work/err"; then
        fail "labels-$name" "exit status $?: $(head -1 "$work/err")"
        continue
    fi
    files+=("$work/labels-$name")
done
check_labels "${files[@]}" > "$work/problems"
for file in "${files[@]}"; do
    if grep -q "^$file:" "$work/problems"; then fail "$(basename "$file")" "$(grep "^$file:" "$work/problems" | head -3 | tr '\n' ' ')"; else pass; fi
done

# --- memory kinds: labels of the dumps with memory-only nodes
# labels_of NAME: the labels of corpus dump NAME (main or SWNUMA_EXTRA_CORPUS), or nothing.
labels_of() {
    local tarball root
    for tarball in "$corpus/sysfs/$1.tar.bz2" ${SWNUMA_EXTRA_CORPUS:+"$SWNUMA_EXTRA_CORPUS/$1.tar.bz2"}; do
        [ -f "$tarball" ] || continue
        mkdir -p "$work/kinds/$1"
        tar -xjf "$tarball" -C "$work/kinds/$1" 2> /dev/null
        root=$(find "$work/kinds/$1" -maxdepth 3 -type d -name sys -print -quit)
        "$swnuma" --root "${root%/sys}" --nfd-features --label "gpus=nodes(gpu)>=1" 2> /dev/null | sed "s|^$prefix||"
        return
    done
}
prefix=swnuma.feature.node.kubernetes.io/
# kinds NAME LABEL=VALUE...: every pair is among the dump's labels.
kinds() {
    local name=$1 missing=""
    shift
    labels_of "$name" > "$work/kinds-$name"
    if [ ! -s "$work/kinds-$name" ]; then echo "nfd: $name SKIPPED: not in the corpus"; return; fi
    for pair in "$@"; do grep -qx -- "$pair" "$work/kinds-$name" || missing="$missing $pair"; done
    if [ -z "$missing" ]; then pass; else fail "kinds-$name" "missing:$missing; have: $(grep -E 'memory|tier|hugepages|initiator' "$work/kinds-$name" | tr '\n' ' ')"; fi
}
# Six GPU memory nodes of 15 GiB beside two CPU nodes of about 124 GiB: the
# minimum is over the CPU nodes.
kinds nvidiagpunumanodes gpu-memory-nodes=6 node-memory-mib-min=126796 memory-only-nodes=6 gpus=true
kinds fakeheteromemtiers persistent-memory-nodes=3 specific-purpose-memory-nodes=1 other-memory-nodes=0 gpus=false
kinds fakememinitiators-1np2c+1npp+gi persistent-memory-nodes=2 generic-initiator-nodes=1
# Huge page labels as Kubernetes names the resources.
kinds 32em64t-2n8c+dax+nvme+mic+dimms hugepages-2Mi-total=0 hugepages-2Mi-node-min=0

# --- --label true and false, and a refused name writes nothing
out=$work/features.d/swnuma
mkdir -p "$work/features.d"
"$swnuma" --root "$fixtures/vm-four" --nfd-features --label 'yes=nodes==4' --label 'no=nodes!=4' > "$work/labels"
if grep -qx 'yes=true' "$work/labels" && grep -qx 'no=false' "$work/labels"; then pass; else fail label-values "$(tail -2 "$work/labels")"; fi
"$swnuma" --root "$fixtures/vm-four" --nfd-features --label 'Bad Name=nodes>1' --output "$out" > "$work/o" 2> "$work/err"
if [ $? -eq 1 ] && [ ! -e "$out" ] && [ ! -s "$work/o" ] && grep -q "'Bad Name'" "$work/err"; then pass; else fail refused-name "$(cat "$work/err")"; fi
if [ -z "$(ls -A "$work/features.d")" ]; then pass; else fail refused-name-leaves-nothing "$(ls -A "$work/features.d")"; fi

# --- the expiry directive: RFC 3339, in UTC, the duration from now
start=$(date -u +%s)
"$swnuma" --root "$fixtures/vm-two" --nfd-features --expiry 2h30m > "$work/labels"
end=$(date -u +%s)
stamp=$(sed -n 's/^# +expiry-time=//p' "$work/labels")
when=$(date -u -d "$stamp" +%s 2>/dev/null || echo 0)
if [[ $stamp =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] && [ "$when" -ge $((start + 9000)) ] && [ "$when" -le $((end + 9000)) ]; then
    pass
else
    fail expiry "'$stamp' is not now + 2h30m"
fi

# --- atomic replacement under a concurrent reader
"$swnuma" --root "$fixtures/vm-two" --nfd-features --label 'x=nodes>=1' > "$work/a"
"$swnuma" --root "$fixtures/vm-four" --nfd-features --label 'x=nodes>=1' > "$work/b"
cmp -s "$work/a" "$work/b" && fail atomic-setup "the two contents are the same"
"$swnuma" --root "$fixtures/vm-two" --nfd-features --label 'x=nodes>=1' --output "$out"
python3 - "$work/a" "$work/b" "$out" "$work/done" > "$work/reader" <<'EOF' &
import os, sys
a, b = open(sys.argv[1]).read(), open(sys.argv[2]).read()
path, done = sys.argv[3], sys.argv[4]
reads = bad = 0
while not os.path.exists(done):
    try:
        with open(path) as f:
            data = f.read()
    except FileNotFoundError:
        data = "<missing>"
    reads += 1
    if reads % 10 == 0:
        with open(done + ".reads.tmp", "w") as f:
            f.write(str(reads))
        os.replace(done + ".reads.tmp", done + ".reads")
    if data != a and data != b:
        bad += 1
        if bad <= 3:
            print("partial:", repr(data[:60]), len(data))
print("reads", reads, "bad", bad)
EOF
reader=$!
# At least 40 writes, and on until the reader has read 40 times (a fast writer
# on a busy machine can finish 40 writes before the reader reads 40 times), at
# most 2000; always an even number, so that the last write is vm-two's (the
# checks below compare with it).
i=0
while [ $i -lt 2000 ]; do
    i=$((i + 1))
    if [ $((i % 2)) -eq 0 ]; then fixture=vm-two; else fixture=vm-four; fi
    "$swnuma" --root "$fixtures/$fixture" --nfd-features --label 'x=nodes>=1' --output "$out" || fail atomic-write "exit $?"
    if [ $((i % 2)) -eq 0 ] && [ $i -ge 40 ] && [ "$(cat "$work/done.reads" 2> /dev/null || echo 0)" -ge 40 ]; then break; fi
done
touch "$work/done"
wait "$reader"
if grep -q '^reads [0-9]* bad 0$' "$work/reader" && [ "$(awk '/^reads/ {print $2}' "$work/reader")" -ge 40 ]; then
    pass
else
    fail atomic-reader "$(tr '\n' ' ' < "$work/reader")"
fi
if [ "$(ls -A "$work/features.d")" = swnuma ]; then pass; else fail atomic-no-leftovers "$(ls -A "$work/features.d" | tr '\n' ' ')"; fi
if cmp -s "$out" "$work/a"; then pass; else fail atomic-last-write "the file is not the last contents"; fi

# --- an unchanged file is not touched: same inode, same modification time
touch -d '2001-09-09 01:46:40 UTC' "$out"
before=$(stat -c '%i %Y' "$out")
"$swnuma" --root "$fixtures/vm-two" --nfd-features --label 'x=nodes>=1' --output "$out"
if [ "$(stat -c '%i %Y' "$out")" = "$before" ]; then pass; else fail unchanged-untouched "$before -> $(stat -c '%i %Y' "$out")"; fi
"$swnuma" --root "$fixtures/vm-four" --nfd-features --label 'x=nodes>=1' --output "$out"
if [ "$(stat -c '%i %Y' "$out")" != "$before" ] && cmp -s "$out" "$work/b"; then pass; else fail changed-rewritten "not rewritten"; fi

# --- --output - is standard output, as --draw - is; ./- is a file named -
mkdir -p "$work/dash"
"$swnuma" --root "$fixtures/vm-two" --nfd-features --label 'x=nodes>=1' > "$work/plain"
(cd "$work/dash" && "$swnuma" --root "$fixtures/vm-two" --nfd-features --label 'x=nodes>=1' --output -) > "$work/o" 2> "$work/err"
status=$?
if [ $status -eq 0 ] && [ -s "$work/o" ] && cmp -s "$work/o" "$work/plain" && [ ! -s "$work/err" ]; then pass; else
    fail output-dash-stdout "exit $status, $(wc -c < "$work/o") bytes on stdout: $(head -1 "$work/err")"
fi
if [ -z "$(ls -A "$work/dash")" ]; then pass; else fail output-dash-no-file "left $(ls -A "$work/dash" | tr '\n' ' ')"; fi
(cd "$work/dash" && "$swnuma" --root "$fixtures/vm-two" --nfd-features --label 'x=nodes>=1' --output ./-) > "$work/o" 2> "$work/err"
if [ $? -eq 0 ] && [ ! -s "$work/o" ] && cmp -s "$work/dash/-" "$work/plain"; then pass; else fail output-dot-slash-dash "no file named - written"; fi

# --- numactl's --o is still --offset; its --l still ambiguous
"$swnuma" --shm "$work/key" --o 0 > "$work/o" 2> "$work/err"
if grep -q -- '-o/--offset must come before --shm' "$work/err"; then pass; else fail o-is-offset "$(cat "$work/err")"; fi
# The region starts at offset 4096: the file grows to 4096 + 8192 bytes.
"$swnuma" --o 4096 --length 8192 --file "$work/region" --touch > "$work/o" 2> "$work/err"
if [ $? -eq 0 ] && [ "$(stat -c %s "$work/region")" = 12288 ]; then pass; else fail o-offset-region "$(cat "$work/err")"; fi
"$swnuma" --l 0 > "$work/o" 2> "$work/err"
if grep -q "ambiguous" "$work/err"; then pass; else fail l-ambiguous "$(cat "$work/err")"; fi

# --- systemd units: `systemd-analyze verify` says nothing
if command -v systemd-analyze > /dev/null; then
    mkdir -p "$work/units" "$work/man/man8"
    cp "$repo/man/swnuma.8" "$work/man/man8/"
    sed "s#/usr/local/bin/swnuma#$swnuma#" "$repo/deploy/systemd/swnuma-nfd.service" > "$work/units/swnuma-nfd.service"
    cp "$repo/deploy/systemd/swnuma-nfd.timer" "$work/units/"
    (cd "$work/units" && MANPATH=$work/man systemd-analyze verify swnuma-nfd.service swnuma-nfd.timer) > "$work/verify" 2>&1
    status=$?
    if [ $status -eq 0 ] && [ ! -s "$work/verify" ]; then pass; else fail systemd-verify "$(head -3 "$work/verify")"; fi
    if grep -q "^ExecStart=/usr/local/bin/swnuma --nfd-features .*--output /etc/kubernetes/node-feature-discovery/features.d/" \
        "$repo/deploy/systemd/swnuma-nfd.service"; then pass; else fail systemd-execstart "unexpected ExecStart"; fi
    # The service's own command line is one swnuma accepts.
    cmdline=$(sed -n 's#^ExecStart=/usr/local/bin/swnuma ##p' "$repo/deploy/systemd/swnuma-nfd.service" | sed "s#/etc/kubernetes/node-feature-discovery/features.d#$work/features.d#")
    # shellcheck disable=SC2086
    if "$swnuma" --root "$fixtures/vm-four" $cmdline && grep -q '^# +expiry-time=' "$out"; then pass; else fail systemd-cmdline "swnuma refused it"; fi
else
    skip systemd-analyze "not installed (package systemd)"
fi

# --- the Ansible fact prints swnuma --json -H
fact=$repo/deploy/ansible/swnuma.fact
if [ -x "$fact" ] && SWNUMA=$swnuma SWNUMA_ROOT=$fixtures/vm-four "$fact" > "$work/fact.json" 2> "$work/err" \
    && python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["nodes"]) == 4 and d["schema_version"] == 1' "$work/fact.json"; then
    pass
else
    fail ansible-fact "$(head -c 200 "$work/err")"
fi
PATH=$(dirname "$swnuma"):$PATH SWNUMA_ROOT=$fixtures/vm-two "$fact" > "$work/fact.json" 2> /dev/null
if python3 -c 'import json, sys; assert len(json.load(open(sys.argv[1]))["nodes"]) == 2' "$work/fact.json" 2> /dev/null; then pass; else fail ansible-fact-path "swnuma on PATH not found"; fi

# The playbook itself runs under ansible-playbook in Tests/Ansible/run.sh.

finish
