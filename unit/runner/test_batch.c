/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_batch.c — cutting a batch's captures (runner/batch.c, batch_cut).
 *
 * Why: rows taken from a batch are judged as if each had booted alone, so the cut must take
 * only rows that ended cleanly, and nothing when the markers could have been forged: a guest
 * must not be able to pass a row it printed itself for the next row of the batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "runner/batch.h"

static const char *const rows[] = {"gp-stack", "ud-stack", "pf-stack"};

#define ROW(n, v) "ROW " n " vector=0x" v "\nEV x\nSUMMARY: 0 tests, 0 unexpected failures\n"
#define OK        "Test result: SUCCESS\n"
#define HV(n)                                                                                      \
    "hv: ROW " n                                                                                   \
    "\nhv: exit-counts IO_INSTRUCTION=9\nhv: vectoring-exits=1 exits=9 policy=kvm\nhv: ROW-END " n \
    "\n"
#define BANNER "hv: redeliver lab hypervisor\n"

static void cut(bool virt, const char *g, const char *h, bool normal, struct batch_cut *c)
{
    batch_cut(rows, 3, virt, g, strlen(g), h, strlen(h), normal, c);
}

static void test_clean_batch_taken_whole(void **state)
{
    (void)state;
    const char *g = "ENV virt policy=kvm\n" ROW("gp-stack", "0d") OK ROW("ud-stack", "06")
        OK ROW("pf-stack", "0e") OK;
    const char *h = BANNER HV("gp-stack") HV("ud-stack") HV("pf-stack");
    struct batch_cut c;
    cut(true, g, h, true, &c);
    assert_int_equal(c.n_taken, 3);
    assert_false(c.void_batch);
    assert_null(c.why);
    assert_int_equal(c.g_prelude, strlen("ENV virt policy=kvm\n"));
    assert_int_equal(c.h_prelude, strlen(BANNER));
    assert_memory_equal(g + c.slice[1].g0, "ROW ud-stack", 12);
    assert_memory_equal(h + c.slice[2].h0, "hv: ROW pf-stack", 16);
    assert_int_equal(c.slice[2].g1, strlen(g));
    batch_cut_free(&c);
}

/* The emulator did not end normally: every row ended, but the last is not vouched for. */
static void test_last_row_needs_a_normal_end(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") OK ROW("ud-stack", "06") OK ROW("pf-stack", "0e") OK;
    struct batch_cut c;
    cut(false, g, "", false, &c);
    assert_int_equal(c.n_taken, 2);
    assert_non_null(strstr(c.why, "row 3 (pf-stack)"));
    batch_cut_free(&c);
}

/* A row that crashed: no result; the rows before it are taken, it is not. */
static void test_crash_in_the_middle(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") OK "ROW ud-stack vector=0x06\nEV x\n";
    const char *h = HV("gp-stack") "hv: ROW ud-stack\nhv: LIVELOCK rip=0x1: 2000 exits\n"
                                   "hv: vectoring-exits=1 exits=9 policy=kvm\n";
    struct batch_cut c;
    cut(true, g, h, true, &c);
    assert_int_equal(c.n_taken, 1);
    assert_false(c.void_batch);
    assert_non_null(strstr(c.why, "row 2 (ud-stack)"));
    batch_cut_free(&c);
}

/* ERROR is never taken from a batch: the row runs alone. */
static void test_error_result_not_taken(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") "Test result: ERROR x\n" ROW("ud-stack", "06") OK;
    struct batch_cut c;
    cut(false, g, "", true, &c);
    assert_int_equal(c.n_taken, 0);
    batch_cut_free(&c);
}

/* The guest prints its own row's end and a clean next row: more ROW lines than hv/ started. */
static void test_forged_row_voids_the_batch(void **state)
{
    (void)state;
    const char *g = "ROW gp-stack vector=0x0d\n" OK ROW("ud-stack", "06") OK ROW("ud-stack", "06")
        OK ROW("pf-stack", "0e") OK;
    const char *h = HV("gp-stack") HV("ud-stack") HV("pf-stack");
    struct batch_cut c;
    cut(true, g, h, true, &c);
    assert_true(c.void_batch);
    assert_int_equal(c.n_taken, 0);
    batch_cut_free(&c);
    /* bare, with no hv/ to disagree: the extra ROW line still disagrees with the list */
    cut(false, g, "", true, &c);
    assert_true(c.void_batch);
    batch_cut_free(&c);
}

/* A ROW line that names another row than the list, or hv/ markers out of order. */
static void test_markers_out_of_order(void **state)
{
    (void)state;
    const char *g = ROW("ud-stack", "06") OK;
    struct batch_cut c;
    cut(false, g, "", true, &c);
    assert_true(c.void_batch);
    batch_cut_free(&c);
    g = ROW("gp-stack", "0d") OK;
    cut(true, g, HV("ud-stack"), true, &c);
    assert_true(c.void_batch);
    batch_cut_free(&c);
}

/* A row without its hv: ROW-END: hv/ ended the boot inside it. */
static void test_hv_slice_without_end(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") OK ROW("ud-stack", "06") OK;
    const char *h = "hv: ROW gp-stack\nhv: vectoring-exits=1 exits=9 policy=kvm\n"
                    "hv: ROW ud-stack\n";
    struct batch_cut c;
    cut(true, g, h, true, &c);
    assert_int_equal(c.n_taken, 0);
    assert_non_null(strstr(c.why, "ROW-END"));
    batch_cut_free(&c);
}

/* hv/ facts after a row's ROW-END (the guest's reset for the next row runs there) belong to
 * no row: they must not be judged as the row's (an IDTV line of its vector, an
 * IRET-NMI-UNBLOCK exit), so the row is not taken. */
static void test_hv_facts_after_row_end(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") OK ROW("ud-stack", "06") OK ROW("pf-stack", "0e") OK;
    const char *after[] = {"hv: IDTV exit=EPT_VIOLATION idtv=0x80000b0d err=0x0 len=0\n",
                           "hv: IRET-NMI-UNBLOCK exit=EPT_VIOLATION rip=0x1 -> NMI blocking on\n"};
    for (size_t i = 0; i < 2; i++) {
        char h[512];
        snprintf(h, sizeof(h), "%s%s%s%s", HV("gp-stack"), after[i], HV("ud-stack"),
                 HV("pf-stack"));
        struct batch_cut c;
        cut(true, g, h, true, &c);
        assert_int_equal(c.n_taken, 0);
        assert_non_null(strstr(c.why, "after its `hv: ROW-END`"));
        batch_cut_free(&c);
    }
    /* the last row too */
    char h[512];
    snprintf(h, sizeof(h), "%s%s%s%s", HV("gp-stack"), HV("ud-stack"), HV("pf-stack"), after[1]);
    struct batch_cut c;
    cut(true, g, h, true, &c);
    assert_int_equal(c.n_taken, 2);
    batch_cut_free(&c);
}

/* A bare shutdown cut the last ROW line short: that row started, and is not taken. */
static void test_cut_row_line_is_unfinished(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") OK "ROW ud-st";
    struct batch_cut c;
    cut(false, g, "", false, &c);
    assert_false(c.void_batch);
    assert_int_equal(c.n_taken, 1);
    batch_cut_free(&c);
    cut(false, ROW("gp-stack", "0d") OK "ROW ud-xx", "", false, &c);
    assert_true(c.void_batch);
    batch_cut_free(&c);
}

/* The last row may end the boot through hv/ (LIVELOCK) when the emulator then ends
 * normally, as its own boot would end; not a row before the last, nor with an abnormal end. */
static void test_last_row_ended_by_hv(void **state)
{
    (void)state;
    const char *g = ROW("gp-stack", "0d") OK ROW("ud-stack", "06") OK "ROW pf-stack vector=0x0e\n";
    const char *h =
        HV("gp-stack") HV("ud-stack") "hv: ROW pf-stack\n"
                                      "hv: LIVELOCK rip=0x1: 2000 exits\n"
                                      "hv: STATE rip=0x1\n"
                                      "hv: vectoring-exits=2000 exits=2004 policy=kvm\n";
    struct batch_cut c;
    cut(true, g, h, true, &c);
    assert_int_equal(c.n_taken, 3);
    assert_null(c.why);
    batch_cut_free(&c);
    cut(true, g, h, false, &c);
    assert_int_equal(c.n_taken, 2);
    batch_cut_free(&c);
    /* an hv/ ERROR is not a verdict a row may end a batch with: it runs alone */
    const char *e = HV("gp-stack") HV("ud-stack") "hv: ROW pf-stack\nhv: ERROR x\n"
                                                  "hv: vectoring-exits=0 exits=4 policy=kvm\n";
    cut(true, g, e, true, &c);
    assert_int_equal(c.n_taken, 2);
    batch_cut_free(&c);
}

static struct cat_scenario sc_plain = {.name = "gp-stack", .bare = V_PASS};

static void test_batchable(void **state)
{
    (void)state;
    struct expectation livelock = {.policy = "drop-hw", .verdict = V_LIVELOCK};
    struct cat_scenario sc = sc_plain;
    sc.expect = &livelock;
    sc.n_expect = 1;
    struct run bare = {.sc = &sc, .cpu = CPU_BOCHS};
    struct run kvm = {.sc = &sc, .cpu = CPU_BOCHS, .policy = "kvm"};
    struct run drop = {.sc = &sc, .cpu = CPU_BOCHS, .policy = "drop-hw"};
    assert_true(run_batchable(&bare, false));
    assert_true(run_batchable(&kvm, false));
    assert_false(run_batchable(&drop, false));
    assert_true(run_batchable(&drop, true));
    assert_true(run_ends_batch(&drop)); /* LIVELOCK: the last row of a batch */
    assert_false(run_ends_batch(&kvm));
    assert_false(run_ends_batch(&bare));
    struct cat_scenario shut = sc_plain;
    shut.bare = V_TRIPLE_FAULT;
    struct run s = {.sc = &shut, .cpu = CPU_BOCHS, .policy = "kvm"};
    assert_false(run_batchable(&s, false));
    assert_true(run_ends_batch(&s)); /* kvm shuts down as the bare CPU does */
    struct run sb = {.sc = &shut, .cpu = CPU_BOCHS};
    assert_false(run_ends_batch(&sb)); /* bare: the shutdown is read from bochs.log */
    struct cat_scenario h = sc_plain;
    h.harness = true;
    struct run hr = {.sc = &h, .cpu = CPU_BOCHS};
    assert_false(run_batchable(&hr, false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_batch_taken_whole),
        cmocka_unit_test(test_last_row_needs_a_normal_end),
        cmocka_unit_test(test_crash_in_the_middle),
        cmocka_unit_test(test_error_result_not_taken),
        cmocka_unit_test(test_forged_row_voids_the_batch),
        cmocka_unit_test(test_markers_out_of_order),
        cmocka_unit_test(test_hv_slice_without_end),
        cmocka_unit_test(test_hv_facts_after_row_end),
        cmocka_unit_test(test_cut_row_line_is_unfinished),
        cmocka_unit_test(test_last_row_ended_by_hv),
        cmocka_unit_test(test_batchable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
