/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/config.h — the 144-byte configuration block the runner patches into an image copy.
 * Layout and meaning: docs/protocol.md, "Configuration block". */
#ifndef LIB_CONFIG_H
#define LIB_CONFIG_H

#define RDLV_CONFIG_MAGIC "REDELIVER-CFG-2"

struct rdlv_config {
    char magic[16];
    char scenario[48]; /* guest: which scenario row to run */
    char policy[32];   /* hv: re-delivery policy name */
    char fault[16];    /* harness self-test knob, normally empty */
    char perturb[16];  /* guest: "" arms the row's perturbation; "off" skips it (the
                          unperturbed reference run of a `reference = virt` row) */
    char profile[16];  /* hv: intercept profile, "" or "minimal", or "kvm-like" (docs/hv.md) */
};

_Static_assert(sizeof(struct rdlv_config) == 144, "docs/protocol.md fixes the layout");

/* The guest's batch area (guest.bin only; docs/protocol.md, "Batches"): row specifiers, one a
 * line ('\n'), run in order in one boot. Empty: the one row of `scenario`. */
#define RDLV_ROWS_MAGIC "REDELIVER-ROWS1"
#define RDLV_ROWS_SIZE  8192

struct rdlv_rows {
    char magic[16];
    char list[RDLV_ROWS_SIZE - 16]; /* NUL-terminated */
};

/* The image's block, with every string field forced NUL-terminated. */
const struct rdlv_config *config_get(void);

#endif
