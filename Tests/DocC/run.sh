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
. "$here/../lib.sh"
log=$work/docc.log

if swift package generate-documentation --target NUMA --warnings-as-errors >"$log" 2>&1 \
    && ! grep -q '^warning:' "$log"; then
    echo "ok: docc builds the NUMA documentation without a warning"
    pass
else
    grep -E -A8 '^(warning|error):' "$log" > "$work/problems" || tail -20 "$log" > "$work/problems"
    fail docc "docc reports problems in the NUMA documentation" "$work/problems"
fi

# The symbol graph the plugin just extracted (its folder is named after the package's checkout).
graph=$(ls -t .build/*/extracted-symbols/*/NUMA/NUMA.symbols.json 2>/dev/null | head -1)
if [ -z "$graph" ]; then
    fail symbol-graph "no symbol graph of NUMA under .build/*/extracted-symbols"
elif "$here/coverage.py" "$(dirname "$graph")" Sources/NUMA; then
    echo "ok: every public declaration of NUMA is documented"
    pass
else
    fail coverage "public declarations of NUMA without a documentation comment (above)"
fi

finish
