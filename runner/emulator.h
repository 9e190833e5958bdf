/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/emulator.h — the two CPU models: Bochs (bare and under hv/) and QEMU TCG (bare
 * only: TCG has no VMX). Configuration and command lines exactly as docs/emulators.md
 * measured them; file names inside a run directory are relative, so a run can be repeated
 * by hand with `cd <run dir> && sh cmdline`. */
#ifndef RUNNER_EMULATOR_H
#define RUNNER_EMULATOR_H

#include <stdbool.h>

enum cpu_model { CPU_BOCHS, CPU_QEMU, CPU_COUNT };

const char *cpu_name(enum cpu_model c);
bool cpu_parse(const char *s, enum cpu_model *out);
bool cpu_has_vmx(enum cpu_model c); /* can run virtualized cells */

#define NA_REASON_QEMU "QEMU TCG has no VMX: virtualized runs need --cpu bochs"

#define BOCHS_ROM    "/usr/share/bochs/BIOS-bochs-latest"
#define BOCHS_VGAROM "/usr/share/bochs/VGABIOS-lgpl-latest"

/* Names inside a run directory. */
#define RUN_GUEST    "guest.bin"
#define RUN_HV       "hv.bin"
#define RUN_BOOT     "boot.img"
#define RUN_SERIAL   "serial.txt" /* COM1: the guest's channel */
#define RUN_HV_LOG   "hv.txt"     /* COM2: hv/'s report channel (virtualized runs) */
#define RUN_LOG      "bochs.log"
#define RUN_QEMU_LOG "qemu.log" /* -d cpu_reset: QEMU's own report of a triple fault */
#define RUN_STDOUT   "stdout.txt"
#define RUN_STDERR   "stderr.txt"
#define RUN_E9       "e9.txt"

/* The bochsrc of a run: bare (guest at 1 MiB) or virt (hv at 1 MiB, guest at 0x1100000). */
char *bochsrc_text(bool virt);
#define BOCHS_RC_TEXT "c\nquit\n" /* the `cont` file: continue, then quit at the break */

/* argv (NULL-terminated, malloc'd strings) to run in the run directory. */
char **bochs_argv(const char *bochs);
char **qemu_argv(const char *qemu);
void argv_free(char **argv);
char *argv_shell(char *const *argv); /* one line, quoted for sh, for the `cmdline` file */

/* The emulator to use: `given` (a path, must be executable) or `name` looked up in PATH.
 * 0 with *path, or -1 with *err naming what is missing and how to install it. */
int emulator_resolve(const char *given, const char *name, const char *install, char **path,
                     char **err);
char *find_in_path(const char *name); /* NULL when not found */

#define BOCHS_INSTALL "apt-get install bochs bochs-term bochsbios vgabios"
#define QEMU_INSTALL  "apt-get install qemu-system-x86"

#endif
