#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/deps.sh [--test] — install the Debian packages redeliver needs, only those missing.
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
# --test (make test) adds what only the tests need: chromium (report-check renders
# results.html headless), libxml2-utils (xmllint reads the rendered DOM), jq (report-check
# and scripts/answer.sh read summary.json).
set -eu
# bochs-term: the text display (bochs alone depends on a GUI); bochsbios, vgabios: firmware;
# qemu-system-x86: the second bare CPU; libjansson-dev: summary.json (the runner links
# libjansson4); libinih-dev: tests/scenarios.cfg (the runner links libinih1);
# libcmocka-dev: unit tests; clang and
# libclang-rt-14-dev: libFuzzer with ASan/UBSan;
# clang-format: make check-format; valgrind: make bench.
# --no-install-recommends keeps QEMU from pulling ~170 packages.
PKGS="bochs bochs-term bochsbios vgabios qemu-system-x86 libjansson-dev libinih-dev libcmocka-dev clang libclang-rt-14-dev clang-format valgrind gcc make"
[ "${1:-}" = --test ] && PKGS="$PKGS chromium libxml2-utils jq"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "redeliver: missing Debian packages:$missing" >&2
    echo "redeliver: run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "redeliver: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
