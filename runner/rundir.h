/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/rundir.h — one run's directory: the private patched images, the emulator's
 * configuration and command line before the run; the captures it leaves behind after. */
#ifndef RUNNER_RUNDIR_H
#define RUNNER_RUNDIR_H

#include "runner/matrix.h"
#include "runner/spawn.h"

struct run_inputs {
    const char *guest;  /* build/guest.bin */
    const char *hv;     /* build/hv.bin */
    const char *boot;   /* build/boot.img */
    const char *bochs;  /* absolute paths of the emulators (NULL when not used) */
    const char *bochs3; /* Bochs 3.0 (--cpu bochs3) */
    const char *qemu;
    const char *fault;   /* "" for none */
    const char *profile; /* hv/'s intercept profile (docs/hv.md) */
};

/* Create r->dir with its files and fill *spec (free with rundir_spec_free).
 * 0, or -1 with *err (caller frees). */
int rundir_prepare(const struct run *r, const struct run_inputs *in, struct proc_spec *spec,
                   char **err);
/* The same for a batch (runner/batch.h): r stands for the batch (its dir, CPU, policy,
 * reference), `rows` is the guest's row list, one specifier a line. */
int rundir_prepare_rows(const struct run *r, const char *rows, const struct run_inputs *in,
                        struct proc_spec *spec, char **err);
void rundir_spec_free(struct proc_spec *spec);

/* After the process ended: parse serial.txt (and bochs.log) into r->trace,
 * r->log_problem and r->context. At most PROC_OUTPUT_CAP of each is read; r->context says
 * when one was longer, and when the process's output reached the cap. */
void rundir_collect(struct run *r);

/* verdict.txt: the run's verdict, expectation and detail, for people reading the dir. */
void rundir_write_verdict(const struct run *r);

#endif
