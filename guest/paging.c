/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/paging.c — taking one 4 KiB page out of the guest's own page tables.
 * lib/entry.S maps the first 4 GiB with 2 MiB pages; the 2 MiB page around the target is
 * split into 4 KiB pages once (SDM 4.5, Figure 4-8/4-9), then the one PTE's P bit is
 * cleared and the TLB entry flushed (SDM 4.10.4.1, INVLPG). User mode (guest/user.c) needs
 * U/S=1 in every entry of a translation (SDM 4.6.1); a split keeps the 2 MiB page's U/S. */
#include "guest/guest.h"
#include "lib/x86.h"

#define PTE_P   (1ul << 0)
#define PTE_RW  (1ul << 1)
#define PTE_US  (1ul << 2)
#define ADDR_4K 0x000ffffffffff000ul
#define PDE_PS  (1ul << 7)
#define SIZE_2M 0x200000ul

extern uint64_t boot_pd[4 * 512];
static uint64_t split_pt[512] __attribute__((aligned(4096)));
static uint64_t split_base = ~0ul;

static void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

uint64_t *guest_pte(uint64_t va)
{
    if ((va & ~(SIZE_2M - 1)) != split_base)
        return 0;
    return &split_pt[(va >> 12) & 511];
}

bool guest_page_set_present(uint64_t va, bool present)
{
    uint64_t base = va & ~(SIZE_2M - 1);
    if (split_base != base) {
        if (split_base != ~0ul || !(boot_pd[base / SIZE_2M] & PDE_PS))
            return false; /* one split region is all the scenarios need */
        uint64_t flags = boot_pd[base / SIZE_2M] & (PTE_P | PTE_RW | PTE_US);
        for (unsigned i = 0; i < 512; i++)
            split_pt[i] = (base + i * 4096ul) | flags;
        boot_pd[base / SIZE_2M] = (uint64_t)split_pt | flags;
        split_base = base;
        write_cr3(read_cr3());
    }
    uint64_t *pte = &split_pt[(va >> 12) & 511];
    *pte = present ? *pte | PTE_P : *pte & ~PTE_P;
    invlpg(va);
    return true;
}

bool guest_region_set_user(uint64_t va)
{
    uint64_t base = va & ~(SIZE_2M - 1);
    if (base >= 4 * 512 * SIZE_2M)
        return false; /* lib/entry.S maps the first 4 GiB */
    uint64_t *pml4 = (uint64_t *)(read_cr3() & ADDR_4K);
    uint64_t *pdpt = (uint64_t *)(pml4[0] & ADDR_4K);
    pml4[0] |= PTE_US;
    pdpt[base >> 30] |= PTE_US;
    boot_pd[base / SIZE_2M] |= PTE_US;
    if (split_base == base)
        for (unsigned i = 0; i < 512; i++)
            split_pt[i] |= PTE_US;
    write_cr3(read_cr3()); /* flushes the non-global TLB entries (SDM 4.10.4.1) */
    return true;
}
