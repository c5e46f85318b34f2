#!/usr/bin/env bash
# Builds the NUMA library's documentation (the Sources/NUMA/NUMA.docc catalog
# and the `///` comments) with swift-docc-plugin, failing on any docc warning
# (unresolved links, undocumented parameters, ...), then checks that every
# public declaration of NUMA has a documentation comment of its own
# (Tests/DocC/coverage.py over the symbol graph the plugin extracted).
#
#   Tests/DocC/run.sh
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0

if swift package generate-documentation --target NUMA --warnings-as-errors >"$log" 2>&1 \
    && ! grep -q '^warning:' "$log"; then
    echo "ok: docc builds the NUMA documentation without a warning"
    passed=$((passed + 1))
else
    echo "FAIL: docc reports problems in the NUMA documentation:"
    grep -E -A8 '^(warning|error):' "$log" || tail -20 "$log"
    failed=$((failed + 1))
fi

# The symbol graph the plugin just extracted (its folder is named after the package's checkout).
graph=$(ls -t .build/*/extracted-symbols/*/NUMA/NUMA.symbols.json 2>/dev/null | head -1)
if [ -z "$graph" ]; then
    echo "FAIL: no symbol graph of NUMA under .build/*/extracted-symbols"
    failed=$((failed + 1))
elif "$here/coverage.py" "$(dirname "$graph")" Sources/NUMA; then
    echo "ok: every public declaration of NUMA is documented"
    passed=$((passed + 1))
else
    echo "FAIL: public declarations of NUMA without a documentation comment (above)"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
