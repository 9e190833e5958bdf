#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make fuzz-mutants: proves the fuzz target checks meaning. Each mutant is a copy of core/
# in BUILD/mutants/NAME with one small sed edit; the fuzzer is built against that copy
# and run for at most TIME seconds. Fails unless every mutant makes the fuzzer report a
# violation (non-zero exit), and when a sed no longer changes its file (core/ moved on:
# update the mutant here, do not let it pass silently). core/ itself is never edited.
# usage: scripts/fuzz_mutants.sh BUILD [TIME]   (env: CLANG, FUZZ_CFLAGS as in core/core.mk)
set -u
build=${1:?usage: $0 BUILD [TIME]}
time=${2:-20}
clang=${CLANG:-clang}
flags=${FUZZ_CFLAGS:--std=gnu11 -O1 -g -I. -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all}
failed=0

# mutant NAME FILE SED-EXPRESSION
mutant() {
    name=$1 file=$2 expr=$3
    dir=$build/mutants/$name
    rm -rf "$dir" && mkdir -p "$dir/corpus" && cp -r core "$dir/core" || exit 1
    sed -i -e "$expr" "$dir/core/$file"
    if cmp -s "core/$file" "$dir/core/$file"; then
        echo "mutant $name: the sed no longer changes core/$file: NOT APPLIED (update $0)"
        failed=1
        return
    fi
    # -I"$dir" first: the fuzzer's "core/..." includes resolve to the mutated copy
    # shellcheck disable=SC2086
    if ! $clang -I"$dir" $flags -o "$dir/fuzz_core" unit/fuzz/*.c "$dir"/core/*.c \
        >"$dir/build.log" 2>&1; then
        echo "mutant $name: does not build (see $dir/build.log)"
        failed=1
        return
    fi
    start=$(date +%s)
    "$dir/fuzz_core" -max_total_time="$time" -seed=1 -artifact_prefix="$dir/" "$dir/corpus" \
        >"$dir/log.txt" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    if [ "$rc" -ne 0 ]; then
        why=$(grep -m1 -E 'VIOLATION|ERROR: ' "$dir/log.txt" | cut -c1-160)
        echo "mutant $name: caught in $secs s: $why"
    else
        echo "mutant $name: NOT caught in $secs s (log: $dir/log.txt)"
        failed=1
    fi
}

# 1. kvm drops external interrupts (type 0) instead of re-injecting them (SDM 27.2.4)
mutant kvm-drops-ext-intr policy.c \
    's/{REINJECT_EXT, IGNORE, REINJECT_NMI, REINJECT_HW, REINJECT_SOFT, REINJECT_SOFT, REINJECT_SOFT,/{DROP_ALL, IGNORE, REINJECT_NMI, REINJECT_HW, REINJECT_SOFT, REINJECT_SOFT, REINJECT_SOFT,/'
# 2. the double-fault table handles #PF during #PF serially (SDM 6.15 Table 6-5: #DF)
mutant pf-pf-serial exception_class.c \
    's/\[EXC_CLASS_PAGE_FAULT\] = {DF_SERIAL, DF_DOUBLE, DF_DOUBLE, DF_SERIAL}/[EXC_CLASS_PAGE_FAULT] = {DF_SERIAL, DF_DOUBLE, DF_SERIAL, DF_SERIAL}/'
# 3. a re-delivered exception keeps the payload of a different vector (CR2 loaded as DR6)
mutant payload-wrong-vector vcpu_events.c \
    's/prev_exception && e->vector == vector && e->type == type/prev_exception \&\& e->type == type/'

exit $failed
