/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/image.h — the configuration block of a kernel image (docs/protocol.md): the
 * runner writes the scenario, policy and fault knob into a private copy of each image
 * before a run, so the same file boots under Bochs, QEMU and GRUB without a command line. */
#ifndef RUNNER_IMAGE_H
#define RUNNER_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#define CFG_MAGIC        "REDELIVER-CFG-2" /* 15 characters + NUL = 16 bytes */
#define CFG_MAGIC_LEN    16
#define CFG_BLOCK_SIZE   144
#define CFG_SCENARIO_OFF 16
#define CFG_SCENARIO_LEN 48
#define CFG_POLICY_OFF   64
#define CFG_POLICY_LEN   32
#define CFG_FAULT_OFF    96
#define CFG_FAULT_LEN    16
#define CFG_PERTURB_OFF  112
#define CFG_PERTURB_LEN  16
#define CFG_PROFILE_OFF  128
#define CFG_PROFILE_LEN  16

/* `perturb` value: the guest arms no perturbation (the reference run of a `reference = virt`
 * row, docs/runner.md) */
#define CFG_PERTURB_DISABLED "off"

/* hv/'s intercept profiles (docs/hv.md, "Intercept profiles"); hv/ checks the name too. */
#define HV_PROFILE_DEFAULT "minimal"
bool hv_profile_known(const char *profile);

/* What to write; a NULL field is left as the image has it. Each string must fit its field
 * with its NUL; the rest of the field is zero-filled. */
struct cfg_values {
    const char *scenario;
    const char *policy;
    const char *fault;
    const char *perturb;
    const char *profile;
    const char *rows; /* guest.bin's batch area: row specifiers, one a line; NULL: left empty */
};

/* The batch area of guest.bin (lib/config.h, docs/protocol.md "Batches"). */
#define ROWS_MAGIC     "REDELIVER-ROWS1"
#define ROWS_MAGIC_LEN 16
#define ROWS_SIZE      8192

/* Offset of the block: exactly one magic, and the whole block inside the buffer.
 * 0, or -1 with *err (caller frees). `what` names the image in messages. */
int config_find(const unsigned char *buf, size_t len, const char *what, size_t *off, char **err);

/* Validate and write `v` into the buffer's block. 0, or -1 with *err. */
int config_patch(unsigned char *buf, size_t len, const char *what, const struct cfg_values *v,
                 char **err);

/* Read `src`, patch, write `dst`. 0, or -1 with *err. */
int image_patch_copy(const char *src, const char *dst, const struct cfg_values *v, char **err);

#endif
