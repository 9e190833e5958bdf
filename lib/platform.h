/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/platform.h — ending a run on the emulators (docs/emulators.md, "Output and exit status"). */
#ifndef LIB_PLATFORM_H
#define LIB_PLATFORM_H

#define QEMU_DEBUG_EXIT_PORT 0xf4   /* -device isa-debug-exit,iobase=0xf4 */
#define BOCHS_CONTROL_PORT   0x8900 /* 'D' breaks into the debugger; the rc file then quits */

/* Flushes the console and ends the emulator. Never returns. */
__attribute__((noreturn)) void platform_exit(void);

#endif
