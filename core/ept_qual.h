/* SPDX-License-Identifier: BSD-2-Clause */
/* Exit qualification of an EPT violation (SDM 27.2.1 Table 27-7; 28.3.3.2). */
#ifndef CORE_EPT_QUAL_H
#define CORE_EPT_QUAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EPT_QUAL_READ          (1ull << 0) /* the access was a data read */
#define EPT_QUAL_WRITE         (1ull << 1) /* data write */
#define EPT_QUAL_FETCH         (1ull << 2) /* instruction fetch */
#define EPT_QUAL_EPT_READ      (1ull << 3) /* the EPT entry allowed reads (AND of the walk) */
#define EPT_QUAL_EPT_WRITE     (1ull << 4)
#define EPT_QUAL_EPT_EXEC      (1ull << 5) /* supervisor-mode execute with MBEC */
#define EPT_QUAL_EPT_USER_EXEC (1ull << 6) /* user-mode execute, with MBEC only */
#define EPT_QUAL_GLA_VALID     (1ull << 7) /* guest-linear-address field is valid */
#define EPT_QUAL_TRANSLATION                                                                       \
    (1ull << 8)                            /* 1: access to the translated address; 0: to a         \
                                              guest paging-structure entry (if bit 7) */
#define EPT_QUAL_USER_LINEAR  (1ull << 9)  /* advanced info: user-mode linear address */
#define EPT_QUAL_RW_PAGE      (1ull << 10) /* advanced info: read/write paging */
#define EPT_QUAL_NX_PAGE      (1ull << 11) /* advanced info: execute-disable */
#define EPT_QUAL_NMI_UNBLOCK  (1ull << 12) /* NMI unblocking due to IRET, SDM 27.2.3 */
#define EPT_QUAL_SHADOW_STACK (1ull << 13) /* the access was a shadow-stack access */
#define EPT_QUAL_EPT_SSS      (1ull << 14) /* supervisor shadow-stack bit of the EPT entry */
#define EPT_QUAL_ASYNC        (1ull << 16) /* asynchronous to instruction execution */

struct ept_qual {
    bool read, write, fetch;
    bool ept_read, ept_write, ept_exec, ept_user_exec;
    bool gla_valid;
    bool translation; /* meaningful only with gla_valid */
    bool user_linear, rw_page, nx_page;
    bool nmi_unblock;
    bool shadow_stack, ept_sss;
    bool async;
    uint64_t reserved; /* bits 15 and 63:17 as read */
};

struct ept_qual ept_qual_decode(uint64_t qual);
/* e.g. "write ept=r-- gla translation nmi-unblock" into buf; returns the length. */
size_t ept_qual_format(char *buf, size_t len, uint64_t qual);

#endif
