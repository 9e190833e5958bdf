/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/hv.h — the lab hypervisor's vCPU and the pieces that work on it. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu_events.h"

/* Guest memory: guest-physical [0, GUEST_RAM_SIZE) is host-physical GUEST_RAM_HPA + gpa
 * (docs/protocol.md, "Memory and boot"): 16 MiB for lab guests, what the bundle says for a
 * foreign kernel (hv/multiboot_load.c, at most GUEST_RAM_MAX). */
#define GUEST_RAM_HPA  0x1000000ul
#define GUEST_RAM_SIZE guest_ram_size
#define GUEST_RAM_MAX  0x20000000ul /* FOREIGN_RAM_MAX_MIB */
extern uint64_t guest_ram_size;
#define GUEST_IMAGE_GPA 0x100000ul
#define GUEST_MBI_GPA   0x9000ul

/* SDM 27.2.1, Table 27-5: exit qualification of I/O instructions. */
#define IO_QUAL_SIZE(q) (((q)&7) + 1)
#define IO_QUAL_IN      (1u << 3)
#define IO_QUAL_STRING  (1u << 4)
#define IO_QUAL_PORT(q) ((uint16_t)((q) >> 16))

/* Exit reasons counted one by one (all basic reasons of SDM Appendix C are below 80). */
#define HV_EXIT_REASONS 80
/* Distinct decisions counted by hv: idtv-actions (core/policy.h: "reinject", "drop", ...). */
#define HV_IDTV_ACTIONS 8

/* Guest general-purpose registers not held in the VMCS; order fixed by hv/vmx_run.S. */
struct guest_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu {
    struct guest_regs regs;
    bool launched;
    const struct policy *policy;
    struct vcpu_events events;
    struct vmx_exit_events exit; /* fields of the current exit */
    uint64_t exits, vectoring_exits;
    uint64_t livelock_rip, livelock_rsp, livelock_rcx; /* where the last event exit was */
    uint64_t livelock_exits; /* consecutive exits during delivery or for an intercepted
                                exception at that RIP, RSP and RCX */
    uint32_t exits_by_reason[HV_EXIT_REASONS]; /* basic exit reason -> count */
    struct {
        const char *action; /* the decision core/ named for an exit during delivery */
        uint32_t n;
    } idtv_actions[HV_IDTV_ACTIONS]; /* what was done with IDT-vectoring information */
    uint64_t watchdog_rip, watchdog_rsp, watchdog_exits; /* at the last timer exit */
    unsigned watchdog_stalled;   /* slices in a row with no exit, same RIP and RSP */
    unsigned watchdog_silent;    /* slices in a row with no exit */
    uint64_t iret_unblock_exits; /* exits of an IRET that had unblocked NMIs */
    bool nmi_window;             /* NMI-window exiting is on (hv/nmi.c) */
    bool no_nmi_reblock;         /* harness knob (docs/protocol.md): forget to block again */
    bool kvm_like;               /* intercept profile kvm-like (docs/hv.md, "Intercept profiles") */
};

enum exit_action { EXIT_RESUME, EXIT_END_RUN };

__attribute__((noreturn, format(printf, 1, 2))) void hv_fatal(const char *fmt, ...);
/* Prints the summary line and ends the emulator (the guest asked to end, or a final event). */
__attribute__((noreturn)) void hv_end_run(struct vcpu *v);

/* hv/vmx_setup.c */
void vmx_enable(const struct vcpu *v);
/* hv/vmx_caps.c: print the VMX capabilities; `hv: UNSUPPORTED` and the end of the run when
 * one that hv/ (or the kvm-like profile) needs is missing */
void vmx_caps_check(bool kvm_like);
void vmcs_setup(struct vcpu *v, uint64_t eptp, uint64_t guest_entry);

/* hv/ept.c */
uint64_t ept_build(void);
bool ept_gpa_is_ram(uint64_t gpa, uint64_t len);
bool ept_gpa_present(uint64_t gpa, uint64_t len); /* RAM, no page taken away in EPT */
void *gpa_to_hva(uint64_t gpa);
long ept_unmap_until_fault(uint64_t gpa);
bool ept_fault_restore(uint64_t gpa); /* true when gpa was an armed perturbation */
bool ept_is_armed(uint64_t gpa);      /* an HC_EPT_UNMAP_UNTIL_FAULT waits on gpa's page */
long ept_on_fault_write(uint64_t gpa, uint64_t value);
void ept_set_convertible(uint64_t gpa, bool away);

/* hv/ve.c: virtualization exceptions (docs/hv.md, "#VE") */
void ve_setup_controls(uint32_t proc2_allowed1, uint32_t *proc2);
long ve_arm(uint64_t area_gpa, uint64_t page_gpa);
long ve_map(uint64_t page_gpa);
bool ve_fault_restore(uint64_t gpa); /* true when gpa was the #VE page (an exit, no #VE) */
bool ve_holds(uint64_t gpa);         /* gpa is on the armed #VE page */
void ve_reset(void);

/* hv/rows.c: HC_ROW_START, HC_ROW_END (docs/protocol.md, "Batches") */
long row_start(struct vcpu *v, uint64_t gpa, uint64_t len);
long row_end(struct vcpu *v);
void row_summary(const struct vcpu *v); /* `hv: exit-counts ...`, `hv: vectoring-exits=...` */
bool row_ended(void);                   /* the last row ended with HC_ROW_END: no row open */
void print_exit_counts(const struct vcpu *v);
void print_idtv_actions(const struct vcpu *v);
void ept_restore_all(void);
void intercept_reset(void);

/* hv/nmi.c */
void nmi_exit(struct vcpu *v);
void nmi_window_update(struct vcpu *v);
enum exit_action handle_nmi_window(struct vcpu *v);

/* hv/watchdog.c */
uint32_t watchdog_slice(void);
enum exit_action handle_preemption_timer(struct vcpu *v);
void hv_state_dump(const struct vcpu *v);

/* hv/msr.c */
uint64_t msr_bitmap_build(void);
enum exit_action handle_rdmsr(struct vcpu *v);
enum exit_action handle_wrmsr(struct vcpu *v);
void check_memory_layout(void);

/* hv/exit.c */
enum exit_action handle_exit(struct vcpu *v);
/* hv/io.c, hv/hypercall.c, hv/cpuid.c */
enum exit_action handle_io(struct vcpu *v);
enum exit_action handle_vmcall(struct vcpu *v);
enum exit_action handle_cpuid(struct vcpu *v);
enum exit_action handle_exception_nmi(struct vcpu *v);
enum exit_action handle_vmx_instruction(struct vcpu *v);
long intercept_exception(uint64_t vector, uint64_t on);
void exceptions_set_profile(bool kvm_like);
/* hv/mov_dr.c: MOV DR under the kvm-like profile */
enum exit_action handle_mov_dr(struct vcpu *v);
/* hv/inject.c: HC_INJECT_EVENT (lib/hypercall_abi.h) */
long inject_event(struct vcpu *v, uint64_t info, uint64_t error_len, uint64_t payload);
uint32_t exception_bitmap(void);
void console_relay_flush(void);

/* hv/testdev.c: the ports of a foreign kernel (docs/foreign-guests.md) */
bool testdev_port_in(uint16_t port, uint32_t *value);
bool testdev_port_out(struct vcpu *v, uint16_t port, uint32_t value);
void testdev_ept_violation(uint64_t gpa, bool vectoring);
void testdev_report(void);
/* hv/cr_access.c: MOV to/from CR0/CR4, CLTS, LMSW; XSETBV */
enum exit_action handle_cr_access(struct vcpu *v);
enum exit_action handle_xsetbv(struct vcpu *v);
/* hv/task_switch.c: task switches emulated with core/task_switch.c (SDM 7.3, 25.4.2) */
enum exit_action handle_task_switch(struct vcpu *v);
uint64_t cr_guest_cr0(void); /* CR0 as the guest sees it (read shadow merged) */
uint64_t cr_guest_cr4(void); /* CR4 as the guest sees it (read shadow merged) */

/* hv/vmx_run.S: enters the guest; returns 0 after a VM exit, 1 on VMfailInvalid,
 * 2 on VMfailValid of VMLAUNCH/VMRESUME, 3 when the VMWRITE of HOST_RSP failed. */
int vmx_run(struct guest_regs *regs, int launched);

/* hv/exceptions.c */
void skip_instruction(struct vcpu *v);
/* The guest runs 64-bit code: "IA-32e mode guest" (which every exit sets to EFER.LMA, SDM
 * A.6) and CS.L (SDM 26.3.1.4); otherwise RIP, and the operands of MOV CR/DR, are 32 bits. */
bool guest_mode64(void);

#endif
