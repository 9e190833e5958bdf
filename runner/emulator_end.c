/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/emulator_end.c — see emulator_end.h. */
#define _GNU_SOURCE
#include "runner/emulator_end.h"

#include <stdlib.h>
#include <string.h>

#include "runner/trace.h"
#include "runner/util.h"

#define LINE_SHOWN 200

/* The first line of `log` holding one of `marks`, other than the shutdown report when that
 * is allowed; cut to LINE_SHOWN. NULL when none. */
static char *fatal_line(const char *log, size_t len, bool shutdown_ok)
{
    static const char *const marks[] = {">>PANIC<<", "FATAL"};
    for (size_t pos = 0; log && pos < len;) {
        const char *nl = memchr(log + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - log) : len;
        char *line = xstrndup(log + pos, end - pos > LINE_SHOWN ? LINE_SHOWN : end - pos);
        bool hit = false;
        for (size_t i = 0; i < ARRAY_SIZE(marks) && !hit; i++)
            hit = memmem(log + pos, end - pos, marks[i], strlen(marks[i])) != NULL;
        if (hit && !(shutdown_ok && log_is_shutdown(line)))
            return line;
        free(line);
        pos = end + 1;
    }
    return NULL;
}

/* Bochs 3.0's log begins with its banner; a --bochs3 that is 2.7 would fill the column with
 * 2.7's verdicts under 3.0's name. True when the banner is there. */
static bool has_bochs3_banner(const char *log, size_t len)
{
    const char *nl = memchr(log, '\n', len);
    size_t first = nl ? (size_t)(nl - log) : len;
    return memmem(log, first, BOCHS3_BANNER, strlen(BOCHS3_BANNER)) != NULL;
}

char *emulator_end_problem(enum cpu_model cpu, const struct proc_result *p, const char *log,
                           size_t log_len, bool virt)
{
    if (p->start_error || p->timed_out)
        return NULL; /* reported as such by the judge */
    bool shutdown = !virt && log_has_shutdown(log, log_len);
    char *fatal = cpu_is_bochs(cpu) ? fatal_line(log, log_len, shutdown) : NULL;
    int normal = cpu_is_qemu(cpu) ? 1 : 0;
    if (cpu_is_qemu(cpu) && shutdown)
        normal = 0; /* -no-reboot: a triple fault ends QEMU with status 0 */
    if (cpu_is_bochs(cpu) && shutdown)
        normal = 1; /* panic: action=fatal */
    char *what = NULL;
    if (cpu == CPU_BOCHS3 && log && !has_bochs3_banner(log, log_len) && p->exit_code >= 0)
        what = xasprintf("bochs3: %s does not begin with \"" BOCHS3_BANNER
                         "\": --bochs3 names another Bochs version",
                         RUN_LOG);
    else if (p->exit_code < 0)
        what = xasprintf("%s killed by signal %d (%s)", cpu_name(cpu), p->signal,
                         strsignal(p->signal));
    else if (p->exit_code != normal)
        what = xasprintf("%s exit status %d (a finished run exits %d)", cpu_name(cpu), p->exit_code,
                         normal);
    if (fatal) {
        char *both = what ? xasprintf("%s; log: %s", what, fatal) : xasprintf("log: %s", fatal);
        free(what);
        what = both;
    }
    free(fatal);
    return what;
}
