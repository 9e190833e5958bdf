/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/hypercall.c — the guest's test hypercalls (lib/hypercall_abi.h): VMCALL exits. */
#include "hv/hv.h"
#include "lib/hypercall_abi.h"
#include "lib/string.h"

static long hc_get_policy(struct vcpu *v, uint64_t gpa, uint64_t size)
{
    if (!size || !ept_gpa_is_ram(gpa, size))
        return HC_EINVAL;
    strlcpy(gpa_to_hva(gpa), policy_name(v->policy), size);
    return HC_OK;
}

enum exit_action handle_vmcall(struct vcpu *v)
{
    uint64_t a0 = v->regs.rdi, a1 = v->regs.rsi;
    long ret;
    switch (v->regs.rax) {
    case HC_PING:
        ret = HC_OK;
        break;
    case HC_GET_POLICY:
        ret = hc_get_policy(v, a0, a1);
        break;
    case HC_EPT_UNMAP_UNTIL_FAULT:
        ret = ept_unmap_until_fault(a0);
        break;
    case HC_ON_FAULT_WRITE:
        ret = ept_on_fault_write(a0, a1);
        break;
    case HC_INTERCEPT_EXCEPTION:
        ret = intercept_exception(a0, a1);
        break;
    case HC_VE_ARM:
        ret = ve_arm(a0, a1);
        break;
    case HC_VE_MAP:
        ret = ve_map(a0);
        break;
    case HC_ROW_START:
        ret = row_start(v, a0, a1);
        break;
    case HC_ROW_END:
        ret = row_end(v);
        break;
    case HC_INJECT_EVENT: /* after the VMCALL retired: its shadow is over (hv/inject.c) */
        skip_instruction(v);
        v->regs.rax = (uint64_t)inject_event(v, a0, a1, v->regs.rdx);
        return EXIT_RESUME;
    default:
        ret = HC_ENOSYS;
    }
    v->regs.rax = (uint64_t)ret;
    skip_instruction(v);
    return EXIT_RESUME;
}
