/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/ev_format.c — which EV lines a trace holds, and whether two traces can be compared
 * line by line (docs/protocol.md, "EV" fields). */
#define _GNU_SOURCE
#include "runner/ev_format.h"

#include <string.h>

#include "runner/util.h"

enum ev_format ev_line_format(const char *line)
{
    static const char *const fields[] = {" dr7=", " tf=", " if=", " nest=", " isr=", " irr="};
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        if (!strstr(line, fields[i]))
            return EV_FORMAT_OLD;
    return EV_FORMAT_FULL;
}

enum ev_format ev_format_join(enum ev_format trace, enum ev_format line)
{
    return trace == EV_FORMAT_NONE || trace == line ? line : EV_FORMAT_MIXED;
}

const char *ev_format_name(enum ev_format f)
{
    switch (f) {
    case EV_FORMAT_NONE:
        return "none";
    case EV_FORMAT_OLD:
        return "old (no dr7=/tf=/if=/nest=/isr=/irr=)";
    case EV_FORMAT_FULL:
        return "full";
    case EV_FORMAT_MIXED:
        return "mixed";
    }
    return "?";
}

/* An old line (without tf=, if=, nest=, isr=, irr=) equals no new one: compared, every
 * event would read as a DIFFERENT the guest never saw. */
char *ev_formats_mismatch(enum ev_format reference, enum ev_format virt)
{
    if (reference == EV_FORMAT_MIXED || virt == EV_FORMAT_MIXED)
        return xasprintf("EV lines of two formats in one %s trace: cannot compare",
                         virt == EV_FORMAT_MIXED ? "virtualized" : "reference");
    if (reference != EV_FORMAT_NONE && virt != EV_FORMAT_NONE && reference != virt)
        return xasprintf("EV lines of different formats: reference %s, virtualized %s (images "
                         "of two builds?): cannot compare",
                         ev_format_name(reference), ev_format_name(virt));
    return NULL;
}
