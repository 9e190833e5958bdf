/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/program_ops.c — the ops of generated scenarios (docs/fuzz.md): each raises one event
 * the way the hand-written rows do, optionally right after STI or MOV SS, so that the
 * instruction runs in that one-instruction shadow (SDM Vol. 2B STI and MOV; SDM 6.8.3).
 * A fault resumes at the fixup after its instruction (EXTABLE). */
#include "guest/guest.h"
#include "guest/inject.h"
#include "guest/program.h"
#include "lib/x86.h"

/* The instruction after SETUP runs bare, in an STI shadow ('+': IF=1 until the CLI after
 * it, so a pending interrupt arrives after the instruction or its handler), or in a MOV SS
 * shadow ('~': interrupts and debug exceptions held for one instruction, SDM 6.8.3). */
#define SHADOWED(shadow, SETUP, INSN, ...)                                                         \
    do {                                                                                           \
        if ((shadow) == '+')                                                                       \
            __asm__ volatile(SETUP "sti\n\t" INSN "nop\n\tcli\n\t" __VA_ARGS__);                   \
        else if ((shadow) == '~')                                                                  \
            __asm__ volatile("mov %%ss, %%r8d\n\t" SETUP "mov %%r8d, %%ss\n\t" INSN __VA_ARGS__);  \
        else                                                                                       \
            __asm__ volatile(SETUP INSN __VA_ARGS__);                                              \
    } while (0)

#define FAULTING(insn) "1: " insn "\n\t2:\n\t" EXTABLE(1b, 2b)

/* #GP(0): a load at a non-canonical address (SDM 3.3.7.1); #PF: a load at 4 GiB, which the
 * guest's page tables do not map (SDM 4.7). */
static void op_load(char shadow, uint64_t address)
{
    SHADOWED(shadow, "", FAULTING("movq (%0), %%rcx"), : : "r"(address) : "rcx", "r8", "memory");
}

static void op_ud(char shadow)
{
    SHADOWED(shadow, "", FAULTING("ud2"), : : : "r8", "memory");
}

/* #DE: DIV by zero (SDM 6.15 "Interrupt 0"). */
static void op_de(char shadow)
{
    SHADOWED(shadow, "xorl %%edx, %%edx\n\txorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\t",
             FAULTING("divl %%ecx"),
             :
             :
             : "rax", "rcx", "rdx", "r8", "memory", "cc");
}

static void op_int3(char shadow)
{
    SHADOWED(shadow, "", "int3\n\t", : : : "r8", "memory");
}

/* INT n takes an immediate: one case per vector of the set the grammar allows. */
static void op_int_n(char shadow, uint8_t vector)
{
    switch (vector) {
#define INT_N(v)                                                                                   \
    case v:                                                                                        \
        SHADOWED(shadow, "", "int $" #v "\n\t", : : : "r8", "memory");                             \
        break;
        PROGRAM_INT_N_VECTORS(INT_N)
#undef INT_N
    }
}

/* Single-step: TF set by POPF traps after the next instruction (SDM 17.3.1.4). */
static void op_single_step(char shadow)
{
    SHADOWED(shadow, "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t", "nop\n\tnop\n\t",
             :
             :
             : "r8", "memory", "cc");
}

/* A data breakpoint (DR0, write, 8 bytes; SDM 17.2.4, 17.2.5): a trap after the store. */
static volatile uint64_t watched __attribute__((aligned(8)));

static void op_data_bp(char shadow)
{
    __asm__ volatile("mov %0, %%dr0\n\t"
                     "mov %1, %%dr7\n\t" ::"r"(&watched),
                     "r"(0x1ul | 1ul << 16 | 2ul << 18 | 0x400ul) /* L0, R/W0 write, LEN0 8 */
                     : "memory");
    SHADOWED(shadow, "", "movq $1, (%0)\n\tnop\n\t", : : "r"(&watched) : "r8", "memory");
    __asm__ volatile("mov %0, %%dr7" ::"r"(0x400ul) : "memory");
}

/* With the interrupt pending, open windows: the first right after the STI shadow. */
static void op_interrupt_window(void)
{
    __asm__ volatile("sti\n\tnop\n\tcli" ::: "memory");
    for (unsigned i = 0; i < 100; i++)
        __asm__ volatile("sti; nop; cli" ::: "memory");
}

static void op_nmi(void)
{
    apic_self_nmi();
    for (unsigned i = 0; i < 200; i++) /* a late NMI would land here */
        __asm__ volatile("nop" ::: "memory");
}

/* hv/ injects (tests/injected.c has one row per type): #GP(0x0010), #PF(write) with CR2 =
 * 0xdead000, NMI, INT3 (length 1), INT 0x80 (length 2), with NOPs at RIP. */
static void op_inject(char what)
{
    switch (what) {
    case 'g':
        guest_inject(0x80000b0du, 0x0010, 0);
        break;
    case 'p':
        guest_inject(0x80000b0eu, 0x0002, 0xdead000);
        break;
    case 'n':
        guest_inject(0x80000202u, 0, 0);
        break;
    case 'b':
        guest_inject(0x80000603u, INJECT_LEN(1), 0);
        break;
    default:
        guest_inject(0x80000480u, INJECT_LEN(2), 0);
        break;
    }
}

void program_op_run(const struct program_op *op)
{
    switch (op->kind) {
    case 'g':
        op_load(op->shadow, 0x8000000000000000ull);
        break;
    case 'p':
        op_load(op->shadow, 0x100000000ull);
        break;
    case 'u':
        op_ud(op->shadow);
        break;
    case 'd':
        op_de(op->shadow);
        break;
    case 'b':
        op_int3(op->shadow);
        break;
    case 'n':
        op_int_n(op->shadow, op->arg);
        break;
    case 's':
        op_single_step(op->shadow);
        break;
    case 'w':
        op_data_bp(op->shadow);
        break;
    case 'i':
        apic_self_ipi_pending(op->arg);
        op_interrupt_window();
        break;
    case 'q': /* pending with IF=0 until a later window or STI shadow */
        apic_self_ipi_pending(op->arg);
        break;
    case 'm':
        op_nmi();
        break;
    case 't': /* CR8 = TPR[7:4]: interrupts of that priority class and below wait (SDM 10.8.6) */
        __asm__ volatile("mov %0, %%cr8" ::"r"((uint64_t)op->arg) : "memory");
        break;
    case 'x':
        op_inject((char)op->arg);
        break;
    }
}
