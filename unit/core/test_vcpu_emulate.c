/* SPDX-License-Identifier: BSD-2-Clause */
/* What: vcpu_events_instruction_emulated() — the events an instruction emulated by the
 * hypervisor owes the guest. Why: docs/cases.md #2 (the single-step #DB after an emulated CPUID
 * under TF) and the STI shadow, which hv/ must end without core/'s copy going stale. Expected
 * (SDM 17.3.1.4, 24.4.2): TF=1 -> #DB injected at the next entry with DR6 = fixed ones | BS | the
 * pending B0-B3, pending field cleared; TF=0 -> nothing injected, pending field untouched; a
 * STI/MOV-SS shadow is ended and not written back later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/vcpu_events.h"

static void exit_cpuid(struct vcpu_events *ev, uint32_t interruptibility)
{
    struct vmx_exit_events x;
    memset(&x, 0, sizeof(x));
    x.exit_reason = 10; /* CPUID */
    x.exit_instr_len = 2;
    x.guest_interruptibility = interruptibility;
    vcpu_events_after_exit(ev, &x, NULL);
}

static struct vmx_emulated_insn insn(uint64_t rflags, uint64_t pending_dbg)
{
    struct vmx_emulated_insn in;
    memset(&in, 0, sizeof(in));
    in.rflags = rflags;
    in.pending_dbg = pending_dbg;
    in.dr7 = 0x400;
    return in;
}

static void emulated(struct vcpu_events *ev, uint64_t rflags, uint64_t pending_dbg,
                     struct vmx_emulated_fields *f)
{
    struct vmx_emulated_insn in = insn(rflags, pending_dbg);
    vcpu_events_instruction_emulated(ev, &in, f);
}

static void test_single_step_after_emulation(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    struct vmx_entry_events e;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0);
    emulated(&ev, 0x102 /* TF */, 0x4001 /* BS | B0 */, &f);
    assert_true(f.write_pending_dbg);
    assert_int_equal(f.pending_dbg_exceptions, 0);
    assert_true(vcpu_events_before_entry(&ev, &e));
    assert_int_equal(e.entry_intr_info, 0x80000301); /* valid, hw exception, #DB */
    assert_true(e.set_dr6);
    assert_int_equal(e.dr6, 0xffff4ff1);
    assert_false(e.set_rf); /* #DB never sets RF */
}

static void test_no_trap_without_tf(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    struct vmx_entry_events e;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0);
    emulated(&ev, 0x2, 0x1 /* B0 pending */, &f);
    assert_false(f.write_pending_dbg);
    assert_false(f.write_interruptibility);
    assert_false(vcpu_events_before_entry(&ev, &e));
    assert_int_equal(e.entry_intr_info, 0);
}

static void test_shadow_ends_and_stays_ended(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    struct vmx_entry_events e;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0x1 /* blocking by STI */ | 0x8 /* blocking by NMI */);
    emulated(&ev, 0x2, 0, &f);
    assert_true(f.write_interruptibility);
    assert_int_equal(f.guest_interruptibility, 0x8); /* NMI blocking is not a shadow */
    vcpu_queue_nmi(&ev); /* waits for NMI blocking; must not bring the STI bit back */
    vcpu_events_before_entry(&ev, &e);
    assert_int_equal(e.guest_interruptibility & 0x3, 0);
    assert_false(e.write_interruptibility);
}

/* SDM 17.2.4/17.2.5: OUT to port 0x3ff with DR0 = 0x3ff, R/W0 = 10 (I/O), LEN0 = 1 byte,
 * L0 set and CR4.DE = 1 -> #DB with B0 after the instruction; CR4.DE = 0 -> nothing. */
static void test_io_breakpoint(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    struct vmx_entry_events e;
    struct vmx_emulated_insn in = insn(0x2, 0);
    in.dr7 = 0x400 | 0x1 /* L0 */ | (2u << 16) /* R/W0 = I/O */;
    in.dr[0] = 0x3ff;
    in.io = true;
    in.io_port = 0x3ff;
    in.io_size = 1;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0);
    in.cr4_de = false;
    vcpu_events_instruction_emulated(&ev, &in, &f);
    assert_false(vcpu_events_before_entry(&ev, &e));
    in.cr4_de = true;
    vcpu_events_instruction_emulated(&ev, &in, &f);
    assert_true(f.write_pending_dbg);
    assert_true(vcpu_events_before_entry(&ev, &e));
    assert_int_equal(e.entry_intr_info, 0x80000301);
    assert_int_equal(e.dr6, 0xffff0ff1);
}

/* Ranges: a 4-byte breakpoint at 0x3fc covers 0x3fc-0x3ff; a 2-byte access at 0x3fb
 * overlaps it; an access at 0x3f8 does not; a disabled or non-I/O breakpoint never hits. */
static void test_io_breakpoint_ranges(void **state)
{
    (void)state;
    uint64_t dr[4] = {0x3fd, 0x3f8, 0x3fc, 0};
    uint64_t dr7 = 0x1 | (2u << 16) | (3u << 18) /* DR0: I/O, 4 bytes */ |
                   (0u << 20) /* DR1: execute */ | 0x4 /* L1 */ |
                   (2u << 24) /* DR2: I/O, disabled */;
    assert_int_equal(x86_io_breakpoint_hits(dr7, dr, true, 0x3fb, 2), 0x1);
    assert_int_equal(x86_io_breakpoint_hits(dr7, dr, true, 0x3ff, 1), 0x1);
    assert_int_equal(x86_io_breakpoint_hits(dr7, dr, true, 0x3f8, 4), 0);
    assert_int_equal(x86_io_breakpoint_hits(dr7, dr, false, 0x3fc, 1), 0);
}

/* An emulated instruction completes: RF is cleared (SDM 17.3.1.1), so a guest that returned
 * from an instruction-breakpoint #DB with RF=1 onto CPUID does not carry RF=1 further. */
static void test_rf_cleared(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0);
    emulated(&ev, 0x10002, 0, &f);
    assert_true(f.clear_rf);
    emulated(&ev, 0x2, 0, &f);
    assert_false(f.clear_rf);
}

/* DEBUGCTL.BTF = 1: TF single-steps taken branches only (SDM 17.4.3); hv/ emulates no branch,
 * so the emulated instruction owes no #DB. (Neither Bochs 2.7 nor QEMU TCG models BTF, so no
 * row can compare this with a bare CPU here.) */
static void test_btf_owes_nothing(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    struct vmx_entry_events e;
    struct vmx_emulated_insn in = insn(0x102 /* TF */, 0);
    in.btf = true;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0);
    vcpu_events_instruction_emulated(&ev, &in, &f);
    assert_false(f.write_pending_dbg);
    assert_false(vcpu_events_before_entry(&ev, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_step_after_emulation),
        cmocka_unit_test(test_no_trap_without_tf),
        cmocka_unit_test(test_shadow_ends_and_stays_ended),
        cmocka_unit_test(test_io_breakpoint),
        cmocka_unit_test(test_io_breakpoint_ranges),
        cmocka_unit_test(test_rf_cleared),
        cmocka_unit_test(test_btf_owes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
