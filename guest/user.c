/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/user.c — running a row's code at CPL3 and coming back (guest/guest.h).
 *
 * Entry is an IRETQ to the user code segment (SDM 6.14.3, 5.8.6 for the privilege rules),
 * the way back SYSCALL (SDM Vol. 2, SYSCALL; IA32_STAR/LSTAR/FMASK, SDM 5.8.8), so that
 * returning delivers no event and touches neither the IDT nor TSS.RSP0: the only events
 * of a user-mode row are the ones it raises. Events from CPL3 go through the ordinary
 * gates (lib/desc.c, DPL 0 handlers) and land on TSS.RSP0 or on the gate's IST stack. */
#include "guest/guest.h"
#include "guest/trace.h"
#include "lib/desc.h"
#include "lib/x86.h"

#define PAGE     4096
#define USER_END 0x200000ul /* [0, 2 MiB), which holds the guest image, is user-accessible */

void guest_user_enter(const uint64_t frame[5]);
extern char guest_user_exit[], guest_syscall_entry[];
extern char __image_start[], __bss_end[];

static uint8_t user_stack[PAGE] __attribute__((aligned(PAGE)));

/* SYSCALL masks these out of RFLAGS (IA32_FMASK, SDM 5.8.8); guest_syscall_entry then
 * restores the caller's RFLAGS. */
#define SYSCALL_MASK (X86_RFLAGS_IF | X86_RFLAGS_TF | X86_RFLAGS_DF | X86_RFLAGS_AC)

void guest_run_user(void (*fn)(void), uint64_t rflags)
{
    if ((uint64_t)__bss_end > USER_END || GUEST_SUPERVISOR_VA < USER_END)
        guest_finish("ERROR", "the guest image is not inside the user-accessible 2 MiB");
    guest_region_set_user((uint64_t)__image_start);
    wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | X86_EFER_SCE);
    wrmsr(MSR_STAR, (uint64_t)SEL_USER_BASE << 48 | (uint64_t)SEL_CODE64 << 32);
    wrmsr(MSR_LSTAR, (uint64_t)guest_syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_MASK);
    /* fn starts as if called: its return address on top, RSP+8 16-byte aligned (SysV ABI) */
    uint64_t *sp = (uint64_t *)(user_stack + sizeof(user_stack)) - 1;
    *sp = (uint64_t)guest_user_exit;
    const uint64_t frame[5] = {(uint64_t)fn, SEL_USER_CODE, rflags | 2, (uint64_t)sp,
                               SEL_USER_DATA};
    trace_user_anchor(fn);
    guest_user_enter(frame);
}
