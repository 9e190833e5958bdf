/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/ini_lines.h — an INI text read with libinih (Debian's libinih-dev), with what
 * Debian's build does not give a handler: the line number of every pair, and a callback for
 * every `[section]` header (also one without keys, also a repeated one).
 *
 * The format is inih's with its leniencies off: `#` and `;` start a comment only at the
 * start of a line (inside a value they are text), no continuation lines (leading blanks do
 * not matter), no BOM, no line-length limit, `name = value` only (inih's `name: value` and
 * text after a header's `]` are syntax errors). Not thread-safe: libinih's options are
 * process globals, set by every ini_lines_parse() call. */
#ifndef RUNNER_INI_LINES_H
#define RUNNER_INI_LINES_H

#include <stddef.h>

struct ini_lines_ops {
    /* `[name]` on `line`; name as inih gives it: what is between `[` and `]`, unstripped,
     * cut to 49 bytes (inih's MAX_SECTION) */
    int (*section)(void *user, const char *name, unsigned line);
    /* `key = value` on `line`, both stripped of blanks; value may be "" */
    int (*pair)(void *user, const char *key, const char *value, unsigned line);
};

enum ini_lines_status {
    INI_LINES_OK,
    INI_LINES_STOPPED, /* a callback returned nonzero: parsing stopped at its line */
    INI_LINES_SYNTAX,  /* a line that is none of blank, comment, [section], name = value */
    INI_LINES_NUL,     /* a NUL byte in the line */
    INI_LINES_NOMEM,   /* libinih could not allocate its line buffer */
};

/* The line the parse ended on: the bad one, or the last one (0 for an empty text). */
struct ini_lines_pos {
    unsigned line;
    const char *text; /* that line in the caller's text, without its newline */
    size_t len;
};

/* Reads text[0..len) (lines end at '\n'; a '\r' before it is a blank), calling ops in line
 * order; the first callback that returns nonzero stops the parse. */
enum ini_lines_status ini_lines_parse(const char *text, size_t len, const struct ini_lines_ops *ops,
                                      void *user, struct ini_lines_pos *pos);

#endif
