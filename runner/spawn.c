/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/spawn.c — see spawn.h. */
#define _GNU_SOURCE
#include "runner/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/spawn_guard.h"
#include "runner/util.h"

/* The runner's own signals: each stops every emulator and makes pool_run return -1.
 * SIGQUIT is Ctrl-\, which the terminal sends only to the runner's process group. */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

struct slot {
    size_t index;
    pid_t pid;
    double start;
    double hup_at; /* 0 until SIGHUP was sent */
};

/* In the child: report errno through the pipe and leave. */
static void child_fail(int fd, const char *what)
{
    int e = errno;
    char msg[256];
    int n = snprintf(msg, sizeof(msg), "%s: %s", what, strerror(e));
    if (n > 0 && write(fd, msg, (size_t)n) < 0)
        _exit(126);
    _exit(127);
}

static int redirect(int fd, const char *path, int flags, int report)
{
    int f = open(path, flags | O_CLOEXEC, 0644);
    if (f < 0)
        child_fail(report, path);
    if (dup2(f, fd) < 0)
        child_fail(report, "dup2");
    close(f);
    return 0;
}

static void child(const struct proc_spec *s, int report, pid_t runner,
                  const struct spawn_guard *guard, unsigned long long cap)
{
    setpgid(0, 0);
    guard_started(guard, getpid());
    /* die with the runner, however it dies (SIGKILL included); PDEATHSIG survives exec.
     * Had the runner died before prctl, the parent would already be someone else. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        child_fail(report, "prctl(PR_SET_PDEATHSIG)");
    if (getppid() != runner)
        _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        signal(stop_signals[i], SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (chdir(s->dir) != 0)
        child_fail(report, s->dir);
    redirect(0, "/dev/null", O_RDONLY, report);
    redirect(1, s->stdout_path, O_WRONLY | O_CREAT | O_TRUNC, report);
    redirect(2, s->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, report);
    struct rlimit fsize = {.rlim_cur = (rlim_t)cap, .rlim_max = (rlim_t)cap};
    if (setrlimit(RLIMIT_FSIZE, &fsize) != 0)
        child_fail(report, "setrlimit(RLIMIT_FSIZE)");
    setenv("TERM", "dumb", 1);
    execv(s->argv[0], s->argv);
    child_fail(report, s->argv[0]);
}

/* Start one process; 0 with *pid, or -1 with r->start_error set. */
static int start(const struct proc_spec *s, struct proc_result *r, pid_t *pid,
                 const struct spawn_guard *guard, unsigned long long cap)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        r->start_error = xasprintf("pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t runner = getpid();
    pid_t c = fork();
    if (c < 0) {
        r->start_error = xasprintf("fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (c == 0) {
        close(p[0]);
        child(s, p[1], runner, guard, cap);
    }
    setpgid(c, c); /* also in the parent: no race with the kill below */
    close(p[1]);
    char msg[256];
    ssize_t n;
    do
        n = read(p[0], msg, sizeof(msg) - 1);
    while (n < 0 && errno == EINTR);
    close(p[0]);
    if (n > 0) { /* exec failed: the child wrote why and exits */
        msg[n] = 0;
        r->start_error = xstrdup(msg);
        guard_ended(guard, c);
        while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
            ;
        return -1;
    }
    *pid = c;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "output exceeded the 64 MiB cap (bochs.log, serial.txt)" when files in `dir` reached the
 * cap, else NULL. */
static char *capped_files(const char *dir, unsigned long long cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)) != NULL)
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            (unsigned long long)st.st_size >= cap) {
            names = xrealloc(names, (n + 1) * sizeof(*names));
            names[n++] = xstrdup(e->d_name);
        }
    closedir(d);
    if (n == 0)
        return NULL;
    qsort(names, n, sizeof(*names), by_name);
    struct sbuf sb = {0};
    if (cap % (1ULL << 20) == 0)
        sb_addf(&sb, "output exceeded the %llu MiB cap (", cap >> 20);
    else
        sb_addf(&sb, "output exceeded the %llu-byte cap (", cap);
    for (size_t i = 0; i < n; i++) {
        sb_addf(&sb, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
    sb_add(&sb, ")");
    free(names);
    return sb.buf;
}

/* Has the process ended? Then kill what it left behind in its group and reap it, in that
 * order: once reaped, its pid (the group's id) may be reused by an unrelated process. */
static bool reap_if_ended(struct slot *sl, struct proc_result *r, const struct proc_spec *s,
                          const struct spawn_guard *guard, unsigned long long cap)
{
    siginfo_t si = {0};
    if (waitid(P_PID, (id_t)sl->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid != sl->pid)
        return false;
    kill(-sl->pid, SIGKILL);
    guard_ended(guard, sl->pid);
    int status = 0;
    while (waitpid(sl->pid, &status, 0) < 0 && errno == EINTR)
        ;
    r->seconds = now_seconds() - sl->start;
    r->output_capped = capped_files(s->dir, cap);
    if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else {
        r->exit_code = -1;
        r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return true;
}

static void pause_briefly(void)
{
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void kill_all(struct slot *slots, size_t active, const struct spawn_guard *guard)
{
    for (size_t i = 0; i < active; i++) {
        kill(-slots[i].pid, SIGKILL);
        guard_ended(guard, slots[i].pid);
    }
    for (size_t i = 0; i < active; i++)
        while (waitpid(slots[i].pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

int pool_run(const struct proc_spec *specs, struct proc_result *results, size_t n,
             const struct pool_opts *o)
{
    unsigned jobs = o->jobs ? o->jobs : 1;
    unsigned long long cap = o->output_cap ? o->output_cap : PROC_OUTPUT_CAP;
    struct slot *slots = xcalloc(jobs, sizeof(*slots));
    bool *ended = xcalloc(n, sizeof(*ended));
    size_t next = 0, active = 0, done = 0;
    struct spawn_guard guard;
    guard_start(&guard);
    struct sigaction sa = {.sa_handler = on_signal}, old[ARRAY_SIZE(stop_signals)];
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        sigaction(stop_signals[i], &sa, &old[i]);
    interrupted = 0;
    for (size_t i = 0; i < n; i++)
        memset(&results[i], 0, sizeof(results[i]));

    while (done < n && !interrupted) {
        while (active < jobs && next < n) {
            size_t i = next++;
            struct slot *sl = &slots[active];
            *sl = (struct slot){.index = i, .start = now_seconds()};
            if (start(&specs[i], &results[i], &sl->pid, &guard, cap) != 0) {
                results[i].exit_code = -1;
                ended[i] = true;
                done++;
                if (o->done)
                    o->done(o->ctx, i, &results[i]);
                continue;
            }
            active++;
        }
        for (size_t k = 0; k < active;) {
            struct slot *sl = &slots[k];
            struct proc_result *r = &results[sl->index];
            if (reap_if_ended(sl, r, &specs[sl->index], &guard, cap)) {
                ended[sl->index] = true;
                done++;
                if (o->done)
                    o->done(o->ctx, sl->index, r);
                slots[k] = slots[--active];
                continue;
            }
            double t = now_seconds();
            double limit = specs[sl->index].timeout > 0 ? specs[sl->index].timeout : o->timeout;
            if (!sl->hup_at && t - sl->start >= limit) {
                kill(-sl->pid, SIGHUP);
                r->timed_out = true;
                sl->hup_at = t;
            } else if (sl->hup_at && !r->killed_hard && t - sl->hup_at >= o->grace) {
                kill(-sl->pid, SIGKILL);
                r->killed_hard = true;
            }
            k++;
        }
        if (done < n && active > 0)
            pause_briefly();
    }

    int rc = 0;
    if (interrupted) {
        kill_all(slots, active, &guard);
        for (size_t i = 0; i < n; i++)
            if (!ended[i]) {
                results[i].start_error = xstrdup("interrupted");
                results[i].exit_code = -1;
            }
        rc = -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        sigaction(stop_signals[i], &old[i], NULL);
    guard_stop(&guard);
    free(slots);
    free(ended);
    return rc;
}

void proc_result_free(struct proc_result *r)
{
    free(r->start_error);
    r->start_error = NULL;
    free(r->output_capped);
    r->output_capped = NULL;
}

char *proc_result_describe(const struct proc_result *r)
{
    if (r->start_error)
        return xasprintf("not started: %s", r->start_error);
    const char *sep = r->output_capped ? "; " : "",
               *capped = r->output_capped ? r->output_capped : "";
    if (r->exit_code >= 0)
        return xasprintf("exit status %d%s%s", r->exit_code, sep, capped);
    return xasprintf("killed by signal %d (%s)%s%s%s", r->signal, strsignal(r->signal),
                     r->killed_hard ? " after ignoring SIGHUP" : "", sep, capped);
}
