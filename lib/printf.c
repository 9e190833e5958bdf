/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/printf.c — a small printf: %c %s %d %i %u %x %X %p, flags '0' '-', width, l/ll/z. */
#include <stdbool.h>
#include <stdint.h>

#include "lib/console.h"
#include "lib/string.h"

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg, int width,
                    bool zero, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && zero)
        put(o, '-');
    if (!left)
        for (; len < width; width--)
            put(o, zero ? '0' : ' ');
    if (neg && !zero)
        put(o, '-');
    while (n)
        put(o, tmp[--n]);
    if (left)
        for (; len < width; width--)
            put(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        bool zero = false, left = false;
        int width = 0, lng = 0;
        for (fmt++; *fmt == '0' || *fmt == '-'; fmt++) {
            if (*fmt == '0')
                zero = true;
            else
                left = true;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            lng++;
        switch (*fmt) {
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = (int)strlen(s);
            if (!left)
                for (; len < width; width--)
                    put(&o, ' ');
            while (*s)
                put(&o, *s++);
            for (; len < width; width--)
                put(&o, ' ');
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false, v < 0, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            put_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, zero, left);
            break;
        case '%':
            put(&o, '%');
            break;
        default: /* unknown conversion: print it verbatim so the mistake shows */
            put(&o, '%');
            if (*fmt)
                put(&o, *fmt);
            else
                fmt--;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Console lines are protocol lines (docs/protocol.md): one that does not fit is cut with a
 * visible marker, and keeps its newline so that the next line stays a line of its own. */
int kvprintf(const char *fmt, va_list ap)
{
    static const char cut[] = "...[cut]\n";
    char line[512];
    int n = kvsnprintf(line, sizeof(line), fmt, ap);
    if ((size_t)n < sizeof(line)) {
        con_write(line, (size_t)n);
    } else {
        con_write(line, sizeof(line) - sizeof(cut));
        con_write(cut, sizeof(cut) - 1);
    }
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
