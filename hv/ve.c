/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/ve.c — virtualization exceptions (#VE, vector 20; docs/hv.md, "#VE").
 *
 * Where the CPU model allows it, the "EPT-violation #VE" secondary control (bit 18, SDM
 * 24.6.2, A.3.3) is on from the start, but nothing is converted: every EPT entry hv/ writes
 * has "suppress #VE" (bit 63) set (hv/ept.c), and the information area the VMCS names by
 * default is hv/'s own page, whose 32 bits at offset 4 are FFFFFFFFH, which makes even a
 * convertible EPT violation exit (SDM 25.5.7.1). Existing rows therefore run as before.
 *
 * A #VE row (tests/ve.c) asks with HC_VE_ARM for one guest page to be not present with
 * "suppress #VE" clear and names a page of its own as the information area (the VMCS field
 * holds a physical address, Appendix B field 0x202A, which hv/ translates): the guest's
 * access then raises #VE instead of exiting, the CPU having written exit reason,
 * qualification, guest-linear and guest-physical address there and FFFFFFFFH at offset 4
 * (SDM 25.5.7.2). The guest's handler reads the area, clears offset 4 and asks HC_VE_MAP
 * for the page back (guest/ve.c). When the #VE is lost instead (a policy dropped it while
 * its delivery exited), the access runs again with offset 4 still FFFFFFFFH: no longer
 * converted, an EPT-violation exit on the page, and hv/ maps it back here so that the
 * guest goes on — without the #VE, which is what such a policy costs it. Per row
 * (hv/rows.c) the page, the suppress bit and the information area go back to the default. */
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/hypercall_abi.h"

#define PAGE     4096ul
#define NO_PAGE  (~0ul)
#define VE_ARMED 0xffffffffu /* SDM 25.5.7.2: written at offset 4 by each #VE */

static uint32_t default_area[PAGE / 4] __attribute__((aligned(PAGE)));
static bool supported;
static uint32_t allowed1; /* IA32_VMX_PROCBASED_CTLS2 allowed-1 half, for the message */
static uint64_t ve_page = NO_PAGE, ve_area = NO_PAGE;

static uint64_t default_area_pa(void)
{
    return (uint64_t)default_area; /* hv/ runs identity-mapped */
}

/* At VMCS set-up: the control where the model allows it, with hv/'s own area. */
void ve_setup_controls(uint32_t proc2_allowed1, uint32_t *proc2)
{
    allowed1 = proc2_allowed1;
    supported = proc2_allowed1 & CPU2_EPT_VIOLATION_VE;
    if (!supported)
        return;
    default_area[1] = VE_ARMED;
    *proc2 |= CPU2_EPT_VIOLATION_VE;
    /* SDM 26.2.1.1: with the control 1, the address must be 4-KByte aligned and within the
     * physical-address width; the EPTP index exists with it (Appendix B.1.1) and is 0
     * without EPTP switching */
    vmwrite(VE_INFO_ADDRESS, default_area_pa());
    vmwrite(EPTP_INDEX, 0);
}

static bool page_ok(uint64_t gpa)
{
    return !(gpa & (PAGE - 1)) && ept_gpa_is_ram(gpa, PAGE);
}

long ve_arm(uint64_t area_gpa, uint64_t page_gpa)
{
    if (!page_ok(area_gpa) || !page_ok(page_gpa) || area_gpa == page_gpa)
        return HC_EINVAL;
    /* a page an HC_EPT_UNMAP_UNTIL_FAULT perturbation holds: clearing its "suppress #VE"
     * would turn the exit that perturbation waits for into a #VE (SDM 25.5.7.1), and mapping
     * it back would disarm it. One kind per page, refused whether or not the model has the
     * control (the argument is wrong either way). */
    if (ept_is_armed(page_gpa))
        return HC_EBUSY;
    if (!supported) {
        /* the runner takes hv/'s word for it (docs/protocol.md): the cell SKIPs */
        console_relay_flush();
        kprintf("hv: UNSUPPORTED ept-violation-ve: proc2 capability 0x%x lacks 0x%x (SDM "
                "A.3.3)\n",
                allowed1, CPU2_EPT_VIOLATION_VE);
        return HC_ENOTSUP;
    }
    if (ve_page != NO_PAGE)
        return HC_EBUSY;
    ve_area = area_gpa;
    ve_page = page_gpa;
    vmwrite(VE_INFO_ADDRESS, GUEST_RAM_HPA + area_gpa);
    ept_set_convertible(page_gpa, true);
    return HC_OK;
}

/* The #VE page present again with "suppress #VE" set, as every page starts (hv/ept.c). */
static void unarm(void)
{
    ept_set_convertible(ve_page, false);
    ve_page = NO_PAGE;
}

long ve_map(uint64_t page_gpa)
{
    if (ve_page == NO_PAGE || page_gpa != ve_page)
        return HC_EINVAL;
    unarm();
    return HC_OK;
}

/* An EPT violation that exited on the #VE page: it was not converted (SDM 25.5.7.1: offset
 * 4 of the area not 0, or the access was part of an event's delivery). */
bool ve_fault_restore(uint64_t gpa)
{
    if (!ve_holds(gpa))
        return false;
    const volatile uint32_t *area = gpa_to_hva(ve_area);
    console_relay_flush();
    kprintf("hv: VE-EXIT gpa=0x%lx info[4]=0x%x: not converted (SDM 25.5.7.1); page mapped "
            "again\n",
            gpa, area[1]);
    unarm();
    return true;
}

/* HC_EPT_UNMAP_UNTIL_FAULT refuses the armed #VE page (hv/ept.c). */
bool ve_holds(uint64_t gpa)
{
    return ve_page != NO_PAGE && (gpa & ~(PAGE - 1)) == ve_page;
}

void ve_reset(void)
{
    if (ve_page != NO_PAGE)
        unarm();
    ve_area = NO_PAGE;
    if (supported)
        vmwrite(VE_INFO_ADDRESS, default_area_pa());
}
