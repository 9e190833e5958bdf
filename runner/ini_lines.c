/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/ini_lines.c — libinih over an in-memory text, with line numbers and header events.
 *
 * libinih does the tokenizing. Debian builds it with INI_HANDLER_LINENO 0 (the handler gets
 * no line number) and without a header callback (ini_call_handler_on_new_section is not
 * exported), but with its options as run-time globals. So the text reaches inih through
 * ini_parse_stream() and our reader, which hands inih one line at a time, counts the lines,
 * and puts two lines of its own around each line of the text:
 *
 *     [\n]          before it: resets inih's current section to "\n"
 *     <line N>      the text's line: a pair here is the text's, on line N
 *     probe =       after it: inih calls the handler with its current section; anything but
 *                   "\n" means line N was a [header] (a repeated one too)
 *
 * No header of the text can be named "\n": its lines never hold a newline. */
#include "runner/ini_lines.h"

#include <ctype.h>
#include <ini.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RESET_LINE    "[\n]"
#define RESET_SECTION "\n"
#define PROBE_LINE    "probe ="

enum given { GAVE_RESET, GAVE_TEXT, GAVE_PROBE };

struct feed {
    const char *text;
    size_t len, pos;
    struct ini_lines_pos at; /* the text's line inih has now */
    enum given next, gave;
    enum ini_lines_status status;
    const struct ini_lines_ops *ops;
    void *user;
};

static char *give(char *buf, int size, const char *s, size_t n)
{
    if (size < 0 || n >= (size_t)size)
        abort(); /* ini_lines_parse() sized inih's buffer for the longest line */
    memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

/* libinih's ini_reader: the next line for inih, or NULL at the end of the text. */
static char *feed_line(char *buf, int size, void *stream)
{
    struct feed *f = stream;
    f->gave = f->next;
    switch (f->next) {
    case GAVE_RESET:
        if (f->pos >= f->len)
            return NULL;
        f->next = GAVE_TEXT;
        return give(buf, size, RESET_LINE, strlen(RESET_LINE));
    case GAVE_TEXT: {
        const char *s = f->text + f->pos;
        const char *nl = memchr(s, '\n', f->len - f->pos);
        size_t n = nl ? (size_t)(nl - s) : f->len - f->pos;
        f->at = (struct ini_lines_pos){.line = f->at.line + 1, .text = s, .len = n};
        f->pos += n + 1;
        if (memchr(s, 0, n)) {
            f->status = INI_LINES_NUL;
            return NULL;
        }
        f->next = GAVE_PROBE;
        return give(buf, size, s, n);
    }
    case GAVE_PROBE:
        f->next = GAVE_RESET;
        return give(buf, size, PROBE_LINE, strlen(PROBE_LINE));
    }
    return NULL;
}

/* inih's delimiter is the first '=' or ':' of the line; the format has only '='. */
static bool equals_delimited(const struct ini_lines_pos *at)
{
    for (size_t i = 0; i < at->len; i++)
        if (at->text[i] == '=' || at->text[i] == ':')
            return at->text[i] == '=';
    return false;
}

/* inih ends a header at its first ']' and ignores the rest of the line; the format does not. */
static bool header_ends_line(const struct ini_lines_pos *at)
{
    size_t n = at->len;
    while (n > 0 && isspace((unsigned char)at->text[n - 1]))
        n--;
    const char *close = memchr(at->text, ']', at->len);
    return close && (size_t)(close - at->text) == n - 1;
}

static int stop(struct feed *f, enum ini_lines_status status)
{
    f->status = status;
    return 0; /* inih: stop (ini_stop_on_first_error) */
}

/* libinih's ini_handler: nonzero to go on. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct feed *f = user;
    if (f->gave == GAVE_TEXT) {
        if (!equals_delimited(&f->at))
            return stop(f, INI_LINES_SYNTAX);
        if (f->ops->pair(f->user, name, value, f->at.line) != 0)
            return stop(f, INI_LINES_STOPPED);
    } else if (f->gave == GAVE_PROBE && strcmp(section, RESET_SECTION) != 0) {
        if (!header_ends_line(&f->at))
            return stop(f, INI_LINES_SYNTAX);
        if (f->ops->section(f->user, section, f->at.line) != 0)
            return stop(f, INI_LINES_STOPPED);
    }
    return 1;
}

/* The longest line of the text, in bytes without its newline. */
static size_t longest_line(const char *text, size_t len)
{
    size_t max = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (n > max)
            max = n;
        pos += n + 1;
    }
    return max;
}

enum ini_lines_status ini_lines_parse(const char *text, size_t len, const struct ini_lines_ops *ops,
                                      void *user, struct ini_lines_pos *pos)
{
    static char comment_prefixes[] = "#;";
    struct feed f = {.text = text, .len = len, .ops = ops, .user = user};
    size_t max = longest_line(text, len);
    if (max < sizeof(PROBE_LINE))
        max = sizeof(PROBE_LINE);
    if (max > INT_MAX - 3) {
        *pos = (struct ini_lines_pos){.line = 1, .text = text, .len = 0};
        return INI_LINES_NOMEM;
    }
    /* libinih's run-time options (Debian's build; their compiled-in defaults differ). The
     * reset line before each line already clears inih's continuation name and is its line 1
     * (where it looks for a BOM); the two are switched off all the same. */
    ini_allow_multiline = false; /* a line with leading blanks is not a continuation */
    ini_allow_bom = false;       /* as before inih: a BOM is a syntax error */
    ini_start_comment_prefixes = comment_prefixes;
    ini_allow_inline_comments = false; /* default on for ';': would cut "a ; b" in a value */
    ini_allow_no_value = false;        /* a line without '=' is a syntax error */
    ini_stop_on_first_error = true;
    ini_use_stack = false; /* heap buffer, one allocation of ... */
    ini_allow_realloc = false;
    ini_initial_alloc = ini_max_line = (int)max + 3; /* ... the longest line: never split */

    int rc = ini_parse_stream(feed_line, &f, on_pair, &f);
    *pos = f.at;
    if (f.status != INI_LINES_OK)
        return f.status;
    if (rc == -2)
        return INI_LINES_NOMEM;
    return rc != 0 ? INI_LINES_SYNTAX : INI_LINES_OK;
}
