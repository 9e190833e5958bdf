/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/gen.h — generated scenarios on the host side (docs/fuzz.md): a program of 1-4 ops
 * and one perturbation, its compact text `gen:<ops>@<target><pages>` (the guest's
 * interpreter, guest/program.c, reads the same grammar), seeded reproducible generation
 * (index i of seed S is the same program whatever else is generated), and the steps that
 * shrink a program for reduction. */
#ifndef RUNNER_GEN_H
#define RUNNER_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_PREFIX  "gen:"
#define GEN_MAX_OPS 4
#define GEN_OPS     "gpudbnswiqmtx" /* the op letters, docs/fuzz.md */

struct gen_op {
    char kind;    /* one of GEN_OPS */
    unsigned arg; /* vector (n i q), TPR (t), injected event letter (x) */
    char shadow;  /* 0, '+' (STI shadow) or '~' (MOV SS shadow) */
    bool nmi;     /* '^': the handler of the op's first event sends a self-NMI */
};

struct gen_program {
    struct gen_op op[GEN_MAX_OPS];
    unsigned n;
    unsigned target; /* the op whose delivery is perturbed */
    char pages[5];   /* letters of s i g t, the first is the main page; NUL-terminated */
};

/* The program of index `index` of seed `seed`. */
void gen_random(uint64_t seed, uint64_t index, struct gen_program *p);

/* The specifier "gen:..." (caller frees). */
char *gen_format(const struct gen_program *p);
/* The text after "gen:" only (caller frees). */
char *gen_format_program(const struct gen_program *p);

/* Parse a specifier ("gen:..." ) as the guest does. 0, or -1 with *err (caller frees). */
int gen_parse(const char *spec, struct gen_program *p, char **err);

/* The vector the op raises, -1 for none (t). */
int gen_op_vector(const struct gen_op *op);
/* Does it need hv/ (an injected event: the reference is the unperturbed run under hv/)? */
bool gen_needs_hv(const struct gen_program *p);

/* Reduction steps (runner/fuzz_reduce.c tries them in this order): the programs one step
 * simpler than *p — an op dropped, a modifier dropped, a page dropped, the main page made
 * the stack. Fills out[0 .. return) (at most GEN_MAX_STEPS). */
#define GEN_MAX_STEPS 16
size_t gen_simpler(const struct gen_program *p, struct gen_program *out);

#endif
