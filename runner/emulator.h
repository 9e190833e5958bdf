/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/emulator.h — the CPU models: Bochs 2.7 (Debian 12's package) and Bochs 3.0 (built
 * from Debian's source package by scripts/bochs3.sh), each bare and under hv/, and QEMU TCG
 * (bare only: TCG has no VMX). Configuration and command lines as measured
 * (docs/emulators.md; docs/bochs-versions.md for 3.0); file names inside a run directory
 * are relative, so a run can be repeated by hand with `cd <run dir> && sh cmdline`. */
#ifndef RUNNER_EMULATOR_H
#define RUNNER_EMULATOR_H

#include <stdbool.h>

/* A CPU column: an emulator, and for Bochs the CPU model of its bochsrc (`cpu: model=`).
 * `bochs` and `bochs3` are Ice Lake; `bochs:<model>` are other models of Bochs 2.7 with
 * other VMX capabilities (docs/bochs-versions.md, "CPU models"). CPU_QEMU_KVM is no bare
 * CPU: QEMU with KVM, the hypervisor under test, shown as a column judged against a bare
 * CPU model of the run (runner/kvm_column.c). */
enum cpu_model {
    CPU_BOCHS,
    CPU_QEMU,
    CPU_BOCHS3,
    CPU_QEMU_KVM,
    CPU_BOCHS_SANDYBRIDGE,
    CPU_BOCHS_TIGERLAKE,
    CPU_BOCHS_NEHALEM,
    CPU_COUNT
};

const char *cpu_name(enum cpu_model c);
bool cpu_parse(const char *s, enum cpu_model *out);
bool cpu_has_vmx(enum cpu_model c);    /* can run virtualized cells */
bool cpu_is_bochs(enum cpu_model c);   /* a Bochs version: bochsrc, debugger exit, bochs.log */
bool cpu_is_bochs27(enum cpu_model c); /* Bochs 2.7 (Debian's bochs-bin), any CPU model */
const char *cpu_bochs_model(enum cpu_model c); /* the bochsrc `cpu: model=`, NULL for QEMU */
bool cpu_is_qemu(enum cpu_model c);            /* QEMU, TCG or KVM: isa-debug-exit, qemu.log */
const char *cpu_summary(enum cpu_model c);     /* one line for `list` */
#define CPU_NAMES "bochs, bochs3, qemu, qemu-kvm, bochs:sandybridge, bochs:tigerlake, bochs:nehalem"

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

/* The bochsrc of a run on a Bochs version (`cpu`): bare (guest at 1 MiB) or virt (hv at
 * 1 MiB, guest at 0x1100000). Bochs 3.0 built without sound refuses a `sound:` line. */
char *bochsrc_text(enum cpu_model cpu, bool virt);
#define BOCHS_RC_TEXT "c\nquit\n" /* the `cont` file: continue, then quit at the break */

/* argv (NULL-terminated, malloc'd strings) to run in the run directory. Bochs 3.0 starts
 * its debugger only when asked (-debugger); 2.7 always does when it is compiled in. */
char **bochs_argv(enum cpu_model cpu, const char *bochs);
/* QEMU TCG, or with KVM (`cpu` CPU_QEMU_KVM); both with pc-testdev (docs/other-hypervisors.md). */
char **qemu_argv(enum cpu_model cpu, const char *qemu);
void argv_free(char **argv);
char *argv_shell(char *const *argv); /* one line, quoted for sh, for the `cmdline` file */

/* The emulator to use: `given` (a path, must be executable) or `name` looked up in PATH.
 * 0 with *path, or -1 with *err naming what is missing and how to install it. */
int emulator_resolve(const char *given, const char *name, const char *install, char **path,
                     char **err);
char *find_in_path(const char *name); /* NULL when not found */

#define BOCHS_INSTALL "apt-get install bochs bochs-term bochsbios vgabios"

/* Bochs 3.0: built by scripts/bochs3.sh into $REDELIVER_BOCHS3_DIR, default
 * ${XDG_CACHE_HOME:-$HOME/.cache}/redeliver/bochs-3.0; the binary is bin/bochs there.
 * NULL when neither REDELIVER_BOCHS3_DIR, XDG_CACHE_HOME nor HOME is set (caller frees). */
char *bochs3_default_path(void);
#define BOCHS3_BUILD  "scripts/bochs3.sh (or make bochs3; a few minutes)"
#define BOCHS3_BANNER "Bochs x86 Emulator 3." /* first line of a 3.x bochs.log */
#define QEMU_INSTALL  "apt-get install qemu-system-x86"

#endif
