/* SPDX-License-Identifier: BSD-2-Clause */
/* What: vcpu_events_instruction_emulated() — the events an instruction emulated by the
 * hypervisor owes the guest. Why: CASES 2 (the single-step #DB after an emulated CPUID under
 * TF) and the STI shadow, which hv/ must end without core/'s copy going stale.
 * Expected (SDM 17.3.1.4, 24.4.2): TF=1 -> #DB injected at the next entry with DR6 =
 * fixed ones | BS | the pending B0-B3, pending field cleared; TF=0 -> nothing injected,
 * pending field untouched; a STI/MOV-SS shadow is ended and not written back later. */
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

static void test_single_step_after_emulation(void **state)
{
    (void)state;
    struct vcpu_events ev;
    struct vmx_emulated_fields f;
    struct vmx_entry_events e;
    vcpu_events_init(&ev, policy_find("kvm"));
    exit_cpuid(&ev, 0);
    vcpu_events_instruction_emulated(&ev, 0x102 /* TF */, 0x4001 /* BS | B0 */, &f);
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
    vcpu_events_instruction_emulated(&ev, 0x2, 0x1 /* B0 pending */, &f);
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
    vcpu_events_instruction_emulated(&ev, 0x2, 0, &f);
    assert_true(f.write_interruptibility);
    assert_int_equal(f.guest_interruptibility, 0x8); /* NMI blocking is not a shadow */
    vcpu_queue_nmi(&ev); /* waits for NMI blocking; must not bring the STI bit back */
    vcpu_events_before_entry(&ev, &e);
    assert_int_equal(e.guest_interruptibility & 0x3, 0);
    assert_false(e.write_interruptibility);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_step_after_emulation),
        cmocka_unit_test(test_no_trap_without_tf),
        cmocka_unit_test(test_shadow_ends_and_stays_ended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
