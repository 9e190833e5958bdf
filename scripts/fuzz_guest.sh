#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/fuzz_guest.sh BUILD_DIR [ci] — `redeliver fuzz` campaigns (docs/fuzz.md).
#
#   fuzz_guest.sh BUILD          the long campaign of `make fuzz-guest`: FUZZ_GUEST_COUNT
#                                (default 300) programs of FUZZ_GUEST_SEED (default 1),
#                                kvm and every other policy; exit 1 when kvm diverges
#   fuzz_guest.sh BUILD ci       the bounded one of `make test` (`make fuzz-guest-ci`):
#     1. a few programs under kvm: exit 0, and the rate is printed
#     2. the same programs with drop-all judged as kvm (--as-kvm): the campaign must FAIL
#        (exit 1, divergences listed), so a wrong policy in kvm's place cannot go unseen
#     3. one of its divergences reduced: a ready-to-paste row with .program
#     4. bad input: exit 2 with a message naming the problem; --index is reproducible
# Results stay in BUILD/fuzz-guest/.
set -u

BUILD=${1:-build}
MODE=${2:-long}
REDELIVER=$BUILD/redeliver
OUT=$BUILD/fuzz-guest
cd "$(dirname "$0")/.." || exit 2
mkdir -p "$OUT"
if [ ! -x "$REDELIVER" ]; then
    echo "fuzz-guest: $REDELIVER missing: run make first" >&2
    exit 2
fi

if [ "$MODE" != ci ]; then
    exec "$REDELIVER" fuzz --seed "${FUZZ_GUEST_SEED:-1}" --count "${FUZZ_GUEST_COUNT:-300}" \
        --policy drop-hw,drop-faults,reexec-soft,drop-all,raw-copy,smart \
        --build "$BUILD" --results "$OUT/long"
fi

failures=0
fail() {
    failures=$((failures + 1))
    echo "FAIL - $1"
    [ -n "${2:-}" ] && sed 's/^/    /' "$2" | tail -20
}
ok() { echo "ok   - $1"; }

SEED=${FUZZ_GUEST_CI_SEED:-1}
COUNT=${FUZZ_GUEST_CI_COUNT:-6}
start=$(date +%s)

"$REDELIVER" fuzz --seed "$SEED" --count "$COUNT" --build "$BUILD" --results "$OUT/kvm" \
    >"$OUT/kvm.txt" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^kvm divergences: 0$' "$OUT/kvm.txt"; then
    ok "kvm matches the reference on $COUNT programs of seed $SEED"
else
    fail "kvm on $COUNT programs of seed $SEED: exit $rc" "$OUT/kvm.txt"
fi
grep '^rate:' "$OUT/kvm.txt" || fail "no rate line" "$OUT/kvm.txt"

"$REDELIVER" fuzz --seed "$SEED" --count "$COUNT" --as-kvm drop-all --reduce 0 \
    --build "$BUILD" --results "$OUT/drop-all" >"$OUT/drop-all.txt" 2>&1
rc=$?
n=$(sed -n 's/^drop-all (as kvm) divergences: \([0-9]*\)$/\1/p' "$OUT/drop-all.txt")
if [ $rc -eq 1 ] && [ "${n:-0}" -gt 0 ]; then
    ok "drop-all judged as kvm fails the campaign ($n divergences, exit 1)"
else
    fail "drop-all judged as kvm: exit $rc, divergences '${n:-none}' (want exit 1, > 0)" \
        "$OUT/drop-all.txt"
fi
grep '^rate:' "$OUT/drop-all.txt" || fail "no rate line" "$OUT/drop-all.txt"

# the first divergence of step 2, reduced
spec=$(sed -n 's/^  \(gen:[^ ]*\) .*/\1/p' "$OUT/drop-all.txt" | head -1)
if [ -n "$spec" ]; then
    "$REDELIVER" fuzz --spec "$spec" --as-kvm drop-all --reduce 1 --build "$BUILD" \
        --results "$OUT/reduce" >"$OUT/reduce.txt" 2>&1
    if grep -q '^    \.program = "' "$OUT/reduce.txt" && grep -q '^    reduced in ' "$OUT/reduce.txt"; then
        ok "$spec reduced: $(sed -n 's/^    reduced in \(.*\)/\1/p' "$OUT/reduce.txt")"
    else
        fail "reduction of $spec printed no row" "$OUT/reduce.txt"
    fi
fi
# usage: a clear message and exit 2, before any emulator starts
usage() { # WANT-IN-MESSAGE ARGS...
    want=$1
    shift
    "$REDELIVER" fuzz "$@" --build "$BUILD" --results "$OUT/usage" >"$OUT/usage.txt" 2>&1
    rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$want" "$OUT/usage.txt"; then
        ok "fuzz $* -> exit 2, '$want'"
    else
        fail "fuzz $*: exit $rc (want 2 and '$want')" "$OUT/usage.txt"
    fi
}
usage "unknown op" --spec 'gen:z@0s'
usage "the target op raises no event" --spec 'gen:t5.g@0s'
usage "did you mean 'drop-hw'" --policy drophw
usage "not a number from 1" --count 0
usage "unknown option" --sede 1
usage "--batch: '0' is not a number from 1 to" --batch 0
a=$("$REDELIVER" fuzz --seed 5 --index 11)
b=$("$REDELIVER" fuzz --seed 5 --index 11)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
    ok "--seed 5 --index 11 is $a both times"
else
    fail "--index not reproducible: '$a' then '$b'"
fi

echo "fuzz-guest-ci: $(($(date +%s) - start)) s"
[ $failures -eq 0 ]
