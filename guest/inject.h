/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/inject.h — asking hv/ to inject an event (HC_INJECT_EVENT, lib/hypercall_abi.h) at
 * the VM entry right after the VMCALL, with NOPs after it where a software event's
 * instruction would be: nothing at RIP raises the event again. A fault (its saved RIP is
 * the NOPs' first byte) resumes after them. Inlined: RIPs stay inside the caller. */
#ifndef GUEST_INJECT_H
#define GUEST_INJECT_H

#include <stdint.h>

#include "guest/guest.h"

#define INJECT_LEN(n) ((uint64_t)(n) << HC_INJECT_LEN_SHIFT)

static inline __attribute__((always_inline)) long guest_inject(uint32_t info, uint64_t err_len,
                                                               uint64_t payload)
{
    long ret;
    __asm__ volatile("vmcall\n\t"
                     "1: nop; nop; nop; nop\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)
                     : "=a"(ret)
                     : "a"((uint64_t)HC_INJECT_EVENT), "D"((uint64_t)info), "S"(err_len),
                       "d"(payload)
                     : "memory");
    return ret;
}

#endif
