/* guest/scenario.h — a conformance scenario is one row of data (STYLE.md, "What to absorb").
 *
 * A row names the vector whose delivery it perturbs and how; the runtime arms the
 * perturbation, calls the trigger, records every event the CPU delivers, and calls the
 * optional check. Rows live in tests/<family>.c; the runner's catalogue of expectations is
 * tests/scenarios.cfg. */
#ifndef GUEST_SCENARIO_H
#define GUEST_SCENARIO_H

#include <stdint.h>

enum perturbation {
    PERTURB_NONE,              /* harness rows only */
    PERTURB_STACK_NOT_PRESENT, /* the vector's IST stack page is not present in EPT */
    /* hv/ intercepts the vector and reflects it (shadow-paging style), and the vector's IST
     * stack page is not present in the guest's own page tables */
    PERTURB_INTERCEPT_GUEST_STACK_NOT_PRESENT,
};

struct scenario {
    const char *name;
    uint8_t vector; /* the event whose delivery is perturbed */
    enum perturbation perturb;
    void (*trigger)(void); /* raises the event; RIPs in the trace are relative to it */
    void (*check)(void);   /* optional in-guest checks, after the trigger */
} __attribute__((aligned(64)));

#define SCENARIO(id) __attribute__((section(".scenarios"), used)) static const struct scenario id

const struct scenario *scenario_find(const char *name);

#endif
