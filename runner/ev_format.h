/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/ev_format.h — the formats of EV lines (docs/protocol.md, "EV" fields): FULL lines
 * carry dr7=, tf=, if=, nest=, isr= and irr= after dr6=; OLD lines, printed by guests built
 * before those fields, stop earlier. Lines of two formats cannot be compared field by
 * field. */
#ifndef RUNNER_EV_FORMAT_H
#define RUNNER_EV_FORMAT_H

enum ev_format { EV_FORMAT_NONE, EV_FORMAT_OLD, EV_FORMAT_FULL, EV_FORMAT_MIXED };

enum ev_format ev_line_format(const char *line);
/* The format of a trace of format `trace` after one more line of format `line`. */
enum ev_format ev_format_join(enum ev_format trace, enum ev_format line);
const char *ev_format_name(enum ev_format f);
/* Why a virtualized trace cannot be compared with its reference (caller frees), or NULL. */
char *ev_formats_mismatch(enum ev_format reference, enum ev_format virt);

#endif
