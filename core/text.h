/* SPDX-License-Identifier: BSD-2-Clause */
/* Tiny text builder for freestanding code: no libc. Appends are truncated to the buffer
 * (always NUL-terminated when len > 0); `pos` counts what fit. */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct text {
    char *buf;
    size_t len; /* capacity, including the NUL */
    size_t pos; /* characters written, excluding the NUL */
};

void text_init(struct text *t, char *buf, size_t len);
void text_str(struct text *t, const char *s);
void text_char(struct text *t, char c);
void text_dec(struct text *t, uint64_t v);
void text_hex(struct text *t, uint64_t v, unsigned min_digits); /* "0x" + lowercase digits */
size_t text_length(const char *s);
int text_equal(const char *a, const char *b); /* 1 when equal, no libc strcmp */
/* Whole-string unsigned number: decimal, or hex with 0x/0X. Returns 0 on success, -1 when
 * empty, malformed or with trailing junk, -2 when it does not fit in 64 bits. */
int text_parse_u64(const char *s, uint64_t *out);

#endif
