/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/spawn.h — run emulator processes, N at a time, each with a deadline.
 *
 * Each process starts in its own directory and process group with stdin from /dev/null,
 * stdout/stderr to files and TERM=dumb (Bochs needs it). At the deadline its group gets
 * SIGHUP (Bochs ignores SIGTERM), then SIGKILL after a grace period. SIGINT (Ctrl-C),
 * SIGQUIT (Ctrl-\), SIGTERM or SIGHUP to the runner kill every running group and make
 * pool_run return -1. Should the runner die without that chance (SIGKILL, a crash), every
 * emulator still dies with it: PR_SET_PDEATHSIG kills the emulator, and the guard process
 * (spawn_guard.h) kills what the emulator started in its group. */
#ifndef RUNNER_SPAWN_H
#define RUNNER_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

/* No file the process writes may grow past this: RLIMIT_FSIZE, set before exec, makes a
 * write past it fail (EFBIG) or kill the process with SIGXFSZ. Output beyond it is lost,
 * and the run says so (proc_result.output_capped). The runner reads no more than this of
 * any captured file either (rundir.c). */
#define PROC_OUTPUT_CAP_MIB 64
#define PROC_OUTPUT_CAP     ((unsigned long long)PROC_OUTPUT_CAP_MIB << 20)

struct proc_spec {
    char **argv;             /* argv[0]: absolute path of the executable */
    const char *dir;         /* working directory */
    const char *stdout_path; /* relative to dir */
    const char *stderr_path;
    double timeout; /* seconds; 0: the pool's (a batch of rows gets more, runner/schedule.c) */
};

struct proc_result {
    char *start_error; /* could not start (fork, chdir, exec, ...): the reason, else NULL */
    bool timed_out;    /* got SIGHUP at the deadline */
    bool killed_hard;  /* and SIGKILL after the grace period */
    int exit_code;     /* -1 when it died from a signal */
    int signal;        /* that signal, else 0 */
    double seconds;    /* wall time */
    /* "output exceeded the 64 MiB cap (bochs.log)": a file in the process's directory
     * reached the cap; else NULL */
    char *output_capped;
};

struct pool_opts {
    unsigned jobs;                 /* parallel processes, >= 1 */
    double timeout;                /* seconds per process */
    double grace;                  /* seconds between SIGHUP and SIGKILL */
    unsigned long long output_cap; /* bytes per written file; 0: PROC_OUTPUT_CAP */
    /* called as each process ends (in the runner's process), may be NULL */
    void (*done)(void *ctx, size_t index, const struct proc_result *r);
    void *ctx;
};

/* Run all specs; results[i] for specs[i]. 0, or -1 when interrupted by a signal (every
 * child is then killed and reaped; unfinished results have start_error "interrupted"). */
int pool_run(const struct proc_spec *specs, struct proc_result *results, size_t n,
             const struct pool_opts *o);

void proc_result_free(struct proc_result *r);

/* "exit status 1", "killed by signal 9", ..., then "; output exceeded the 64 MiB cap
 * (serial.txt)" when it did (caller frees) */
char *proc_result_describe(const struct proc_result *r);

#endif
