/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/paging.c — paging switched on and off by MOV to CR0 writes that also change
 * CR0.NE, so that under hv/ each one exits and hv/ emulates it (hv/cr_access.c): PAE paging
 * (the PDPTEs come from CR3, SDM 4.4.1) and IA-32e mode entered and left in compatibility
 * mode (EFER.LMA follows CR0.PG while EFER.LME = 1, SDM 9.8.5). Identity maps of the first
 * 1 GiB with 2 MiB pages; nothing may fault while they are on (the IDT has 32-bit gates). */
#include "tests/foreign/kernel.h"

#define CR0_PG    (1u << 31)
#define CR0_NE    (1u << 5)
#define CR4_PAE   (1u << 5)
#define EFER      0xc0000080u
#define EFER_LME  (1u << 8)
#define EFER_LMA  (1u << 10)
#define PDE_LARGE 0x83ull /* present, writable, 2 MiB page */

static uint64_t pd[512] __attribute__((aligned(4096)));
static uint64_t pdpt_pae[4] __attribute__((aligned(32)));
static uint64_t pdpt_64[512] __attribute__((aligned(4096)));
static uint64_t pml4[512] __attribute__((aligned(4096)));
static volatile uint32_t probe = 0x5eed;

static uint32_t rd_cr(int n)
{
    uint32_t v = 0;
    if (n == 0)
        __asm__ volatile("movl %%cr0, %0" : "=r"(v));
    else
        __asm__ volatile("movl %%cr4, %0" : "=r"(v));
    return v;
}

static void wr_cr0(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr0" ::"r"(v) : "memory");
}

static void wr_cr(uint32_t cr3, uint32_t cr4)
{
    __asm__ volatile("movl %0, %%cr3\n"
                     "movl %1, %%cr4" ::"r"(cr3),
                     "r"(cr4)
                     : "memory");
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo | (uint64_t)hi << 32;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void line(const char *what, uint32_t v)
{
    kputs("foreign: ");
    kputs(what);
    kputs(" ");
    kput_hex(v);
    kputs("\n");
}

void paging_test(void)
{
    for (unsigned i = 0; i < 512; i++)
        pd[i] = (uint64_t)i << 21 | PDE_LARGE;
    pdpt_pae[0] = (uint32_t)pd | 1; /* PAE PDPTE: present, no other flags */
    pdpt_64[0] = (uint32_t)pd | 3;  /* IA-32e: present, writable */
    pml4[0] = (uint32_t)pdpt_64 | 3;
    uint32_t cr0 = rd_cr(0), cr4 = rd_cr(4);

    wr_cr((uint32_t)pdpt_pae, cr4 | CR4_PAE);
    wr_cr0((cr0 | CR0_PG) & ~CR0_NE); /* PAE paging on, NE off: one write */
    uint32_t seen = probe;
    line("PAE paging: CR0.PG", rd_cr(0) & CR0_PG);
    line("PAE paging: read through the identity map", seen);
    wr_cr0(cr0 | CR0_NE); /* paging off, NE on */
    line("PAE paging off: CR0.PG", rd_cr(0) & CR0_PG);

    wrmsr(EFER, rdmsr(EFER) | EFER_LME);
    wr_cr((uint32_t)pml4, cr4 | CR4_PAE);
    wr_cr0((cr0 | CR0_PG) & ~CR0_NE); /* IA-32e mode on: compatibility mode */
    uint32_t efer_on = (uint32_t)rdmsr(EFER);
    seen = probe;
    wr_cr0(cr0 | CR0_NE); /* IA-32e mode off */
    uint32_t efer_off = (uint32_t)rdmsr(EFER);
    wrmsr(EFER, efer_off & ~EFER_LME);
    wr_cr(0, cr4);
    line("IA-32e mode: EFER.LMA", efer_on & EFER_LMA);
    line("IA-32e mode: read through the identity map", seen);
    line("IA-32e mode off: EFER.LMA", efer_off & EFER_LMA);
}
