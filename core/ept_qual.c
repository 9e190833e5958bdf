/* SPDX-License-Identifier: BSD-2-Clause */
/* EPT-violation exit qualification (SDM 27.2.1 Table 27-7). */
#include "core/ept_qual.h"
#include "core/text.h"

#define EPT_QUAL_KNOWN 0x17fffull /* bits 14:0 and 16 */

struct ept_qual ept_qual_decode(uint64_t q)
{
    struct ept_qual d;
    d.read = q & EPT_QUAL_READ;
    d.write = q & EPT_QUAL_WRITE;
    d.fetch = q & EPT_QUAL_FETCH;
    d.ept_read = q & EPT_QUAL_EPT_READ;
    d.ept_write = q & EPT_QUAL_EPT_WRITE;
    d.ept_exec = q & EPT_QUAL_EPT_EXEC;
    d.ept_user_exec = q & EPT_QUAL_EPT_USER_EXEC;
    d.gla_valid = q & EPT_QUAL_GLA_VALID;
    d.translation = q & EPT_QUAL_TRANSLATION;
    d.user_linear = q & EPT_QUAL_USER_LINEAR;
    d.rw_page = q & EPT_QUAL_RW_PAGE;
    d.nx_page = q & EPT_QUAL_NX_PAGE;
    d.nmi_unblock = q & EPT_QUAL_NMI_UNBLOCK;
    d.shadow_stack = q & EPT_QUAL_SHADOW_STACK;
    d.ept_sss = q & EPT_QUAL_EPT_SSS;
    d.async = q & EPT_QUAL_ASYNC;
    d.reserved = q & ~EPT_QUAL_KNOWN;
    return d;
}

static void flag(struct text *t, bool on, const char *word)
{
    if (!on)
        return;
    if (t->pos)
        text_char(t, ' ');
    text_str(t, word);
}

size_t ept_qual_format(char *buf, size_t len, uint64_t qual)
{
    struct ept_qual d = ept_qual_decode(qual);
    struct text t;
    text_init(&t, buf, len);
    flag(&t, d.read, "read");
    flag(&t, d.write, "write");
    flag(&t, d.fetch, "fetch");
    flag(&t, !d.read && !d.write && !d.fetch, "no-access");
    flag(&t, true, "ept=");
    text_char(&t, d.ept_read ? 'r' : '-');
    text_char(&t, d.ept_write ? 'w' : '-');
    text_char(&t, d.ept_exec ? 'x' : '-');
    if (d.ept_user_exec)
        text_char(&t, 'u');
    /* SDM Table 27-7: bit 8 is defined only when bit 7 is set */
    flag(&t, d.gla_valid, d.translation ? "gla translation" : "gla paging-structure");
    flag(&t, !d.gla_valid, "no-gla");
    flag(&t, d.user_linear, "user");
    flag(&t, d.rw_page, "rw-page");
    flag(&t, d.nx_page, "nx-page");
    flag(&t, d.nmi_unblock, "nmi-unblock");
    flag(&t, d.shadow_stack, "shadow-stack");
    flag(&t, d.ept_sss, "ept-sss");
    flag(&t, d.async, "async");
    if (d.reserved) {
        flag(&t, true, "reserved=");
        text_hex(&t, d.reserved, 1);
    }
    return t.pos;
}
