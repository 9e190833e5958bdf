/* SPDX-License-Identifier: BSD-2-Clause */
/* What: events the hypervisor itself injects (hv/'s HC_INJECT_EVENT goes through these):
 * a software interrupt with its instruction length (vcpu_queue_soft_interrupt), and what
 * each policy does when the delivery of an injected event exits.
 * Why: nothing in the guest raises an injected event again; a policy that drops it, or
 * re-executes a software event where no instruction is (SDM 27.3.3), loses it. Expected
 * fields are literal VMCS words (SDM 24.8.3: valid 31, error code 11, type 10:8, vector).
 * Expected: type 4 with length L is injected as 0x800004vv, length L, whatever the
 * interruptibility; kvm re-injects it with the VM-exit instruction length; reexec-soft and
 * drop-all inject nothing afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "unit/core/events_fixture.h"

#define VMCALL 18
#define EPT    48

static void test_soft_interrupt_injected_with_length(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_len(&f, VMCALL, 0, 0, 3, 0);
    vcpu_queue_soft_interrupt(&f.ev, 0x80, 2);
    assert_false(vcpu_events_waiting(&f.ev)); /* no window needed */
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000480);
    assert_int_equal(f.e.entry_instr_len, 2);
    assert_int_equal(f.e.entry_exception_error, 0);
    assert_false(f.e.set_rf);
    exit_len(&f, VMCALL, 0, 0, 3, 0); /* delivered */
    assert_false(enter(&f));
}

/* SDM 26.3.1.5 holds back external interrupts and NMIs only: a software interrupt goes in
 * under STI blocking (interruptibility bit 0) too. */
static void test_soft_interrupt_ignores_sti_blocking(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_len(&f, VMCALL, 0, 0, 3, 1);
    vcpu_queue_soft_interrupt(&f.ev, 0x81, 15);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000481);
    assert_int_equal(f.e.entry_instr_len, 15);
}

/* The injected INT n's delivery exits: kvm re-injects it with the VM-exit instruction
 * length (SDM 27.2.4); reexec-soft and drop-all inject nothing (the instruction they count
 * on re-executing is not there); drop-hw re-injects (not a hardware exception). */
static void test_injected_soft_interrupt_delivery_exits(void **state)
{
    (void)state;
    static const struct {
        const char *policy;
        uint32_t info;
    } want[] = {
        {"kvm", 0x80000480}, {"drop-hw", 0x80000480}, {"drop-faults", 0x80000480},
        {"reexec-soft", 0},  {"drop-all", 0},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct fixture f;
        start(&f, want[i].policy);
        exit_len(&f, VMCALL, 0, 0, 3, 0);
        vcpu_queue_soft_interrupt(&f.ev, 0x80, 2);
        assert_true(enter(&f));
        exit_len(&f, EPT, 0x80000480, 0, 2, 0);
        assert_int_equal(enter(&f), want[i].info != 0);
        assert_int_equal(f.e.entry_intr_info, want[i].info);
        assert_int_equal(f.e.entry_instr_len, want[i].info ? 2 : 0);
    }
}

/* An injected #PF with its CR2 payload and an injected #GP(0): kvm re-delivers both with
 * error code (and CR2) when their delivery exits; drop-hw loses them. */
static void test_injected_exceptions_delivery_exits(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_len(&f, VMCALL, 0, 0, 3, 0);
    vcpu_queue_exception_payload(&f.ev, 14, true, 2, 0xdead000);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
    assert_true(f.e.set_cr2);
    exit_len(&f, EPT, 0x80000b0e, 2, 0, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
    assert_int_equal(f.e.entry_exception_error, 2);
    assert_true(f.e.set_cr2);
    assert_int_equal(f.e.cr2, 0xdead000);

    start(&f, "drop-hw");
    exit_len(&f, VMCALL, 0, 0, 3, 0);
    vcpu_queue_exception(&f.ev, 13, true, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0d);
    exit_len(&f, EPT, 0x80000b0d, 0, 0, 0);
    assert_false(enter(&f));
}

/* A soft interrupt queued after a shutdown is not injected. */
static void test_soft_interrupt_after_shutdown(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_len(&f, EPT, 0x80000b08, 0, 0, 0); /* #DF being delivered */
    vcpu_queue_exception(&f.ev, 13, true, 0);
    assert_true(vcpu_events_shutdown(&f.ev));
    vcpu_queue_soft_interrupt(&f.ev, 0x80, 2);
    assert_true(vcpu_events_shutdown(&f.ev));
    struct vmx_entry_events e;
    assert_false(vcpu_events_before_entry(&f.ev, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soft_interrupt_injected_with_length),
        cmocka_unit_test(test_soft_interrupt_ignores_sti_blocking),
        cmocka_unit_test(test_injected_soft_interrupt_delivery_exits),
        cmocka_unit_test(test_injected_exceptions_delivery_exits),
        cmocka_unit_test(test_soft_interrupt_after_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
