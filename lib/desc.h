/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/desc.h — GDT, 64-bit TSS with IST stacks and IDT (SDM 7.7, 6.14). The selectors are
 * usable from assembly too (guest/compat.S, guest/pm32_entry.S); the rest is C only. */
#ifndef LIB_DESC_H
#define LIB_DESC_H

#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_TSS    0x18
/* User segments (DPL 3), in the order SYSRET expects them (SDM Vol. 2, SYSRET: SS from
 * STAR[63:48]+8, 64-bit CS from STAR[63:48]+16); selectors carry RPL 3. */
#define SEL_USER_BASE 0x23
#define SEL_USER_DATA 0x2b
#define SEL_USER_CODE 0x33
/* guest/ only, hv/ never loads them: a 32-bit code segment (L=0, D=1) for IA-32e
 * compatibility mode (SDM 5.2.1), a data segment with P=0 (#NP on a load, SDM 3.4.5), and
 * a second 64-bit TSS descriptor for a TSS with a shorter limit (SDM 7.2.3, guest/tss.c). */
#define SEL_CODE32    0x38
#define SEL_DATA_NP   0x40
#define SEL_TSS_SHORT 0x48

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t ist[8]; /* ist[1..7]; ist[0] is the reserved quadword before IST1 (SDM Figure 7-11) */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 104, "SDM 7.7: 64-bit TSS is 104 bytes");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Registers saved by lib/traps.S, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error; /* error is 0 for vectors that push none */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* The TSS and the GDT each own a whole page, as the IDT does, so that a scenario can make
 * exactly one of them not present and catch the delivery that reads it (docs/cases.md, "Forcing an
 * exit during delivery"). */
union tss_page {
    struct tss64 tss;
    uint8_t page[4096];
};
extern union tss_page tss_page;

/* Loads a fresh GDT (code, data, TSS, user data, user code, 32-bit code, not-present data,
 * short TSS), reloads the segment registers and TR. */
void gdt_init(void);
/* Writes the 16-byte descriptor of an available 64-bit TSS (type 9) at GDT selector `sel`
 * with the given base and limit (SDM 7.2.3); the caller loads it with LTR. */
void gdt_set_tss(uint16_t sel, uint64_t base, uint32_t limit);
/* The first 8 bytes of a system-segment (TSS) descriptor: base 31:0, limit 19:0, the access
 * byte (P, DPL, type), G = 0 (SDM 3.5, 7.2.2; a 64-bit TSS descriptor adds base 63:32, 7.2.3). */
uint64_t desc_system_low(uint64_t base, uint32_t limit, uint8_t access);
/* Fills all 256 IDT gates with the stubs of lib/traps.S and loads IDTR. */
void idt_init(void);
void idt_set_ist(uint8_t vector, unsigned ist);
unsigned idt_get_ist(uint8_t vector);
void idt_set_present(uint8_t vector, bool present);
/* The gate's DPL: INT n from CPL3 needs DPL 3, else #GP(n*8+2) (SDM 6.12.1.1). */
void idt_set_dpl(uint8_t vector, unsigned dpl);
unsigned idt_get_dpl(uint8_t vector);
uint64_t gdt_base(void);
uint64_t idt_base(void);
uint64_t tss_base(void);

/* Each image defines what a trap does. */
void trap_handler(struct trap_frame *f);

/* An IRET to the next instruction, same CPL and stack: it ends blocking by NMI (SDM 6.7.1).
 * hv/ after an NMI exit (hv/nmi.c), the guest before each row of a batch (guest/reset.c). */
static inline void iret_to_self(void)
{
    __asm__ volatile("movq %%rsp, %%rax\n\t"
                     "pushq %[ss]\n\t"
                     "pushq %%rax\n\t"
                     "pushfq\n\t"
                     "pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n\t"
                     "1:" ::[ss] "i"(SEL_DATA),
                     [cs] "i"(SEL_CODE64)
                     : "rax", "memory", "cc");
}

#endif /* __ASSEMBLER__ */

#endif
