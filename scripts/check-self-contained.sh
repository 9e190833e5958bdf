#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/check-self-contained.sh — the repository cites only the Intel SDM and its own docs/
# (docs/design.md, "Conventions"). Fails, naming file:line, when a tracked file cites design
# notes that live outside the repository: ../shared, /work/shared, CASES.md, BOCHS.md,
# DESIGN.md, STYLE.md, or the shorthand "CASES <n>". Their contents are in docs/cases.md,
# docs/emulators.md and docs/design.md.
set -eu
cd "$(dirname "$0")/.."
self=scripts/check-self-contained.sh
pattern='\.\./shared|/work/shared|CASES\.md|BOCHS\.md|DESIGN\.md|STYLE\.md|\bCASES [0-9#]'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    hits=$(git grep -n -I -E "$pattern" -- . ":(exclude)$self" || true)
else
    hits=$(grep -rn -I -E "$pattern" --exclude-dir=.git --exclude-dir=build \
        --exclude-dir=results . | sed 's|^\./||' | grep -v "^$self:" || true)
fi
if [ -n "$hits" ]; then
    printf '%s\n' "$hits" >&2
    n=$(printf '%s\n' "$hits" | wc -l)
    echo "check-self-contained: $n citation(s) of files outside the repository" >&2
    exit 1
fi
echo "check-self-contained: ok"
