/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_rundir.c — what a run directory's captures add to the run's detail
 * (runner/rundir.c, rundir_collect).
 *
 * Why: an emulator's output is capped (spawn.h, PROC_OUTPUT_CAP), and the runner reads at
 * most that much of a capture: a run whose output was cut short must say so in its detail,
 * whatever the process's exit status, or its verdict (often CRASH: the final line is lost)
 * would be unexplained. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/rundir.h"
#include "runner/util.h"

static char dir[] = "/tmp/redeliver-test-rundir-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    remove_contents(dir, NULL);
    return rmdir(dir);
}

static const char serial[] = "EV #GP err=0x0 rip=0x1000\nTest result: SUCCESS\n";

static void collect(struct run *r)
{
    memset(r, 0, sizeof(*r));
    r->cpu = CPU_QEMU;
    r->dir = dir;
}

static void done(struct run *r)
{
    proc_result_free(&r->proc);
    trace_free(&r->trace);
    free(r->log_problem);
    free(r->end_problem);
    free(r->context);
}

static void test_capped_output_in_detail(void **state)
{
    (void)state;
    char *p = path_join(dir, RUN_SERIAL);
    assert_int_equal(write_file(p, serial, strlen(serial)), 0);
    struct run r;
    collect(&r);
    rundir_collect(&r);
    assert_null(r.context); /* a clean run: nothing to add */
    done(&r);

    /* QEMU exits 0 after its writes failed with EFBIG: the cap is still said */
    collect(&r);
    r.proc.output_capped = xstrdup("output exceeded the 64 MiB cap (qemu.log)");
    rundir_collect(&r);
    assert_non_null(r.context);
    assert_non_null(strstr(r.context, "output exceeded the 64 MiB cap (qemu.log)"));
    done(&r);

    /* killed by SIGXFSZ: said once, with the signal, in the context and in end_problem
     * (which the judge shows alone when the emulator ended abnormally) */
    collect(&r);
    r.proc.exit_code = -1;
    r.proc.signal = 25;
    r.proc.output_capped = xstrdup("output exceeded the 64 MiB cap (serial.txt)");
    rundir_collect(&r);
    assert_non_null(strstr(r.context, "signal 25"));
    char *once = strstr(r.context, "output exceeded");
    assert_non_null(once);
    assert_null(strstr(once + 1, "output exceeded"));
    assert_non_null(r.end_problem);
    assert_non_null(strstr(r.end_problem, "signal 25"));
    once = strstr(r.end_problem, "output exceeded the 64 MiB cap (serial.txt)");
    assert_non_null(once);
    assert_null(strstr(once + 1, "output exceeded"));
    done(&r);
    free(p);
}

/* QEMU stopped by KVM (an internal error) waits until the timeout: its stderr says why */
static void test_qemu_timeout_says_stderr(void **state)
{
    (void)state;
    char *p = path_join(dir, RUN_STDERR);
    const char err[] = "KVM internal error. Suberror: 1\nextra data[0]: 0x1\n";
    assert_int_equal(write_file(p, err, strlen(err)), 0);
    struct run r;
    collect(&r);
    r.cpu = CPU_QEMU_KVM;
    r.proc.timed_out = true;
    rundir_collect(&r);
    assert_non_null(r.context);
    const char want[] = "qemu-kvm stderr: KVM internal error. Suberror: 1";
    assert_int_equal(strncmp(r.context, want, strlen(want)), 0);
    done(&r);
    unlink(p);
    free(p);
}

static void test_capture_read_with_a_cap(void **state)
{
    (void)state;
    /* a serial.txt larger than the cap (not written under the runner's limit): read up to
     * the cap, and the detail says it was cut short. Sparse: no disk space needed. */
    char *p = path_join(dir, RUN_SERIAL);
    assert_int_equal(write_file(p, serial, strlen(serial)), 0);
    assert_int_equal(truncate(p, (off_t)PROC_OUTPUT_CAP + 1), 0);
    struct run r;
    collect(&r);
    rundir_collect(&r);
    assert_non_null(r.context);
    char *want = xasprintf(RUN_SERIAL ": only its first %d MiB were read", PROC_OUTPUT_CAP_MIB);
    if (!strstr(r.context, want))
        fail_msg("got '%s', want '%s'", r.context, want);
    free(want);
    assert_int_equal(r.trace.n_ev, 1); /* what was read was parsed */
    done(&r);
    unlink(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capped_output_in_detail),
        cmocka_unit_test(test_capture_read_with_a_cap),
        cmocka_unit_test(test_qemu_timeout_says_stderr),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
