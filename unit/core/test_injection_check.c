/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the VM-entry checks on event injection (SDM 26.2.1.3) and on interruptibility
 * (SDM 26.3.1.5), core/injection_check.h; and the "could a CPU report this" filter for
 * IDT-vectoring information.
 * Why: these checks are the oracle that the fuzzer and the policy tests lean on; if they
 * accepted a word that VM entry rejects, a broken policy would look fine (docs/cases.md #12).
 * Every 12-bit low part of the VM-entry word, with and without the valid bit, is judged
 * against the SDM rules rewritten below as one boolean expression.
 * Expected: agreement for all 8192 words, each with several error codes and lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/injection_check.h"

/* SDM 26.2.1.3, default setup: CR0.PE = 1, MTF supported, no IA32_VMX_BASIC[56], no
 * IA32_VMX_MISC[30]. */
static int sdm_accepts(uint32_t w, uint32_t err, uint32_t len)
{
    if (!(w >> 31))
        return 1;
    unsigned vec = w & 0xff, type = (w >> 8) & 7, deliver = (w >> 11) & 1;
    int pushes = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
    int soft = type == 4 || type == 5 || type == 6;
    return type != 1 && !(type == 2 && vec != 2) && !(type == 3 && vec > 31) &&
           !(type == 7 && vec != 0) && deliver == (type == 3 && pushes) &&
           !(deliver && (err >> 16)) && !(w & 0x7ffff000u) && !(soft && (len < 1 || len > 15));
}

static void test_every_low_part(void **state)
{
    (void)state;
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    static const uint32_t errs[] = {0, 0xffff, 0x10000, 0xffffffffu};
    static const uint32_t lens[] = {0, 1, 2, 15, 16, 0xffffffffu};
    unsigned accepted = 0;
    for (uint32_t hi = 0; hi < 2; hi++)
        for (uint32_t low = 0; low < 0x1000; low++)
            for (size_t e = 0; e < 4; e++)
                for (size_t l = 0; l < 6; l++) {
                    uint32_t w = (hi << 31) | low;
                    const char *why = vmx_check_entry_injection(&caps, w, errs[e], lens[l]);
                    int want = sdm_accepts(w, errs[e], lens[l]);
                    if ((why == NULL) != want)
                        fail_msg("0x%08x err 0x%x len %u: core says %s", w, errs[e], lens[l],
                                 why ? why : "pass");
                    if (why)
                        assert_non_null(strstr(why, "SDM 26.2.1.3"));
                    accepted += want && hi;
                }
    assert_true(accepted > 1000);
}

static void test_bit12_and_reserved(void **state)
{
    (void)state;
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    assert_null(vmx_check_entry_injection(&caps, 0x80000b0eu, 0x2, 0));
    const char *why = vmx_check_entry_injection(&caps, 0x80001b0eu, 0x2, 0);
    assert_non_null(why);
    assert_non_null(strstr(why, "bit 12"));
    for (int bit = 12; bit <= 30; bit++)
        assert_non_null(vmx_check_entry_injection(&caps, 0x80000b0eu | (1u << bit), 0, 0));
}

static void test_caps(void **state)
{
    (void)state;
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    /* type 7 (pending MTF) needs the MTF control */
    assert_null(vmx_check_entry_injection(&caps, 0x80000700u, 0, 0));
    caps.mtf = false;
    assert_non_null(vmx_check_entry_injection(&caps, 0x80000700u, 0, 0));
    vmx_entry_caps_default(&caps);
    /* IA32_VMX_MISC[30]: software event with length 0 */
    assert_non_null(vmx_check_entry_injection(&caps, 0x80000480u, 0, 0));
    caps.zero_len_injection = true;
    assert_null(vmx_check_entry_injection(&caps, 0x80000480u, 0, 0));
    assert_non_null(vmx_check_entry_injection(&caps, 0x80000480u, 0, 16));
    vmx_entry_caps_default(&caps);
    /* IA32_VMX_BASIC[56]: error code free for hardware exceptions, not for other types */
    caps.no_hw_errcode_check = true;
    assert_null(vmx_check_entry_injection(&caps, 0x80000b06u, 0, 0));     /* #UD with error */
    assert_null(vmx_check_entry_injection(&caps, 0x8000030du, 0, 0));     /* #GP without */
    assert_non_null(vmx_check_entry_injection(&caps, 0x80000a02u, 0, 0)); /* NMI with error */
    vmx_entry_caps_default(&caps);
    /* unrestricted guest with CR0.PE = 0: no error code at all */
    caps.unrestricted_guest = true;
    caps.cr0_pe = false;
    assert_null(vmx_check_entry_injection(&caps, 0x8000030du, 0, 0));
    assert_non_null(vmx_check_entry_injection(&caps, 0x80000b0du, 0, 0));
    caps.cr0_pe = true;
    assert_null(vmx_check_entry_injection(&caps, 0x80000b0du, 0, 0));
}

static void test_interruptibility(void **state)
{
    (void)state;
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    const uint32_t ext = 0x80000040u, nmi = 0x80000202u, gp = 0x80000b0du;
    assert_null(vmx_check_entry_interruptibility(&caps, ext, 0));
    assert_non_null(vmx_check_entry_interruptibility(&caps, ext, 1)); /* STI */
    assert_non_null(vmx_check_entry_interruptibility(&caps, ext, 2)); /* MOV SS */
    assert_null(vmx_check_entry_interruptibility(&caps, ext, 8));     /* NMI blocking ok */
    assert_non_null(vmx_check_entry_interruptibility(&caps, nmi, 2));
    assert_non_null(vmx_check_entry_interruptibility(&caps, nmi, 8)); /* virtual NMIs */
    caps.virtual_nmis = false;
    assert_null(vmx_check_entry_interruptibility(&caps, nmi, 8));
    assert_null(vmx_check_entry_interruptibility(&caps, gp, 1));       /* exceptions: no rule */
    assert_non_null(vmx_check_entry_interruptibility(&caps, gp, 3));   /* STI and MOV SS */
    assert_non_null(vmx_check_entry_interruptibility(&caps, 0, 0x20)); /* reserved */

    struct vmx_entry_events e;
    memset(&e, 0, sizeof(e));
    e.entry_intr_info = nmi;
    assert_non_null(vmx_check_entry_events(&caps, &e, 2)); /* exit's value applies */
    e.write_interruptibility = true;
    e.guest_interruptibility = 0;
    assert_null(vmx_check_entry_events(&caps, &e, 2)); /* written value applies */
}

/* IDT-vectoring words a CPU reports, enumerated from SDM 24.9.3 and 6.15 independently:
 * type 0 and 4 any vector, NMI vector 2, hw exceptions 0-31 with the error bit exactly for
 * 8, 10-14, 17, 21, types 5 and 6 any vector; bit 12 either way. */
static int reportable(uint32_t low)
{
    unsigned vec = low & 0xff, type = (low >> 8) & 7, err = (low >> 11) & 1;
    int pushes = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
    switch (type) {
    case 0:
    case 4:
    case 5:
    case 6:
        return !err;
    case 2:
        return vec == 2 && !err;
    case 3:
        return vec < 32 && (int)err == pushes;
    default:
        return 0;
    }
}

static void test_plausible(void **state)
{
    (void)state;
    struct vmx_exit_events x;
    memset(&x, 0, sizeof(x));
    unsigned n = 0;
    for (uint32_t b12 = 0; b12 < 2; b12++)
        for (uint32_t low = 0; low < 0x1000; low++) {
            x.idt_vectoring_info = 0x80000000u | (b12 << 12) | low;
            x.exit_instr_len = 2;
            x.idt_vectoring_error = 0xfffe;
            const char *why = vmx_exit_events_implausible(&x);
            if ((why == NULL) != reportable(low))
                fail_msg("0x%08x: %s", x.idt_vectoring_info, why ? why : "plausible");
            n += why == NULL;
        }
    /* (256 + 256 + 256 + 256 + 1 + 32) words, times two for bit 12 */
    assert_int_equal(n, 2 * (4 * 256 + 1 + 32));
    x.idt_vectoring_info = 0x80000480u;
    x.exit_instr_len = 0;
    assert_non_null(vmx_exit_events_implausible(&x));
    x.exit_instr_len = 2;
    x.guest_interruptibility = 1; /* STI blocking survives delivery: no */
    assert_non_null(vmx_exit_events_implausible(&x));
    x.idt_vectoring_info = 0;
    assert_null(vmx_exit_events_implausible(&x)); /* STI blocking without delivery: yes */
    x.guest_interruptibility = 3;
    assert_non_null(vmx_exit_events_implausible(&x));
    x.guest_interruptibility = 0x20;
    assert_non_null(vmx_exit_events_implausible(&x));
    x.idt_vectoring_info = 0x80000480u;
    x.guest_interruptibility = 1;
    assert_non_null(vmx_exit_events_implausible(&x));
    x.guest_interruptibility = 8;
    assert_null(vmx_exit_events_implausible(&x));
    x.idt_vectoring_info = 0x80002480u; /* reserved bit 13 */
    assert_non_null(vmx_exit_events_implausible(&x));
    x.idt_vectoring_info = 0x80000b0eu;
    x.idt_vectoring_error = 0x10000;
    assert_non_null(vmx_exit_events_implausible(&x));
    x.idt_vectoring_info = 0;
    assert_null(vmx_exit_events_implausible(&x));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_low_part), cmocka_unit_test(test_bit12_and_reserved),
        cmocka_unit_test(test_caps),           cmocka_unit_test(test_interruptibility),
        cmocka_unit_test(test_plausible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
