#!/bin/sh
# Builds the libFuzzer binary .build-fuzz/swnuma-fuzz: the NUMA, KubeletMemory
# and SwnumaCLI sources compiled with coverage for libFuzzer and AddressSanitizer, each
# module with its fuzz targets (Tests/Fuzz/*Targets.swift) added. The package
# build never sees these files. Rebuilds only when a source is newer.
#
# Usage: Tests/Fuzz/build.sh [OUT_DIR]   (default .build-fuzz)
set -eu
cd "$(dirname "$0")/../.."
out=${1:-.build-fuzz}
swiftc=${SWIFTC:-swiftc}
binary=$out/swnuma-fuzz
mkdir -p "$out"

numa_sources=$(find Sources/NUMA -name '*.swift' | sort)
kubelet_sources=$(find Sources/KubeletMemory -name '*.swift' | sort)
cli_sources=$(find Sources/SwnumaCLI -name '*.swift' | sort)
if [ -x "$binary" ] && [ -z "$(find Sources/NUMA Sources/KubeletMemory Sources/SwnumaCLI Sources/CNUMA Sources/CYAML Tests/Fuzz -newer "$binary" \( -name '*.swift' -o -name '*.h' -o -name '*.modulemap' \) | head -1)" ]; then
    exit 0
fi

flags="-parse-as-library -swift-version 6 -package-name swnuma -enable-upcoming-feature ExistentialAny
  -enable-upcoming-feature InternalImportsByDefault -sanitize=fuzzer,address -O -g -wmo -I Sources/CNUMA -I Sources/CYAML -I $out"
# shellcheck disable=SC2086
"$swiftc" $flags -module-name NUMA -emit-module -emit-module-path "$out/NUMA.swiftmodule" \
    -c -o "$out/NUMA.o" $numa_sources Tests/Fuzz/NUMATargets.swift
# shellcheck disable=SC2086
"$swiftc" $flags -module-name KubeletMemory -emit-module -emit-module-path "$out/KubeletMemory.swiftmodule" \
    -c -o "$out/KubeletMemory.o" $kubelet_sources Tests/Fuzz/KubeletTargets.swift
# shellcheck disable=SC2086
"$swiftc" $flags -module-name SwnumaCLI -c -o "$out/SwnumaCLI.o" $cli_sources Tests/Fuzz/CLITargets.swift
"$swiftc" -sanitize=fuzzer,address -use-ld=lld -o "$binary.tmp" "$out/NUMA.o" "$out/KubeletMemory.o" "$out/SwnumaCLI.o" -lnuma -lyaml
mv "$binary.tmp" "$binary"
