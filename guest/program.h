/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/program.h — generated scenarios: a program of 1-4 events and one perturbation,
 * written as compact text (grammar: docs/fuzz.md), that the guest interprets at run time
 * into a `struct scenario` (guest/scenario.h). The runner generates them (`redeliver fuzz`). */
#ifndef GUEST_PROGRAM_H
#define GUEST_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/scenario.h"

#define PROGRAM_PREFIX  "gen:"
#define PROGRAM_MAX_OPS 4
/* The vectors of INT n ops (an immediate: guest/program_ops.c has one case for each). */
#define PROGRAM_INT_N_VECTORS(X) X(0x21) X(0x40) X(0x80) X(0xe0)

struct program_op {
    char kind;           /* g p u d b n s w i q m t x (docs/fuzz.md) */
    uint8_t arg;         /* vector (n i q), TPR (t), injected kind (x) */
    char shadow;         /* 0, '+' (in an STI shadow) or '~' (in a MOV SS shadow) */
    bool nmi_in_handler; /* '^': the handler of the op's first event sends a self-NMI */
};

struct program {
    struct program_op op[PROGRAM_MAX_OPS];
    unsigned n;
    unsigned target;        /* the op whose event's delivery is perturbed */
    enum perturb_page page; /* the first page letter */
    uint32_t also_pages;    /* the others, bit n = 1 << n of enum perturb_page */
};

/* Parses `text` (after the prefix) into *p: NULL, or why not. */
const char *program_parse(const char *text, struct program *p);
/* The vector an op raises, -1 for an op that raises none (t). */
int program_op_vector(const struct program_op *op);
bool program_needs_hv(const struct program *p);

/* Parses `text` and builds the row `name` in *scratch; prints why and returns NULL when it
 * does not parse. The program is kept until the next call (one row runs at a time). */
const struct scenario *program_resolve(const char *name, const char *text,
                                       struct scenario *scratch);

/* guest/program_ops.c: runs one op. */
void program_op_run(const struct program_op *op);

#endif
