#!/usr/bin/env bash
# Builds the oracle (Go, over Debian's go-spew, sigs.k8s.io/yaml and
# sigs.k8s.io/json in /usr/share/gocode) offline, in GOPATH mode, into OUT.
#
#   Tests/Kubelet/oracle/build.sh OUT
#
# Exits 77 with one line on stderr when Go or a library is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$1
if ! command -v go > /dev/null; then
    echo "no Go compiler (Debian package golang-go)" >&2
    exit 77
fi
gocode=/usr/share/gocode
for library in github.com/davecgh/go-spew/spew sigs.k8s.io/yaml sigs.k8s.io/json gopkg.in/yaml.v2 github.com/evanphx/json-patch; do
    if [ ! -d "$gocode/src/$library" ]; then
        echo "no $library under $gocode/src (Debian packages golang-github-davecgh-go-spew-dev golang-k8s-sigs-yaml-dev golang-k8s-sigs-json-dev golang-github-evanphx-json-patch-dev)" >&2
        exit 77
    fi
done
# go needs a build cache; without HOME (some CI environments) it has no default.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
    export GOCACHE=/tmp/swnuma-oracle-go-cache
fi
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/swnuma.local"
cp -r "$here" "$gopath/src/swnuma.local/oracle"
cd "$gopath/src/swnuma.local/oracle" || exit 1
GOPATH="$gopath:$gocode" GO111MODULE=off GOFLAGS= GOPROXY=off go build -o "$out" .
