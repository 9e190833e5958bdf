/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/multiboot_load.h — loading a foreign Multiboot 1 kernel from the bundle of
 * lib/foreign_bundle.h (docs/foreign-guests.md). */
#ifndef HV_MULTIBOOT_LOAD_H
#define HV_MULTIBOOT_LOAD_H

#include <stdbool.h>
#include <stdint.h>

/* One copy of the load plan: len bytes from host-physical src to guest-physical dst, then
 * zero bytes of zeros (.bss). Layout fixed by hv/foreign_bare.S. */
struct load_copy {
    uint32_t dst, src, len, zero;
};

#define LOAD_MAX_COPIES 32 /* program headers plus modules */

/* A foreign kernel is running (or about to): the exit ports report its code, the
 * pc-testdev ports answer, the watchdog does not take silence for a hang. */
extern bool foreign_active;

/* True when the bundle's magic is at FOREIGN_BUNDLE_HPA. */
bool foreign_bundle_present(void);

/* Validate the bundle and the kernel's Multiboot header, set the guest RAM size, load the
 * kernel, its modules and a Multiboot information block into guest memory and return the
 * entry point. A bundle that asks for a bare run never returns: hv/ jumps to the kernel
 * without VMX (hv/foreign_bare.S). Any bad input ends the run with `hv: ERROR`. */
uint64_t foreign_load(void);

/* hv/foreign_bare.S: leave long mode (SDM 9.8.5.4), run the copies, enter the kernel as a
 * Multiboot 1 loader does. Copied below 1 MiB first: the copies may overwrite hv/. */
extern const char foreign_bare_start[], foreign_bare_end[];
#define BARE_TRAMPOLINE_PA 0x7000u
#define BARE_COPIES_PA     0x6000u

#endif
