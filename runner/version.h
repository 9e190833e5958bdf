/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/version.h — the version of redeliver (runner/version.c). */
#ifndef RUNNER_VERSION_H
#define RUNNER_VERSION_H

#include <stddef.h>

/* git describe --always --dirty at build time, or the version written in version.c. */
const char *redeliver_version(void);
/* "redeliver <version>\ncore/: N re-delivery policies\n" into buf (NUL-terminated). */
void version_format(char *buf, size_t len);

#endif
