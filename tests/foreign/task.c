/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/task.c — hardware task switches (JMP to a TSS selector, SDM 7.3): task A
 * JMPs to task B, B JMPs back (JMP clears the old busy flag and sets the new one, so each
 * can be entered again), then A turns paging on and JMPs to B once more. A bare CPU performs
 * all three; under hv/ every task switch exits (SDM 25.4.2): hv/ emulates the first two
 * (hv/task_switch.c) and refuses the one with guest paging on, ending the run saying so. */
#include "tests/foreign/kernel.h"

#define SEL_TSS_A 0x18
#define SEL_TSS_B 0x20

static uint64_t gdt[5] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
static uint32_t tss_a[26], tss_b[26]; /* 32-bit TSS, SDM 7.2.1 */
static uint8_t task_b_stack[4096] __attribute__((aligned(16)));
static uint32_t page_dir[1024] __attribute__((aligned(4096))); /* 4 MiB pages, SDM 4.3 */
static volatile int paging_on;

static uint64_t tss_descriptor(const uint32_t *tss)
{
    uint64_t base = (uint32_t)tss, limit = 0x67;
    return (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 /* P, 32-bit TSS */ |
           (base >> 24) << 56;
}

static void task_b(void)
{
    for (;;) { /* a JMP back to this task resumes after its own JMP to A */
        kputs(paging_on ? "foreign: in task B with paging on\n"
                        : "foreign: in task B after a task switch\n");
        if (paging_on)
            kexit(0);
        __asm__ volatile("ljmp %0, $0" ::"i"(SEL_TSS_A));
    }
}

/* Identity-map 4 GiB with 4 MiB pages (CR4.PSE, SDM 4.3) and set CR0.PG. */
static void paging_enable(void)
{
    for (uint32_t i = 0; i < 1024; i++)
        page_dir[i] = (i << 22) | 0x83; /* P, R/W, PS */
    __asm__ volatile("movl %%cr4, %%eax\n"
                     "orl $0x10, %%eax\n" /* PSE */
                     "movl %%eax, %%cr4\n"
                     "movl %0, %%cr3\n"
                     "movl %%cr0, %%eax\n"
                     "orl $0x80000000, %%eax\n"
                     "movl %%eax, %%cr0\n" ::"r"(page_dir)
                     : "eax", "memory");
    tss_b[7] = (uint32_t)page_dir; /* the switch loads CR3 from the TSS (SDM 7.3 step 12) */
    paging_on = 1;
}

void task_test(void)
{
    gdt[3] = tss_descriptor(tss_a);
    gdt[4] = tss_descriptor(tss_b);
    tss_b[7] = 0;                                                     /* CR3: paging is off */
    tss_b[8] = (uint32_t)task_b;                                      /* EIP */
    tss_b[9] = 2;                                                     /* EFLAGS */
    tss_b[14] = (uint32_t)(task_b_stack + 4096);                      /* ESP */
    tss_b[18] = tss_b[20] = tss_b[21] = tss_b[22] = tss_b[23] = 0x10; /* ES, SS, DS, FS, GS */
    tss_b[19] = 0x08;                                                 /* CS */
    tss_a[25] = tss_b[25] = 0x68u << 16;                              /* no I/O permission bitmap */
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) g = {sizeof(gdt) - 1, (uint32_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: movw $0x10, %%ax\n"
                     "movw %%ax, %%ds\n"
                     "movw %%ax, %%es\n"
                     "movw %%ax, %%ss\n"
                     "movw %1, %%ax\n"
                     "ltr %%ax\n" ::"m"(g),
                     "i"(SEL_TSS_A)
                     : "eax", "memory");
    kputs("foreign: JMP to a TSS\n");
    __asm__ volatile("ljmp %0, $0" ::"i"(SEL_TSS_B));
    kputs("foreign: back in task A\n");
    paging_enable();
    kputs("foreign: paging on, JMP to a TSS\n");
    __asm__ volatile("ljmp %0, $0" ::"i"(SEL_TSS_B));
    kputs("foreign: the task switch returned\n");
}
