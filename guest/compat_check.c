/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/compat_check.c — guest/compat.S cannot include lib/desc.h (C declarations): it
 * repeats three selectors, which must stay what lib/desc.h says. */
#include "lib/desc.h"

_Static_assert(SEL_CODE64 == 0x08 && SEL_DATA == 0x10 && SEL_CODE32 == 0x38,
               "guest/compat.S repeats these selectors");
