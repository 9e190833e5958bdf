/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/version.c — `redeliver --version` / `redeliver version`. The Makefile passes
 * -DREDELIVER_VERSION="..." (git describe --always --dirty) to this file alone when the
 * tree is a git checkout; otherwise the version below is used. */
#include "runner/version.h"

#include "core/policy.h"
#include "runner/commands.h"

#include <stdio.h>
#include <string.h>

#ifndef REDELIVER_VERSION
#define REDELIVER_VERSION "0.1 (not built from a git tree)"
#endif

const char *redeliver_version(void)
{
    return REDELIVER_VERSION;
}

void version_format(char *buf, size_t len)
{
    snprintf(buf, len, "redeliver %s\ncore/: %u re-delivery policies\n", redeliver_version(),
             policy_count());
}

int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs("usage: redeliver version (or redeliver --version)\n"
              "prints the version (git describe at build time) and core/'s policy count\n",
              stdout);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "redeliver version: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    char text[256];
    version_format(text, sizeof(text));
    fputs(text, stdout);
    return 0;
}
