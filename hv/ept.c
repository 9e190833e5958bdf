/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/ept.c — the EPT map of guest memory (SDM 28.2) and the "not present until the next
 * EPT violation" perturbation.
 *
 * Guest RAM is mapped with 4 KiB pages so that one page (a handler's stack, the IDT, ...)
 * can be taken away alone. The local-APIC page is passed through uncached so that the
 * guest's self-IPIs reach the CPU's real local APIC. */
#include "hv/hv.h"
#include "hv/vmx_ops.h"
#include "lib/hypercall_abi.h"
#include "lib/string.h"

#define PAGE      4096ul
#define EPT_R     (1ul << 0)
#define EPT_W     (1ul << 1)
#define EPT_X     (1ul << 2)
#define EPT_RWX   (EPT_R | EPT_W | EPT_X)
#define EPT_MT_UC (0ul << 3) /* SDM 28.2.2, Table 28-6: memory type in bits 5:3 of a leaf entry */
#define EPT_MT_WB (6ul << 3)
/* SDM 25.5.7.1: an EPT violation is convertible to #VE only when bit 63 of the leaf or
 * not-present entry is 0 */
#define EPT_SUPPRESS_VE (1ul << 63)
#define EPTP_WB         6ul        /* SDM 24.6.11: paging-structure memory type */
#define EPTP_WALK_4     (3ul << 3) /* page-walk length minus one */
#define APIC_GPA        0xfee00000ul
#define MAX_ARMED       8

typedef uint64_t ept_table[512] __attribute__((aligned(PAGE)));

static ept_table pml4, pdpt, pd_low, pd_apic, pt_apic;
static ept_table pt_ram[GUEST_RAM_MAX / (512 * PAGE)];
uint64_t guest_ram_size = 0x1000000ul;
static uint64_t eptp;
static uint64_t armed[MAX_ARMED];
static unsigned n_armed;
static struct {
    bool armed;
    uint64_t gpa, value;
} on_fault_write;

static unsigned idx(uint64_t gpa, unsigned level)
{
    return (gpa >> (12 + 9 * level)) & 511;
}

/* Every entry starts not present with "suppress #VE" set: a not-present entry's bit 63
 * decides whether a violation there is convertible (SDM 25.5.7.1), and hv/ converts none
 * but the page a #VE row asks for (hv/ve.c). Bit 63 of an entry that references another
 * table is ignored, so present non-leaf entries go without it. */
static void ept_fill_suppress(uint64_t *t)
{
    for (unsigned i = 0; i < 512; i++)
        t[i] = EPT_SUPPRESS_VE;
}

uint64_t ept_build(void)
{
    ept_fill_suppress(pml4);
    ept_fill_suppress(pdpt);
    ept_fill_suppress(pd_low);
    ept_fill_suppress(pd_apic);
    ept_fill_suppress(pt_apic);
    pml4[0] = (uint64_t)pdpt | EPT_RWX;
    pdpt[0] = (uint64_t)pd_low | EPT_RWX;
    for (unsigned t = 0; t < GUEST_RAM_SIZE / (512 * PAGE); t++) {
        pd_low[t] = (uint64_t)pt_ram[t] | EPT_RWX;
        for (unsigned i = 0; i < 512; i++)
            pt_ram[t][i] =
                (GUEST_RAM_HPA + (t * 512ul + i) * PAGE) | EPT_RWX | EPT_MT_WB | EPT_SUPPRESS_VE;
    }
    pdpt[idx(APIC_GPA, 2)] = (uint64_t)pd_apic | EPT_RWX;
    pd_apic[idx(APIC_GPA, 1)] = (uint64_t)pt_apic | EPT_RWX;
    pt_apic[idx(APIC_GPA, 0)] = APIC_GPA | EPT_R | EPT_W | EPT_MT_UC | EPT_SUPPRESS_VE;
    eptp = (uint64_t)pml4 | EPTP_WALK_4 | EPTP_WB;
    return eptp;
}

bool ept_gpa_is_ram(uint64_t gpa, uint64_t len)
{
    return gpa < GUEST_RAM_SIZE && len <= GUEST_RAM_SIZE - gpa;
}

void *gpa_to_hva(uint64_t gpa)
{
    return (void *)(GUEST_RAM_HPA + gpa);
}

static uint64_t *ram_pte(uint64_t gpa)
{
    return &pt_ram[gpa / (512 * PAGE)][idx(gpa, 0)];
}

/* Every page of [gpa, gpa + len) present in EPT: none taken away by a perturbation
 * (ept_unmap_until_fault()) or for #VE (ept_set_convertible()). RAM assumed. */
bool ept_gpa_present(uint64_t gpa, uint64_t len)
{
    for (uint64_t p = gpa & ~(PAGE - 1); p < gpa + len; p += PAGE)
        if (!(*ram_pte(p) & EPT_RWX)) /* SDM 28.2.2: not present when bits 2:0 are 0 */
            return false;
    return true;
}

long ept_unmap_until_fault(uint64_t gpa)
{
    if ((gpa & (PAGE - 1)) || !ept_gpa_is_ram(gpa, PAGE))
        return HC_EINVAL;
    if (ept_is_armed(gpa))
        return HC_OK;
    /* the #VE page (hv/ve.c) is not present already and goes back with HC_VE_MAP or its
     * not-converted exit, which would disarm this perturbation silently: one kind per page */
    if (n_armed == MAX_ARMED || ve_holds(gpa))
        return HC_EBUSY;
    armed[n_armed++] = gpa;
    *ram_pte(gpa) &= ~EPT_RWX; /* SDM 28.2.2: not present when bits 2:0 are 0 */
    invept_single_context(eptp);
    return HC_OK;
}

long ept_on_fault_write(uint64_t gpa, uint64_t value)
{
    if ((gpa & 7) || !ept_gpa_is_ram(gpa, 8))
        return HC_EINVAL;
    if (on_fault_write.armed)
        return HC_EBUSY;
    on_fault_write.armed = true;
    on_fault_write.gpa = gpa;
    on_fault_write.value = value;
    return HC_OK;
}

/* An HC_EPT_UNMAP_UNTIL_FAULT perturbation waits on this page (hv/ve.c refuses it as the
 * #VE page). */
bool ept_is_armed(uint64_t gpa)
{
    for (unsigned i = 0; i < n_armed; i++)
        if (armed[i] == (gpa & ~(PAGE - 1)))
            return true;
    return false;
}

bool ept_fault_restore(uint64_t gpa)
{
    gpa &= ~(PAGE - 1);
    for (unsigned i = 0; i < n_armed; i++) {
        if (armed[i] != gpa)
            continue;
        armed[i] = armed[--n_armed];
        *ram_pte(gpa) |= EPT_RWX;
        invept_single_context(eptp);
        if (on_fault_write.armed) { /* hv/ memory writes do not go through EPT */
            *(volatile uint64_t *)gpa_to_hva(on_fault_write.gpa) = on_fault_write.value;
            on_fault_write.armed = false;
        }
        return true;
    }
    return false;
}

/* #VE (hv/ve.c): `away` makes the page not present with "suppress #VE" clear, so that an
 * access to it is a convertible EPT violation (SDM 25.5.7.1); else it is present again with
 * "suppress #VE" set, as every page starts. */
void ept_set_convertible(uint64_t gpa, bool away)
{
    uint64_t *pte = ram_pte(gpa);
    if (away)
        *pte &= ~(EPT_RWX | EPT_SUPPRESS_VE); /* SDM 28.2.2: not present when bits 2:0 are 0 */
    else
        *pte |= EPT_RWX | EPT_SUPPRESS_VE;
    invept_single_context(eptp);
}

/* A new row (hv/rows.c): every page still taken away is mapped again, and a pending
 * HC_ON_FAULT_WRITE is forgotten. */
void ept_restore_all(void)
{
    for (unsigned i = 0; i < n_armed; i++)
        *ram_pte(armed[i]) |= EPT_RWX;
    n_armed = 0;
    on_fault_write.armed = false;
    invept_single_context(eptp);
}
