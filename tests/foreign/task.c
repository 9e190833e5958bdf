/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/task.c — a hardware task switch (JMP to a TSS selector, SDM 7.3): a bare CPU
 * performs it; hv/ does not emulate it and must end the run saying so (SDM 25.4.2: a task
 * switch in VMX non-root operation always exits). */
#include "tests/foreign/kernel.h"

#define SEL_TSS_A 0x18
#define SEL_TSS_B 0x20

static uint64_t gdt[5] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
static uint32_t tss_a[26], tss_b[26]; /* 32-bit TSS, SDM 7.2.1 */
static uint8_t task_b_stack[4096] __attribute__((aligned(16)));

static uint64_t tss_descriptor(const uint32_t *tss)
{
    uint64_t base = (uint32_t)tss, limit = 0x67;
    return (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 /* P, 32-bit TSS */ |
           (base >> 24) << 56;
}

static void task_b(void)
{
    kputs("foreign: in task B after a task switch\n");
    kexit(0);
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
    kputs("foreign: the task switch returned\n");
}
