/* SPDX-License-Identifier: BSD-2-Clause */
/* Tiny text builder for freestanding code (see text.h). */
#include "core/text.h"

void text_init(struct text *t, char *buf, size_t len)
{
    t->buf = buf;
    t->len = len;
    t->pos = 0;
    if (len > 0)
        buf[0] = '\0';
}

void text_char(struct text *t, char c)
{
    if (t->len == 0 || t->pos + 1 >= t->len)
        return;
    t->buf[t->pos++] = c;
    t->buf[t->pos] = '\0';
}

void text_str(struct text *t, const char *s)
{
    while (*s)
        text_char(t, *s++);
}

void text_dec(struct text *t, uint64_t v)
{
    char tmp[20];
    unsigned n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        text_char(t, tmp[--n]);
}

void text_hex(struct text *t, uint64_t v, unsigned min_digits)
{
    static const char digits[] = "0123456789abcdef";
    unsigned n = 16;
    while (n > 1 && n > min_digits && ((v >> (4 * (n - 1))) & 0xf) == 0)
        n--;
    text_str(t, "0x");
    while (n)
        text_char(t, digits[(v >> (4 * --n)) & 0xf]);
}

size_t text_length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int text_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

int text_parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0')
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d = (unsigned)digit_value(*s);
        if (d >= base)
            return -1;
        if (v > (UINT64_MAX - d) / base)
            return -2;
        v = v * base + d;
    }
    *out = v;
    return 0;
}
