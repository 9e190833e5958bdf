#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/bochs3.sh [--path] — build Bochs 3.0 from Debian's source package into the cache.
#
# The second VMX implementation of `redeliver run --cpu bochs3` (docs/bochs-versions.md).
# Debian 12 ships Bochs 2.7; trixie's binary package of 3.0 needs a newer libc, so 3.0 is
# built here from trixie's *source* package, the only download:
#   1. a temporary deb-src entry for trixie, used through private apt directories
#      (Dir::Etc::SourceList, Dir::State::Lists, Dir::Cache): the machine's apt sources,
#      lists and caches are not touched;
#   2. the orig and debian tarballs, each fetched by apt-helper against the SHA256 of the
#      Sources index that apt verified with the Debian archive key (the .dsc is not needed
#      for that, and some mirrors do not serve it);
#   3. Debian's patches (debian/patches/series; none touches the emulator's code), then
#      configure and make in a temporary directory; the `bochs` binary and BUILD-INFO go to
#      $REDELIVER_BOCHS3_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/redeliver/bochs-3.0).
# A second call with the cache present does nothing and says where it is.
# --path: print the binary's path and exit 0 if it is built, 1 if not (nothing is done).
set -eu

DEB_VERSION=${BOCHS3_DEB_VERSION:-3.0+dfsg-1}
SUITE=trixie
ARCHIVE=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
CACHE=${REDELIVER_BOCHS3_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/redeliver/bochs-3.0}
BIN=$CACHE/bin/bochs

# configure options, one reason each. The CPU-side options are those of Debian's own build
# (debian/rules of both 2.7 and 3.0), so that `bochs` and `bochs3` differ in the version of
# the CPU model, not in what was compiled in; the devices are the fewest the guests need.
CONFIG_OPTS="
--enable-cpu-level=6           the P6+ family: corei7_icelake_u needs it
--enable-x86-64                long mode: hv/ and the guests are 64-bit kernels
--enable-vmx=2                 VMX with EPT, unrestricted guest, preemption timer: hv/
--enable-svm                   as Debian builds it (AMD models; unused by corei7_icelake_u)
--enable-avx                   AVX/AVX2: part of corei7_icelake_u's CPUID
--enable-evex                  AVX-512: part of corei7_icelake_u's CPUID
--enable-amx                   as Debian builds it
--enable-cet                   CET: part of corei7_icelake_u's CPUID
--enable-protection-keys       PKU: part of corei7_icelake_u's CPUID
--enable-uintr                 as Debian builds it
--enable-3dnow                 as Debian builds it
--enable-fpu                   x87
--enable-a20-pin               as Debian builds it
--enable-memtype               memory types (PAT, MTRR): hv/ passes MTRR writes through
--enable-repeat-speedups       as Debian builds it (string instructions)
--enable-all-optimizations     as Debian builds it (speed)
--enable-smp                   as Debian builds it: 2.7 runs its CPU loop the SMP way too
--enable-idle-hack             as Debian builds it
--enable-x86-debugger          debug registers and single step in the CPU: the db-* rows
--enable-debugger              port 0x8900 'D' breaks into the debugger, whose rc-file
                               quit ends the run (docs/bochs-versions.md); its disassembler
--disable-debugger-gui         no GTK
--disable-readline             the rc file is read without it; one dependency less
--enable-pci                   the i440FX board of 2.7's runs (PCI, ACPI, HPET)
--disable-plugins              one self-contained binary: no plugin directory to point to
--with-term                    display_library: term, as for 2.7
--with-nogui                   a fallback display that needs nothing
"
# The ROM images are not built: the dfsg tarball has no BIOS binaries and rombios needs a
# 16-bit toolchain (bcc). The bochsrc names 2.7's BIOS-bochs-latest and VGABIOS-lgpl-latest
# (packages bochsbios, vgabios) explicitly, so the firmware is the same for both versions.

# Build-dependencies of the options above (debian/control lists more, for the GUIs).
BUILD_DEPS="g++ make libncurses-dev patch xz-utils debian-archive-keyring"

die() {
    echo "bochs3: $*" >&2
    exit 1
}

if [ "${1:-}" = --path ]; then
    [ -x "$BIN" ] && { echo "$BIN"; exit 0; }
    exit 1
elif [ $# -gt 0 ]; then
    echo "usage: scripts/bochs3.sh [--path]" >&2
    exit 2
fi

if [ -x "$BIN" ] && [ -f "$CACHE/BUILD-INFO" ]; then
    echo "bochs3: already built: $BIN ($(sed -n 's/^debian-version: //p' "$CACHE/BUILD-INFO"); remove $CACHE to rebuild)"
    exit 0
fi

missing=""
for p in $BUILD_DEPS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    cmd="apt-get install -y --no-install-recommends$missing"
    if [ "$(id -u)" -ne 0 ]; then
        echo "bochs3: missing build-dependencies:$missing" >&2
        echo "bochs3: run as root:  apt-get update && $cmd" >&2
        exit 1
    fi
    echo "bochs3: installing build-dependencies:$missing (as a user: sudo $cmd)"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
        die "apt-get install$missing failed"
fi
[ -x /usr/lib/apt/apt-helper ] || die "/usr/lib/apt/apt-helper not found (package apt)"

start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/redeliver-bochs3.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
echo "deb-src [signed-by=$KEYRING] $ARCHIVE $SUITE main" >"$work/apt/sources.list"
APT_OPTS="-o Dir::Etc::SourceList=$work/apt/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::State::Lists=$work/apt/lists -o Dir::Cache=$work/apt/cache -o Debug::NoLocking=1"
if [ "$(id -u)" -eq 0 ]; then
    # apt downloads as the user _apt: let it write the private directories
    chown -R _apt "$work/apt" "$work/src" 2>/dev/null || true
fi

# measured (docs/bochs-versions.md): 290 s of CPU; 276 s wall at load 3, 28.6 min at load 20
echo "bochs3: building Bochs 3.0 once into $CACHE: about 290 s of CPU, so 2.5 to 5 min on 2"
echo "bochs3: cores, much longer on a loaded machine (measured: 28.6 min at a load average of 20)"
echo "bochs3: reading the $SUITE source index ($ARCHIVE, deb-src, private apt directories)"
# shellcheck disable=SC2086
apt-get -q $APT_OPTS update >"$work/update.log" 2>&1 || {
    cat "$work/update.log" >&2
    die "apt-get update of the temporary $SUITE deb-src entry failed"
}
# shellcheck disable=SC2086
apt-get -q $APT_OPTS source --print-uris "bochs=$DEB_VERSION" >"$work/uris" 2>"$work/uris.err" || {
    cat "$work/uris.err" >&2
    # shellcheck disable=SC2086
    have=$(apt-cache $APT_OPTS showsrc bochs 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ')
    die "source package bochs $DEB_VERSION not found in $SUITE (it has: ${have:-none}); set BOCHS3_DEB_VERSION"
}
tarballs=$(grep "^'.*\.tar\.xz' " "$work/uris" || true)
[ "$(echo "$tarballs" | grep -c .)" -eq 2 ] || {
    cat "$work/uris" >&2
    die "expected an orig and a debian tarball in the source package"
}
echo "$tarballs" | while read -r uri file size hash; do
    uri=$(echo "$uri" | tr -d "'")
    echo "bochs3: fetching $file ($size bytes, $hash)"
    (cd "$work/src" && /usr/lib/apt/apt-helper download-file "$uri" "$file" "$hash" \
        >"$work/fetch.log" 2>&1) || {
        cat "$work/fetch.log" >&2
        die "download of $file failed (or its $hash did not match)"
    }
done
orig=$(cd "$work/src" && ls ./*.orig.tar.xz) || die "no orig tarball"
debian=$(cd "$work/src" && ls ./*.debian.tar.xz) || die "no debian tarball"
sums=$(cd "$work/src" && sha256sum ./*.tar.xz)

cd "$work/src"
tar xJf "$orig" || die "cannot unpack $orig"
tree=$(ls -d bochs-*/) || die "the orig tarball has no bochs-* directory"
cd "$tree"
tar xJf "../$debian" || die "cannot unpack $debian"
while read -r p; do
    case $p in '' | '#'*) continue ;; esac
    patch -p1 -s --no-backup-if-mismatch <"debian/patches/$p" || die "Debian patch $p does not apply"
done <debian/patches/series

opts=$(echo "$CONFIG_OPTS" | awk '$1 ~ /^--/ { print $1 }' | tr '\n' ' ')
echo "bochs3: configure $opts"
# shellcheck disable=SC2086
./configure $opts >"$work/configure.log" 2>&1 || {
    tail -30 "$work/configure.log" >&2
    die "configure failed (log above)"
}
if grep -q "unrecognized options" "$work/configure.log"; then
    grep "unrecognized options" "$work/configure.log" >&2
    die "configure does not know an option above: the build would silently lack it"
fi
jobs=$(nproc 2>/dev/null || echo 2)
echo "bochs3: make -j$jobs (most of the build time)"
make -j"$jobs" bochs >"$work/make.log" 2>&1 || {
    tail -30 "$work/make.log" >&2
    die "make failed (log above)"
}
./bochs --help 2>&1 | grep -q "Usage: bochs" || die "the built bochs does not run"

end=$(date +%s)
stage="$CACHE.tmp.$$"
rm -rf "$stage"
mkdir -p "$stage/bin" || die "cannot create $stage"
cp bochs "$stage/bin/bochs"
cp debian/copyright "$stage/copyright"
{
    echo "debian-version: $DEB_VERSION ($SUITE source package, $ARCHIVE)"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(gcc --version | head -1)"
    echo "build-seconds: $((end - start))"
    echo "configure: $opts"
    echo "tarballs (sha256):"
    echo "$sums" | sed 's/^/  /'
} >"$stage/BUILD-INFO"
rm -rf "$CACHE"
mv "$stage" "$CACHE" || die "cannot move the build to $CACHE"
echo "bochs3: built $BIN in $((end - start)) s (fetch, configure, make)"
