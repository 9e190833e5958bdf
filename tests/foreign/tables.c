/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/tables.c — the test kernels' own GDT and IDT: a Multiboot loader leaves
 * GDTR and IDTR undefined (Multiboot 1 specification 3.2). */
#include "tests/foreign/kernel.h"

struct gate {
    uint16_t off_lo, sel;
    uint8_t zero, type; /* 0x8e: present 32-bit interrupt gate, DPL 0 (SDM 6.11) */
    uint16_t off_hi;
} __attribute__((packed));

static const uint64_t gdt[3] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
static struct gate idt[32];

void set_gate(unsigned v, void (*fn)(void))
{
    uint32_t a = (uint32_t)fn;
    idt[v] = (struct gate){(uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16)};
}

void load_tables(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) g = {sizeof(gdt) - 1, (uint32_t)gdt},
                              i = {sizeof(idt) - 1, (uint32_t)idt};
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: movw $0x10, %%ax\n"
                     "movw %%ax, %%ds\n"
                     "movw %%ax, %%es\n"
                     "movw %%ax, %%ss\n"
                     "lidt %1\n" ::"m"(g),
                     "m"(i)
                     : "eax", "memory");
}
