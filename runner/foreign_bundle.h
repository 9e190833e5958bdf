/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/foreign_bundle.h — the bundle that carries a foreign Multiboot kernel, its command
 * line and modules to hv/ (lib/foreign_bundle.h, docs/foreign-guests.md), and the bochsrc
 * of a run-image run. */
#ifndef RUNNER_FOREIGN_BUNDLE_H
#define RUNNER_FOREIGN_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

struct foreign_input {
    const char *kernel;  /* path of the Multiboot image */
    const char *cmdline; /* after argv[0] (the image's file name); NULL for none */
    const char **modules;
    size_t n_modules;
    unsigned ram_mib;
};

/* The bundle's bytes (caller frees), `bare` asking hv/ to load only. 0, or -1 with *err
 * naming the file and what is wrong (unreadable, too many modules, over 384 KiB). */
int foreign_bundle_build(const struct foreign_input *in, bool bare, unsigned char **out,
                         size_t *len, char **err);

/* foreign1.bin.. in `dir`, one per 128 KiB slot; returns the number written, or -1 with
 * *err. */
int foreign_bundle_write_slots(const char *dir, const unsigned char *b, size_t len, char **err);

/* The bochsrc of a run-image run: hv.bin at 1 MiB, the slots at FOREIGN_BUNDLE_HPA, enough
 * memory for hv/ and the guest's RAM, COM1 and COM2 captured (caller frees). */
char *foreign_bochsrc_text(unsigned ram_mib, int n_slots);

#endif
