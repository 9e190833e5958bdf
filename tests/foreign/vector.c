/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/vector.c — a foreign kernel aims hv/'s perturbation through QEMU's pc-testdev
 * port 0xE4 (docs/foreign-guests.md): it names its own stack page, then raises #BP (INT3)
 * and #UD (UD2) on that stack. Under hv/ the page is not present in EPT until its next EPT
 * violation, which happens while the CPU pushes the exception frame: a VM exit during event
 * delivery, with valid IDT-vectoring information (SDM 27.2.4), that the policy must
 * re-deliver. On a bare CPU the port does nothing. Each handler counts its calls. */
#include "tests/foreign/kernel.h"

struct gate {
    uint16_t off_lo, sel;
    uint8_t zero, type; /* 0x8e: present 32-bit interrupt gate, DPL 0 (SDM 6.11) */
    uint16_t off_hi;
} __attribute__((packed));

static const uint64_t gdt[3] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
static struct gate idt[32];
static uint8_t stacks[2][4096] __attribute__((aligned(4096)));
volatile uint32_t bp_count, ud_count;

void bp_entry(void);
void ud_entry(void);
__asm__(".text\n"
        "bp_entry: incl bp_count\n"
        "    iret\n"
        "ud_entry: incl ud_count\n"
        "    addl $2, (%esp)\n" /* past UD2 */
        "    iret\n");

static void set_gate(unsigned v, void (*fn)(void))
{
    uint32_t a = (uint32_t)fn;
    idt[v] = (struct gate){(uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16)};
}

static void load_tables(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) g = {sizeof(gdt) - 1, (uint32_t)gdt}, i = {sizeof(idt) - 1,
                                                                         (uint32_t)idt};
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

/* On stack page `page`: name the page at port 0xE4, then raise the exception at once, with
 * no stack access in between, so the first access to the page is the exception frame. */
#define PERTURBED(insn, page)                                                                      \
    __asm__ volatile("movl %%esp, %%esi\n"                                                         \
                     "leal 4096(%0), %%esp\n"                                                      \
                     "movl %0, %%eax\n"                                                            \
                     "movw $0xe4, %%dx\n"                                                          \
                     "outl %%eax, %%dx\n" insn "\n"                                               \
                     "movl %%esi, %%esp\n" ::"r"(page)                                             \
                     : "eax", "edx", "esi", "memory")

void vector_test(void)
{
    load_tables();
    set_gate(3, bp_entry);
    set_gate(6, ud_entry);
    PERTURBED("int3", stacks[0]);
    PERTURBED("ud2", stacks[1]);
    kputs("foreign: #BP handler ran ");
    kput_dec(bp_count);
    kputs(" time(s), #UD handler ran ");
    kput_dec(ud_count);
    kputs(" time(s)\n");
}
