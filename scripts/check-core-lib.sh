#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/check-core-lib.sh ARCHIVE PREFIX — every global symbol ARCHIVE defines starts with
# PREFIX, and it defines at least one (nm). `make core-lib-check` runs it on
# libredeliver-core.a (core/lib.mk); scripts/e2e-workflow.sh also on an archive of the
# unrenamed objects, which it must refuse.
set -eu
lib=${1:?usage: scripts/check-core-lib.sh ARCHIVE PREFIX}
prefix=${2:?usage: scripts/check-core-lib.sh ARCHIVE PREFIX}
syms=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }')
n=$(printf '%s\n' "$syms" | grep -c . || true)
bad=$(printf '%s\n' "$syms" | grep -v "^$prefix" | head -n 5 | tr '\n' ' ' || true)
if [ "$n" -eq 0 ]; then
    echo "check-core-lib: $lib exports no symbol" >&2
    exit 1
fi
if [ -n "$bad" ]; then
    echo "check-core-lib: $lib exports symbols outside $prefix: $bad" >&2
    exit 1
fi
echo "check-core-lib: all $n symbols $lib exports start with $prefix"
