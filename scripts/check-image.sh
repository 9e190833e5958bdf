#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/check-image.sh IMAGE — refuse a kernel image that Bochs 2.7 would load wrongly:
# optramimage places only the first 128 KiB correctly (docs/emulators.md, "Image size").
set -eu
size=$(stat -c %s "$1")
limit=131072
if [ "$size" -gt "$limit" ]; then
    echo "$1: $size bytes, over Bochs 2.7's 128 KiB optramimage limit" >&2
    exit 1
fi
grep -q "REDELIVER-CFG-2" "$1" || { echo "$1: no configuration block (lib/config.c)" >&2; exit 1; }
