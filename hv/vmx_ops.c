/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/vmx_ops.c — checked VMX instructions. Conventions for their outcome (SDM 30.2):
 * VMsucceed clears CF and ZF; VMfailInvalid sets CF (no current VMCS); VMfailValid sets ZF
 * and stores an error number in the VM-instruction error field. */
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"

/* SDM 30.4, Table 30-1. */
const char *vm_instruction_error_name(uint32_t error)
{
    static const char *const names[] = {
        [1] = "VMCALL executed in VMX root operation",
        [2] = "VMCLEAR with invalid physical address",
        [3] = "VMCLEAR with VMXON pointer",
        [4] = "VMLAUNCH with non-clear VMCS",
        [5] = "VMRESUME with non-launched VMCS",
        [6] = "VMRESUME after VMXOFF",
        [7] = "VM entry with invalid control field(s)",
        [8] = "VM entry with invalid host-state field(s)",
        [9] = "VMPTRLD with invalid physical address",
        [10] = "VMPTRLD with VMXON pointer",
        [11] = "VMPTRLD with incorrect VMCS revision identifier",
        [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
        [13] = "VMWRITE to read-only VMCS component",
        [15] = "VMXON executed in VMX root operation",
        [16] = "VM entry with invalid executive-VMCS pointer",
        [17] = "VM entry with non-launched executive VMCS",
        [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
        [19] = "VMCALL with non-clear VMCS",
        [20] = "VMCALL with invalid VM-exit control fields",
        [22] = "VMCALL with incorrect MSEG revision identifier",
        [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
        [24] = "VMCALL with invalid SMM-monitor features",
        [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
        [26] = "VM entry with events blocked by MOV SS",
        [28] = "Invalid operand to INVEPT/INVVPID",
    };
    if (error < sizeof(names) / sizeof(names[0]) && names[error])
        return names[error];
    return "unknown VM-instruction error";
}

/* Reads the error field without the checked wrapper, so a failing VMREAD cannot recurse. */
static uint32_t raw_instruction_error(void)
{
    uint64_t v = 0;
    __asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"((uint64_t)VM_INSTRUCTION_ERROR) : "cc");
    return (uint32_t)v;
}

static void check(const char *insn, uint64_t operand, uint8_t cf, uint8_t zf)
{
    if (cf)
        hv_fatal("%s 0x%lx failed: VMfailInvalid (no current VMCS)", insn, operand);
    if (zf) {
        uint32_t e = raw_instruction_error();
        hv_fatal("%s 0x%lx failed: VM-instruction error %u (%s)", insn, operand, e,
                 vm_instruction_error_name(e));
    }
}

#define VMX_OP_MEM(name, mnemonic)                                                                 \
    void name(uint64_t pa)                                                                         \
    {                                                                                              \
        uint8_t cf, zf;                                                                            \
        __asm__ volatile(mnemonic " %2; setc %0; setz %1"                                          \
                         : "=qm"(cf), "=qm"(zf)                                                    \
                         : "m"(pa)                                                                 \
                         : "cc", "memory");                                                        \
        check(mnemonic, pa, cf, zf);                                                               \
    }
VMX_OP_MEM(vmxon, "vmxon")
VMX_OP_MEM(vmclear, "vmclear")
VMX_OP_MEM(vmptrld, "vmptrld")

uint64_t vmread(uint64_t field)
{
    uint64_t v = 0;
    uint8_t cf, zf;
    __asm__ volatile("vmread %3, %0; setc %1; setz %2"
                     : "=r"(v), "=qm"(cf), "=qm"(zf)
                     : "r"(field)
                     : "cc");
    check("VMREAD", field, cf, zf);
    return v;
}

void vmwrite(uint64_t field, uint64_t value)
{
    uint8_t cf, zf;
    __asm__ volatile("vmwrite %3, %2; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "r"(field), "rm"(value)
                     : "cc");
    check("VMWRITE", field, cf, zf);
}

void invept_single_context(uint64_t eptp)
{
    struct {
        uint64_t eptp, reserved;
    } desc = {eptp, 0};
    uint8_t cf, zf;
    __asm__ volatile("invept %2, %3; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "m"(desc), "r"(1ul) /* type 1: single-context (SDM 30.3 INVEPT) */
                     : "cc", "memory");
    check("INVEPT", eptp, cf, zf);
}
