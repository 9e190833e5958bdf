/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/emulator_end.h — did the emulator end the way a finished run ends?
 *
 * A run ends normally when the guest (or hv/) writes the exit ports (docs/protocol.md):
 * Bochs 2.7 and 3.0 then exit with status 0 (`D` to port 0x8900 breaks into the debugger —
 * 3.0 runs it only with -debugger — then the rc file's `quit`), QEMU with
 * status 1 (isa-debug-exit, value 0). A bare CPU that shuts down is a reference, not a
 * problem: Bochs logs the triple fault as a PANIC and exits 1, QEMU (-no-reboot) exits 0 and
 * logs "Triple fault". Anything else — another exit status, a signal, a PANIC or FATAL line
 * in bochs.log — means the emulator died, and a verdict from its text alone could be a PASS
 * of a run that never finished. A bochs3 run whose bochs.log does not begin with 3.x's
 * banner ran another version (--bochs3 pointing at 2.7): its verdicts would be mislabeled. */
#ifndef RUNNER_EMULATOR_END_H
#define RUNNER_EMULATOR_END_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/emulator.h"
#include "runner/spawn.h"

/* NULL when the process ended normally (or was killed by the runner's timeout, which the
 * judge reports itself); else one line saying what happened (caller frees). `log` is
 * bochs.log or qemu.log (may be NULL); `virt`: the run was under hv/ (no shutdown is a
 * reference there: hv/ reports the guest's triple fault and ends normally). */
char *emulator_end_problem(enum cpu_model cpu, const struct proc_result *p, const char *log,
                           size_t log_len, bool virt);

#endif
