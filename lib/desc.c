/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/desc.c — GDT with a 64-bit TSS, and an IDT of interrupt gates (SDM 6.14.1, 7.2.3). */
#include "lib/desc.h"

union tss_page tss_page __attribute__((aligned(4096)));

#define GDT_ENTRIES 11
static uint64_t gdt[4096 / 8] __attribute__((aligned(4096))); /* a page of its own */

struct idt_gate {
    uint16_t offset0;
    uint16_t selector;
    uint8_t ist;  /* bits 2:0 (SDM Figure 6-8) */
    uint8_t type; /* P | DPL | 0 | type */
    uint16_t offset1;
    uint32_t offset2;
    uint32_t reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(4096)));

extern const char trap_stubs[]; /* 256 stubs, 16 bytes apart (lib/traps.S) */

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

void gdt_init(void)
{
    struct tss64 *tss = &tss_page.tss;
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
    gdt[2] = 0x00cf92000000ffffull; /* data */
    gdt_set_tss(SEL_TSS, (uint64_t)tss, sizeof(*tss) - 1);
    /* DPL 3 data and 64-bit code (SDM 3.4.5, 5.2.1: L=1, D=0 for 64-bit code) for guest/'s
     * user mode; hv/ never loads them. */
    gdt[5] = 0x00cff2000000ffffull; /* SEL_USER_DATA */
    gdt[6] = 0x00affa000000ffffull; /* SEL_USER_CODE */
    gdt[7] = 0x00cf9a000000ffffull; /* SEL_CODE32: L=0, D=1, DPL 0 (SDM 5.2.1) */
    gdt[8] = 0x00cf12000000ffffull; /* SEL_DATA_NP: as data, P=0 (SDM 3.4.5) */
    gdt_set_tss(SEL_TSS_SHORT, (uint64_t)tss, sizeof(*tss) - 1); /* guest/tss.c shortens it */
    tss->iomap_base = sizeof(*tss);

    struct desc_ptr p = {GDT_ENTRIES * 8 - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3\n\t"
                     :
                     : "m"(p), "i"(SEL_CODE64), "r"(SEL_DATA), "r"(SEL_TSS)
                     : "rax", "memory");
}

uint64_t desc_system_low(uint64_t base, uint32_t limit, uint8_t access)
{
    return (limit & 0xffff) | ((base & 0xffffff) << 16) | ((uint64_t)access << 40) |
           ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
}

void gdt_set_tss(uint16_t sel, uint64_t base, uint32_t limit)
{
    /* 64-bit available TSS (type 9), SDM 7.2.3 */
    gdt[sel / 8] = desc_system_low(base, limit, 0x89);
    gdt[sel / 8 + 1] = base >> 32;
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)(trap_stubs + 16 * v);
        idt[v] = (struct idt_gate){
            .offset0 = (uint16_t)a,
            .selector = SEL_CODE64,
            .type = GATE_INTERRUPT,
            .offset1 = (uint16_t)(a >> 16),
            .offset2 = (uint32_t)(a >> 32),
        };
    }
    struct desc_ptr p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(p) : "memory");
}

void idt_set_ist(uint8_t vector, unsigned ist)
{
    idt[vector].ist = ist & 7;
}

unsigned idt_get_ist(uint8_t vector)
{
    return idt[vector].ist & 7;
}

void idt_set_present(uint8_t vector, bool present)
{
    idt[vector].type = present ? GATE_INTERRUPT : (GATE_INTERRUPT & 0x7f);
}

#define GATE_DPL_SHIFT 5 /* type byte bits 6:5 (SDM Figure 6-8) */

void idt_set_dpl(uint8_t vector, unsigned dpl)
{
    idt[vector].type =
        (uint8_t)((idt[vector].type & ~(3u << GATE_DPL_SHIFT)) | ((dpl & 3) << GATE_DPL_SHIFT));
}

unsigned idt_get_dpl(uint8_t vector)
{
    return (idt[vector].type >> GATE_DPL_SHIFT) & 3;
}

uint64_t gdt_base(void)
{
    return (uint64_t)gdt;
}

uint64_t idt_base(void)
{
    return (uint64_t)idt;
}

uint64_t tss_base(void)
{
    return (uint64_t)&tss_page.tss;
}
