/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_decode_paste.c — `redeliver decode` on pasted lines (runner/decode_paste.c).
 *
 * Why: a hypervisor developer pastes what KVM's or Xen's VMCS dump or trace-cmd printed;
 * each value must be decoded with the kind its field name says (the same 0x80000b0e is
 * IDT-vectoring after "IDTVectoring: info=", VM-exit interruption information after
 * "VMExit: intr_info="), a qualification read as an EPT-violation one only when the exit
 * was one, a bad value refused rather than guessed, and a line with nothing known in it
 * reported rather than passed over. The lines are as the tools print them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/decode_paste.h"

static struct paste_line got;

static void recognise(const char *line)
{
    char err[200] = "";
    if (paste_recognise(line, &got, err, sizeof(err)) != 0)
        fail_msg("'%s': %s", line, err);
}

static void expect(size_t i, enum decode_kind kind, const char *what, uint64_t value)
{
    assert_true(i < got.n);
    assert_int_equal(got.v[i].kind, kind);
    assert_string_equal(got.v[i].what, what);
    assert_int_equal(got.v[i].value, value);
}

static void expect_text(size_t i, const char *want)
{
    char buf[400];
    assert_true(i < got.n);
    paste_value_format(buf, sizeof(buf), &got.v[i]);
    if (strcmp(buf, want) != 0)
        fail_msg("got '%s', want '%s'", buf, want);
}

static void test_kvm_dump_vmcs(void **state)
{
    (void)state;
    recognise("IDTVectoring: info=80000b0e errcode=00000000");
    assert_int_equal(got.n, 2);
    expect(0, DK_IDTV, "IDTVectoring info", 0x80000b0e);
    expect(1, DK_ERROR_CODE, "IDTVectoring errcode", 0);
    expect_text(0, "idtv (IDTVectoring info): 0x80000b0e: valid hw-exception #PF(14) err");

    recognise("VMExit: intr_info=80000b0e errcode=00000000 ilen=00000003");
    assert_int_equal(got.n, 3);
    expect(0, DK_EXIT_INTR, "VMExit intr_info", 0x80000b0e);
    expect(2, DK_INSTR_LEN, "VMExit ilen", 3);
    expect_text(2, "instr-len (VMExit ilen): 3");

    recognise("VMEntry: intr_info=80000306 errcode=00000000 ilen=00000000");
    expect(0, DK_ENTRY_INTR, "VMEntry intr_info", 0x80000306);

    /* the continuation line: an EPT violation, so its qualification is decoded as one */
    recognise("        reason=00000030 qualification=0000000000000181");
    assert_int_equal(got.n, 2);
    expect(0, DK_EXIT_REASON, "reason", 48);
    expect(1, DK_EPT_QUAL, "qualification", 0x181);
    expect_text(0, "exit-reason (reason): 0x00000030: EPT_VIOLATION (basic reason 48)");
    expect_text(1, "ept-qual (qualification): 0x181: read ept=--- gla translation");
    /* another exit: the qualification means something else, it is not decoded */
    recognise("        reason=0000001c qualification=0000000000000003");
    expect(1, DK_QUAL, "qualification", 3);
}

static void test_xen_vmcs_dump(void **state)
{
    (void)state;
    recognise("(XEN) IDTVectoring: info=80000b0e errcode=00000004");
    expect(0, DK_IDTV, "IDTVectoring info", 0x80000b0e);
    expect(1, DK_ERROR_CODE, "IDTVectoring errcode", 4);
    recognise("(XEN) EntryInterruptInfo=80000202");
    assert_int_equal(got.n, 1);
    expect(0, DK_ENTRY_INTR, "EntryInterruptInfo", 0x80000202);
    expect_text(0, "entry-intr (EntryInterruptInfo): 0x80000202: valid nmi NMI(2)");
    recognise("(XEN) ExitReason=00000030 ExitQualification=0000000000000182");
    expect(0, DK_EXIT_REASON, "ExitReason", 48);
    expect(1, DK_EPT_QUAL, "ExitQualification", 0x182);
}

static void test_trace_cmd_kvm_exit(void **state)
{
    (void)state;
    /* before Linux 5.16: info = exit qualification, VM-exit interruption information */
    recognise(" qemu-system-x86-4242  [001]  1234.567890: kvm_exit: reason EPT_VIOLATION "
              "rip 0xffffffff8100a0b4 info 181 0");
    assert_int_equal(got.n, 3);
    expect(0, DK_EXIT_REASON, "kvm_exit reason", 48);
    expect(1, DK_EPT_QUAL, "kvm_exit info", 0x181);
    expect(2, DK_EXIT_INTR, "kvm_exit info", 0);
    /* since: info1, info2 = IDT-vectoring, intr_info, error_code; names in any case */
    recognise("qemu-system-x86-4242 [000] 99.1: kvm_exit: vcpu 0 reason exception_nmi rip "
              "0xffffffff8100a0b4 info1 0x0000000000000000 info2 0x0000000080000b0e intr_info "
              "0x80000b0e error_code 0x00000002");
    assert_int_equal(got.n, 5);
    expect(0, DK_EXIT_REASON, "kvm_exit reason", 0);
    expect(1, DK_QUAL, "kvm_exit info1", 0);
    expect(2, DK_IDTV, "kvm_exit info2", 0x80000b0e);
    expect(3, DK_EXIT_INTR, "kvm_exit intr_info", 0x80000b0e);
    expect(4, DK_ERROR_CODE, "kvm_exit error_code", 2);
    /* KVM's own spelling of a reason */
    recognise("kvm_exit: reason MSR_READ rip 0x1000 info 0 0");
    expect(0, DK_EXIT_REASON, "kvm_exit reason", 31);
}

static void test_trace_cmd_injections(void **state)
{
    (void)state;
    recognise("  qemu-system-x86-4242  [001]  1234.5: kvm_inj_exception: #PF (0x2)");
    assert_int_equal(got.n, 2);
    expect(0, DK_ENTRY_INTR, "kvm_inj_exception #PF", 0x80000b0e);
    expect(1, DK_ERROR_CODE, "kvm_inj_exception #PF", 2);
    recognise("kvm_inj_exception: #GP (0x0) [reinjected]");
    expect(0, DK_ENTRY_INTR, "kvm_inj_exception #GP", 0x80000b0d);
    recognise("kvm_inj_exception: #UD");
    assert_int_equal(got.n, 1);
    expect(0, DK_ENTRY_INTR, "kvm_inj_exception #UD", 0x80000306);
    recognise("kvm_inj_exception: #BP"); /* KVM injects INT3's #BP as a software exception */
    expect(0, DK_ENTRY_INTR, "kvm_inj_exception #BP", 0x80000603);
    recognise("  qemu-system-x86-4242  [001]  1234.5: kvm_inj_virq: IRQ 0x40");
    assert_int_equal(got.n, 1);
    expect(0, DK_ENTRY_INTR, "kvm_inj_virq IRQ", 0x80000040);
    recognise("kvm_inj_virq: irq 64"); /* older kernels: decimal */
    expect(0, DK_ENTRY_INTR, "kvm_inj_virq irq", 0x80000040);
    recognise("kvm_inj_virq: Soft/INTn 0x80 [reinjected]");
    expect(0, DK_ENTRY_INTR, "kvm_inj_virq Soft/INTn", 0x80000480);
}

static void expect_bad(const char *line, const char *what)
{
    char err[200] = "";
    assert_int_equal(paste_recognise(line, &got, err, sizeof(err)), -1);
    if (!strstr(err, what))
        fail_msg("'%s': got '%s', want '%s'", line, err, what);
}

static void test_not_recognised_and_bad(void **state)
{
    (void)state;
    /* nothing known: n = 0, the caller reports the line */
    static const char *const nothing[] = {
        "*** Control State ***",
        "CPUBased=0x84006172 SecondaryExec=0x000000a2",
        "",
        "the test failed for some reason", /* "reason" is a field only as reason= */
        "kvm_entry: vcpu 0, rip 0xffffffff8100a0b4",
    };
    for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
        recognise(nothing[i]);
        if (got.n != 0)
            fail_msg("'%s' recognised as %s", nothing[i], got.v[0].what);
    }
    expect_bad("IDTVectoring: info=zz errcode=0", "IDTVectoring info: 'zz' is not a hex number");
    expect_bad("IDTVectoring: info=180000b0e", "out of range for idtv (32 bits)");
    expect_bad("IDTVectoring: info=", "no value");
    expect_bad("kvm_exit: reason EPT_VIOLATON rip 0x1", "exit-reason name");
    expect_bad("kvm_inj_exception: #XX", "not an exception mnemonic");
    expect_bad("kvm_inj_virq: IRQ 0x100", "above 255");
}

static void test_kinds_and_values(void **state)
{
    (void)state;
    enum decode_kind k;
    uint64_t v;
    char err[200];
    assert_true(decode_kind_parse("ept-qual", &k));
    assert_int_equal(k, DK_EPT_QUAL);
    assert_false(decode_kind_parse("exit-qual", &k)); /* not a KIND of the command line */
    assert_false(decode_kind_parse("IDTV", &k));
    assert_int_equal(decode_value_parse(DK_IDTV, "0x80000b0e", &v, err, sizeof(err)), 0);
    assert_int_equal(v, 0x80000b0e);
    assert_int_equal(decode_value_parse(DK_IDTV, "80000b0e", &v, err, sizeof(err)), 0);
    assert_int_equal(v, 0x80000b0e);
    assert_int_equal(decode_value_parse(DK_EXIT_REASON, "48", &v, err, sizeof(err)), 0);
    assert_int_equal(v, 48); /* bare digits stay decimal... */
    assert_int_equal(decode_value_parse(DK_EXIT_REASON, "00000030", &v, err, sizeof(err)), 0);
    assert_int_equal(v, 48); /* ...unless zero-padded to 8 digits as dumps print them */
    assert_int_equal(decode_value_parse(DK_EXIT_REASON, "Ept_Violation", &v, err, sizeof(err)), 0);
    assert_int_equal(v, 48);
    assert_int_equal(decode_value_parse(DK_EXIT_REASON, "EXIT_REASON_CPUID", &v, err, sizeof(err)),
                     0);
    assert_int_equal(v, 10);
    assert_int_equal(decode_value_parse(DK_EPT_QUAL, "0xffffffffffffffff", &v, err, sizeof(err)),
                     0);
    assert_int_equal(decode_value_parse(DK_IDTV, "0x100000000", &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(decode_value_parse(DK_IDTV, "12q", &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a number"));
    assert_int_equal(decode_value_parse(DK_EPT_QUAL, "0x1ffffffffffffffff", &v, err, sizeof(err)),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kvm_dump_vmcs),          cmocka_unit_test(test_xen_vmcs_dump),
        cmocka_unit_test(test_trace_cmd_kvm_exit),     cmocka_unit_test(test_trace_cmd_injections),
        cmocka_unit_test(test_not_recognised_and_bad), cmocka_unit_test(test_kinds_and_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
