/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_ev_format.c — the EV line's fields after dr6= (docs/protocol.md): dr7=,
 * tf=, if=, nest=, isr=, irr=, and ve= on #VE lines.
 *
 * Why: the comparison is line by line, so the new fields count only because they are in
 * the line; an old-style line (a guest built before them) must still parse, and a trace of
 * old lines must never be compared with one of new lines, where every event would differ
 * in fields the old guest never printed: that is ERROR, not DIFFERENT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stdbool.h>

#include "runner/trace.h"
#include "unit/runner/judge_fixture.h"

#define FULL_IRQ                                                                                   \
    "EV INT 0x65 err=- rip=trigger+0x22 cs=0x08 rf=0 ist=1 cr2=- dr6=- dr7=- tf=0 if=1 nest=1 "    \
    "isr=0x65 irr=0x45"
#define FULL_IRQ_NO_IRR                                                                            \
    "EV INT 0x65 err=- rip=trigger+0x22 cs=0x08 rf=0 ist=1 cr2=- dr6=- dr7=- tf=0 if=1 nest=1 "    \
    "isr=0x65 irr=-"
#define FULL_NMI_NESTED                                                                            \
    "EV NMI err=- rip=0x102152 cs=0x08 rf=0 ist=1 cr2=- dr6=- dr7=- tf=0 if=0 nest=2 isr=- irr=-"
#define FULL_NMI                                                                                   \
    "EV NMI err=- rip=0x102152 cs=0x08 rf=0 ist=1 cr2=- dr6=- dr7=- tf=0 if=0 nest=1 isr=- irr=-"

/* a #VE as the guest records it (guest/ve.c): exit reason, offset 4, qualification, linear
 * and physical address read from the information area (SDM 25.5.7.2) */
#define FULL_VE                                                                                    \
    "EV #VE err=- rip=trigger+0x0 cs=0x08 rf=1 ist=1 cr2=- dr6=- dr7=- tf=0 if=0 nest=1 isr=- "    \
    "irr=- ve=0x30/0xffffffff/0x181/0x15b000/0x15b000"
/* the same #VE, but the area no longer says what the CPU wrote for the access (a hypervisor
 * that re-armed or rewrote it) */
#define FULL_VE_REARMED                                                                            \
    "EV #VE err=- rip=trigger+0x0 cs=0x08 rf=1 ist=1 cr2=- dr6=- dr7=- tf=0 if=0 nest=1 isr=- "    \
    "irr=- ve=0x30/0x0/0x181/0x15b000/0x15b000"

static void parse_guest(struct trace *t, const char *text)
{
    trace_parse(t, text, strlen(text), "", 0);
}

static void test_formats_parsed(void **state)
{
    (void)state;
    struct trace t;
    parse_guest(&t, "ROW x vector=0x65\n" FULL_IRQ "\nTest result: SUCCESS\n");
    assert_int_equal(t.n_ev, 1);
    assert_string_equal(t.ev[0], FULL_IRQ);
    assert_int_equal(t.ev_format, EV_FORMAT_FULL);
    trace_free(&t);

    /* an old-style line still parses, whole */
    parse_guest(&t, "ROW x vector=0x0d\n" GP "\nTest result: SUCCESS\n");
    assert_int_equal(t.n_ev, 1);
    assert_string_equal(t.ev[0], GP);
    assert_int_equal(t.ev_format, EV_FORMAT_OLD);
    trace_free(&t);

    parse_guest(&t, "ROW x\n" GP "\n" FULL_IRQ "\nTest result: SUCCESS\n");
    assert_int_equal(t.ev_format, EV_FORMAT_MIXED);
    trace_free(&t);

    parse_guest(&t, "ROW x\nTest result: SUCCESS\n");
    assert_int_equal(t.ev_format, EV_FORMAT_NONE);
    trace_free(&t);
}

static void test_old_and_new_not_compared(void **state)
{
    (void)state;
    char *old[] = {GP}, *full[] = {FULL_IRQ}, *mixed[] = {GP, FULL_IRQ};
    struct trace b, t;
    struct run_facts f = {0};
    char *d;
    good_virt(&b, old, 1);
    b.ev_format = EV_FORMAT_OLD;
    good_virt(&t, full, 1);
    t.ev_format = EV_FORMAT_FULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "different formats"));
    free(d);

    good_virt(&b, full, 1);
    b.ev_format = EV_FORMAT_FULL;
    good_virt(&t, mixed, 2);
    t.ev_format = EV_FORMAT_MIXED;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_ERROR);
    assert_non_null(strstr(d, "two formats"));
    free(d);
}

/* The comparison uses the new fields: an interrupt that no longer finds the lower one
 * pending in IRR, or an NMI handler that was re-entered, is a different observation. */
static void test_new_fields_compared(void **state)
{
    (void)state;
    char *bare_ev[] = {FULL_IRQ, FULL_NMI}, *same[] = {FULL_IRQ, FULL_NMI};
    char *no_irr[] = {FULL_IRQ_NO_IRR, FULL_NMI}, *nested[] = {FULL_IRQ, FULL_NMI_NESTED};
    struct trace b, t;
    struct run_facts f = {0};
    char *d;
    good_virt(&b, bare_ev, 2);
    b.ev_format = EV_FORMAT_FULL;

    good_virt(&t, same, 2);
    t.ev_format = EV_FORMAT_FULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_PASS);
    free(d);

    good_virt(&t, no_irr, 2);
    t.ev_format = EV_FORMAT_FULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_DIFFERENT);
    assert_non_null(strstr(d, "irr=-"));
    free(d);

    good_virt(&t, nested, 2);
    t.ev_format = EV_FORMAT_FULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_DIFFERENT);
    assert_non_null(strstr(d, "nest=2"));
    free(d);
}

/* ve= is part of the line: a #VE line is a full one, and a #VE whose information area reads
 * differently is a different observation (DIFFERENT, not MOVED: more than rip= differs). */
static void test_ve_field(void **state)
{
    (void)state;
    struct trace t;
    parse_guest(&t, "ROW ve-stack vector=0x14\n" FULL_VE "\nTest result: SUCCESS\n");
    assert_int_equal(t.n_ev, 1);
    assert_string_equal(t.ev[0], FULL_VE);
    assert_int_equal(t.ev_format, EV_FORMAT_FULL);
    trace_free(&t);

    char *ref[] = {FULL_VE}, *same[] = {FULL_VE}, *rearmed[] = {FULL_VE_REARMED};
    struct trace b;
    struct run_facts f = {0};
    char *d;
    good_virt(&b, ref, 1);
    b.ev_format = EV_FORMAT_FULL;
    good_virt(&t, same, 1);
    t.ev_format = EV_FORMAT_FULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_PASS);
    free(d);
    good_virt(&t, rearmed, 1);
    t.ev_format = EV_FORMAT_FULL;
    assert_int_equal(virt(&t, &f, V_PASS, &b, &d), V_DIFFERENT);
    assert_non_null(strstr(d, "ve=0x30/0x0/"));
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_parsed),
        cmocka_unit_test(test_old_and_new_not_compared),
        cmocka_unit_test(test_new_fields_compared),
        cmocka_unit_test(test_ve_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
