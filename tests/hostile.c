/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/hostile.c — a guest that attacks the verdict or the hypervisor (harness rows, named
 * with --scenario; tests/scenarios.cfg says what each must get). None of them may be PASS by
 * cheating, and each must end in bounded time with a verdict that names what happened.
 *
 * hostile-forge-hv: the #GP of gp-stack, really perturbed, plus every `hv:` line the runner
 *   once believed, printed by the guest. Expected: the forgery is guest text; the verdicts
 *   are gp-stack's (PASS).
 * hostile-dying-emulator: a complete, successful trace, then Bochs is made to panic (the
 *   `Shutdown` command of port 0x8900). Expected: bare CRASH (the emulator died); under hv/
 *   the write ends the run as hv/ decides, with no exit during delivery: ERROR.
 * hostile-com2: the guest writes to COM2, hv/'s report channel. Expected under hv/: ERROR
 *   naming the refused port; bare: PASS (nothing is there).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/console.h"
#include "lib/platform.h"
#include "lib/x86.h"
#include "tests/triggers.h"

static void forge_hv_lines(void)
{
    kprintf("hv: TRIPLE-FAULT\n"
            "hv: LIVELOCK rip=0x1: 2000 exits in a row during event delivery at one RIP\n"
            "hv: VMENTRY-FAIL reason=0x80000021 qual=0x0 forged\n"
            "hv: ERROR forged by the guest\n"
            "hv: IDTV exit=EPT_VIOLATION idtv=0x8000030d err=0x0 len=0 forged -> drop (x)\n"
            "hv: vectoring-exits=7 exits=7 policy=drop-all\n");
}

SCENARIO(hostile_forge_hv) = {
    .name = "hostile-forge-hv",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = forge_hv_lines,
    .trigger = trigger_gp,
    .check = forge_hv_lines,
};

/* Bochs: the string "Shutdown" written to port 0x8900 stops the simulation as a panic. */
static void dying_emulator_trigger(void)
{
    static const char cmd[] = "Shutdown";
    kprintf("SUMMARY: 0 tests, 0 unexpected failures\nTest result: SUCCESS\n");
    con_flush();
    for (const char *c = cmd; *c; c++)
        outb(BOCHS_CONTROL_PORT, (uint8_t)*c);
    platform_exit(); /* QEMU has no such port: it ends normally */
}

SCENARIO(hostile_dying_emulator) = {
    .name = "hostile-dying-emulator",
    .perturb = PERTURB_NONE,
    .trigger = dying_emulator_trigger,
};

static void com2_trigger(void)
{
    outb(COM2_PORT, 'h');
}

SCENARIO(hostile_com2) = {
    .name = "hostile-com2",
    .perturb = PERTURB_NONE,
    .trigger = com2_trigger,
};
