#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/deps.sh [--test] — install the Debian packages redeliver needs, only those missing:
# without --test what `make run` needs (build the images and the runner, run the matrix);
# with --test also what `make test` adds. `scripts/deps.sh --print [--test]` prints the
# package names and installs nothing (README's command for a non-root user is this list).
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -eu
# make run: gcc, libc6-dev (only recommended by gcc), make; bochs-term: the text display
# (bochs alone depends on a GUI); bochsbios, vgabios: firmware; qemu-system-x86: the second
# bare CPU; libjansson-dev: summary.json (the runner links libjansson4); libinih-dev:
# tests/scenarios.cfg (the runner links libinih1).
RUN_PKGS="gcc libc6-dev make bochs bochs-term bochsbios vgabios qemu-system-x86 libjansson-dev libinih-dev"
# make test: libcmocka-dev: unit tests; clang and libclang-rt-14-dev: libFuzzer with
# ASan/UBSan; clang-format: make check-format; valgrind: make bench; python3: e2e reads
# summary.json; libxml2-utils: xmllint validates results.xml; perl: prove reads results.tap;
# pkgconf: e2e builds the docs/core.md example against the installed core/ library;
# chromium: report-check renders results.html headless (xmllint reads the rendered DOM);
# jq: report-check and scripts/answer.sh read summary.json.
TEST_PKGS="libcmocka-dev clang libclang-rt-14-dev clang-format valgrind python3 libxml2-utils perl pkgconf chromium jq"
# --no-install-recommends keeps QEMU from pulling ~170 packages.
print=no
PKGS=$RUN_PKGS
for arg in "$@"; do
    case $arg in
    --test) PKGS="$RUN_PKGS $TEST_PKGS" ;;
    --print) print=yes ;;
    *)
        echo "usage: scripts/deps.sh [--print] [--test]" >&2
        exit 2
        ;;
    esac
done
if [ $print = yes ]; then
    echo "$PKGS"
    exit 0
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "redeliver: missing Debian packages:$missing" >&2
    echo "redeliver: run as root:  apt-get update && $cmd" >&2
    echo "redeliver: (as a user with sudo:  sudo apt-get update && sudo $cmd)" >&2
    exit 1
fi
echo "redeliver: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
