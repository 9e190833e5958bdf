/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the fuzz target's files: the input cursor and the violation report. */
#ifndef UNIT_FUZZ_FUZZ_INPUT_H
#define UNIT_FUZZ_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct input {
    const uint8_t *p;
    size_t n;
};

/* The next `bytes` bytes big-endian; zeros once the input is used up. */
static inline uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v = (v << 8) | (in->n ? *in->p : 0);
        if (in->n) {
            in->p++;
            in->n--;
        }
    }
    return v;
}

/* A violation: say which and abort(), which libFuzzer reports as a crash (non-zero exit). */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_core: VIOLATION: " __VA_ARGS__);                                 \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

void fuzz_meaning(struct input *in); /* fuzz_meaning.c */

#endif
