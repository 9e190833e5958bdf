/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/program_vector.h — the vector a generated program's op raises (docs/fuzz.md), one
 * table for the guest that runs the program (guest/program.c) and the runner that generates
 * and reduces it (runner/gen.c). Freestanding: no library calls. */
#ifndef LIB_PROGRAM_VECTOR_H
#define LIB_PROGRAM_VECTOR_H

/* kind: the op letter; arg: its vector (n i q) or the injected event's letter (x).
 * -1: the op raises no event (t: a TPR write). */
static inline int program_kind_vector(char kind, unsigned arg)
{
    switch (kind) {
    case 'g': /* #GP (SDM 6.15 "Interrupt 13") */
        return 13;
    case 'p': /* #PF */
        return 14;
    case 'u': /* #UD */
        return 6;
    case 'd': /* #DE */
        return 0;
    case 'b': /* #BP: INT3 */
        return 3;
    case 's': /* single-step #DB */
    case 'w': /* data-breakpoint #DB */
        return 1;
    case 'm': /* NMI */
        return 2;
    case 'n': /* INT n */
    case 'i': /* self-IPI */
    case 'q':
        return (int)arg;
    case 'x': /* hv/-injected: #GP, #PF, NMI, INT3, else INT 0x80 */
        return arg == 'g' ? 13 : arg == 'p' ? 14 : arg == 'n' ? 2 : arg == 'b' ? 3 : 0x80;
    }
    return -1;
}

#endif
