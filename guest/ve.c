/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/ve.c — the guest's side of virtualization exceptions (#VE, vector 20; docs/hv.md,
 * "#VE"; docs/adding-a-scenario.md, "#VE").
 *
 * The guest owns two pages: the virtualization-exception information area, which hv/ names
 * in the VMCS (HC_VE_ARM), and the page whose access raises the #VE. Both are in .noreset
 * (guest/reset.c does not copy them back; they do not fit the snapshot: the per-row reset
 * zeroes the area, guest_ve_arm() sets both up for each row that uses them); hv/ forgets both at
 * each row's start and end.
 *
 * The handler (guest/traps.c) records a #VE like every exception, with what the CPU saved
 * in the area (SDM 25.5.7.2: exit reason 48 at offset 0, FFFFFFFFH at offset 4, the exit
 * qualification at 8, guest-linear address at 16, guest-physical address at 24), then makes
 * the page usable again and returns to the faulting access, as a #VE-aware kernel does
 * (SDM 6.15, "Interrupt 20": a fault, the saved RIP is the access). It asks hv/ for the page
 * with HC_VE_MAP rather than waiting for hv/ to map it on the next violation: that next
 * violation would be an exit, not a #VE, and a row must be able to tell a #VE the guest
 * handled from one a policy lost (then the access exits and hv/ maps the page, hv/ve.c). It
 * also clears offset 4, so that a later convertible violation can raise #VE again (SDM
 * 25.5.7.1). */
#include "guest/guest.h"
#include "guest/trace.h"

#define PAGE 4096

static uint8_t ve_area[PAGE] __attribute__((section(".noreset"), aligned(PAGE)));
uint8_t guest_ve_page[PAGE] __attribute__((section(".noreset"), aligned(PAGE)));
/* .bss, so false again before each row (guest/reset.c): ve_armed until the handler got the
 * page back, ve_row for the whole row once hv/ accepted an HC_VE_ARM */
static bool ve_armed, ve_row;

static void area_clear(void)
{
    for (unsigned i = 0; i < PAGE; i++)
        ((volatile uint8_t *)ve_area)[i] = 0;
}

long guest_ve_arm_again(void)
{
    long r = hypercall(HC_VE_ARM, (uint64_t)ve_area, (uint64_t)guest_ve_page);
    ve_armed = r == HC_OK;
    return r;
}

long guest_ve_arm(uint64_t pattern)
{
    area_clear();
    *(volatile uint64_t *)guest_ve_page = pattern;
    if (!hv_present())
        return HC_ENOSYS;
    long r = guest_ve_arm_again();
    ve_row |= ve_armed;
    return r;
}

void guest_ve_reset(void)
{
    area_clear(); /* .noreset: the snapshot does not bring it back */
}

/* Only a row that armed a #VE page has an information area the CPU may have written (hv/
 * names hv/'s own otherwise, hv/ve.c): any other vector-20 event (INT 20, an event hv/
 * injects) gets no ve= field, never an earlier row's area. */
void ve_read_info(struct event *e)
{
    if (!ve_row)
        return;
    e->has_ve = true;
    const volatile uint8_t *a = ve_area;
    e->ve_reason = *(const volatile uint32_t *)(a + 0);
    e->ve_busy = *(const volatile uint32_t *)(a + 4);
    e->ve_qual = *(const volatile uint64_t *)(a + 8);
    e->ve_gla = *(const volatile uint64_t *)(a + 16);
    e->ve_gpa = *(const volatile uint64_t *)(a + 24);
}

bool ve_resolve(void)
{
    if (!ve_armed)
        return false; /* a #VE nobody asked for: the common handler's rules (FAILURE) */
    ve_armed = false;
    *(volatile uint32_t *)(ve_area + 4) = 0; /* re-armed (SDM 25.5.7.1) */
    long r = hypercall(HC_VE_MAP, (uint64_t)guest_ve_page, 0);
    if (r != HC_OK)
        guest_finish("ERROR", "HC_VE_MAP refused the #VE page");
    return true;
}
