/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/foreign_bundle.h — the bundle that carries a foreign Multiboot 1 kernel, its command
 * line and its modules to hv/ (docs/foreign-guests.md). The runner (runner/foreign_bundle.c)
 * writes it; hv/ (hv/multiboot_load.c) reads it. On Bochs it is split into 128 KiB chunks,
 * one optramimage slot each (2, 3, 4), which lie end to end at FOREIGN_BUNDLE_HPA: Bochs
 * 2.7 places only the first 128 KiB of an optramimage file correctly. All fields are
 * little-endian; offsets count from the bundle's first byte. */
#ifndef LIB_FOREIGN_BUNDLE_H
#define LIB_FOREIGN_BUNDLE_H

#include <stdint.h>

#define FOREIGN_MAGIC       "RDLV-FOREIGN-1" /* 14 characters + NUL, padded to 16 */
#define FOREIGN_BUNDLE_HPA  0xc00000u        /* 12 MiB: above hv/, below guest RAM */
#define FOREIGN_SLOT_SIZE   0x20000u         /* 128 KiB per optramimage slot */
#define FOREIGN_SLOTS       3                /* optramimage2..4 */
#define FOREIGN_BUNDLE_MAX  (FOREIGN_SLOT_SIZE * FOREIGN_SLOTS)
#define FOREIGN_MAX_MODULES 8
#define FOREIGN_FLAG_BARE   1u /* hv/ loads the kernel and jumps to it without VMX */
#define FOREIGN_RAM_MIN_MIB 128
#define FOREIGN_RAM_MAX_MIB 512
#define FOREIGN_RAM_DEF_MIB 128

struct foreign_file {
    uint32_t offset, size; /* the file's bytes */
    uint32_t string;       /* offset of its NUL-terminated string (Multiboot module string) */
    uint32_t reserved;
};

struct foreign_bundle {
    char magic[16];
    uint32_t total_size; /* bytes, header included */
    uint32_t flags;
    uint32_t ram_mib; /* guest RAM: guest-physical [0, ram_mib MiB) */
    uint32_t n_modules;
    uint32_t cmdline; /* offset of the kernel's command line (argv[0] = the image's name) */
    uint32_t reserved[3];
    struct foreign_file kernel;
    struct foreign_file modules[FOREIGN_MAX_MODULES];
};

_Static_assert(sizeof(struct foreign_bundle) == 192, "docs/foreign-guests.md fixes the layout");

#endif
