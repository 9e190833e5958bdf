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

/* --- virtualization exceptions, guest/ve.c (docs/adding-a-scenario.md, "#VE") --- */
/* The page whose access raises #VE once HC_VE_ARM took it away; it holds `pattern` in its
 * first 8 bytes. */
extern uint8_t guest_ve_page[4096];
/* Clears the information area, fills the page, and asks hv/ (HC_VE_ARM) to make the page
 * not present with "suppress #VE" clear. HC_OK, HC_ENOTSUP (the CPU model lacks the
 * control; hv/ printed `hv: UNSUPPORTED`), HC_ENOSYS on a bare CPU. */
long guest_ve_arm(uint64_t pattern);
/* HC_VE_ARM once more, after the first #VE was handled (or lost): the page and the area as
 * they are, offset 4 not cleared here — only the #VE handler clears it (SDM 25.5.7.1). */
long guest_ve_arm_again(void);
/* The per-row reset (guest/reset.c): the information area, in .noreset, is zeroed, so that
 * no row sees what an earlier row's #VE wrote there. */
void guest_ve_reset(void);

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

/* --- legacy 32-bit protected mode (IA-32e off, paging off): guest/pm32.c, guest/pm32_entry.S,
 * guest/pm32_traps.S; selectors and struct tss32 in guest/pm32.h --- */
struct tss32;
/* Builds the 32-bit environment's tables; kernel_main() calls it once at boot. */
void pm32_init(void);
/* Leaves IA-32e mode (SDM 9.8.5.4), loads the 32-bit environment's own GDT, IDT and TSS
 * (PM32_SEL_*), calls fn32 (.code32, ends in a near RET, below 4 GiB) at CPL0 with CS =
 * PM32_SEL_CODE, SS = DS = ES = PM32_SEL_DATA, IF = 0, on a one-page stack, and comes back to
 * 64-bit mode with the caller's 64-bit GDT, IDT, TR, stack, segments, callee-saved registers
 * and RFLAGS. Paging is off: linear = physical. Events go through the 32-bit IDT to 32-bit
 * handlers (guest/pm32_traps.S) that record them and behave as guest/traps.c does (EOI, #DB
 * TF/RF/DR6, EXTABLE fixups with the 32-bit address, .handler's HANDLER_KEEP_TF and
 * HANDLER_NO_EOI; not .on_event or HANDLER_NO_IRET: ERROR); after the return they are trace
 * events with ist=0, cs as saved (0x08, or 0x1b from CPL3) and the 32-bit EIP as RIP. A fault
 * without a fixup, or more than PM32_RECORDS_MAX events, leaves the environment at once and
 * ends the row as FAILURE. Nothing of the transition reads the 32-bit GDT, IDT or TSS pages or
 * the ESP0 stack: a row's first access to them is its event's delivery (PAGE_PM32_*). */
void guest_run_pm32(void (*fn32)(void));
/* The same with fn32 at CPL3 (CS = PM32_SEL_USER_CODE, SS = DS = ES = PM32_SEL_USER_DATA), on
 * a one-page user stack, entered by SYSEXIT and left by SYSENTER when fn32 returns (neither
 * reads the GDT, TSS or a stack; SDM Vol. 2), with EFLAGS = eflags: IF, AC and IOPL only (set
 * TF inside fn32 with POPF, and clear it before returning). Events from CPL3 switch to
 * TSS.ESP0 (SDM 6.12.1). The IA32_SYSENTER_* MSRs are 0 again afterwards. */
void guest_run_pm32_user(void (*fn32)(void), uint32_t eflags);
/* The pages PAGE_PM32_IDT, _GDT, _TSS and _ESP0 name (guest/scenario.h). */
uint64_t pm32_idt_page(void);
uint64_t pm32_gdt_page(void);
uint64_t pm32_tss_page(void);
uint64_t pm32_esp0_stack_page(void);
/* The DPL of a 32-bit IDT gate: INT n from CPL3 needs DPL 3, else #GP(n*8+2) (SDM 6.12.1.1).
 * Call it from .setup (the IDT page may be perturbed afterwards); reset restores it. */
void pm32_set_dpl(uint8_t vector, unsigned dpl);
/* Task gates and handler tasks (SDM 6.12.2, 7.3): at most PM32_TASKS per row, numbered from 0
 * in the order they are made; task n's TSS selector is PM32_SEL_TASK0 + 8 * n, its TSS and its
 * stack own a page each. pm32_task_gate(v) makes the 32-bit IDT entry of v a task gate to a
 * new handler task, which records the event (vector, the error code from its own stack, EIP,
 * CS and EFLAGS from the interrupted task's TSS, TR = its own selector), moves a fault to its
 * fixup in that TSS, and IRETs back through the previous-task link (NT = 1, SDM 7.4).
 * pm32_task() makes a task without a vector for a far CALL (it IRETs back) or JMP (it JMPs
 * back to PM32_SEL_TSS) to its selector from fn32: it records nothing itself. Both return n;
 * call them from .setup. Under hv/ every task switch exits (SDM 25.4.2) and hv/ emulates it
 * (hv/task_switch.c, core/task_switch.c); a row whose event goes through a task gate proves
 * its exit during delivery with .perturb = PERTURB_TASK_GATE (tests/task_gate.c). */
unsigned pm32_task_gate(uint8_t vector);
unsigned pm32_task(void);
/* Task n's TSS, to set its T flag (tss->trap = 1: #DB after a switch to it, SDM 17.3.1.5) or
 * to break a field for a #TS (SDM 7.3); NULL when n is out of range. */
struct tss32 *pm32_task_tss(unsigned n);
/* Writes `value` into the 16-bit field at `offset` of task n's TSS (e.g. offsetof(struct
 * tss32, ldt)), remembering the old value: a #TS that a handler task records (pm32_task_gate(10))
 * puts every broken field back and resumes the interrupted task, so a switch that faulted after
 * its commit point (SDM 7.3) completes when retried. At most PM32_BREAKS; from .setup. */
void pm32_task_break(unsigned n, unsigned offset, uint16_t value);

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
