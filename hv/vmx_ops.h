/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/vmx_ops.h — every VMX instruction through a checked wrapper (SDM 30.2, 30.3).
 * A failure prints `hv: ERROR <insn> failed: ...` with the VM-instruction error and ends
 * the run; callers never see a failed VMX instruction. */
#ifndef HV_VMX_OPS_H
#define HV_VMX_OPS_H

#include <stdint.h>

void vmxon(uint64_t region_pa);
void vmclear(uint64_t vmcs_pa);
void vmptrld(uint64_t vmcs_pa);
uint64_t vmread(uint64_t field);
void vmwrite(uint64_t field, uint64_t value);
void invept_single_context(uint64_t eptp);
/* The VM-instruction error of the current VMCS (SDM 30.4), in words. */
const char *vm_instruction_error_name(uint32_t error);

#endif
