/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/vmx_setup.c — entering VMX operation and building the one VMCS (SDM 23-26).
 *
 * The guest starts exactly as a Multiboot 1 loader leaves it: flat 32-bit protected mode,
 * paging off (hence unrestricted guest, SDM 26.3.1.1), EAX = 0x2BADB002, EBX = info. */
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/config.h"
#include "lib/desc.h"
#include "lib/string.h"
#include "lib/x86.h"

#define PAGE 4096

static uint8_t vmxon_region[PAGE] __attribute__((aligned(PAGE)));
static uint8_t vmcs_region[PAGE] __attribute__((aligned(PAGE)));

extern char vmx_exit_entry[];

/* SDM A.3-A.5: a control may be 1 only if the high half allows it and must be 1 if the low
 * half says so; docs/emulators.md, "VMX on Bochs": compute (want | allowed0) & allowed1 from the
 * TRUE_* MSRs. */
static uint32_t adjust_controls(uint32_t msr, uint32_t want, const char *what)
{
    uint64_t cap = rdmsr(msr);
    uint32_t allowed0 = (uint32_t)cap, allowed1 = (uint32_t)(cap >> 32);
    uint32_t v = (want | allowed0) & allowed1;
    if ((v & want) != want)
        hv_fatal("this CPU cannot set %s controls 0x%x (allowed 0x%x)", what, want, allowed1);
    return v;
}

void vmx_enable(const struct vcpu *v)
{
    vmx_caps_check(v->kvm_like); /* hv/vmx_caps.c: ends the run when a feature is missing */
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL); /* SDM 23.7: lock and VMXON outside SMX */
    if ((fc & 5) != 5)
        hv_fatal("IA32_FEATURE_CONTROL=0x%lx does not allow VMXON", fc);
    uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);
    /* SDM 23.8: CR0 and CR4 fixed bits in VMX operation */
    write_cr0((read_cr0() | rdmsr(MSR_IA32_VMX_CR0_FIXED0)) & rdmsr(MSR_IA32_VMX_CR0_FIXED1));
    write_cr4((read_cr4() | X86_CR4_VMXE | rdmsr(MSR_IA32_VMX_CR4_FIXED0)) &
              rdmsr(MSR_IA32_VMX_CR4_FIXED1));
    *(uint32_t *)vmxon_region = (uint32_t)basic & 0x7fffffff; /* SDM 24.11.5 revision id */
    *(uint32_t *)vmcs_region = (uint32_t)basic & 0x7fffffff;
    vmxon((uint64_t)vmxon_region);
    vmclear((uint64_t)vmcs_region);
    vmptrld((uint64_t)vmcs_region);
}

/* SDM 24.6.2, Table 24-7: without these a guest's RDTSCP, INVPCID and XSAVES/XRSTORS raise
 * #UD. Each is enabled where the CPU model has the instruction (CPUID.80000001H:EDX[27],
 * CPUID.(EAX=07H,ECX=0):EBX[10], CPUID.(EAX=0DH,ECX=1):EAX[3]) and VMX allows the control. */
static uint32_t secondary_optional(void)
{
    uint32_t allowed1 = (uint32_t)(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32), want = 0;
    uint32_t max = cpuid(0, 0).eax, max_ext = cpuid(0x80000000u, 0).eax;
    if (max_ext >= 0x80000001u && (cpuid(0x80000001u, 0).edx & (1u << 27)))
        want |= CPU2_ENABLE_RDTSCP;
    if (max >= 7 && (cpuid(7, 0).ebx & (1u << 10)))
        want |= CPU2_ENABLE_INVPCID;
    if (max >= 0xd && (cpuid(0xd, 1).eax & (1u << 3)))
        want |= CPU2_ENABLE_XSAVES;
    return want & allowed1;
}

static void setup_controls(const struct vcpu *v, uint64_t eptp)
{
    vmwrite(PIN_BASED_VM_EXEC_CONTROL,
            adjust_controls(MSR_IA32_VMX_TRUE_PINBASED,
                            PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER, "pin"));
    vmwrite(VMX_PREEMPTION_TIMER_VALUE, watchdog_slice()); /* hv/watchdog.c */
    uint32_t proc = adjust_controls(MSR_IA32_VMX_TRUE_PROCBASED,
                                    CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |
                                        CPU_ACTIVATE_SECONDARY |
                                        (v->kvm_like ? CPU_MOV_DR_EXITING : 0), /* hv/mov_dr.c */
                                    "processor-based");
    /* NMI-window exiting is switched on and off per entry (hv/exit.c); it must be allowed */
    adjust_controls(MSR_IA32_VMX_TRUE_PROCBASED, proc | CPU_NMI_WINDOW_EXITING, "processor-based");
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, proc);
    uint32_t proc2 = adjust_controls(
        MSR_IA32_VMX_PROCBASED_CTLS2,
        CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST | secondary_optional(), "secondary");
    /* hv/ve.c: "EPT-violation #VE" where allowed, converting nothing until a row asks */
    ve_setup_controls((uint32_t)(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32), &proc2);
    vmwrite(SECONDARY_VM_EXEC_CONTROL, proc2);
    /* SDM 24.6.20: XSAVES/XRSTORS of no component exits. The field exists only where the
     * control does (Appendix B; Sandy Bridge's VMX has neither: VM-instruction error 12) */
    if (proc2 & CPU2_ENABLE_XSAVES)
        vmwrite(XSS_EXIT_BITMAP, 0);
    vmwrite(VM_EXIT_CONTROLS, adjust_controls(MSR_IA32_VMX_TRUE_EXIT,
                                              EXIT_SAVE_DEBUG_CONTROLS | EXIT_HOST_ADDR_SPACE_SIZE |
                                                  EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT |
                                                  EXIT_SAVE_PREEMPTION_TIMER | EXIT_SAVE_IA32_EFER |
                                                  EXIT_LOAD_IA32_EFER,
                                              "VM-exit"));
    vmwrite(VM_ENTRY_CONTROLS,
            adjust_controls(MSR_IA32_VMX_TRUE_ENTRY,
                            ENTRY_LOAD_DEBUG_CONTROLS | ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER,
                            "VM-entry"));
    vmwrite(EXCEPTION_BITMAP, exception_bitmap()); /* hv/exceptions.c: per profile */
    vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
    vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
    vmwrite(CR3_TARGET_COUNT, 0);
    vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_INTR_INFO, 0);
    vmwrite(MSR_BITMAP, msr_bitmap_build()); /* hv/msr.c: which writes hv/ takes */
    vmwrite(EPT_POINTER, eptp);
    vmwrite(VMCS_LINK_POINTER, ~0ull);
    /* SDM 24.6.6: bits set in a mask are owned by the host; the guest reads the shadow.
     * Own exactly the bits VMX operation fixes, with shadows equal to what the guest
     * starts with, so a boot stub that writes them unchanged takes no exit. PE and PG are
     * free under unrestricted guest (SDM 23.8). */
    uint64_t cr0_fixed = (rdmsr(MSR_IA32_VMX_CR0_FIXED0) | ~rdmsr(MSR_IA32_VMX_CR0_FIXED1)) &
                         ~(X86_CR0_PE | X86_CR0_PG);
    uint64_t cr4_fixed = rdmsr(MSR_IA32_VMX_CR4_FIXED0) | ~rdmsr(MSR_IA32_VMX_CR4_FIXED1);
    /* CD and NW too: the guest's caching switches stay in the shadow (hv/cr_access.c) */
    vmwrite(CR0_GUEST_HOST_MASK, cr0_fixed | X86_CR0_CD | X86_CR0_NW);
    /* the guest starts with the caching bits the firmware left, as a bare kernel does */
    vmwrite(CR0_READ_SHADOW,
            X86_CR0_PE | X86_CR0_NE | 0x10 /* ET */ | (read_cr0() & (X86_CR0_CD | X86_CR0_NW)));
    vmwrite(CR4_GUEST_HOST_MASK, cr4_fixed);
    vmwrite(CR4_READ_SHADOW, 0);
}

static void setup_host_state(void)
{
    vmwrite(HOST_CR0, read_cr0());
    vmwrite(HOST_CR3, read_cr3());
    vmwrite(HOST_CR4, read_cr4());
    vmwrite(HOST_CS_SELECTOR, SEL_CODE64);
    vmwrite(HOST_SS_SELECTOR, SEL_DATA);
    vmwrite(HOST_DS_SELECTOR, SEL_DATA);
    vmwrite(HOST_ES_SELECTOR, SEL_DATA);
    vmwrite(HOST_FS_SELECTOR, 0);
    vmwrite(HOST_GS_SELECTOR, 0);
    vmwrite(HOST_TR_SELECTOR, SEL_TSS); /* SDM 26.2.3: host TR must not be 0 */
    vmwrite(HOST_FS_BASE, 0);
    vmwrite(HOST_GS_BASE, 0);
    vmwrite(HOST_TR_BASE, tss_base());
    vmwrite(HOST_GDTR_BASE, gdt_base());
    vmwrite(HOST_IDTR_BASE, idt_base());
    vmwrite(HOST_IA32_SYSENTER_CS, 0);
    vmwrite(HOST_IA32_SYSENTER_ESP, 0);
    vmwrite(HOST_IA32_SYSENTER_EIP, 0);
    vmwrite(HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
    vmwrite(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT)); /* the guest's PAT is its own (hv/msr.c) */
    /* HOST_RSP is written by vmx_run before every entry: exits land on the caller's stack */
    vmwrite(HOST_RIP, (uint64_t)vmx_exit_entry);
}

/* Flat 32-bit segments as Multiboot 1 specifies (AR format: SDM 24.4.1, Table 24-2). */
#define AR_CODE32     0xc09b /* G | D | P | S | execute/read, accessed */
#define AR_DATA32     0xc093 /* G | D/B | P | S | read/write, accessed */
#define AR_TSS32_BUSY 0x8b   /* P | 32-bit busy TSS */
#define AR_UNUSABLE   (1u << 16)

static void setup_guest_state(uint64_t entry)
{
    static const uint32_t data_sel[] = {GUEST_ES_SELECTOR, GUEST_SS_SELECTOR, GUEST_DS_SELECTOR,
                                        GUEST_FS_SELECTOR, GUEST_GS_SELECTOR};
    /* The selector, limit, AR and base fields of ES..GS are each 2 apart (SDM B.1-B.4). */
    for (unsigned i = 0; i < 5; i++) {
        uint32_t off = data_sel[i] - GUEST_ES_SELECTOR;
        vmwrite(data_sel[i], 0x10);
        vmwrite(GUEST_ES_LIMIT + off, 0xffffffff);
        vmwrite(GUEST_ES_AR_BYTES + off, AR_DATA32);
        vmwrite(GUEST_ES_BASE + off, 0);
    }
    vmwrite(GUEST_CS_SELECTOR, 0x08);
    vmwrite(GUEST_CS_LIMIT, 0xffffffff);
    vmwrite(GUEST_CS_AR_BYTES, AR_CODE32);
    vmwrite(GUEST_CS_BASE, 0);
    vmwrite(GUEST_TR_SELECTOR, 0);
    vmwrite(GUEST_TR_LIMIT, 0xff);
    vmwrite(GUEST_TR_AR_BYTES, AR_TSS32_BUSY);
    vmwrite(GUEST_TR_BASE, 0);
    vmwrite(GUEST_LDTR_SELECTOR, 0);
    vmwrite(GUEST_LDTR_LIMIT, 0);
    vmwrite(GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
    vmwrite(GUEST_LDTR_BASE, 0);
    vmwrite(GUEST_GDTR_BASE, 0);
    vmwrite(GUEST_GDTR_LIMIT, 0);
    vmwrite(GUEST_IDTR_BASE, 0);
    vmwrite(GUEST_IDTR_LIMIT, 0);
    vmwrite(GUEST_CR0, X86_CR0_PE | X86_CR0_NE | 0x10 /* ET */);
    vmwrite(GUEST_CR3, 0);
    vmwrite(GUEST_CR4, X86_CR4_VMXE);
    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_RSP, 0);
    vmwrite(GUEST_RIP, entry);
    vmwrite(GUEST_RFLAGS, 0x2);
    vmwrite(GUEST_IA32_EFER, 0);
    vmwrite(GUEST_IA32_PAT, 0x0007040600070406ull); /* the power-up value, SDM 11.12.4 */
    vmwrite(GUEST_IA32_DEBUGCTL, 0);
    vmwrite(GUEST_SYSENTER_CS, 0);
    vmwrite(GUEST_SYSENTER_ESP, 0);
    vmwrite(GUEST_SYSENTER_EIP, 0);
    vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
    vmwrite(GUEST_ACTIVITY_STATE, 0);
    vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
}

void vmcs_setup(struct vcpu *v, uint64_t eptp, uint64_t guest_entry)
{
    setup_controls(v, eptp);
    setup_host_state();
    setup_guest_state(guest_entry);
    v->regs.rax = 0x2badb002; /* Multiboot 1: magic in EAX, information in EBX */
    v->regs.rbx = GUEST_MBI_GPA;
    /* Harness self-test (docs/protocol.md, `fault`): RFLAGS bit 1 must be 1 (SDM 26.3.1.4),
     * so this entry fails with exit reason 33, which hv/ must report, not hide. */
    if (!strcmp(config_get()->fault, "entry"))
        vmwrite(GUEST_RFLAGS, 0);
}
