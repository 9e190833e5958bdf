/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the interruption-information codecs and formatter (core/vmx_event.h) for the three
 * VMCS fields (SDM 24.8.3, 24.9.2, 24.9.3), and the exit-reason names (SDM Appendix C).
 * Why: every decision in core/ starts from these bits; a wrong mask here would silently
 * turn IDT-vectoring into nonsense. The bit positions are written out again below, not
 * taken from the header under test.
 * Expected: every 12-bit low part, with and without the valid bit, decodes to the
 * independently sliced fields and re-encodes to itself (minus bit 12). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"

static void test_decode_every_low_part(void **state)
{
    (void)state;
    for (uint32_t hi = 0; hi < 2; hi++) {
        for (uint32_t low = 0; low < 0x1000; low++) {
            uint32_t w = (hi << 31) | low;
            for (int f = 0; f < 3; f++) {
                struct vmx_intr_info d = vmx_intr_info_decode(w, (enum vmx_intr_field)f);
                assert_int_equal(d.vector, low & 0xff);
                assert_int_equal(d.type, (low >> 8) & 7);
                assert_int_equal(d.has_error, (low >> 11) & 1);
                assert_int_equal(d.nmi_unblock, 0);
                assert_int_equal(d.valid, hi);
                /* bits 30:12 are reserved in VM-entry information, so 12-bit words have
                 * no reserved bits in any of the three fields */
                assert_int_equal(d.reserved, 0);
                assert_int_equal(vmx_intr_info_encode(&d), w);
            }
            assert_int_equal(vmx_intr_info_valid(w), hi);
            assert_int_equal(vmx_intr_info_vector(w), low & 0xff);
            assert_int_equal(vmx_intr_info_type(w), (low >> 8) & 7);
            assert_int_equal(vmx_intr_info_has_error(w), (low >> 11) & 1);
        }
    }
}

static void test_bit12_and_reserved(void **state)
{
    (void)state;
    uint32_t w = 0x80001b0eu; /* valid hw-exception #PF err, bit 12 */
    struct vmx_intr_info idtv = vmx_intr_info_decode(w, VMX_FIELD_IDT_VECTORING);
    struct vmx_intr_info exit = vmx_intr_info_decode(w, VMX_FIELD_EXIT_INTR);
    struct vmx_intr_info entry = vmx_intr_info_decode(w, VMX_FIELD_ENTRY_INTR);
    assert_true(idtv.nmi_unblock && exit.nmi_unblock);
    assert_int_equal(idtv.reserved, 0);         /* SDM 24.9.3: bit 12 undefined, not reserved */
    assert_int_equal(exit.reserved, 0);         /* SDM 24.9.2: NMI unblocking due to IRET */
    assert_int_equal(entry.reserved, 1u << 12); /* SDM 24.8.3: reserved */
    /* encoding never carries bit 12 or reserved bits */
    assert_int_equal(vmx_intr_info_encode(&idtv), 0x80000b0eu);
    struct vmx_intr_info r = vmx_intr_info_decode(0xfffff0ffu, VMX_FIELD_IDT_VECTORING);
    assert_int_equal(r.reserved, 0x7fffe000u);
    assert_int_equal(vmx_intr_info_decode(0xfffff0ffu, VMX_FIELD_ENTRY_INTR).reserved, 0x7ffff000u);
    assert_int_equal(vmx_intr_info_encode(&r), 0x800000ffu); /* bits 11:8 of 0xf0ff are 0 */
}

static void test_make(void **state)
{
    (void)state;
    assert_int_equal(vmx_intr_info_make(14, VMX_EVENT_HW_EXCEPTION, true), 0x80000b0eu);
    assert_int_equal(vmx_intr_info_make(2, VMX_EVENT_NMI, false), 0x80000202u);
    assert_int_equal(vmx_intr_info_make(0x80, VMX_EVENT_SOFT_INTR, false), 0x80000480u);
    assert_int_equal(vmx_intr_info_make(3, VMX_EVENT_SOFT_EXCEPTION, false), 0x80000603u);
    assert_int_equal(vmx_intr_info_make(1, VMX_EVENT_PRIV_SOFT_EXCEPTION, false), 0x80000501u);
    assert_int_equal(vmx_intr_info_make(0x40, VMX_EVENT_EXT_INTR, false), 0x80000040u);
}

static void expect_format(uint32_t w, enum vmx_intr_field f, const char *want)
{
    char buf[128];
    size_t n = vmx_intr_info_format_field(buf, sizeof(buf), w, f);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_format(void **state)
{
    (void)state;
    char buf[128];
    vmx_intr_info_format(buf, sizeof(buf), 0x80000b0du);
    assert_string_equal(buf, "valid hw-exception #GP(13) err");
    expect_format(0x80000202u, VMX_FIELD_IDT_VECTORING, "valid nmi NMI(2)");
    expect_format(0x80000480u, VMX_FIELD_IDT_VECTORING, "valid soft-intr 0x80");
    expect_format(0x80000040u, VMX_FIELD_IDT_VECTORING, "valid ext-intr 0x40");
    expect_format(0x80000603u, VMX_FIELD_IDT_VECTORING, "valid soft-exception #BP(3)");
    expect_format(0x80000501u, VMX_FIELD_IDT_VECTORING, "valid priv-soft-exception #DB(1)");
    expect_format(0x80001b0eu, VMX_FIELD_EXIT_INTR, "valid hw-exception #PF(14) err nmi-unblock");
    expect_format(0x80001b0eu, VMX_FIELD_IDT_VECTORING, "valid hw-exception #PF(14) err bit12");
    expect_format(0x80001b0eu, VMX_FIELD_ENTRY_INTR, "valid hw-exception #PF(14) err bit12");
    expect_format(0x80100300u, VMX_FIELD_ENTRY_INTR, "valid hw-exception #DE(0) reserved=0x100000");
    expect_format(0, VMX_FIELD_IDT_VECTORING, "invalid");
    expect_format(0x00000b0eu, VMX_FIELD_IDT_VECTORING, "invalid hw-exception #PF(14) err");
    expect_format(0x80000116u, VMX_FIELD_IDT_VECTORING, "valid reserved 0x16");
    expect_format(0x8000070fu, VMX_FIELD_IDT_VECTORING, "valid other 0x0f");
}

/* Truncation: every buffer length gives a NUL-terminated prefix of the full text. */
static void test_format_truncates(void **state)
{
    (void)state;
    char full[128], small[128];
    size_t n = vmx_intr_info_format(full, sizeof(full), 0x80001b0du);
    for (size_t len = 1; len <= n + 1; len++) {
        memset(small, 'X', sizeof(small));
        size_t m = vmx_intr_info_format(small, len, 0x80001b0du);
        assert_int_equal(m, len - 1);
        assert_int_equal(small[len - 1], '\0');
        assert_memory_equal(small, full, len - 1);
        assert_int_equal(small[len], 'X'); /* nothing written past the buffer */
    }
    assert_int_equal(vmx_intr_info_format(small, 0, 0x80000b0du), 0);
}

static void test_type_names(void **state)
{
    (void)state;
    static const char *const want[8] = {"ext-intr",       "reserved",  "nmi",
                                        "hw-exception",   "soft-intr", "priv-soft-exception",
                                        "soft-exception", "other"};
    for (int t = 0; t < 8; t++)
        assert_string_equal(vmx_event_type_name((enum vmx_event_type)t), want[t]);
}

/* A sample of Appendix C, written out here; and no name twice, none missing below 86
 * except the numbers Appendix C leaves unused (35, 38, 42, 71, 82, 83). */
static void test_exit_reason_names(void **state)
{
    (void)state;
    static const struct {
        uint32_t n;
        const char *name;
    } sample[] = {{0, "EXCEPTION_NMI"},
                  {1, "EXTERNAL_INTERRUPT"},
                  {2, "TRIPLE_FAULT"},
                  {7, "INTERRUPT_WINDOW"},
                  {8, "NMI_WINDOW"},
                  {10, "CPUID"},
                  {12, "HLT"},
                  {18, "VMCALL"},
                  {28, "CR_ACCESS"},
                  {30, "IO_INSTRUCTION"},
                  {31, "RDMSR"},
                  {32, "WRMSR"},
                  {33, "ENTRY_FAIL_GUEST_STATE"},
                  {37, "MONITOR_TRAP_FLAG"},
                  {41, "ENTRY_FAIL_MACHINE_CHECK"},
                  {48, "EPT_VIOLATION"},
                  {49, "EPT_MISCONFIG"},
                  {52, "PREEMPTION_TIMER"},
                  {62, "PML_FULL"},
                  {74, "BUS_LOCK"},
                  {79, "WRMSRLIST"}};
    for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++)
        assert_string_equal(vmx_exit_reason_name(sample[i].n), sample[i].name);
    static const uint32_t unused[] = {35, 38, 42, 71, 82, 83, 86, 1000, 0xffff, 0xffffffffu};
    for (size_t i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
        assert_string_equal(vmx_exit_reason_name(unused[i]), "UNKNOWN");
        assert_false(vmx_exit_reason_known(unused[i]));
    }
    unsigned named = 0;
    for (uint32_t a = 0; a < vmx_exit_reason_limit(); a++) {
        if (!vmx_exit_reason_known(a))
            continue;
        named++;
        for (uint32_t b = a + 1; b < vmx_exit_reason_limit(); b++)
            if (vmx_exit_reason_known(b))
                assert_string_not_equal(vmx_exit_reason_name(a), vmx_exit_reason_name(b));
    }
    assert_int_equal(named, 86 - 6);
    assert_int_equal(vmx_exit_reason_basic(0x80000021u), 33);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_every_low_part),
        cmocka_unit_test(test_bit12_and_reserved),
        cmocka_unit_test(test_make),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_truncates),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_exit_reason_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
