#!/bin/sh
# Builds the Debian package of swnuma from `make install DESTDIR=... PREFIX=/usr`:
# whatever that installs is packaged (programs, links, man pages, completions,
# schemas), plus deploy/ (the systemd units and the Ansible fact and playbook)
# under /usr/share/swnuma and the files of packaging/debian/. Prints the path
# of the .deb it wrote.
#
#   scripts/build-deb.sh [OUTDIR]      (default .build/deb)
#
# DEB_COMPRESSION=gzip trades size for time (xz, the default, takes a minute
# or two on a busy two-core machine; gzip a few seconds).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/.build/deb}
debian=$repo/packaging/debian
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/swnuma

die() {
    echo "build-deb: $*" >&2
    exit 1
}

for tool in dpkg-deb dpkg-shlibdeps readelf gzip; do
    command -v "$tool" > /dev/null || die "$tool is missing (Debian packages dpkg-dev, binutils)"
done

# 1. What `make install` installs. Its output goes to stderr: stdout is the path.
make -s -C "$repo" install DESTDIR="$root" PREFIX=/usr >&2 || die "make install failed"
[ -x "$root/usr/bin/swnuma" ] || die "make install put no usr/bin/swnuma in $root"

# 2. Debian's places and forms: man pages compressed; every program has a page
#    (one without a page of its own, such as swnuma-kubelet, which carries out
#    swnuma's --kubelet-* modes, gets swnuma(8), where those modes are documented).
man8=$root/usr/share/man/man8
find "$root/usr/share/man" -type f -name '*.[1-9]' -exec gzip -9n {} +
for program in "$root"/usr/bin/*; do
    name=$(basename "$program")
    if ! ls "$root"/usr/share/man/man?/"$name".?.gz > /dev/null 2>&1; then
        ln -s swnuma.8.gz "$man8/$name.8.gz"
    fi
done

# 3. deploy/ under /usr/share/swnuma, the units pointing at the packaged binary.
share=$root/usr/share/swnuma
for unit in "$repo"/deploy/systemd/*; do
    install -D -m 0644 "$unit" "$share/systemd/$(basename "$unit")"
    sed -i 's#/usr/local/bin/swnuma#/usr/bin/swnuma#g' "$share/systemd/$(basename "$unit")"
done
install -D -m 0644 "$repo/deploy/ansible/numa-check.yml" "$share/ansible/numa-check.yml"
install -D -m 0755 "$repo/deploy/ansible/swnuma.fact" "$share/ansible/swnuma.fact"

# 4. /usr/share/doc/swnuma and lintian's overrides.
doc=$root/usr/share/doc/swnuma
install -D -m 0644 "$debian/copyright" "$doc/copyright"
gzip -9nc "$debian/changelog" > "$doc/changelog.gz"
overrides=$root/usr/share/lintian/overrides/swnuma
mkdir -p "$(dirname "$overrides")"
for program in "$root"/usr/bin/*; do
    [ -L "$program" ] && continue
    if ! readelf -d "$program" 2> /dev/null | grep -q '(NEEDED)'; then
        # swnuma is static by design: it must run where no Swift runtime is
        # installed, and starts faster without a dynamic loader (see README).
        printf '# Static by design: no Swift runtime on the hosts it runs on.\nswnuma: statically-linked-binary [usr/bin/%s]\n' \
            "$(basename "$program")" >> "$overrides"
    fi
    # Yams, the YAML parser of the kubelet modes, builds LibYAML in (found by
    # one of its messages, as lintian finds it).
    if grep -q -a 'did not find expected <stream-start>' "$program"; then
        printf '# Yams builds LibYAML into the static binary.\nswnuma: embedded-library libyaml [usr/bin/%s]\n' \
            "$(basename "$program")" >> "$overrides"
    fi
done
[ -s "$overrides" ] || rm -rf "$root/usr/share/lintian"

# 5. Version, architecture, dependencies.
version=$("$root/usr/bin/swnuma" --version | sed -n 's/^swnuma \([0-9][0-9A-Za-z.+~-]*\)$/\1/p')
[ -n "$version" ] || die "no version from swnuma --version"
logged=$(sed -n '1s/^swnuma (\([^)]*\)).*/\1/p' "$debian/changelog")
[ "$logged" = "$version" ] || die "swnuma is $version but packaging/debian/changelog's last entry is $logged: add an entry"
arch=$(dpkg --print-architecture)
# The libraries a dynamically linked program needs (none for the static build).
dynamic=""
for program in "$root"/usr/bin/*; do
    [ -L "$program" ] && continue
    readelf -d "$program" 2> /dev/null | grep -q '(NEEDED)' && dynamic="$dynamic $program"
done
depends=""
if [ -n "$dynamic" ]; then
    mkdir -p "$work/src/debian"
    printf 'Source: swnuma\n\nPackage: swnuma\nArchitecture: any\n' > "$work/src/debian/control"
    # shellcheck disable=SC2086
    depends=$(cd "$work/src" && dpkg-shlibdeps -O $dynamic 2> /dev/null | sed -n 's/^shlibs:Depends=//p') \
        || die "dpkg-shlibdeps failed"
fi

# 6. Modes and times, control, md5sums, the archive.
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -perm /111 -exec chmod 0755 {} +
find "$root" -type f ! -perm /111 -exec chmod 0644 {} +
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2> /dev/null || date +%s)}
find "$root" -exec touch -h -d "@$epoch" {} +
mkdir -p "$root/DEBIAN"
size=$(du -sk --apparent-size "$root" | cut -f1)
# No Depends line at all when nothing is needed.
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$size/" \
    -e "${depends:+s/@DEPENDS@/$depends/}" -e "/^Depends: @DEPENDS@$/d" "$debian/control" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
mkdir -p "$out"
deb=$out/swnuma_${version}_$arch.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$root" "$deb" > /dev/null || die "dpkg-deb failed"
echo "$deb"
