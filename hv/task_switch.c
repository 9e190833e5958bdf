/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/task_switch.c — task-switch exits (exit reason 9). A task switch in VMX non-root
 * operation always exits (SDM 25.4.2), before the processor has saved or loaded any task
 * state; hv/ emulates it with core/task_switch.c (SDM 7.3). The exit qualification names the
 * new TSS and the source (SDM 27.2.1 Table 27-2); for a task gate in the IDT the exit happened
 * during event delivery, and core/ (after-exit, under the policy) has said how much of the
 * IDT-vectored event the switch completes (core/policy.h, policy_task_gate()).
 *
 * Guest memory: linear addresses are guest-physical while guest paging is off (the 32-bit
 * environment runs with paging off). hv/ reads and writes it directly, not through EPT, so an
 * access to a page a perturbation has taken away in EPT would bypass the perturbation (the
 * CPU would take an EPT violation there, SDM 28.3.3): it ends the run instead. A task switch
 * with guest paging on, a 16-bit TSS, a TSS or descriptor table outside guest RAM, or such an
 * access is refused: `hv: ERROR ... (not emulated)`, end of the run. */
#include "core/task_switch.h"
#include "core/vmx_exit_reason.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/x86.h"

#define CR0_TS     (1ul << 3)
#define EFER_LMA   (1ul << 10)
#define SEG_FIELDS 2 /* the VMCS encodings of ES, CS, ... are 2 apart (SDM B.1.2, B.3.2) */

/* The first guest-physical address the switch touched on a page taken away in EPT. */
struct away {
    bool hit;
    uint32_t gpa;
};

static bool reachable(void *ctx, uint32_t linear, uint32_t len)
{
    struct away *a = ctx;
    if (!ept_gpa_is_ram(linear, len))
        return false;
    if (!ept_gpa_present(linear, len)) {
        if (!a->hit)
            a->gpa = linear;
        a->hit = true;
        return false;
    }
    return true;
}

static bool mem_read(void *ctx, uint32_t linear, void *buf, uint32_t len)
{
    if (!reachable(ctx, linear, len))
        return false;
    memcpy(buf, gpa_to_hva(linear), len);
    return true;
}

static bool mem_write(void *ctx, uint32_t linear, const void *buf, uint32_t len)
{
    if (!reachable(ctx, linear, len))
        return false;
    memcpy(gpa_to_hva(linear), buf, len);
    return true;
}

static void read_seg(struct ts_segment *s, uint32_t sel_field, uint32_t base_field,
                     uint32_t limit_field, uint32_t ar_field)
{
    s->selector = (uint16_t)vmread(sel_field);
    s->base = (uint32_t)vmread(base_field);
    s->limit = (uint32_t)vmread(limit_field);
    s->ar = (uint32_t)vmread(ar_field);
}

static void write_seg(const struct ts_segment *s, uint32_t sel_field, uint32_t base_field,
                      uint32_t limit_field, uint32_t ar_field)
{
    vmwrite(sel_field, s->selector);
    vmwrite(base_field, s->base);
    vmwrite(limit_field, s->limit);
    vmwrite(ar_field, s->ar);
}

static void read_state(const struct vcpu *v, struct ts_cpu *c)
{
    const struct guest_regs *r = &v->regs;
    const uint64_t gpr[8] = {r->rax, r->rcx, r->rdx, r->rbx, vmread(GUEST_RSP),
                             r->rbp, r->rsi, r->rdi};
    for (unsigned i = 0; i < 8; i++)
        c->gpr[i] = (uint32_t)gpr[i];
    c->eip = (uint32_t)vmread(GUEST_RIP);
    c->eflags = (uint32_t)vmread(GUEST_RFLAGS);
    for (unsigned i = 0; i < TS_NSEG; i++)
        read_seg(&c->seg[i], GUEST_ES_SELECTOR + SEG_FIELDS * i, GUEST_ES_BASE + SEG_FIELDS * i,
                 GUEST_ES_LIMIT + SEG_FIELDS * i, GUEST_ES_AR_BYTES + SEG_FIELDS * i);
    read_seg(&c->ldtr, GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES);
    read_seg(&c->tr, GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES);
    c->gdt_base = (uint32_t)vmread(GUEST_GDTR_BASE);
    c->gdt_limit = (uint16_t)vmread(GUEST_GDTR_LIMIT);
    c->cr0 = cr_guest_cr0();
    c->cr3 = vmread(GUEST_CR3);
    c->dr7 = vmread(GUEST_DR7);
    c->ia32e = vmread(GUEST_IA32_EFER) & EFER_LMA;
}

static void write_state(struct vcpu *v, const struct ts_cpu *c, bool load_cr3)
{
    struct guest_regs *r = &v->regs;
    uint64_t *const gpr[8] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, 0, &r->rbp, &r->rsi, &r->rdi};
    for (unsigned i = 0; i < 8; i++)
        if (gpr[i])
            *gpr[i] = c->gpr[i];
    vmwrite(GUEST_RSP, c->gpr[4]);
    vmwrite(GUEST_RIP, c->eip);
    vmwrite(GUEST_RFLAGS, c->eflags);
    for (unsigned i = 0; i < TS_NSEG; i++)
        write_seg(&c->seg[i], GUEST_ES_SELECTOR + SEG_FIELDS * i, GUEST_ES_BASE + SEG_FIELDS * i,
                  GUEST_ES_LIMIT + SEG_FIELDS * i, GUEST_ES_AR_BYTES + SEG_FIELDS * i);
    write_seg(&c->ldtr, GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
              GUEST_LDTR_AR_BYTES);
    write_seg(&c->tr, GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES);
    /* CR0.TS (set by every switch, SDM 2.5): in the read shadow when hv/ owns it */
    if (c->cr0 & CR0_TS) {
        uint32_t field = (vmread(CR0_GUEST_HOST_MASK) & CR0_TS) ? CR0_READ_SHADOW : GUEST_CR0;
        vmwrite(field, vmread(field) | CR0_TS);
    }
    if (load_cr3)
        vmwrite(GUEST_CR3, c->cr3);
    vmwrite(GUEST_DR7, c->dr7);
}

enum exit_action handle_task_switch(struct vcpu *v)
{
    static const char *const source[4] = {"CALL", "IRET", "JMP", "task-gate"};
    uint64_t q = v->exit.exit_qualification;
    uint64_t rip = vmread(GUEST_RIP);
    if (cr_guest_cr0() & X86_CR0_PG)
        hv_fatal("task switch to selector 0x%lx by %s at rip 0x%lx with guest paging on: not "
                 "emulated (hv/ reads the TSS by guest-physical address; SDM 7.3)",
                 q & 0xffff, source[(q >> 30) & 3], rip);
    /* TF = 1 at a CALL, JMP or IRET that switches tasks: which task's single-step trap comes,
     * and where (SDM 17.3.1.4), is not modelled; refused rather than guessed */
    if (((q >> 30) & 3) != 3 && (vmread(GUEST_RFLAGS) & X86_RFLAGS_TF))
        hv_fatal("task switch to selector 0x%lx by %s at rip 0x%lx with RFLAGS.TF = 1: the "
                 "single-step trap of a task-switching instruction is not emulated (SDM 17.3.1.4)",
                 q & 0xffff, source[(q >> 30) & 3], rip);
    struct ts_request req;
    struct ts_result res;
    struct ts_cpu cpu;
    struct away away = {false, 0};
    const struct ts_mem mem = {&away, mem_read, mem_write};
    vcpu_events_task_switch(&v->events, &v->exit, &req);
    read_state(v, &cpu);
    task_switch_run(&cpu, &req, &mem, &res);
    if (res.status == TS_UNSUPPORTED && away.hit)
        hv_fatal("task switch to selector 0x%x by %s at rip 0x%lx touches gpa 0x%x, a page "
                 "taken away in EPT: its EPT violation (SDM 28.3.3) is not emulated",
                 req.selector, source[req.source], rip, away.gpa);
    if (res.status == TS_UNSUPPORTED)
        hv_fatal("task switch to selector 0x%x by %s at rip 0x%lx not emulated: %s", req.selector,
                 source[req.source], rip, res.why);
    if (res.committed)
        write_state(v, &cpu, res.load_cr3);
    vcpu_events_task_switch_done(&v->events, &res);
    if (v->exits_by_reason[VMX_EXIT_TASK_SWITCH] <= 16) {
        console_relay_flush();
        if (res.status == TS_FAULT)
            kprintf("hv: TASK-SWITCH sel=0x%x by=%s rip=0x%lx -> fault vector=%u err=0x%x %s "
                    "(%s)\n",
                    req.selector, source[req.source], rip, res.fault_vector, res.fault_error,
                    res.committed ? "in the new task" : "before the commit point", res.why);
        else
            kprintf("hv: TASK-SWITCH sel=0x%x by=%s rip=0x%lx -> eip=0x%x tr=0x%x%s%s\n",
                    req.selector, source[req.source], rip, cpu.eip, cpu.tr.selector,
                    req.push_error ? " error-code-pushed" : "", res.debug_trap ? " #DB(BT)" : "");
    }
    return EXIT_RESUME;
}
