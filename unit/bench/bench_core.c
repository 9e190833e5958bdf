/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the driver for `make bench`: runs each common path of the event queue N times,
 * one call of a marked path_* function per iteration, so that callgrind
 * (--toggle-collect=path_*) counts exactly after_exit + (queue) + before_entry plus the
 * path function's own call overhead, which path_empty measures alone.
 * Why: hv/ runs this on every VM exit; DESIGN targets <= 60 instructions with no event
 * and <= 150 when re-injecting. Usage: bench_core N [PATH] (PATH: one path_* name; default
 * all). Running one path per process lets callgrind also count only inside core's API
 * functions (--toggle-collect=vcpu_events_after_exit etc.) for that path. */
#include "core/vcpu_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* noipa: gcc would otherwise fold the identical path functions into one symbol */
#define NOINLINE __attribute__((noinline, noipa, used))

static struct vcpu_events ev;
static struct vmx_exit_events x;
static struct vmx_entry_events e;
static volatile bool sink;

static NOINLINE void path_empty(struct vcpu_events *v, const struct vmx_exit_events *xi,
                                struct vmx_entry_events *out)
{
    __asm__ volatile("" : : "r"(v), "r"(xi), "r"(out) : "memory");
}

/* A CPUID exit: nothing vectoring, nothing queued. */
static NOINLINE void path_no_event(struct vcpu_events *v, const struct vmx_exit_events *xi,
                                   struct vmx_entry_events *out)
{
    struct redelivery_note note;
    vcpu_events_after_exit(v, xi, &note);
    sink = vcpu_events_before_entry(v, out);
}

/* EPT violation during #PF delivery: re-inject #PF with its error code. */
static NOINLINE void path_reinject_pf(struct vcpu_events *v, const struct vmx_exit_events *xi,
                                      struct vmx_entry_events *out)
{
    struct redelivery_note note;
    vcpu_events_after_exit(v, xi, &note);
    sink = vcpu_events_before_entry(v, out);
}

/* #PF intercepted during #PF delivery, the hv reflects it: merged into #DF(0). */
static NOINLINE void path_merge_df(struct vcpu_events *v, const struct vmx_exit_events *xi,
                                   struct vmx_entry_events *out)
{
    struct redelivery_note note;
    vcpu_events_after_exit(v, xi, &note);
    vcpu_queue_exception_payload(v, 14, true, 0x2, 0x7000);
    sink = vcpu_events_before_entry(v, out);
}

static void run(const char *name,
                void (*fn)(struct vcpu_events *, const struct vmx_exit_events *,
                           struct vmx_entry_events *),
                uint32_t reason, uint32_t idtv, long n, uint32_t want)
{
    memset(&x, 0, sizeof(x));
    x.exit_reason = reason;
    x.idt_vectoring_info = idtv;
    x.idt_vectoring_error = idtv ? 0x2 : 0;
    vcpu_events_init(&ev, policy_find("kvm"));
    for (long i = 0; i < n; i++)
        fn(&ev, &x, &e);
    if (fn != path_empty && e.entry_intr_info != want) {
        fprintf(stderr, "bench_core: %s injected 0x%08x, expected 0x%08x\n", name,
                e.entry_intr_info, want);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    const char *only = argc > 2 ? argv[2] : NULL;
    if (n <= 0 || argc > 3) {
        fprintf(stderr, "usage: bench_core N [PATH]\n");
        return 2;
    }
    bool any = false;
#define RUN(fn, reason, idtv, want)                                                                \
    if (!only || !strcmp(only, #fn)) {                                                             \
        run(#fn, fn, reason, idtv, n, want);                                                       \
        any = true;                                                                                \
    }
    RUN(path_empty, 10, 0, 0);
    RUN(path_no_event, 10, 0, 0);
    RUN(path_reinject_pf, 48, 0x80000b0e, 0x80000b0e);
    RUN(path_merge_df, 0, 0x80000b0e, 0x80000b08);
    if (!any) {
        fprintf(stderr, "bench_core: unknown path '%s'\n", only);
        return 2;
    }
    return 0;
}
