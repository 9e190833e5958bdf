/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/guest.h — the test-kernel runtime that scenarios (tests/) build on. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/hypercall_abi.h"

/* IST slots (TSS.IST1..7). The victim stack is the one a scenario makes not-present. */
enum {
    IST_NONE = 0,
    IST_VICTIM = 1, /* one 4 KiB page, guest_victim_stack_page() */
    IST_DF = 2,
    IST_NMI = 3,
    IST_MC = 4,
};

/* --- environment and hypercalls (no-ops on a bare CPU) --- */
bool hv_present(void);
long hypercall(enum hypercall nr, uint64_t a0, uint64_t a1);
/* Makes guest-physical page `gpa` not present in EPT until its next EPT violation.
 * Returns HC_OK, or HC_ENOSYS on a bare CPU where there is nothing to perturb. */
long hv_ept_unmap_until_fault(uint64_t gpa);

uint64_t guest_victim_stack_page(void);
/* Sets or clears the present bit of the guest's own mapping of the page at `va`. */
bool guest_page_set_present(uint64_t va, bool present);
/* The 4 KiB PTE of `va` once its 2 MiB region was split by guest_page_set_present(), else
 * NULL. Guest-physical = guest-virtual: the pointer is also the PTE's guest-physical address. */
uint64_t *guest_pte(uint64_t va);
long hv_intercept_exception(uint8_t vector, bool on);

/* --- QEMU's pc-testdev, the backend without hv/ (guest/testdev.c) --- */
/* pc-testdev answers (port 0xE0 reads back) and hv/ is absent. */
bool testdev_present(void);
/* Writes `gpa` (page-aligned, below 64 MiB) to port 0xE4: under KVM the next access to the
 * page exits. HC_OK, HC_EINVAL, or HC_ENOSYS without pc-testdev. */
long testdev_take_page(uint64_t gpa);
/* Prints `PCTESTDEV writes=<n>` when pc-testdev is present (docs/protocol.md). */
void testdev_report(void);

/* --- user mode (CPL3), guest/user.c --- */
/* Runs fn at CPL3 (user CS and SS, DPL 3) on a one-page user stack with RFLAGS = rflags (bit 1
 * is set for the caller; IOPL, IF, AC, TF are the caller's: 0 means IOPL 0 and IF=0), and
 * returns at CPL0 when fn returns (fn returns into SYSCALL). Events from CPL3 are recorded
 * as any other (EV cs=0x33); a fault resumes at its EXTABLE fixup, at CPL3. The guest image
 * is user-accessible (U/S=1) while and after it runs; the rest of memory stays supervisor. */
void guest_run_user(void (*fn)(void), uint64_t rflags);
/* The one-page stack of TSS.RSP0 (PAGE_RSP0). */
uint64_t guest_rsp0_stack_page(void);
/* Sets U/S in every paging-structure entry that maps the 2 MiB region of `va` (SDM 4.6.1). */
bool guest_region_set_user(uint64_t va);
/* A supervisor-only address: user accesses to it raise #PF with U/S and P set (SDM 4.7). */
#define GUEST_SUPERVISOR_VA 0x200000ul

/* --- IA-32e compatibility mode, guest/compat.S --- */
/* Calls fn32, 32-bit code (.code32, a near RET at its end), in compatibility mode (CS =
 * SEL_CODE32, L=0 D=1) on a one-page 32-bit stack, and returns in 64-bit mode with the
 * caller's stack, segment registers, callee-saved registers and RFLAGS. fn32 may use
 * every 32-bit register and must lie below 4 GiB (the guest image does). Entering the mode
 * loads CS, SS and DS from the GDT, which uses up a one-shot perturbation of the GDT page. Events
 * it raises are delivered through the 64-bit IDT (SDM 6.14) and recorded with cs=0x38; a fault
 * resumes at its EXTABLE fixup. */
void guest_run_compat(void (*fn32)(void));

/* --- a TSS with a short limit, guest/tss.c --- */
/* Loads TR with the guest's TSS under a limit of `limit` (SDM 7.2.3): a delivery that reads
 * a stack pointer beyond it raises #TS. guest_tss_restore() loads the full TSS again. */
void guest_tss_short(uint32_t limit);
void guest_tss_restore(void);

/* --- checks, kvm-unit-tests style --- */
void report(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the run: prints the trace, SUMMARY and the one `Test result:` line. */
__attribute__((noreturn)) void guest_finish(const char *result, const char *reason);

/* --- exception fixups: "run this instruction; if it faults, continue at fixup" --- */
#define EXTABLE(insn, fixup)                                                                       \
    ".pushsection .extable, \"a\"\n\t.quad " #insn ", " #fixup "\n\t.popsection\n\t"

/* --- local APIC (xAPIC MMIO, SDM 10.4 and 10.6) --- */
#define APIC_BASE   0xfee00000ul
#define APIC_TPR    0x080
#define APIC_EOI    0x0b0
#define APIC_SVR    0x0f0
#define APIC_ISR    0x100
#define APIC_IRR    0x200
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310

void apic_init(void);
void apic_self_ipi(uint8_t vector);
/* Sends the IPI with IF=0 and waits until it is pending in IRR; ends the run as ERROR if it
 * never gets there (the scenario would test nothing). */
void apic_self_ipi_pending(uint8_t vector);
void apic_self_nmi(void);
bool apic_irr_set(uint8_t vector);
bool apic_isr_set(uint8_t vector);
void apic_eoi(void);
/* Task priority (SDM 10.8.3.1): interrupts whose class (vector >> 4) is not above the
 * class of TPR stay pending in IRR. */
void apic_set_tpr(uint8_t tpr);
/* The highest vector in service, or 0 when none (for the trace, guest/trace.c). */
uint8_t apic_isr_highest(void);
/* The highest vector pending in IRR, or 0 when none. */
uint8_t apic_irr_highest(void);

#endif
