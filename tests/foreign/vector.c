/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/vector.c — a foreign kernel aims hv/'s perturbation through QEMU's pc-testdev
 * port 0xE4 (docs/foreign-guests.md): it names its own stack page, then raises #BP (INT3)
 * and #UD (UD2) on that stack. Under hv/ the page is not present in EPT until its next EPT
 * violation, which happens while the CPU pushes the exception frame: a VM exit during event
 * delivery, with valid IDT-vectoring information (SDM 27.2.4), that the policy must
 * re-deliver. On a bare CPU the port does nothing. Each handler counts its calls. */
#include "tests/foreign/kernel.h"

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

/* On stack page `page`: name the page at port 0xE4, then raise the exception at once, with
 * no stack access in between, so the first access to the page is the exception frame. */
#define PERTURBED(insn, page)                                                                      \
    __asm__ volatile("movl %%esp, %%esi\n"                                                         \
                     "leal 4096(%0), %%esp\n"                                                      \
                     "movl %0, %%eax\n"                                                            \
                     "movw $0xe4, %%dx\n"                                                          \
                     "outl %%eax, %%dx\n" insn "\n"                                                \
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
