/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/spawn_guard.c — see spawn_guard.h. */
#define _GNU_SOURCE
#include "runner/spawn_guard.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The guard's life: collect group ids until end of file, then kill what is left. */
static void guard_main(int in)
{
    static const int deaf[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof(deaf) / sizeof(deaf[0]); i++)
        signal(deaf[i], SIG_IGN);
    setpgid(0, 0); /* a signal to the runner's group does not reach the guard */
    /* keep nothing of the runner open (its results lock, other pipes) */
    if (in > 3)
        close_range(3, (unsigned)in - 1, 0);
    close_range((unsigned)in + 1, ~0U, 0);
    pid_t *groups = NULL;
    size_t n = 0, cap = 0;
    int32_t msg;
    for (;;) {
        ssize_t got = recv(in, &msg, sizeof(msg), 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof(msg))
            break; /* end of file: the runner is done or dead */
        if (msg > 0) {
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                pid_t *p = realloc(groups, cap * sizeof(*groups));
                if (!p)
                    break; /* kill what is known rather than nothing */
                groups = p;
            }
            groups[n++] = (pid_t)msg;
        } else {
            for (size_t i = 0; i < n; i++)
                if (groups[i] == (pid_t)-msg) {
                    groups[i] = groups[--n];
                    break;
                }
        }
    }
    for (size_t i = 0; i < n; i++)
        kill(-groups[i], SIGKILL);
    _exit(0);
}

void guard_start(struct spawn_guard *g)
{
    g->pid = 0;
    g->fd = -1;
    /* a socket pair rather than a pipe: send() with MSG_NOSIGNAL cannot raise SIGPIPE in
     * the runner should the guard be gone, and SEQPACKET keeps each message whole */
    int p[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) != 0)
        return;
    pid_t c = fork();
    if (c == 0) {
        close(p[1]);
        guard_main(p[0]);
    }
    close(p[0]);
    if (c < 0) {
        close(p[1]);
        return;
    }
    g->pid = c;
    g->fd = p[1];
}

static void tell(const struct spawn_guard *g, int32_t msg)
{
    if (g->fd < 0)
        return;
    ssize_t n;
    do
        n = send(g->fd, &msg, sizeof(msg), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
}

void guard_started(const struct spawn_guard *g, pid_t pgid)
{
    tell(g, (int32_t)pgid);
}

void guard_ended(const struct spawn_guard *g, pid_t pgid)
{
    tell(g, -(int32_t)pgid);
}

void guard_stop(struct spawn_guard *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    if (g->pid > 0)
        while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    g->pid = 0;
}
