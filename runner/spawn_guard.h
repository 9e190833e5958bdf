/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/spawn_guard.h — the guard: a small process that outlives the runner just long
 * enough to kill every emulator process group the runner left behind.
 *
 * Each emulator gets PR_SET_PDEATHSIG (spawn.c), but that reaches only the emulator itself,
 * not what it started. So pool_run forks the guard first, in its own process group and
 * deaf to SIGINT/SIGQUIT/SIGTERM/SIGHUP, holding one end of a socket pair. Every emulator
 * sends its process group id before exec; the runner sends the id again,
 * negated, before it reaps the emulator (after that the id may be reused). When the socket
 * reaches end of file — the runner returned from pool_run, or died in any way, SIGKILL
 * included — the guard sends SIGKILL to every group still on its list, and exits. */
#ifndef RUNNER_SPAWN_GUARD_H
#define RUNNER_SPAWN_GUARD_H

#include <sys/types.h>

struct spawn_guard {
    pid_t pid; /* 0 when the guard could not be started (then only PDEATHSIG protects) */
    int fd;    /* the runner's end, close-on-exec; -1 when none */
};

void guard_start(struct spawn_guard *g);
/* In the emulator's child before exec (async-signal-safe): its group is to be watched. */
void guard_started(const struct spawn_guard *g, pid_t pgid);
/* In the runner before reaping the group's leader: no longer watch it. */
void guard_ended(const struct spawn_guard *g, pid_t pgid);
/* Close the runner's end and reap the guard. */
void guard_stop(struct spawn_guard *g);

#endif
