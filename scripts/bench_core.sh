#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make bench`: callgrind instruction counts (Ir) of core's after-exit + before-entry on
# the common paths. Usage: scripts/bench_core.sh BENCH_BINARY N
# Each path runs N times, one call of a marked path_* function per iteration
# (unit/bench/bench_core.c), one process per path. Two counts, divided by N:
#   core   only inside core's API functions (vcpu_events_after_exit, vcpu_queue_exception*,
#          vcpu_events_before_entry and what they call): what the targets are about
#   call   inside the path function: core plus the caller's own call sequence (note on
#          the stack, argument moves, storing the result), what hv/ pays at the call site
set -eu
bin=$1
n=${2:-1000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# count PATH TOGGLE...: collected Ir of one path's process
count() {
    path=$1
    shift
    toggles=
    for t in "$@"; do toggles="$toggles --toggle-collect=$t"; done
    # shellcheck disable=SC2086
    valgrind --tool=callgrind $toggles --callgrind-out-file="$out/cg.out" "$bin" "$n" "$path" \
        >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
    awk '/^(summary|totals):/ { print $2; exit }' "$out/cg.out"
}

printf '%-18s %7s %7s %7s  %s\n' path core call target what
row() {
    core=$(count "$1" vcpu_events_after_exit vcpu_events_before_entry vcpu_queue_exception \
        vcpu_queue_exception_payload)
    call=$(count "$1" "$1")
    awk -v c="$core" -v k="$call" -v n="$n" -v name="$1" -v tgt="$2" -v what="$3" 'BEGIN {
        flag = (tgt != "-" && c / n > tgt) ? "  OVER TARGET" : "";
        printf "%-18s %7.1f %7.1f %7s  %s%s\n", name, c / n, k / n, tgt, what, flag }'
}
row path_no_event 60 "CPUID exit, nothing to deliver"
row path_reinject_pf 150 "EPT violation during #PF delivery: re-inject #PF + error code"
row path_merge_df - "#PF intercepted during #PF delivery, hv queues #PF: #DF(0)"
echo "(Ir per iteration, N=$n, kvm policy, $(basename "$bin"))"
