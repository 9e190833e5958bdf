/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/image.c — find and patch the configuration block (docs/protocol.md). */
#define _GNU_SOURCE
#include "runner/image.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "runner/catalogue.h"
#include "runner/util.h"

/* One layout: the guest's and hv's struct (lib/config.h), the offsets patched here and the
 * name limits the catalogue and session check. */
_Static_assert(sizeof(struct rdlv_config) == CFG_BLOCK_SIZE, "block size");
_Static_assert(offsetof(struct rdlv_config, scenario) == CFG_SCENARIO_OFF &&
                   sizeof(((struct rdlv_config *)0)->scenario) == CFG_SCENARIO_LEN,
               "scenario field");
_Static_assert(offsetof(struct rdlv_config, policy) == CFG_POLICY_OFF &&
                   sizeof(((struct rdlv_config *)0)->policy) == CFG_POLICY_LEN,
               "policy field");
_Static_assert(offsetof(struct rdlv_config, fault) == CFG_FAULT_OFF &&
                   sizeof(((struct rdlv_config *)0)->fault) == CFG_FAULT_LEN,
               "fault field");
_Static_assert(offsetof(struct rdlv_config, perturb) == CFG_PERTURB_OFF &&
                   sizeof(((struct rdlv_config *)0)->perturb) == CFG_PERTURB_LEN,
               "perturb field");
_Static_assert(offsetof(struct rdlv_config, profile) == CFG_PROFILE_OFF &&
                   sizeof(((struct rdlv_config *)0)->profile) == CFG_PROFILE_LEN,
               "profile field");
_Static_assert(sizeof(RDLV_CONFIG_MAGIC) == CFG_MAGIC_LEN, "magic");
_Static_assert(sizeof(struct rdlv_rows) == ROWS_SIZE && sizeof(RDLV_ROWS_MAGIC) == ROWS_MAGIC_LEN,
               "batch area");
_Static_assert(SCENARIO_NAME_MAX == CFG_SCENARIO_LEN - 1 && POLICY_NAME_MAX == CFG_POLICY_LEN - 1,
               "name limits");

bool hv_profile_known(const char *profile)
{
    return strcmp(profile, "minimal") == 0 || strcmp(profile, "kvm-like") == 0;
}

int config_find(const unsigned char *buf, size_t len, const char *what, size_t *off, char **err)
{
    const unsigned char *hit = memmem(buf, len, CFG_MAGIC, CFG_MAGIC_LEN);
    if (!hit) {
        *err = xasprintf("%s: no configuration block (magic \"%s\" not found; "
                         "docs/protocol.md) — rebuild it with make",
                         what, CFG_MAGIC);
        return -1;
    }
    size_t first = (size_t)(hit - buf);
    const unsigned char *again = memmem(hit + 1, len - first - 1, CFG_MAGIC, CFG_MAGIC_LEN);
    if (again) {
        *err = xasprintf("%s: the configuration magic appears twice (offsets 0x%zx and "
                         "0x%zx): which block to patch is ambiguous",
                         what, first, (size_t)(again - buf));
        return -1;
    }
    if (len - first < CFG_BLOCK_SIZE) {
        *err = xasprintf("%s: the configuration block at 0x%zx is cut off by the end of the "
                         "file (%zu of %d bytes)",
                         what, first, len - first, CFG_BLOCK_SIZE);
        return -1;
    }
    *off = first;
    return 0;
}

static int check_field(const char *what, const char *field, const char *value, size_t size,
                       char **err)
{
    if (!value)
        return 0;
    size_t n = strlen(value);
    if (n >= size) {
        *err = xasprintf("%s: %s '%s' is too long for the configuration block (%zu "
                         "characters, at most %zu)",
                         what, field, value, n, size - 1);
        return -1;
    }
    return 0;
}

static void put_field(unsigned char *block, size_t off, size_t size, const char *value)
{
    if (!value)
        return;
    memset(block + off, 0, size);
    memcpy(block + off, value, strlen(value));
}

/* The batch area: exactly one, whole inside the file, and the list fits with its NUL. */
static int rows_patch(unsigned char *buf, size_t len, const char *what, const char *rows,
                      char **err)
{
    const unsigned char *hit = memmem(buf, len, ROWS_MAGIC, ROWS_MAGIC_LEN);
    size_t off = hit ? (size_t)(hit - buf) : 0;
    if (!hit || memmem(hit + 1, len - off - 1, ROWS_MAGIC, ROWS_MAGIC_LEN) ||
        len - off < ROWS_SIZE) {
        *err = xasprintf("%s: %s batch area (magic \"%s\", docs/protocol.md) — rebuild it with "
                         "make",
                         what, !hit ? "no" : "not exactly one whole", ROWS_MAGIC);
        return -1;
    }
    size_t n = strlen(rows);
    if (n >= ROWS_SIZE - ROWS_MAGIC_LEN) {
        *err = xasprintf("%s: the batch's row list is %zu bytes, the batch area holds %d", what, n,
                         ROWS_SIZE - ROWS_MAGIC_LEN - 1);
        return -1;
    }
    memset(buf + off + ROWS_MAGIC_LEN, 0, ROWS_SIZE - ROWS_MAGIC_LEN);
    memcpy(buf + off + ROWS_MAGIC_LEN, rows, n);
    return 0;
}

int config_patch(unsigned char *buf, size_t len, const char *what, const struct cfg_values *v,
                 char **err)
{
    size_t off;
    if (config_find(buf, len, what, &off, err) != 0)
        return -1;
    if (check_field(what, "scenario", v->scenario, CFG_SCENARIO_LEN, err) != 0 ||
        check_field(what, "policy", v->policy, CFG_POLICY_LEN, err) != 0 ||
        check_field(what, "fault", v->fault, CFG_FAULT_LEN, err) != 0 ||
        check_field(what, "perturb", v->perturb, CFG_PERTURB_LEN, err) != 0 ||
        check_field(what, "profile", v->profile, CFG_PROFILE_LEN, err) != 0)
        return -1;
    unsigned char *block = buf + off;
    put_field(block, CFG_SCENARIO_OFF, CFG_SCENARIO_LEN, v->scenario);
    put_field(block, CFG_POLICY_OFF, CFG_POLICY_LEN, v->policy);
    put_field(block, CFG_FAULT_OFF, CFG_FAULT_LEN, v->fault);
    put_field(block, CFG_PERTURB_OFF, CFG_PERTURB_LEN, v->perturb);
    put_field(block, CFG_PROFILE_OFF, CFG_PROFILE_LEN, v->profile);
    return v->rows ? rows_patch(buf, len, what, v->rows, err) : 0;
}

int image_patch_copy(const char *src, const char *dst, const struct cfg_values *v, char **err)
{
    size_t len;
    char *buf = read_file(src, &len);
    if (!buf) {
        *err = xasprintf("%s: %s", src, strerror(errno));
        return -1;
    }
    int rc = config_patch((unsigned char *)buf, len, src, v, err);
    if (rc == 0 && write_file(dst, buf, len) != 0) {
        *err = xasprintf("%s: %s", dst, strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}
