/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/runner/test_spawn.c — running emulators with deadlines (runner/spawn.c), with
 * /bin/sh standing in for Bochs.
 *
 * Why: a hung guest must never hang the runner. The deadline sends SIGHUP to the whole
 * process group (Bochs ignores SIGTERM), then SIGKILL after the grace period to anything
 * that ignores SIGHUP too; a program that cannot start is reported, not waited for; the
 * environment is what docs/emulators.md asks (TERM set, stdin /dev/null, own directory); jobs run
 * in parallel; nothing the emulator started outlives the run, nor the runner: SIGKILL or
 * Ctrl-\ (SIGQUIT) of the runner once left Bochs spinning at 100% CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/spawn.h"
#include "runner/util.h"

static char dir[] = "/tmp/redeliver-test-spawn-XXXXXX";

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

static struct proc_spec sh(const char *script)
{
    char **argv = xcalloc(4, sizeof(*argv));
    argv[0] = xstrdup("/bin/sh");
    argv[1] = xstrdup("-c");
    argv[2] = xstrdup(script);
    return (struct proc_spec){
        .argv = argv, .dir = dir, .stdout_path = "out.txt", .stderr_path = "err.txt"};
}

static void spec_free(struct proc_spec *s)
{
    for (char **p = s->argv; *p; p++)
        free(*p);
    free(s->argv);
}

static unsigned calls;
static void count(void *ctx, size_t i, const struct proc_result *r)
{
    (void)ctx;
    (void)i;
    (void)r;
    calls++;
}

static struct proc_result run1(const char *script, double timeout, double grace)
{
    struct proc_spec s = sh(script);
    struct proc_result r;
    struct pool_opts o = {.jobs = 1, .timeout = timeout, .grace = grace};
    assert_int_equal(pool_run(&s, &r, 1, &o), 0);
    spec_free(&s);
    return r;
}

static char *slurp(const char *name)
{
    char *p = path_join(dir, name);
    char *text = read_file(p, NULL);
    free(p);
    return text;
}

static void test_exit_status_and_environment(void **state)
{
    (void)state;
    struct proc_result r = run1("echo \"$TERM $(pwd)\"; read x || echo eof; echo oops >&2; "
                                "exit 3",
                                10, 1);
    assert_null(r.start_error);
    assert_false(r.timed_out);
    assert_int_equal(r.exit_code, 3);
    char *out = slurp("out.txt"), *want = xasprintf("dumb %s\neof\n", dir);
    assert_string_equal(out, want);
    free(out);
    free(want);
    char *err = slurp("err.txt");
    assert_string_equal(err, "oops\n");
    free(err);
    char *d = proc_result_describe(&r);
    assert_string_equal(d, "exit status 3");
    free(d);
}

static void test_timeout_sighup(void **state)
{
    (void)state;
    double t0 = now_seconds();
    struct proc_result r = run1("sleep 10", 0.2, 5);
    double took = now_seconds() - t0;
    assert_true(r.timed_out);
    assert_false(r.killed_hard);
    assert_int_equal(r.exit_code, -1);
    assert_int_equal(r.signal, SIGHUP);
    assert_true(took < 2.0);
}

static void test_timeout_sighup_ignored(void **state)
{
    (void)state;
    double t0 = now_seconds();
    /* like Bochs with SIGTERM: the whole group ignores the polite signal */
    struct proc_result r = run1("trap '' HUP; sleep 10", 0.2, 0.3);
    double took = now_seconds() - t0;
    assert_true(r.timed_out);
    assert_true(r.killed_hard);
    assert_int_equal(r.signal, SIGKILL);
    assert_true(took >= 0.45 && took < 3.0);
    char *d = proc_result_describe(&r);
    assert_non_null(strstr(d, "signal 9"));
    free(d);
}

static void test_cannot_start(void **state)
{
    (void)state;
    struct proc_spec s = sh("true");
    free(s.argv[0]);
    s.argv[0] = xstrdup("/nonexistent/bochs-bin");
    struct proc_result r;
    struct pool_opts o = {.jobs = 2, .timeout = 5, .grace = 1, .done = count};
    calls = 0;
    assert_int_equal(pool_run(&s, &r, 1, &o), 0);
    assert_non_null(r.start_error);
    assert_non_null(strstr(r.start_error, "/nonexistent/bochs-bin"));
    assert_int_equal(calls, 1);
    proc_result_free(&r);

    s.dir = "/nonexistent-dir";
    free(s.argv[0]);
    s.argv[0] = xstrdup("/bin/sh");
    assert_int_equal(pool_run(&s, &r, 1, &o), 0);
    assert_non_null(strstr(r.start_error, "/nonexistent-dir"));
    proc_result_free(&r);
    spec_free(&s);
}

static void test_parallel_jobs(void **state)
{
    (void)state;
    struct proc_spec s[4];
    struct proc_result r[4];
    for (int i = 0; i < 4; i++)
        s[i] = sh("sleep 0.5");
    struct pool_opts o = {.jobs = 4, .timeout = 10, .grace = 1, .done = count};
    calls = 0;
    double t0 = now_seconds();
    assert_int_equal(pool_run(s, r, 4, &o), 0);
    double took = now_seconds() - t0;
    assert_int_equal(calls, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r[i].exit_code, 0);
        assert_true(r[i].seconds >= 0.45);
        spec_free(&s[i]);
    }
    assert_true(took < 1.8); /* one after the other would take 2 s */
}

static struct proc_result run_capped(const char *script, unsigned long long cap)
{
    struct proc_spec s = sh(script);
    struct proc_result r;
    struct pool_opts o = {.jobs = 1, .timeout = 10, .grace = 1, .output_cap = cap};
    assert_int_equal(pool_run(&s, &r, 1, &o), 0);
    spec_free(&s);
    return r;
}

static long long file_size(const char *name)
{
    char *p = path_join(dir, name);
    size_t len = 0;
    char *text = read_file(p, &len);
    free(p);
    free(text);
    return text ? (long long)len : -1;
}

static void assert_describes(const struct proc_result *r, const char *want)
{
    char *d = proc_result_describe(r);
    if (strcmp(d, want) != 0)
        fail_msg("got '%s', want '%s'", d, want);
    free(d);
}

static void test_output_cap(void **state)
{
    (void)state;
    /* an emulator that writes without end stops at the cap, and the run says so */
    struct proc_result r = run_capped("exec head -c 3000000 /dev/zero", 1 << 20);
    assert_int_equal(file_size("out.txt"), 1 << 20);
    assert_int_equal(r.signal, SIGXFSZ);
    assert_describes(&r, "killed by signal 25 (File size limit exceeded); output exceeded the "
                         "1 MiB cap (out.txt)");
    proc_result_free(&r);

    /* one that ignores SIGXFSZ gets EFBIG and may carry on: still said */
    r = run_capped("trap '' XFSZ; head -c 3000000 /dev/zero >&2; exit 0", 1 << 20);
    assert_int_equal(file_size("err.txt"), 1 << 20);
    assert_int_equal(r.exit_code, 0);
    assert_describes(&r, "exit status 0; output exceeded the 1 MiB cap (err.txt)");
    proc_result_free(&r);

    /* files of its own count too (Bochs writes bochs.log and serial.txt itself); here the
     * shell reports head's SIGXFSZ as status 128 + 25 */
    r = run_capped("head -c 5000 /dev/zero > serial.txt", 4096);
    assert_describes(&r, "exit status 153; output exceeded the 4096-byte cap (serial.txt)");
    proc_result_free(&r);

    /* below the cap: nothing said */
    char *p = path_join(dir, "serial.txt");
    unlink(p);
    free(p);
    r = run_capped("head -c 1000 /dev/zero", 4096);
    assert_null(r.output_capped);
    assert_describes(&r, "exit status 0");

    /* the default is PROC_OUTPUT_CAP, for stdout, stderr and every other file */
    r = run_capped("grep 'Max file size' /proc/self/limits", 0);
    char *limits = slurp("out.txt"), *want = xasprintf(" %llu ", PROC_OUTPUT_CAP);
    assert_non_null(strstr(limits, want));
    free(limits);
    free(want);
}

/* Is the process gone within `seconds`? A zombie waiting for its reaper counts as gone. */
static bool gone_within(pid_t pid, double seconds)
{
    double until = now_seconds() + seconds;
    for (;;) {
        char stat[64];
        snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)pid);
        char *s = read_file(stat, NULL);
        bool gone = !s || strstr(s, ") Z ") != NULL;
        free(s);
        if (gone)
            return true;
        if (now_seconds() > until)
            return false;
        usleep(10000);
    }
}

/* The pid a script wrote into `name` (a complete line), waiting up to 5 s for it. */
static pid_t pid_from(const char *name)
{
    double until = now_seconds() + 5;
    while (now_seconds() < until) {
        char *text = slurp(name);
        pid_t pid = text && strchr(text, '\n') ? (pid_t)atoi(text) : 0;
        free(text);
        if (pid > 0)
            return pid;
        usleep(10000);
    }
    return 0;
}

static void test_group_cleaned_up(void **state)
{
    (void)state;
    /* the "emulator" leaves a helper behind and exits: the helper must not survive */
    struct proc_result r = run1("sleep 30 & echo $! > bg.pid; exit 0", 10, 1);
    assert_int_equal(r.exit_code, 0);
    pid_t pid = pid_from("bg.pid");
    assert_true(pid > 0);
    assert_true(gone_within(pid, 1.0));
}

/* A runner-like process starts an "emulator" (a shell that itself starts `sleep 60`) with
 * pool_run and gets `sig`; the emulator and what it started must be gone within 2 s, however
 * the runner died. Returns the runner's wait status. */
static int runner_dies_by(int sig)
{
    char *p = path_join(dir, "child.pid"), *q = path_join(dir, "gc.pid");
    unlink(p);
    unlink(q);
    free(p);
    free(q);
    pid_t runner = fork();
    assert_true(runner >= 0);
    if (runner == 0) {
        struct proc_spec s = sh("echo $$ > child.pid; sleep 60 & echo $! > gc.pid; wait");
        struct proc_result r;
        struct pool_opts o = {.jobs = 1, .timeout = 120, .grace = 1};
        _exit(pool_run(&s, &r, 1, &o) == -1 ? 130 : 0);
    }
    pid_t child = pid_from("child.pid"), grandchild = pid_from("gc.pid");
    assert_true(child > 0 && grandchild > 0);
    kill(runner, sig);
    int status = 0;
    assert_int_equal(waitpid(runner, &status, 0), runner);
    bool child_gone = gone_within(child, 2.0), grandchild_gone = gone_within(grandchild, 2.0);
    if (!child_gone) /* do not leave them running when the test fails */
        kill(child, SIGKILL);
    if (!grandchild_gone)
        kill(grandchild, SIGKILL);
    assert_true(child_gone);
    assert_true(grandchild_gone);
    return status;
}

static void test_runner_killed(void **state)
{
    (void)state;
    int status = runner_dies_by(SIGKILL);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void test_runner_quit(void **state)
{
    (void)state;
    /* Ctrl-\ reaches only the runner's process group: the runner must stop the emulators
     * and end like an interrupted run, not dump core and leave them running */
    int status = runner_dies_by(SIGQUIT);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_status_and_environment),
        cmocka_unit_test(test_timeout_sighup),
        cmocka_unit_test(test_timeout_sighup_ignored),
        cmocka_unit_test(test_cannot_start),
        cmocka_unit_test(test_parallel_jobs),
        cmocka_unit_test(test_group_cleaned_up),
        cmocka_unit_test(test_runner_killed),
        cmocka_unit_test(test_runner_quit),
        cmocka_unit_test(test_output_cap),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
